// Package plot draws a run's snapshots as the paper's figures, in PNG:
// activation mean and spread per layer during training (Figs 2, 3, 10),
// gradient variances (Fig 9), learning curves (Fig 11), histograms at
// initialization and at the end (Figs 4, 6-8), and theory against
// measurement at initialization.
package plot

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"initscope/scenarios/batch"
)

// Run is what the figures are drawn from: a run's first line and its
// snapshots, as --batch writes them.
type Run struct {
	Run       batch.RunRecord
	Snapshots []batch.SnapshotRecord
}

// Write draws every figure the run has data for into dir (created if
// needed) and returns the files written.
func Write(dir string, r Run) ([]string, error) {
	if len(r.Snapshots) == 0 {
		return nil, fmt.Errorf("no snapshots to plot")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	trained := len(r.Snapshots) > 1 // curves over training need two points at least
	figures := []struct {
		name string
		want bool
		draw func(Run) (*vgimg.Canvas, bool)
	}{
		{"activations.png", trained, activations},
		{"gradients.png", trained, gradients},
		{"learning.png", trained, learning},
		{"theory.png", true, theory},
		{"hist-first.png", true, func(r Run) (*vgimg.Canvas, bool) { return histograms(r, r.Snapshots[0]) }},
		{"hist-last.png", trained, func(r Run) (*vgimg.Canvas, bool) { return histograms(r, r.Snapshots[len(r.Snapshots)-1]) }},
	}
	var written []string
	for _, f := range figures {
		if !f.want {
			continue
		}
		c, ok := f.draw(r)
		if !ok {
			continue
		}
		path := filepath.Join(dir, f.name)
		if err := savePNG(path, c); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}

func savePNG(path string, c *vgimg.Canvas) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// title names the run in every figure.
func title(r Run, what string) string {
	s := r.Run.Scenario
	return fmt.Sprintf("%s: %s, %s init, %d x %d — %s", s.Name, s.Activation, s.Init, s.Depth, s.Width, what)
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

func layerColor(l int) color.Color { return plotutil.Color(l) }

func addLine(p *plot.Plot, xy plotter.XYs, c color.Color, dashed bool, legend string) {
	if len(xy) == 0 {
		return
	}
	line, err := plotter.NewLine(xy)
	if err != nil {
		return
	}
	line.Color = c
	line.Width = vg.Points(1.2)
	if dashed {
		line.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	}
	p.Add(line)
	if legend != "" {
		p.Legend.Add(legend, line)
	}
}

// grid lays plots out in rows and columns on one canvas.
func grid(plots [][]*plot.Plot, w, h vg.Length) *vgimg.Canvas {
	c := vgimg.New(w, h)
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		for j, p := range plots[i] {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	return c
}

func newPlot(titleText, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = titleText
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Legend.Top = true
	return p
}

// activations: mean (solid) and mean +- std (dashed) per layer, and the
// 98th percentile with the std, as in Figs 2, 3 and 10.
func activations(r Run) (*vgimg.Canvas, bool) {
	mean := newPlot(title(r, "activation mean and ±std"), "step", "activation")
	p98 := newPlot("98th percentile (solid) and std (dashed)", "step", "activation")
	sat := newPlot("saturated fraction", "step", "fraction")
	for l := range r.Snapshots[0].Layers {
		c := layerColor(l)
		name := fmt.Sprintf("layer %d", l+1)
		addLine(mean, series(r, l, func(x batch.LayerRecord) *float64 { return x.ActMean }), c, false, name)
		addLine(mean, series(r, l, func(x batch.LayerRecord) *float64 { return add(x.ActMean, x.ActStd, 1) }), c, true, "")
		addLine(mean, series(r, l, func(x batch.LayerRecord) *float64 { return add(x.ActMean, x.ActStd, -1) }), c, true, "")
		addLine(p98, series(r, l, func(x batch.LayerRecord) *float64 { return x.ActP98 }), c, false, name)
		addLine(p98, series(r, l, func(x batch.LayerRecord) *float64 { return x.ActStd }), c, true, "")
		addLine(sat, series(r, l, func(x batch.LayerRecord) *float64 { return x.Saturated }), c, false, name)
	}
	return grid([][]*plot.Plot{{mean}, {p98}, {sat}}, 8*vg.Inch, 12*vg.Inch), true
}

func add(a, b *float64, sign float64) *float64 {
	if a == nil || b == nil {
		return nil
	}
	v := *a + sign**b
	return &v
}

// gradients: variances of back-propagated and weight gradients per layer,
// log scale (Fig 9 plots the weight gradients' std).
func gradients(r Run) (*vgimg.Canvas, bool) {
	g := newPlot(title(r, "back-propagated gradient variance"), "step", "Var[dC/ds]")
	w := newPlot("weight-gradient variance", "step", "Var[dC/dW]")
	for _, p := range []*plot.Plot{g, w} {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	for l := range r.Snapshots[0].Layers {
		name := fmt.Sprintf("layer %d", l+1)
		addLine(g, positive(series(r, l, func(x batch.LayerRecord) *float64 { return x.GradVar })), layerColor(l), false, name)
		addLine(w, positive(series(r, l, func(x batch.LayerRecord) *float64 { return x.WGradVar })), layerColor(l), false, name)
	}
	return grid([][]*plot.Plot{{g}, {w}}, 8*vg.Inch, 8*vg.Inch), true
}

// positive drops points a log axis cannot show.
func positive(xy plotter.XYs) plotter.XYs {
	var out plotter.XYs
	for _, p := range xy {
		if p.Y > 0 && !math.IsInf(p.Y, 0) {
			out = append(out, p)
		}
	}
	return out
}

// learning: training loss and test error against examples seen (Fig 11).
func learning(r Run) (*vgimg.Canvas, bool) {
	loss := newPlot(title(r, "training cost"), "examples seen", "mean cost since last snapshot")
	errp := newPlot("test error", "examples seen", "error rate")
	var lxy, exy plotter.XYs
	for _, s := range r.Snapshots {
		if s.TrainLoss != nil {
			lxy = append(lxy, plotter.XY{X: float64(s.Examples), Y: *s.TrainLoss})
		}
		if s.TestError != nil {
			exy = append(exy, plotter.XY{X: float64(s.Examples), Y: *s.TestError})
		}
	}
	addLine(loss, lxy, layerColor(0), false, "")
	addLine(errp, exy, layerColor(1), false, "")
	return grid([][]*plot.Plot{{loss}, {errp}}, 8*vg.Inch, 8*vg.Inch), len(exy) > 0
}

// theory: measured variances at the first snapshot beside the linear-regime
// predictions, per layer, log scale.
func theory(r Run) (*vgimg.Canvas, bool) {
	first := r.Snapshots[0]
	act := newPlot(title(r, "activation variance at step 0"), "layer", "variance")
	grad := newPlot("back-propagated gradient variance at step 0", "layer", "variance")
	var mAct, tAct, mGrad, tGrad plotter.XYs
	for _, l := range first.Layers {
		x := float64(l.Layer)
		if l.ActStd != nil {
			mAct = append(mAct, plotter.XY{X: x, Y: *l.ActStd * *l.ActStd})
		}
		if l.TheoryActVar != nil {
			tAct = append(tAct, plotter.XY{X: x, Y: *l.TheoryActVar})
		}
		if l.GradVar != nil {
			mGrad = append(mGrad, plotter.XY{X: x, Y: *l.GradVar})
		}
		if l.TheoryGradVar != nil {
			tGrad = append(tGrad, plotter.XY{X: x, Y: *l.TheoryGradVar})
		}
	}
	for _, p := range []*plot.Plot{act, grad} {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	addLine(act, positive(mAct), layerColor(0), false, "measured")
	addLine(act, positive(tAct), layerColor(1), true, "theory")
	addLine(grad, positive(mGrad), layerColor(0), false, "measured")
	addLine(grad, positive(tGrad), layerColor(1), true, "theory")
	return grid([][]*plot.Plot{{act}, {grad}}, 8*vg.Inch, 8*vg.Inch), len(mAct) > 1
}

// histograms: one row per quantity, one normalized curve per layer, as in
// Figs 6-8 (at step 0) and Fig 4 (at the end). Only with --hist.
func histograms(r Run, s batch.SnapshotRecord) (*vgimg.Canvas, bool) {
	kinds := []struct {
		name string
		get  func(batch.LayerRecord) *batch.HistValue
	}{
		{"activations", func(l batch.LayerRecord) *batch.HistValue { return l.ActHist }},
		{"back-propagated gradients", func(l batch.LayerRecord) *batch.HistValue { return l.GradHist }},
		{"weight gradients", func(l batch.LayerRecord) *batch.HistValue { return l.WGradHist }},
	}
	var rows [][]*plot.Plot
	for i, k := range kinds {
		name := k.name + fmt.Sprintf(" at step %d", s.Step)
		if i == 0 {
			name = title(r, name)
		}
		p := newPlot(name, "value", "fraction")
		any := false
		for l, layer := range s.Layers {
			h := k.get(layer)
			if h == nil {
				continue
			}
			any = true
			addLine(p, histCurve(h), layerColor(l), false, fmt.Sprintf("layer %d", l+1))
		}
		if !any {
			return nil, false
		}
		rows = append(rows, []*plot.Plot{p})
	}
	return grid(rows, 8*vg.Inch, 12*vg.Inch), true
}

// histCurve turns counts into the fraction of values per bin, at bin centres.
func histCurve(h *batch.HistValue) plotter.XYs {
	total := h.Under + h.Over + h.NaN
	for _, c := range h.Counts {
		total += c
	}
	width := (h.Hi - h.Lo) / float64(len(h.Counts))
	xy := make(plotter.XYs, len(h.Counts))
	for i, c := range h.Counts {
		xy[i] = plotter.XY{X: h.Lo + (float64(i)+0.5)*width, Y: float64(c) / float64(max(total, 1))}
	}
	return xy
}
