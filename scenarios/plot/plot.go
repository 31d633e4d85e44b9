// Package plot draws a run's snapshots as the paper's figures, in PNG:
// activation mean and spread per layer during training (Figs 2, 3, 10),
// gradient variances (Fig 9), learning curves (Fig 11), histograms at
// initialization and at the end (Figs 4, 6-8), and theory against
// measurement at initialization.
package plot

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"initscope/scenarios/batch"
)

// Run is what the figures are drawn from: a run's first line and its
// snapshots, as --batch writes them. Fill Snapshots directly for a short
// run, or through Add, which keeps memory bounded however long the run.
type Run struct {
	Run       batch.RunRecord
	Snapshots []batch.SnapshotRecord

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
// needed) and returns the files written.
func Write(dir string, r Run) ([]string, error) {
	return WriteContext(context.Background(), dir, r)
}

// WriteContext is Write that stops between figures once ctx is done,
// returning the files written so far and ctx's error: the app draws a
// run's figures while the user may reset or quit it (a figure of a long,
// deep run takes a fraction of a second).
func WriteContext(ctx context.Context, dir string, r Run) ([]string, error) {
	if len(r.Snapshots) == 0 {
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
		path := filepath.Join(dir, f.name)
		if err := savePNG(path, f.draw()); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}

// figures lays out every figure r has data for; r has a snapshot.
func figures(r Run) []figure {
	trained := len(r.Snapshots) > 1 // curves over training need two points at least
	all := []struct {
		name string
		want bool
		lay  func(Run) (figure, bool)
	}{
		{"activations.png", trained, activations},
		{"gradients.png", trained, gradients},
		{"learning.png", trained, learning},
		{"theory.png", true, theory},
		{"hist-first.png", true, func(r Run) (figure, bool) { return histograms(r, r.Snapshots[0]) }},
		{"hist-last.png", trained, func(r Run) (figure, bool) { return histograms(r, r.Snapshots[len(r.Snapshots)-1]) }},
	}
	var figs []figure
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

// panel is one plot of a figure. Its lines leave out the points its axes
// cannot show (non-finite values, and values <= 0 on a log axis, where
// gonum/plot panics) and its title says how many were left out, so a
// figure never silently hides data.
type panel struct {
	*plot.Plot
	log      bool
	hidden   int  // points left out
	lines    int  // lines drawn
	finished bool // done has run
}

func newPanel(titleText, x, y string, log bool) *panel {
	p := &panel{Plot: plot.New(), log: log}
	p.Title.Text = titleText
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Legend.Top = true
	if log {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = logTicks{}
	}
	return p
}

// logTicks are gonum's LogTicks, thinned when the axis spans more decades
// than labels fit (a crafted or diverged run can span 600): at most
// maxLogLabels labelled decades, and no other ticks then.
type logTicks struct{}

const maxLogLabels = 10

func (logTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.LogTicks{Prec: -1}.Ticks(min, max)
	major := 0
	for _, t := range ticks {
		if t.Label != "" {
			major++
		}
	}
	if major <= maxLogLabels {
		return ticks
	}
	every := (major + maxLogLabels - 1) / maxLogLabels
	var thinned []plot.Tick
	i := 0
	for _, t := range ticks {
		if t.Label == "" {
			continue
		}
		if i%every == 0 { // labelled anew: gonum's multiplied-up powers read 9.999999999999999e+188
			thinned = append(thinned, plot.Tick{Value: t.Value, Label: fmt.Sprintf("1e%d", int(math.Round(math.Log10(t.Value))))})
		}
		i++
	}
	return thinned
}

// shows reports whether the panel's axes can show the point.
func (p *panel) shows(pt plotter.XY) bool {
	finite := !math.IsNaN(pt.X) && !math.IsInf(pt.X, 0) && !math.IsNaN(pt.Y) && !math.IsInf(pt.Y, 0)
	return finite && math.Abs(pt.X) <= maxLinear && (p.log && pt.Y > 0 || !p.log && math.Abs(pt.Y) <= maxLinear)
}

// maxLinear bounds the values a linear axis draws. Near MaxFloat64 the
// axis' length (max - min) overflows to Inf, and above about 1e150 gonum's
// tick search (Talbot's) takes up to 170 ms a call, and a figure makes
// dozens of calls; no statistic of a run that has not diverged (which the
// records write as null) comes near 1e100.
const maxLinear = 1e100

// line adds xy, less the points the panel cannot show, as a line.
func (p *panel) line(xy plotter.XYs, c color.Color, dashed bool, legend string) {
	var shown plotter.XYs
	for _, pt := range xy {
		if p.shows(pt) {
			shown = append(shown, pt)
		} else {
			p.hidden++
		}
	}
	if len(shown) == 0 {
		return
	}
	line, err := plotter.NewLine(shown)
	if err != nil { // only for non-finite points, which shows left out
		panic("plot: " + err.Error())
	}
	line.Color = c
	line.Width = vg.Points(1.2)
	if dashed {
		line.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	}
	p.Add(line)
	p.lines++
	if legend != "" {
		p.Legend.Add(legend, line)
	}
}

// done notes in the title what was left out and returns the plot. A log
// panel with nothing to show goes linear: gonum's log axis panics on the
// empty range it would get.
func (p *panel) done() *plot.Plot {
	if p.finished {
		return p.Plot
	}
	p.finished = true
	if p.hidden > 0 {
		what := "non-finite or huge"
		if p.log {
			what = "<= 0 or non-finite"
		}
		p.Title.Text += fmt.Sprintf(" (%d %s %s not shown)", p.hidden, what, plural(p.hidden, "value", "values"))
	}
	if p.log && p.lines == 0 {
		p.Y.Scale = plot.LinearScale{}
		p.Y.Tick.Marker = plot.DefaultTicks{}
		p.Y.Label.Text += " (log axis: no value > 0)"
	}
	if p.lines > 0 {
		widen(&p.X.Min, &p.X.Max, false)
		widen(&p.Y.Min, &p.Y.Max, p.log)
	}
	return p.Plot
}

// widen gives an axis whose data is one value a range around it. gonum
// would make it [v-1, v+1], which a log axis cannot show when v <= 1 (its
// ticks panic on the 0 or below), and which is v itself when v is so large
// that v+1 rounds to v.
func widen(lo, hi *float64, log bool) {
	if *lo != *hi {
		return
	}
	v := *lo
	if log { // a decade each way, as far as float64 goes
		*lo, *hi = v/10, v*10
		if *lo <= 0 {
			*lo = v
		}
		if math.IsInf(*hi, 0) {
			*hi = v
		}
		return
	}
	d := max(1, math.Abs(v)/2) // v is within ±maxLinear, so v±d is too, nearly
	*lo, *hi = v-d, v+d
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// figure is panels in rows and columns on a page of w by h.
type figure struct {
	name   string
	panels [][]*panel
	w, h   vg.Length
}

func grid(panels [][]*panel, w, h vg.Length) figure { return figure{panels: panels, w: w, h: h} }

// draw renders the figure as an image.
func (f figure) draw() *vgimg.Canvas {
	c := vgimg.New(f.w, f.h)
	f.render(draw.New(c))
	return c
}

// render lays the panels out on dc and draws them.
func (f figure) render(dc draw.Canvas) {
	plots := make([][]*plot.Plot, len(f.panels))
	for i, row := range f.panels {
		for _, p := range row {
			plots[i] = append(plots[i], p.done())
		}
	}
	tiles := draw.Tiles{Rows: len(plots), Cols: len(plots[0]), PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4,
		PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		for j, p := range plots[i] {
			p.Draw(canvases[i][j])
		}
	}
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

// statPanel draws statistic s of every layer over training, on the
// table's scale and in its unit.
func statPanel(r Run, s batch.Stat, titleText string) *panel {
	p := newPanel(titleText, steps(r, "step"), s.Info().Unit, s.Log())
	for l := range r.Snapshots[0].Layers {
		p.line(series(r, l, stat(s)), layerColor(l), false, fmt.Sprintf("layer %d", l+1))
	}
	return p
}

// activations: mean (solid) and mean +- std (dashed) per layer, and the
// 98th percentile with the std, as in Figs 2, 3 and 10.
func activations(r Run) (figure, bool) {
	mean := newPanel(title(r, "activation mean and ±std"), steps(r, "step"), batch.ActMean.Info().Unit, false)
	p98 := newPanel(batch.ActP98.Title()+" (solid) and std (dashed)", steps(r, "step"), batch.ActP98.Info().Unit, false)
	mStd := func(sign float64) func(batch.LayerRecord) *float64 {
		return func(x batch.LayerRecord) *float64 { return add(x.Stats[batch.ActMean], x.Stats[batch.ActStd], sign) }
	}
	for l := range r.Snapshots[0].Layers {
		c := layerColor(l)
		name := fmt.Sprintf("layer %d", l+1)
		mean.line(series(r, l, stat(batch.ActMean)), c, false, name)
		mean.line(series(r, l, mStd(1)), c, true, "")
		mean.line(series(r, l, mStd(-1)), c, true, "")
		p98.line(series(r, l, stat(batch.ActP98)), c, false, name)
		p98.line(series(r, l, stat(batch.ActStd)), c, true, "")
	}
	sat := statPanel(r, batch.Saturated, "saturated fraction")
	return grid([][]*panel{{mean}, {p98}, {sat}}, 8*vg.Inch, 12*vg.Inch), true
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
func gradients(r Run) (figure, bool) {
	g := statPanel(r, batch.GradVar, title(r, "back-propagated gradient variance"))
	w := statPanel(r, batch.WGradVar, "weight-gradient variance")
	return grid([][]*panel{{g}, {w}}, 8*vg.Inch, 8*vg.Inch), true
}

// learning: training loss and test error against examples seen (Fig 11).
func learning(r Run) (figure, bool) {
	loss := newPanel(title(r, "training cost"), steps(r, "examples seen"), "mean cost since last snapshot", false)
	errp := newPanel("test error", steps(r, "examples seen"), "error rate", false)
	var lxy, exy plotter.XYs
	for _, s := range r.Snapshots {
		if s.TrainLoss != nil {
			lxy = append(lxy, plotter.XY{X: float64(s.Examples), Y: *s.TrainLoss})
		}
		if s.TestError != nil {
			exy = append(exy, plotter.XY{X: float64(s.Examples), Y: *s.TestError})
		}
	}
	loss.line(lxy, layerColor(0), false, "")
	errp.line(exy, layerColor(1), false, "")
	return grid([][]*panel{{loss}, {errp}}, 8*vg.Inch, 8*vg.Inch), len(exy) > 0
}

// theory: measured variances at the first snapshot beside the linear-regime
// predictions, per layer, log scale.
func theory(r Run) (figure, bool) {
	first := r.Snapshots[0]
	act := newPanel(title(r, "activation variance at step 0"), "layer", "variance", true)
	grad := newPanel("back-propagated gradient variance at step 0", "layer", "variance", true)
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
	mAct := byLayer(actVar)
	act.line(mAct, layerColor(0), false, "measured")
	act.line(byLayer(stat(batch.TheoryActVar)), layerColor(1), true, "theory")
	grad.line(byLayer(stat(batch.GradVar)), layerColor(0), false, "measured")
	grad.line(byLayer(stat(batch.TheoryGradVar)), layerColor(1), true, "theory")
	return grid([][]*panel{{act}, {grad}}, 8*vg.Inch, 8*vg.Inch), len(mAct) > 1
}

// histograms: one row per histogram of the table, one normalized curve per
// layer, as in Figs 6-8 (at step 0) and Fig 4 (at the end). Only with --hist.
func histograms(r Run, s batch.SnapshotRecord) (figure, bool) {
	var rows [][]*panel
	for i, k := range batch.Hists() {
		name := k.Title() + fmt.Sprintf(" at step %d", s.Step)
		if i == 0 {
			name = title(r, name)
		}
		p := newPanel(name, "value", "fraction", false)
		any := false
		for l, layer := range s.Layers {
			h := layer.Hists[k]
			if h == nil {
				continue
			}
			any = true
			p.line(histCurve(h), layerColor(l), false, fmt.Sprintf("layer %d", l+1))
		}
		if !any {
			return figure{}, false
		}
		rows = append(rows, []*panel{p})
	}
	return grid(rows, 8*vg.Inch, 12*vg.Inch), true
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
