package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"initscope/nn"
	"initscope/scenarios/batch"
)

// dynamicsView is the main run's activations over training, per layer.
// Its key, y, switches the charts' y axes (its and Learning's) between
// fitting the data and the fixed ranges; which layers show when they do
// not all fit is the Layers view's scroll.
type dynamicsView struct {
	s    *viewState
	keys dynamicsKeyMap
}

type dynamicsKeyMap struct {
	Axes key.Binding
}

func newDynamicsView(s *viewState) dynamicsView {
	return dynamicsView{s: s, keys: dynamicsKeyMap{
		Axes: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "charts: y axes fit the data / fixed")),
	}}
}

// Update switches the axes on y.
func (v dynamicsView) Update(msg tea.KeyMsg) (viewModel, bool) {
	if v.s != nil && key.Matches(msg, v.keys.Axes) {
		v.s.fixedAxes = !v.s.fixedAxes
		return v, true
	}
	return v, false
}

func (v dynamicsView) FullHelp() []key.Binding { return []key.Binding{v.keys.Axes} }

// View draws from the first layer of the scroll and keeps where it
// clamped it, as the Layers view does.
func (v dynamicsView) View(runs *[numRuns]runData, w, h int, st Styles) string {
	fixed := v.s.get().fixedAxes
	return v.s.scrolled(func(first int) (string, int, int) { return renderDynamicsAt(&runs[runMain], w, h, first, fixed, st) })
}

// activationRange is the range of an activation's values, if bounded.
func activationRange(name string) (lo, hi float64, ok bool) {
	a, err := nn.ParseActivation(name)
	if err != nil {
		return 0, 0, false
	}
	return a.Bounds()
}

// renderDynamics is the Dynamics view with axes that fit the data, from
// the first layer.
func renderDynamics(d runData, w, h int, st Styles) string {
	out, _, _ := renderDynamicsAt(&d, w, h, 0, false, st)
	return out
}

// dynamicsMinH is the least height of a layer's chart: its title, two
// rows of plot and the axis.
const dynamicsMinH = 4

// renderDynamicsAt draws each layer's mean ± std and 2nd/98th
// percentiles over training (the paper's Figs 2, 3 and 10), from layer
// first (from 0) when they do not all fit. Each chart's y axis fits its
// layer's data, so the small activations of upper layers show their
// shape; fixed puts every layer on the activation's range (or the data's
// over all layers, for unbounded ones). ▲ marks the shown step. It
// returns the first layer drawn.
func renderDynamicsAt(d *runData, w, h, first int, fixed bool, st Styles) (string, int, int) {
	if len(d.Snaps) == 0 {
		return waitingBlock(*d, w, st), first, 0
	}
	axisNote := "y axes fit each layer's data (y: fixed)"
	if fixed {
		axisNote = "y axes fixed (y: fit the data)"
	}
	// Without colour the band and the percentiles are drawn as marks, so
	// the three stay apart.
	stdMark, pctMark := rune(0), rune(0)
	if st.Plain() {
		stdMark, pctMark = '─', '·'
	}
	legend := st.Act.Render("⣿ mean μ") + "   " + st.Std.Render(legendGlyph(stdMark)+" μ ± std σ") + "   " +
		st.Pct.Render(legendGlyph(pctMark)+" 2nd / 98th percentile")
	legend += "   " + st.Hint.Render(hintLine(max(0, w-lipgloss.Width(legend)-3), "▲ shown step", axisNote, "Figs 2, 3, 10"))
	xs := steps(d.Snaps)
	xlo, xhi := xRange(xs)
	mark := markAt(d, xs)
	n, _ := d.shownIndex()
	get := func(s batch.Stat) [][]float64 { return layerSeries(d.Snaps, s.Get, false) }
	mean, std, p2, p98 := get(batch.ActMean), get(batch.ActStd), get(batch.ActP2), get(batch.ActP98)
	flo, fhi, bounded := activationRange(d.Scenario.Activation)
	if !bounded {
		flo, fhi = fitRange(1e-3, append(p2, p98...)...)
	}
	depth := len(mean)
	cols := 1
	if depth > 1 {
		cols = 2
	}
	cw := w / cols
	gridRows := (depth + cols - 1) / cols
	ch, extra := (h-2)/max(1, gridRows), (h-2)%max(1, gridRows)
	shown, more := depth, ""
	if ch < dynamicsMinH { // too short for every chart: scroll
		ch = dynamicsMinH
		shown = max(1, min(depth, (h-3)/ch*cols))
		first = max(0, min(first, depth-shown))
		more = scrollNote(first, shown, depth)
		extra = 0
	} else {
		first = 0 // every layer shows: the scroll starts over
	}
	cells := make([][]string, 0, shown)
	form := dynamicsForm(mean, std, p2, p98, n, cw-4)
	for l := first; l < first+shown; l++ {
		up, down := make([]float64, len(xs)), make([]float64, len(xs))
		for i := range xs {
			up[i], down[i] = mean[l][i]+std[l][i], mean[l][i]-std[l][i]
		}
		ss := []series{
			{xs, p2[l], st.Pct, pctMark}, {xs, p98[l], st.Pct, pctMark},
			{xs, down, st.Std, stdMark}, {xs, up, st.Std, stdMark},
			{xs, mean[l], st.Act, 0},
		}
		ylo, yhi := flo, fhi
		if !fixed {
			ylo, yhi = fitRange(1e-3, p2[l], p98[l], up, down, mean[l])
		}
		title := st.Value.Render(fmt.Sprintf("L%d", l+1)) + st.Label.Render(dynamicsValues(form, mean[l][n], std[l][n], p2[l][n], p98[l][n]))
		// The first rows of charts take the lines that do not divide.
		chh := ch - 1 + btoi((l-first)/cols < extra)
		chart := lineChart(ss, cw-2, chh, axes{xlo: xlo, xhi: xhi, ylo: ylo, yhi: yhi, yfmt: fmtSigned, mark: mark, markStyle: st.Dim})
		cells = append(cells, append([]string{fit(title, cw-2)}, chart...))
	}
	lines := append([]string{fit(legend, w), ""}, grid(cells, cols, cw)...)
	if more != "" {
		lines = append(lines, st.Hint.Render(fit(more, w)))
	}
	return strings.Join(lines, "\n"), first, shown
}

// dynamicsForms write a layer's values at the shown step: in words when
// they fit, else with the symbols of the legend above (μ, σ, the
// percentiles as a pair, then as a range without spaces), so that a
// 40-cell panel keeps all four.
var dynamicsForms = []string{"  mean %s  std %s  p2 %s  p98 %s", " μ %s σ %s p2,98 %s %s", " μ%s σ%s p%s…%s"}

func dynamicsValues(form int, mean, std, p2, p98 float64) string {
	return fmt.Sprintf(dynamicsForms[form], fmtSigned(mean), fmtNum(std), fmtSigned(p2), fmtSigned(p98))
}

// dynamicsForm is the first form in which every layer's values fit w
// cells, so that the panels read alike (the last when none does).
func dynamicsForm(mean, std, p2, p98 [][]float64, n, w int) int {
	for form := range dynamicsForms {
		fits := true
		for l := range mean {
			fits = fits && lipgloss.Width(dynamicsValues(form, mean[l][n], std[l][n], p2[l][n], p98[l][n])) <= w
		}
		if fits {
			return form
		}
	}
	return len(dynamicsForms) - 1
}
