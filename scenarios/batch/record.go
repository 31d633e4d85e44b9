package batch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"strconv"

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
	// Pretraining is --init pretrained's autoencoders, one per hidden
	// layer; null for other inits.
	Pretraining []PretrainRecord `json:"pretraining"`
	// JacobianMethod is how jac_sv_mean is computed at this width:
	// "exact" (the eigenvalues, to 1e-4) or "estimated" (stochastic
	// Lanczos quadrature, wider than nn.JacobianExactWidth, to about
	// 0.3%: nn.LayerStats.JacSVErr); null without two hidden layers.
	JacobianMethod *string `json:"jacobian_method"`
}

// PretrainRecord is what pre-training did to one hidden layer: the mean
// reconstruction cost per example on the probe set (same corruption masks)
// before and after its updates, and which cost it is.
type PretrainRecord struct {
	Layer      int      `json:"layer"`
	Cost       string   `json:"cost"` // "cross-entropy" or "squared-error"
	CostBefore *float64 `json:"cost_before"`
	CostAfter  *float64 `json:"cost_after"`
	Updates    int64    `json:"updates"`
	Examples   int64    `json:"examples"`
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
	SnapshotS *float64      `json:"snapshot_s"` // seconds the snapshot took, the Jacobian included
	Layers    []LayerRecord `json:"layers"`
}

// LayerRecord holds one hidden layer's statistics, indexed by the table in
// stats.go: Stats[ActMean] is the value under ActMean.Key(). Its JSON
// form is an object with "layer", then every statistic's key in table
// order (null when nil), then every histogram's key.
type LayerRecord struct {
	Layer int
	Stats [NumStats]*float64
	Hists [NumHists]*HistValue
}

// layerKey is the layer's number in the JSON record and the CSV.
const layerKey = "layer"

// MarshalJSON writes the record's keys in table order.
func (l LayerRecord) MarshalJSON() ([]byte, error) {
	b := append([]byte(`{"`+layerKey+`":`), strconv.Itoa(l.Layer)...)
	field := func(key string, v any) error {
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b = append(b, ',', '"')
		b = append(b, key...)
		b = append(b, '"', ':')
		b = append(b, data...)
		return nil
	}
	for s, v := range l.Stats {
		if err := field(Stat(s).Key(), v); err != nil {
			return nil, err
		}
	}
	for h, v := range l.Hists {
		if err := field(Hist(h).Key(), v); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// UnmarshalJSON reads a layer object: the table's keys, any order, null
// for a missing value; other keys are skipped without being kept, so a
// crafted object costs no more memory than its largest value.
func (l *LayerRecord) UnmarshalJSON(data []byte) error {
	if string(data) == "null" { // as encoding/json does: null changes nothing
		return nil
	}
	*l = LayerRecord{}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil {
		return err
	} else if t != json.Delim('{') {
		return fmt.Errorf("a layer is %v, not an object", t)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		var dst any = new(json.RawMessage) // an unknown key: skipped
		if key == layerKey {
			dst = &l.Layer
		} else if s, ok := statByKey[key]; ok {
			dst = &l.Stats[s]
		} else if h, ok := histByKey[key]; ok {
			dst = &l.Hists[h]
		}
		if err := dec.Decode(dst); err != nil {
			return fmt.Errorf("%s: %v", key, err)
		}
	}
	_, err := dec.Token() // the closing brace
	return err
}

var statByKey, histByKey = func() (map[string]Stat, map[string]Hist) {
	sm, hm := map[string]Stat{}, map[string]Hist{}
	for _, s := range Stats() {
		sm[s.Key()] = s
	}
	for _, h := range Hists() {
		hm[h.Key()] = h
	}
	return sm, hm
}()

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

// SurfaceRecord is a cost over a grid of two weights, one in the first
// layer and one in the output layer (the paper's Fig 5), at the step-0
// weights: one record per cost, after the step-0 snapshot, in a run whose
// surface setting is above 0 (surface.go).
type SurfaceRecord struct {
	Type     string       `json:"type"` // "surface"
	Step     int64        `json:"step"`
	Cost     string       `json:"cost"`
	Data     string       `json:"data"`     // what the cost is averaged over: "random" is the paper's random inputs and targets
	Examples int          `json:"examples"` // how many
	W1       WeightRecord `json:"w1"`
	W2       WeightRecord `json:"w2"`
	X        []float64    `json:"x"`      // W1's values, one per row of Values
	Y        []float64    `json:"y"`      // W2's values, one per column
	Values   [][]*float64 `json:"values"` // Values[i][j]: the mean cost at W1 = X[i], W2 = Y[j]; null when not finite
}

// WeightRecord names one weight of a surface, 1-based: layer Depth+1 is
// the output layer, unit the layer's unit (class), input the unit of the
// layer below (or the input) it comes from.
type WeightRecord struct {
	Layer int      `json:"layer"`
	Unit  int      `json:"unit"`
	Input int      `json:"input"`
	Init  *float64 `json:"init"` // its value in the network, the one every other point of the grid keeps
}

// TimingKeys are the fields that carry wall-clock time: two runs of the
// same seed differ only in them.
var TimingKeys = []string{"elapsed_s", "train_s", "examples_per_s", "snapshot_s"}

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
	rec := RunRecord{Type: "run", Scenario: r.Scenario, Inputs: r.Net.Inputs, Classes: r.Net.Classes,
		Params: r.Net.Params(), Kernel: r.Net.Kernel(), GoArch: runtime.GOARCH, Cores: runtime.GOMAXPROCS(0)}
	if r.Net.Depth > 1 {
		method := "exact"
		if nn.JacobianEstimated(r.Net.Width) {
			method = "estimated"
		}
		rec.JacobianMethod = &method
	}
	for _, p := range r.Pretraining {
		cost := "squared-error"
		if p.CrossEntropy {
			cost = "cross-entropy"
		}
		rec.Pretraining = append(rec.Pretraining, PretrainRecord{Layer: p.Layer, Cost: cost,
			CostBefore: num(p.CostBefore), CostAfter: num(p.CostAfter), Updates: p.Updates, Examples: p.Examples})
	}
	return rec
}

// NewSnapshotRecord converts a snapshot to its JSON form.
func NewSnapshotRecord(s nn.Snapshot) SnapshotRecord {
	rec := SnapshotRecord{Type: "snapshot", Step: s.Step, Examples: s.Examples,
		TrainLoss: num(s.TrainLoss), TestError: num(s.TestError), TestLoss: num(s.TestLoss), ProbeLoss: num(s.ProbeLoss),
		SnapshotS: num(s.Seconds), Layers: make([]LayerRecord, len(s.Layers))}
	for i, l := range s.Layers {
		rec.Layers[i] = NewLayerRecord(l)
	}
	return rec
}

// NewLayerRecord converts one layer's statistics to its JSON form.
func NewLayerRecord(l nn.LayerStats) LayerRecord {
	rec := LayerRecord{Layer: l.Layer}
	for _, s := range Stats() {
		rec.Stats[s] = num(s.Get(l))
	}
	for _, h := range Hists() {
		rec.Hists[h] = hist(h.Get(l))
	}
	return rec
}

func hist(h *nn.Histogram) *HistValue {
	if h == nil {
		return nil
	}
	return &HistValue{Lo: h.Lo, Hi: h.Hi, Counts: h.Counts, Under: h.Under, Over: h.Over, NaN: h.NaN}
}

func newSummaryRecord(s scenarios.Summary) SummaryRecord {
	rec := SummaryRecord{Type: "summary", Steps: s.Steps, Examples: s.Examples, TestError: num(s.TestError),
		Diverged: s.Diverged, Interrupted: s.Interrupted, ElapsedS: s.Elapsed.Seconds(), TrainS: s.TrainTime.Seconds(),
		ExamplesPerS: num(s.ExamplesPerSecond())}
	if s.Diverged {
		step := s.DivergedStep
		rec.DivergedStep = &step
	}
	return rec
}
