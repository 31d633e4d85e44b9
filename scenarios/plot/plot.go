// Package plot draws a run's snapshots as the paper's figures, in PNG:
// activation mean and spread per layer during training (Figs 2, 3, 10),
// gradient variances (Fig 9), learning curves (Fig 11), histograms at
// initialization and at the end (Figs 4, 6-8), and theory against
// measurement at initialization.
package plot

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"initscope/scenarios/batch"
)

// Run is what the figures are drawn from: a run's first line and its
// snapshots, as --batch writes them. Fill Snapshots directly for a short
// run, or through Add, which keeps memory bounded however long the run.
type Run struct {
	Run       batch.RunRecord
	Snapshots []batch.SnapshotRecord
	// Surfaces are the run's cost surfaces (Fig 5), one per cost.
	Surfaces []batch.SurfaceRecord

	// Seen counts the snapshots given to Add. Past MaxKept, Snapshots
	// holds every Stride-th of them and the latest.
	Seen   int64
	Stride int64
	tail   bool // the last of Snapshots is the latest, off the Stride grid
}

// MaxKept bounds the snapshots Add keeps: more points than the figures'
// 768 pixels across cannot show, and a run of 2^40 steps snapshotted at
// every step must not keep them all (20 layers are about 4 KB a snapshot).
const MaxKept = 4096

// Add appends s, thinning the snapshots kept to every Stride-th when there
// are more than MaxKept (Stride doubles each time), and always keeping the
// first and the latest. Only those two keep their histograms: they are
// the only ones drawn.
func (r *Run) Add(s batch.SnapshotRecord) {
	if r.Stride == 0 {
		r.Stride = 1
	}
	if r.tail { // the previous latest was off the grid: s replaces it
		r.Snapshots = r.Snapshots[:len(r.Snapshots)-1]
	}
	if n := len(r.Snapshots); n > 1 {
		dropHists(&r.Snapshots[n-1])
	}
	r.Snapshots = append(r.Snapshots, s)
	r.tail = r.Seen%r.Stride != 0
	r.Seen++
	if grid := len(r.Snapshots) - btoi(r.tail); grid > MaxKept {
		latest := r.Snapshots[len(r.Snapshots)-1]
		kept := r.Snapshots[:0]
		for i := 0; i < grid; i += 2 { // grid index i is snapshot i*Stride: keep multiples of 2*Stride
			kept = append(kept, r.Snapshots[i])
		}
		r.Stride *= 2
		r.tail = (r.Seen-1)%r.Stride != 0
		if r.tail {
			kept = append(kept, latest)
		}
		clear(r.Snapshots[len(kept):])
		r.Snapshots = kept
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// dropHists clears s's histograms, copying its layers so that a caller's
// record is left alone.
func dropHists(s *batch.SnapshotRecord) {
	if !slices.ContainsFunc(s.Layers, func(l batch.LayerRecord) bool {
		return slices.ContainsFunc(l.Hists[:], func(h *batch.HistValue) bool { return h != nil })
	}) {
		return
	}
	layers := make([]batch.LayerRecord, len(s.Layers))
	for i, l := range s.Layers {
		l.Hists = [batch.NumHists]*batch.HistValue{}
		layers[i] = l
	}
	s.Layers = layers
}

// Write draws every figure the run has data for into dir (created if
// needed), as PNG, and returns the files written.
func Write(dir string, r Run) ([]string, error) {
	return WriteContext(context.Background(), dir, r)
}

// WriteContext is Write that stops between figures once ctx is done,
// returning the files written so far and ctx's error: the app draws a
// run's figures while the user may reset or quit it (a figure of a long,
// deep run takes a fraction of a second).
func WriteContext(ctx context.Context, dir string, r Run) ([]string, error) {
	return WriteFormats(ctx, dir, r, PNG)
}

// WriteFormats is WriteContext in each of formats: name.png, name.svg,
// name.pdf for each figure, in that order.
func WriteFormats(ctx context.Context, dir string, r Run, formats ...Format) ([]string, error) {
	if len(r.Snapshots) == 0 && len(r.Surfaces) == 0 {
		return nil, fmt.Errorf("no snapshots to plot")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	for _, f := range figures(r) {
		if err := ctx.Err(); err != nil {
			return written, err
		}
		files, err := f.Save(ctx, filepath.Join(dir, f.name), formats...)
		written = append(written, files...)
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// figures lays out every figure r has data for.
func figures(r Run) []Figure {
	trained := len(r.Snapshots) > 1 // curves over training need two points at least
	some := len(r.Snapshots) > 0
	all := []struct {
		name string
		want bool
		lay  func(Run) (Figure, bool)
	}{
		{"activations", trained, activations},
		{"gradients", trained, gradients},
		{"learning", trained, learning},
		{"theory", some, theory},
		{"hist-first", some, func(r Run) (Figure, bool) { return histograms(r, r.Snapshots[0], "Figs 6-8") }},
		{"hist-last", trained, func(r Run) (Figure, bool) { return histograms(r, r.Snapshots[len(r.Snapshots)-1], "Fig 4") }},
		{"surface", len(r.Surfaces) > 0, surfaces},
	}
	var figs []Figure
	for _, f := range all {
		if !f.want {
			continue
		}
		if fig, ok := f.lay(r); ok {
			fig.name = f.name
			figs = append(figs, fig)
		}
	}
	return figs
}

// title names the paper's figure and the run in a figure's first panel:
// "Fig 3 · fig3-tanh: tanh, standard init, 5 x 256", and what below.
func title(r Run, fig, what string) string {
	s := r.Run.Scenario
	data := ""
	if k := dataKind(r); k != "shapeset" {
		data = ", " + k // the paper's own data set goes without saying
	}
	return fmt.Sprintf("%s · %s: %s, %s init, %d x %d%s\n%s", fig, s.Name, s.Activation, s.Init, s.Depth, s.Width, data, what)
}

// dataKind is the run's data set without its files ("mnist" of
// "mnist:/data/mnist").
func dataKind(r Run) string {
	kind, _, _ := strings.Cut(r.Run.Scenario.Dataset, ":")
	return kind
}

// series collects (step, value) for one layer; nulls are left out.
func series(r Run, layer int, get func(batch.LayerRecord) *float64) plotter.XYs {
	var xy plotter.XYs
	for _, s := range r.Snapshots {
		if layer < len(s.Layers) {
			if v := get(s.Layers[layer]); v != nil {
				xy = append(xy, plotter.XY{X: float64(s.Step), Y: *v})
			}
		}
	}
	return xy
}

// steps labels a figure's step axis, saying when Add thinned the run.
func steps(r Run, what string) string {
	if r.Stride > 1 {
		return fmt.Sprintf("%s (every %d%s of %d snapshots)", what, r.Stride, ordinal(r.Stride), r.Seen)
	}
	return what
}

func ordinal(n int64) string {
	switch {
	case n%100 >= 11 && n%100 <= 13:
		return "th"
	case n%10 == 1:
		return "st"
	case n%10 == 2:
		return "nd"
	case n%10 == 3:
		return "rd"
	}
	return "th"
}

// stat reads statistic s from a layer record.
func stat(s batch.Stat) func(batch.LayerRecord) *float64 {
	return func(l batch.LayerRecord) *float64 { return l.Stats[s] }
}

// layerName is a layer's legend entry.
func layerName(l int) string { return fmt.Sprintf("layer %d", l+1) }

// statPanel draws statistic s of every layer over training, on the
// table's scale and in its unit.
func statPanel(r Run, s batch.Stat, titleText string) *Panel {
	p := NewPanel(titleText, steps(r, "step"), s.Info().Unit, s.Log())
	for l := range r.Snapshots[0].Layers {
		p.Line(series(r, l, stat(s)), LayerStyle(l), layerName(l))
	}
	return p
}

// dashed is st dashed.
func dashed(st Style) Style { st.Dashed = true; return st }

// activations: mean (solid) and mean +- std (dashed) per layer, and the
// 98th percentile with the std, as in Figs 2, 3 and 10.
func activations(r Run) (Figure, bool) {
	mean := NewPanel(title(r, "Figs 2, 3, 10", "activation mean (solid) and mean ± std (dashed)"), steps(r, "step"), batch.ActMean.Info().Unit, false)
	p98 := NewPanel(batch.ActP98.Title()+" (solid) and std (dashed)", steps(r, "step"), batch.ActP98.Info().Unit, false)
	mStd := func(sign float64) func(batch.LayerRecord) *float64 {
		return func(x batch.LayerRecord) *float64 { return add(x.Stats[batch.ActMean], x.Stats[batch.ActStd], sign) }
	}
	for l := range r.Snapshots[0].Layers {
		st := LayerStyle(l)
		mean.Line(series(r, l, stat(batch.ActMean)), st, layerName(l))
		mean.Line(series(r, l, mStd(1)), dashed(st), "")
		mean.Line(series(r, l, mStd(-1)), dashed(st), "")
		p98.Line(series(r, l, stat(batch.ActP98)), st, layerName(l))
		p98.Line(series(r, l, stat(batch.ActStd)), dashed(st), "")
	}
	sat := statPanel(r, batch.Saturated, "saturated fraction")
	return grid([][]*Panel{{mean}, {p98}, {sat}}, 8*vg.Inch, 12*vg.Inch), true
}

func add(a, b *float64, sign float64) *float64 {
	if a == nil || b == nil {
		return nil
	}
	v := *a + sign**b
	return &v
}

// gradients: variances of back-propagated and weight gradients per layer,
// log scale. Fig 9 plots the spread of the weight gradient one example's
// SGD step sees (its std, the square root): wgrad_var_ex, drawn when the
// run has it (older files do not); below it, the probe-mean gradient's.
func gradients(r Run) (Figure, bool) {
	g := statPanel(r, batch.GradVar, title(r, "Fig 9", "back-propagated gradient variance"))
	w := statPanel(r, batch.WGradVar, "variance of the probe set's mean weight gradient")
	rows := [][]*Panel{{g}}
	if hasStat(r, batch.WGradVarEx) {
		rows = append(rows, []*Panel{statPanel(r, batch.WGradVarEx, "per-example weight-gradient variance (Fig 9 plots its square root)")})
	}
	rows = append(rows, []*Panel{w})
	return grid(rows, 8*vg.Inch, vg.Length(4*len(rows))*vg.Inch), true
}

// hasStat says whether any snapshot of r has a value of s.
func hasStat(r Run, s batch.Stat) bool {
	for _, snap := range r.Snapshots {
		for _, l := range snap.Layers {
			if l.Stats[s] != nil {
				return true
			}
		}
	}
	return false
}

// learning: training loss and test error against examples seen (Fig 11).
func learning(r Run) (Figure, bool) {
	fig := "Fig 11" // Shapeset; the paper's Fig 12 is MNIST's and CIFAR-10's
	if dataKind(r) != "shapeset" {
		fig = "Fig 12"
	}
	loss := NewPanel(title(r, fig, "training cost"), steps(r, "examples seen"), "mean cost since last snapshot", false)
	errp := NewPanel("test error", steps(r, "examples seen"), "error rate", false)
	var lxy, exy plotter.XYs
	for _, s := range r.Snapshots {
		if s.TrainLoss != nil {
			lxy = append(lxy, plotter.XY{X: float64(s.Examples), Y: *s.TrainLoss})
		}
		if s.TestError != nil {
			exy = append(exy, plotter.XY{X: float64(s.Examples), Y: *s.TestError})
		}
	}
	loss.Line(lxy, LayerStyle(0), "")
	errp.Line(exy, LayerStyle(1), "")
	return grid([][]*Panel{{loss}, {errp}}, 8*vg.Inch, 8*vg.Inch), len(exy) > 0
}

// theory: measured variances at the first snapshot beside the linear-regime
// predictions, per layer, log scale, a marker at each layer.
func theory(r Run) (Figure, bool) {
	first := r.Snapshots[0]
	act := NewPanel(title(r, "Figs 6-7", "activation variance at step 0"), "layer", "variance", true)
	grad := NewPanel("back-propagated gradient variance at step 0", "layer", "variance", true)
	for _, p := range []*Panel{act, grad} {
		p.X.Tick.Marker = LayerTicks{}
	}
	byLayer := func(get func(batch.LayerRecord) *float64) plotter.XYs {
		var xy plotter.XYs
		for _, l := range first.Layers {
			if v := get(l); v != nil {
				xy = append(xy, plotter.XY{X: float64(l.Layer), Y: *v})
			}
		}
		return xy
	}
	actVar := func(l batch.LayerRecord) *float64 {
		sd := l.Stats[batch.ActStd]
		if sd == nil {
			return nil
		}
		v := *sd * *sd
		return &v
	}
	measured, predicted := LayerStyle(0), dashed(LayerStyle(1))
	measured.Marker, predicted.Marker = true, true
	mAct := byLayer(actVar)
	act.Line(mAct, measured, "measured")
	act.Line(byLayer(stat(batch.TheoryActVar)), predicted, "theory")
	grad.Line(byLayer(stat(batch.GradVar)), measured, "measured")
	grad.Line(byLayer(stat(batch.TheoryGradVar)), predicted, "theory")
	return grid([][]*Panel{{act}, {grad}}, 8*vg.Inch, 8*vg.Inch), len(mAct) > 1
}

// histograms: one row per histogram of the table, one normalized curve per
// layer, as in Figs 6-8 (at step 0) and Fig 4 (at the end). Only with --hist.
func histograms(r Run, s batch.SnapshotRecord, fig string) (Figure, bool) {
	var rows [][]*Panel
	for i, k := range batch.Hists() {
		name := k.Title() + fmt.Sprintf(" at step %d", s.Step)
		if i == 0 {
			name = title(r, fig, name)
		}
		p := NewPanel(name, "value", "fraction", false)
		any := false
		for l, layer := range s.Layers {
			h := layer.Hists[k]
			if h == nil {
				continue
			}
			any = true
			p.Line(histCurve(h), LayerStyle(l), layerName(l))
		}
		if !any {
			return Figure{}, false
		}
		rows = append(rows, []*Panel{p})
	}
	// Each row's values are another quantity: their x ranges differ.
	return Figure{Panels: rows, W: 8 * vg.Inch, H: 12 * vg.Inch}, true
}

// histCurve turns counts into the fraction of values per bin, at bin
// centres. Sums are in float64 so that crafted counts cannot overflow.
func histCurve(h *batch.HistValue) plotter.XYs {
	total := float64(h.Under) + float64(h.Over) + float64(h.NaN)
	for _, c := range h.Counts {
		total += float64(c)
	}
	total = max(total, 1)
	width := (h.Hi - h.Lo) / float64(len(h.Counts))
	xy := make(plotter.XYs, len(h.Counts))
	for i, c := range h.Counts {
		xy[i] = plotter.XY{X: h.Lo + (float64(i)+0.5)*width, Y: float64(c) / total}
	}
	return xy
}
