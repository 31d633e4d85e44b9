package tui

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"initscope/nn"
	"initscope/scenarios/batch"
)

var nan = math.NaN()

// column is one statistic of the layer table: a sparkline of its history
// and its current value.
type column struct {
	title   string
	short   string // the title in narrow columns
	style   lipgloss.Style
	get     func(nn.LayerStats) float64
	log     bool                 // plot log10 of the value
	lo, hi  float64              // fixed range (in plot units); NaN: from the data
	minSpan float64              // least width of a range taken from the data
	format  func(float64) string // the current value
}

// activationRange is the range of an activation's values, if bounded.
func activationRange(name string) (lo, hi float64, ok bool) {
	a, err := nn.ParseActivation(name)
	if err != nil {
		return 0, 0, false
	}
	return a.Bounds()
}

// statCol is the column of statistic s, titled and scaled as the table of
// statistics says, its range from the data.
func statCol(s batch.Stat, style lipgloss.Style) column {
	return column{title: s.Title(), short: s.ShortTitle(), style: style, get: s.Get, log: s.Log(),
		lo: nan, hi: nan, format: fmtNum}
}

// meanCol's range is the data's (at least 0.2 wide): a fixed [-1, 1]
// would flatten tanh's small drifts, and sigmoid's fall toward 0 still shows.
func meanCol(st Styles) column {
	c := statCol(batch.ActMean, st.Act)
	c.minSpan, c.format = 0.2, fmtSigned
	return c
}

// stdCol runs from 0 to the largest std of any layer, so layers compare.
func stdCol(st Styles) column {
	c := statCol(batch.ActStd, st.Std)
	c.lo = 0
	return c
}

// satCol runs from 0 to the largest saturation seen (at least 5%): on a
// fixed 0-100% scale the first few percent of saturating units, where the
// story starts, would not show.
func satCol(st Styles) column {
	c := statCol(batch.Saturated, st.Sat)
	c.lo, c.minSpan, c.format = 0, 0.05, fmtPct
	return c
}

func gradCol(st Styles) column { return statCol(batch.GradVar, st.Grad) }

func wgradCol(st Styles) column { return statCol(batch.WGradVar, st.WGrad) }

// layerSeries is the history of one statistic of every layer.
func layerSeries(snaps []nn.Snapshot, get func(nn.LayerStats) float64, log bool) [][]float64 {
	if len(snaps) == 0 {
		return nil
	}
	depth := len(snaps[len(snaps)-1].Layers)
	out := make([][]float64, depth)
	for l := range out {
		out[l] = make([]float64, len(snaps))
		for i, s := range snaps {
			v := nan
			if l < len(s.Layers) {
				v = get(s.Layers[l])
			}
			if log {
				v = log10(v)
			}
			out[l][i] = v
		}
	}
	return out
}

// colRange fixes a column's plot range: its own, or the data's span over
// every layer of every run given, so that layers (and compared runs) share
// one axis.
func colRange(c column, runs ...[][]float64) (lo, hi float64) {
	var all [][]float64
	for _, r := range runs {
		all = append(all, r...)
	}
	dlo, dhi := span(all...)
	lo, hi = c.lo, c.hi
	if math.IsNaN(lo) {
		lo = dlo
	}
	if math.IsNaN(hi) {
		hi = dhi
	}
	minW := 1e-6
	if c.minSpan > 0 {
		minW = c.minSpan
	}
	if c.log {
		minW = 1 // one decade
	}
	if !math.IsNaN(c.lo) && math.IsNaN(c.hi) {
		// A fixed floor (0 for std and saturation) stays put: widen upward.
		if math.IsNaN(hi) || hi-lo < minW {
			hi = lo + minW
		}
		return lo, hi
	}
	return padSpan(lo, hi, minW)
}

func rangeLabel(c column, lo, hi float64) string {
	if c.log {
		return fmt.Sprintf("1e%.0f … 1e%.0f", math.Floor(lo), math.Ceil(hi))
	}
	if c.format == nil {
		return ""
	}
	return c.format(lo) + " … " + c.format(hi)
}

// sparkRows is a sparkline rows cells tall (8 levels a row).
func sparkRows(vals []float64, width, rows int, lo, hi float64) []string {
	if rows <= 1 {
		return []string{sparkline(vals, width, lo, hi)}
	}
	vals = resample(vals, width)
	out := make([]strings.Builder, rows)
	pad := width - len(vals)
	for r := range out {
		out[r].WriteString(strings.Repeat(" ", pad))
	}
	levels := rows * 8
	for _, v := range vals {
		lvl := 0
		if !math.IsNaN(v) {
			f := 0.0
			if hi > lo {
				f = (v - lo) / (hi - lo)
			}
			lvl = max(1, min(levels, int(math.Round(f*float64(levels)))))
		}
		for r := range rows {
			fill := lvl - (rows-1-r)*8
			switch {
			case fill <= 0:
				out[r].WriteByte(' ')
			case fill >= 8:
				out[r].WriteRune('█')
			default:
				out[r].WriteRune(blocks[fill-1])
			}
		}
	}
	lines := make([]string, rows)
	for r := range out {
		lines[r] = out[r].String()
	}
	return lines
}

// layerTable draws one row block per hidden layer: for each column a
// sparkline of its history (left: step 0, right: now) and its value now.
// others are further runs whose data share the columns' ranges.
func layerTable(d runData, cols []column, w, h int, st Styles, others ...runData) []string {
	if len(d.Snaps) == 0 {
		return []string{st.Dim.Render(waitingText(d))}
	}
	const labelW, numW = 4, 8
	cw := (w - labelW) / len(cols)
	sw := max(1, cw-numW-2)
	depth := len(d.Snaps[len(d.Snaps)-1].Layers)
	rows := max(1, min(8, (h-2)/max(1, depth)))
	spark := rows
	if rows >= 3 {
		spark = rows - 1 // a blank line between layers
	}
	series := make([][][]float64, len(cols))
	ranges := make([][2]float64, len(cols))
	for c, col := range cols {
		series[c] = layerSeries(d.Snaps, col.get, col.log)
		all := [][][]float64{series[c]}
		for _, o := range others {
			all = append(all, layerSeries(o.Snaps, col.get, col.log))
		}
		ranges[c][0], ranges[c][1] = colRange(col, all...)
	}
	var title, scale strings.Builder
	title.WriteString(st.Label.Render(fit("", labelW)))
	scale.WriteString(st.Label.Render(fit("", labelW)))
	for c, col := range cols {
		t := col.title
		if cw < 24 && col.short != "" {
			t = col.short
		}
		title.WriteString(col.style.Bold(true).Render(fit(t, cw-1)) + " ")
		sc := rangeLabel(col, ranges[c][0], ranges[c][1])
		if col.log && cw >= 24 {
			sc += " (log)"
		}
		scale.WriteString(st.Dim.Render(fit(sc, cw-1)) + " ")
	}
	lines := []string{title.String(), scale.String()}
	last := d.Snaps[len(d.Snaps)-1]
	for l := range depth {
		block := layerBlock(rows, l, labelW, st)
		for c, col := range cols {
			sp := sparkRows(series[c][l], sw, spark, ranges[c][0], ranges[c][1])
			now := col.format(col.get(last.Layers[l]))
			for r := range rows {
				switch {
				case r < spark && r == spark-1:
					block[r].WriteString(col.style.Render(sp[r]) + " " + st.Value.Render(fmt.Sprintf("%*s", numW, now)) + " ")
				case r < spark:
					block[r].WriteString(col.style.Render(sp[r]) + strings.Repeat(" ", numW+2))
				default:
					block[r].WriteString(strings.Repeat(" ", cw))
				}
				block[r].WriteString(strings.Repeat(" ", max(0, cw-sw-numW-2)))
			}
		}
		for r := range rows {
			lines = append(lines, block[r].String())
		}
	}
	return lines
}

func waitingText(d runData) string {
	if d.State == stateFailed {
		if pe := (*PanicError)(nil); errors.As(d.Err, &pe) {
			return pe.Error()
		}
		return "this scenario could not be built: " + oneLine(errString(d.Err))
	}
	return "building the network and measuring step 0…"
}

// renderLayers is the home view: every hidden layer's statistics, live.
func renderLayers(d runData, w, h int, st Styles) string {
	cols := []column{meanCol(st), stdCol(st), satCol(st), gradCol(st), wgradCol(st)}
	lines := layerTable(d, cols, w, h-2, st)
	lines = append(lines, "", st.Hint.Render(fit("each sparkline runs from step 0 (left) to now (right); variances use one log scale for all layers, so vanishing and exploding both show", w)))
	return strings.Join(lines, "\n")
}

// history returns the steps of snaps as x values.
func steps(snaps []nn.Snapshot) []float64 {
	xs := make([]float64, len(snaps))
	for i, s := range snaps {
		xs[i] = float64(s.Step)
	}
	return xs
}

func xRange(xs []float64) (float64, float64) {
	if len(xs) == 0 {
		return 0, 1
	}
	lo, hi := xs[0], xs[len(xs)-1]
	if hi <= lo {
		hi = lo + 1
	}
	return lo, hi
}

// grid lays out n cells in cols columns, each w x h, left to right.
func grid(cells [][]string, cols, cw int) []string {
	var out []string
	for i := 0; i < len(cells); i += cols {
		row := cells[i:min(len(cells), i+cols)]
		height := 0
		for _, c := range row {
			height = max(height, len(c))
		}
		for r := range height {
			var b strings.Builder
			for _, c := range row {
				line := ""
				if r < len(c) {
					line = c[r]
				}
				b.WriteString(fit(line, cw))
			}
			out = append(out, b.String())
		}
	}
	return out
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

// histKinds are the histograms' titles, in the order of the table.
var histKinds = func() []string {
	var t []string
	for _, h := range batch.Hists() {
		t = append(t, h.Title())
	}
	return t
}()

func histOf(l nn.LayerStats, kind int) *nn.Histogram { return batch.Hist(kind).Get(l) }

// renderHistograms shows each layer's histograms now beside those at step
// 0 (Figs 4, 6, 7, 8). Every layer and both times share one count scale
// per kind, so a distribution that narrows layer by layer shows as a
// growing peak, as in the paper's figures. Wide terminals show all three
// kinds; narrow ones the one chosen with h.
func renderHistograms(d runData, w, h, kind int, st Styles) string {
	if len(d.Snaps) == 0 {
		return st.Dim.Render(waitingText(d))
	}
	first, last := d.Snaps[0], d.Snaps[len(d.Snaps)-1]
	if len(first.Layers) == 0 || histOf(first.Layers[0], 0) == nil {
		return st.Warn.Render("histograms are off for this scenario.") + "\n" +
			st.Hint.Render("turn them on in the settings (c, then 'histograms') and press enter.")
	}
	kinds := []int{kind % len(histKinds)}
	if w >= 150 {
		kinds = []int{0, 1, 2}
	}
	const labelW = 4
	kw := (w - labelW) / len(kinds)
	hw := max(4, (kw-3)/2)
	depth := len(last.Layers)
	rows := max(1, min(6, (h-3)/depth))
	bars := rows
	if rows >= 3 {
		bars = rows - 1
	}
	styles := []lipgloss.Style{st.Act, st.Grad, st.WGrad}
	var head, sub strings.Builder
	head.WriteString(fit("", labelW))
	sub.WriteString(fit("", labelW))
	cols := make([][2][][]float64, len(kinds)) // [kind][time][layer] columns
	tops := make([]float64, len(kinds))
	for k, kd := range kinds {
		cols[k] = [2][][]float64{make([][]float64, depth), make([][]float64, depth)}
		for t, snap := range []nn.Snapshot{first, last} {
			for l := range depth {
				hg := histOf(snap.Layers[l], kd)
				if hg == nil {
					continue
				}
				cols[k][t][l] = histColumns(hg.Counts, hw)
				for _, v := range cols[k][t][l] {
					tops[k] = max(tops[k], v)
				}
			}
		}
		hg := histOf(first.Layers[0], kd)
		head.WriteString(styles[kd].Bold(true).Render(fit(histKinds[kd]+"  ["+fmtSigned(hg.Lo)+", "+fmtSigned(hg.Hi)+")", kw)))
		sub.WriteString(st.Label.Render(fit(fit("step 0", hw)+"   "+fmt.Sprintf("step %s", fmtCount(last.Step)), kw)))
	}
	lines := []string{head.String(), sub.String()}
	for l := range depth {
		block := layerBlock(rows, l, labelW, st)
		for k, kd := range kinds {
			var b0, b1 []string
			if cols[k][0][l] != nil && cols[k][1][l] != nil {
				b0 = histBars(cols[k][0][l], bars, tops[k], st.Dim)
				b1 = histBars(cols[k][1][l], bars, tops[k], styles[kd])
			}
			for r := range rows {
				cell := ""
				if r < bars && b0 != nil {
					cell = b0[r] + " │ " + b1[r]
				} else if r < bars {
					cell = fit("", hw) + " │ "
				}
				block[r].WriteString(fit(cell, kw))
			}
		}
		for r := range rows {
			lines = append(lines, block[r].String())
		}
	}
	hint := "grey: step 0 · colour: now · one count scale per kind for all layers and both times"
	if len(kinds) == 1 {
		hint += " · h: next kind (a wider terminal shows all three)"
	}
	lines = append(lines, st.Hint.Render(fit(hint, w)))
	return strings.Join(lines, "\n")
}

// renderLearning draws the training curves (Fig 11).
func renderLearning(d runData, w, h int, st Styles) string {
	if len(d.Snaps) == 0 {
		return st.Dim.Render(waitingText(d))
	}
	xs := steps(d.Snaps)
	xlo, xhi := xRange(xs)
	pick := func(f func(nn.Snapshot) float64) []float64 {
		out := make([]float64, len(d.Snaps))
		for i, s := range d.Snaps {
			out[i] = f(s)
		}
		return out
	}
	train := pick(func(s nn.Snapshot) float64 { return s.TrainLoss })
	test := pick(func(s nn.Snapshot) float64 { return s.TestLoss })
	errs := pick(func(s nn.Snapshot) float64 { return s.TestError })
	_, lhi := span(train, test)
	lhi = math.Max(lhi*1.05, 1e-3)
	if math.IsNaN(lhi) {
		lhi = 1
	}
	_, ehi := span(errs)
	ehi = math.Min(1, math.Max(0.05, ehi*1.05))
	if math.IsNaN(ehi) {
		ehi = 1
	}
	trainLoss, testErr := lastLosses(d)
	t1 := st.Act.Render("⣿ train loss ") + st.Value.Render(fmtNum(trainLoss)) + "   " +
		st.Grad.Render("⣿ test loss ") + st.Value.Render(fmtNum(test[len(test)-1]))
	t2 := st.Std.Render("⣿ test error ") + st.Value.Render(fmtPct(testErr)) + st.Hint.Render(" (Fig 11)")
	c1 := []series{{xs, test, st.Grad}, {xs, train, st.Act}}
	c2 := []series{{xs, errs, st.Std}}
	pct := func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }
	var lines []string
	if w >= 120 {
		cw := w / 2
		ch := h - 2
		a := append([]string{fit(t1, cw)}, lineChart(c1, cw-2, ch, xlo, xhi, 0, lhi, fmtNum)...)
		b := append([]string{fit(t2, cw)}, lineChart(c2, cw-2, ch, xlo, xhi, 0, ehi, pct)...)
		lines = grid([][]string{a, b}, 2, cw)
	} else {
		ch := (h - 3) / 2
		lines = append(lines, fit(t1, w))
		lines = append(lines, lineChart(c1, w-1, ch, xlo, xhi, 0, lhi, fmtNum)...)
		lines = append(lines, fit(t2, w))
		lines = append(lines, lineChart(c2, w-1, ch, xlo, xhi, 0, ehi, pct)...)
	}
	lines = append(lines, st.Hint.Render(fit("train loss: mean cost over the steps since the previous snapshot; test: the held-out set", w)))
	return strings.Join(lines, "\n")
}

// renderTheory sets the linear-regime predictions (PAPER.md) beside the
// measurements at initialization and now, and the Jacobians' mean
// singular values.
func renderTheory(d runData, w, h int, st Styles) string {
	if len(d.Snaps) == 0 {
		return st.Dim.Render(waitingText(d))
	}
	first, last := d.Snaps[0], d.Snaps[len(d.Snaps)-1]
	// The latest snapshot with a Jacobian (the UI asks for one while this
	// view is open).
	jac := first
	for i := len(d.Snaps) - 1; i > 0; i-- {
		if ls := d.Snaps[i].Layers; len(ls) > 1 && !math.IsNaN(ls[0].JacSVMean) {
			jac = d.Snaps[i]
			break
		}
	}
	nowLabel := "step " + fmtCount(last.Step)
	cw := max(9, min(16, (w-6)/8))
	cell := func(s string, style lipgloss.Style) string {
		return style.Render(fmt.Sprintf(" %*s", cw-1, truncate(s, cw-1)))
	}
	lines := []string{st.Hint.Render(fit(fmt.Sprintf("now = step %s; Jacobians are measured at step 0 and, while this view is open, every few seconds (latest: step %s)",
		fmtCount(last.Step), fmtCount(jac.Step)), w))}
	groupW := cw * 3
	lines = append(lines, fit("", 6)+st.Act.Bold(true).Render(fit(" Var[z] activations", groupW))+
		st.Grad.Bold(true).Render(fit(" Var[∂C/∂s] back-prop", groupW))+
		st.Std.Bold(true).Render(fit(" Jacobian σ̄", cw*2)))
	jacLabel := "step " + fmtCount(jac.Step)
	if cw < 12 {
		nowLabel, jacLabel = "now", "latest"
	}
	head := fit("layer", 6) + cell("predicted", st.Theory) + cell("step 0", st.Label) + cell(nowLabel, st.Label) +
		cell("predicted", st.Theory) + cell("step 0", st.Label) + cell(nowLabel, st.Label) +
		cell("step 0", st.Label) + cell(jacLabel, st.Label)
	lines = append(lines, head)
	for l, f := range first.Layers {
		n := last.Layers[l]
		lines = append(lines, st.Value.Render(fit(fmt.Sprintf("L%d", l+1), 6))+
			cell(fmtNum(f.TheoryActVar), st.Theory)+cell(fmtNum(f.ActStd*f.ActStd), st.Value)+cell(fmtNum(n.ActStd*n.ActStd), st.Value)+
			cell(fmtNum(f.TheoryGradVar), st.Theory)+cell(fmtNum(f.GradVar), st.Value)+cell(fmtNum(n.GradVar), st.Value)+
			cell(fmtNum(f.JacSVMean), st.Value)+cell(fmtNum(jac.Layers[l].JacSVMean), st.Value))
	}
	lines = append(lines, "")
	room := h - len(lines) - 4
	if room >= 4 {
		lines = append(lines, profile(first, w, min(room, 2*len(first.Layers)+2), st)...)
		lines = append(lines, "")
	}
	notes := []string{
		"Predicted (linear regime, f'(0)=1): Var[z^l] = Var[x] ∏_{j≤l} n_in Var[W^j];  Var[∂C/∂s^l] = Var[∂C/∂s^out] ∏_{j>l} n_out Var[W^j].",
		"Normalized init, Var[W] = 2/(n_in+n_out), keeps both near constant across layers; standard init, n Var[W] = 1/3, shrinks them.",
		"Paper (tanh): mean Jacobian singular value ≈ 0.5 with standard init, ≈ 0.8 with normalized. σ̄ of the top layer is not defined (—).",
	}
	for _, n := range notes {
		lines = append(lines, st.Hint.Render(fit(n, w)))
	}
	return strings.Join(lines, "\n")
}

// profile plots log10 variances against the layer at step 0: predicted
// (○) and measured (●), activations left, back-propagated gradients right.
func profile(first nn.Snapshot, w, h int, st Styles) []string {
	depth := len(first.Layers)
	pw := (w - 8) / 2
	var pa, ma, pg, mg []float64
	for _, l := range first.Layers {
		pa = append(pa, log10(l.TheoryActVar))
		ma = append(ma, log10(l.ActStd*l.ActStd))
		pg = append(pg, log10(l.TheoryGradVar))
		mg = append(mg, log10(l.GradVar))
	}
	strip := func(pred, meas []float64, lo, hi float64, style lipgloss.Style, l int) string {
		row := []rune(strings.Repeat("·", pw-14))
		at := func(v float64) int {
			if math.IsNaN(v) || hi <= lo {
				return -1
			}
			return int(math.Round((v - lo) / (hi - lo) * float64(len(row)-1)))
		}
		if i := at(pred[l]); i >= 0 {
			row[i] = '○'
		}
		if i := at(meas[l]); i >= 0 {
			row[i] = '●'
		}
		return style.Render(string(row))
	}
	alo, ahi := span(pa, ma)
	glo, ghi := span(pg, mg)
	alo, ahi = padSpan(alo, ahi, 1)
	glo, ghi = padSpan(glo, ghi, 1)
	alo, ahi, glo, ghi = math.Floor(alo), math.Ceil(ahi), math.Floor(glo), math.Ceil(ghi)
	lines := []string{
		fit(st.Label.Render("log10 variance at step 0: ")+st.Theory.Render("○ predicted  ")+st.Value.Render("● measured"), w),
		fit("", 6) + st.Dim.Render(fit(fmt.Sprintf("Var[z]  1e%d", int(alo)), pw-8)+fmt.Sprintf("1e%d  ", int(ahi))) +
			st.Dim.Render(fit(fmt.Sprintf("Var[∂C/∂s]  1e%d", int(glo)), pw-8)+fmt.Sprintf("1e%d", int(ghi))),
	}
	for l := range min(depth, h-2) {
		lines = append(lines, st.Value.Render(fit(fmt.Sprintf("L%d", l+1), 6))+
			fit(strip(pa, ma, alo, ahi, st.Act, l), pw)+fit(strip(pg, mg, glo, ghi, st.Grad, l), pw))
	}
	return lines
}

// renderCompare draws two runs' layer tables with shared ranges: beside
// each other on wide terminals, one above the other on narrow ones.
func renderCompare(a, b runData, w, h int, st Styles) string {
	cols := func(d runData) []column {
		return []column{stdCol(st), satCol(st), gradCol(st), wgradCol(st)}
	}
	side := func(name string, d, other runData, cw, ch int) []string {
		_, testErr := lastLosses(d)
		head := []string{
			fit(st.Title.Render(name+" ")+st.Label.Render(describe(d.Scenario)), cw),
			fit(stateBadge(d, st)+st.Label.Render("  step ")+st.Value.Render(fmtCount(d.Step))+
				st.Label.Render("  test error ")+st.Value.Render(fmtPct(testErr)), cw),
		}
		return append(head, layerTable(d, cols(d), cw, ch-2, st, other)...)
	}
	if a.Scenario.Name == "" {
		return st.Dim.Render("preparing the two runs…")
	}
	var lines []string
	if w >= 120 {
		cw := (w - 2) / 2
		left, right := side("A", a, b, cw, h-1), side("B", b, a, cw, h-1)
		lines = grid([][]string{left, right}, 2, cw+2)
	} else {
		ch := (h - 1) / 2
		lines = append(fixHeight(strings.Join(side("A", a, b, w, ch), "\n"), w, ch), side("B", b, a, w, ch)...)
	}
	lines = append(fixHeight(strings.Join(lines, "\n"), w, h-1),
		st.Hint.Render(fit("same data and seed; ranges shared by both sides · a / b: edit A / B · space: train both · r: reset both", w)))
	return strings.Join(lines, "\n")
}

// layerBlock starts the rows of layer l's block: its label "L<l+1>" on the
// first row, blanks of the same width below.
func layerBlock(rows, l, labelW int, st Styles) []strings.Builder {
	block := make([]strings.Builder, rows)
	for r := range rows {
		label := ""
		if r == 0 {
			label = fmt.Sprintf("L%d", l+1)
		}
		block[r].WriteString(st.Value.Render(fit(label, labelW)))
	}
	return block
}
