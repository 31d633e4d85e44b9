package batch

import (
	"math"
	"runtime"

	"initscope/nn"
	"initscope/scenarios"
)

// The JSON Lines contract. Other tools read these names and types: add
// fields freely, never rename or drop one. A value that does not apply (or
// is NaN or Inf, as in a diverged run) is null, never missing.

// RunRecord is the first line: every resolved setting.
type RunRecord struct {
	Type string `json:"type"` // "run"
	scenarios.Scenario
	Inputs  int    `json:"inputs"`
	Classes int    `json:"classes"`
	Params  int    `json:"params"`
	Kernel  string `json:"kernel"`
	GoArch  string `json:"goarch"`
	Cores   int    `json:"cores"`
}

// SnapshotRecord is one snapshot.
type SnapshotRecord struct {
	Type      string        `json:"type"` // "snapshot"
	Step      int64         `json:"step"`
	Examples  int64         `json:"examples"`
	TrainLoss *float64      `json:"train_loss"`
	TestError *float64      `json:"test_error"`
	TestLoss  *float64      `json:"test_loss"`
	ProbeLoss *float64      `json:"probe_loss"`
	Layers    []LayerRecord `json:"layers"`
}

// LayerRecord holds one hidden layer's statistics.
type LayerRecord struct {
	Layer         int        `json:"layer"`
	ActMean       *float64   `json:"act_mean"`
	ActStd        *float64   `json:"act_std"`
	ActP2         *float64   `json:"act_p2"`
	ActP98        *float64   `json:"act_p98"`
	Saturated     *float64   `json:"saturated"`
	GradVar       *float64   `json:"grad_var"`
	WGradVar      *float64   `json:"wgrad_var"`
	JacSVMean     *float64   `json:"jac_sv_mean"`
	TheoryActVar  *float64   `json:"theory_act_var"`
	TheoryGradVar *float64   `json:"theory_grad_var"`
	ActHist       *HistValue `json:"act_hist"`
	GradHist      *HistValue `json:"grad_hist"`
	WGradHist     *HistValue `json:"wgrad_hist"`
}

// HistValue is a histogram: Counts over equal bins of [Lo, Hi), with the
// values outside it and the NaNs counted apart.
type HistValue struct {
	Lo     float64 `json:"lo"`
	Hi     float64 `json:"hi"`
	Counts []int   `json:"counts"`
	Under  int     `json:"under"`
	Over   int     `json:"over"`
	NaN    int     `json:"nan"`
}

// SummaryRecord is the last line.
type SummaryRecord struct {
	Type         string   `json:"type"` // "summary"
	Steps        int64    `json:"steps"`
	Examples     int64    `json:"examples"`
	TestError    *float64 `json:"test_error"`
	Diverged     bool     `json:"diverged"`
	DivergedStep *int64   `json:"diverged_step"`
	Interrupted  bool     `json:"interrupted"`
	ElapsedS     float64  `json:"elapsed_s"`
	TrainS       float64  `json:"train_s"`
	ExamplesPerS *float64 `json:"examples_per_s"`
}

// num maps NaN and Inf to null.
func num(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// NewRunRecord describes r's run: the run line of the contract. Take it
// in the goroutine that drives r.
func NewRunRecord(r *scenarios.Runner) RunRecord {
	return RunRecord{Type: "run", Scenario: r.Scenario, Inputs: r.Net.Inputs, Classes: r.Net.Classes,
		Params: r.Net.Params(), Kernel: nn.KernelName(), GoArch: runtime.GOARCH, Cores: runtime.GOMAXPROCS(0)}
}

// NewSnapshotRecord converts a snapshot to its JSON form.
func NewSnapshotRecord(s nn.Snapshot) SnapshotRecord {
	rec := SnapshotRecord{Type: "snapshot", Step: s.Step, Examples: s.Examples,
		TrainLoss: num(s.TrainLoss), TestError: num(s.TestError), TestLoss: num(s.TestLoss), ProbeLoss: num(s.ProbeLoss),
		Layers: make([]LayerRecord, len(s.Layers))}
	for i, l := range s.Layers {
		rec.Layers[i] = LayerRecord{Layer: l.Layer,
			ActMean: num(l.ActMean), ActStd: num(l.ActStd), ActP2: num(l.ActP2), ActP98: num(l.ActP98),
			Saturated: num(l.Saturated), GradVar: num(l.GradVar), WGradVar: num(l.WGradVar), JacSVMean: num(l.JacSVMean),
			TheoryActVar: num(l.TheoryActVar), TheoryGradVar: num(l.TheoryGradVar),
			ActHist: hist(l.ActHist), GradHist: hist(l.GradHist), WGradHist: hist(l.WGradHist)}
	}
	return rec
}

func hist(h *nn.Histogram) *HistValue {
	if h == nil {
		return nil
	}
	return &HistValue{Lo: h.Lo, Hi: h.Hi, Counts: h.Counts, Under: h.Under, Over: h.Over, NaN: h.NaN}
}

func newSummaryRecord(s scenarios.Summary, interrupted bool) SummaryRecord {
	rec := SummaryRecord{Type: "summary", Steps: s.Steps, Examples: s.Examples, TestError: num(s.TestError),
		Diverged: s.Diverged, Interrupted: interrupted, ElapsedS: s.Elapsed.Seconds(), TrainS: s.TrainTime.Seconds(),
		ExamplesPerS: num(s.ExamplesPerSecond())}
	if s.Diverged {
		step := s.DivergedStep
		rec.DivergedStep = &step
	}
	return rec
}
