package tui

import (
	"fmt"
	"strings"

	"initscope/nn"
	"initscope/scenarios/batch"
)

// dynamicsView is the main run's activations over training, per layer.
type dynamicsView struct{}

func (dynamicsView) View(runs *[numRuns]runData, w, h int, st Styles) string {
	return renderDynamics(runs[runMain], w, h, st)
}

// activationRange is the range of an activation's values, if bounded.
func activationRange(name string) (lo, hi float64, ok bool) {
	a, err := nn.ParseActivation(name)
	if err != nil {
		return 0, 0, false
	}
	return a.Bounds()
}

// renderDynamics draws each layer's mean ± std and 2nd/98th percentiles
// over training (the paper's Figs 2, 3 and 10).
func renderDynamics(d runData, w, h int, st Styles) string {
	if len(d.Snaps) == 0 {
		return st.Dim.Render(waitingText(d))
	}
	legend := st.Act.Render("⣿ mean") + "   " + st.Std.Render("⣿ mean ± std") + "   " + st.Pct.Render("⣿ 2nd / 98th percentile") +
		st.Hint.Render("   activations on the probe set during training (Figs 2, 3, 10)")
	xs := steps(d.Snaps)
	xlo, xhi := xRange(xs)
	get := func(s batch.Stat) [][]float64 { return layerSeries(d.Snaps, s.Get, false) }
	mean, std, p2, p98 := get(batch.ActMean), get(batch.ActStd), get(batch.ActP2), get(batch.ActP98)
	ylo, yhi, ok := activationRange(d.Scenario.Activation)
	if !ok {
		ylo, yhi = span(append(p2, p98...)...)
		ylo, yhi = padSpan(ylo, yhi, 1e-3)
	}
	depth := len(mean)
	cols := 1
	if depth > 1 {
		cols = 2
	}
	cw := w / cols
	gridRows := (depth + cols - 1) / cols
	ch := (h - 2) / gridRows
	shown := depth
	if ch < 4 { // too short for a chart: show what fits
		ch = 4
		shown = min(depth, (h-2)/ch*cols)
	}
	cells := make([][]string, 0, shown)
	for l := range shown {
		up, down := make([]float64, len(xs)), make([]float64, len(xs))
		for i := range xs {
			up[i], down[i] = mean[l][i]+std[l][i], mean[l][i]-std[l][i]
		}
		ss := []series{
			{xs, p2[l], st.Pct}, {xs, p98[l], st.Pct},
			{xs, down, st.Std}, {xs, up, st.Std},
			{xs, mean[l], st.Act},
		}
		n := len(xs) - 1
		title := st.Value.Render(fmt.Sprintf("L%d", l+1)) + st.Label.Render(fmt.Sprintf("  mean %s  std %s  p2 %s  p98 %s",
			fmtSigned(mean[l][n]), fmtNum(std[l][n]), fmtSigned(p2[l][n]), fmtSigned(p98[l][n])))
		chart := lineChart(ss, cw-2, ch-1, xlo, xhi, ylo, yhi, fmtSigned)
		cells = append(cells, append([]string{fit(title, cw-2)}, chart...))
	}
	lines := append([]string{fit(legend, w), ""}, grid(cells, cols, cw)...)
	if shown < depth {
		lines = append(lines, st.Hint.Render(fmt.Sprintf("showing layers 1-%d of %d: a taller terminal shows all", shown, depth)))
	}
	return strings.Join(lines, "\n")
}
