package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"initscope/nn"
	"initscope/scenarios/batch"
	"initscope/scenarios/diagnosis"
)

// profileView plots each quantity against the layer, as the paper's
// Figs 6-8 do: step 0, the shown step and the linear-regime prediction
// together, with a one-line diagnosis above. A screen too small for every
// chart shows one, quantity, which p steps through.
type profileView struct {
	quantity int
	keys     profileKeyMap
}

type profileKeyMap struct {
	Next key.Binding
}

func newProfileView() profileView {
	return profileView{keys: profileKeyMap{
		Next: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "profile: next quantity (small screens)")),
	}}
}

// Update steps to the next quantity on p.
func (v profileView) Update(msg tea.KeyMsg) (viewModel, bool) {
	if key.Matches(msg, v.keys.Next) {
		v.quantity = (v.quantity + 1) % len(profileQuantities)
		return v, true
	}
	return v, false
}

func (v profileView) FullHelp() []key.Binding { return []key.Binding{v.keys.Next} }

func (v profileView) View(runs *[numRuns]runData, w, h int, st Styles) string {
	return renderProfile(&runs[runMain], w, h, v.quantity, st)
}

// profileLine is one set of points of a quantity's chart: a statistic and
// what the linear regime predicts for it (nil: no prediction).
type profileLine struct {
	get     func(nn.LayerStats) float64
	predict func(layers []nn.LayerStats, l int, act nn.Activation) float64
}

// profileQuantity is one chart of the profile view.
type profileQuantity struct {
	title string
	lines []profileLine
	log   bool    // log10 axis (variances)
	floor bool    // the axis starts at 0 (std, fractions, singular values)
	sym   bool    // the axis is symmetric about 0 (percentiles)
	jac   bool    // measured only at some snapshots
	minHi float64 // the least top of a floored axis
	style func(Styles) lipgloss.Style
	fmt   func(float64) string
}

// statLine is a statistic of the table with a prediction per layer.
func statLine(s batch.Stat, predict func(nn.LayerStats, nn.Activation) float64) profileLine {
	l := profileLine{get: s.Get}
	if predict != nil {
		l.predict = func(ls []nn.LayerStats, i int, act nn.Activation) float64 { return predict(ls[i], act) }
	}
	return l
}

// anyActivation is a prediction that holds for every activation.
func anyActivation(f func(nn.LayerStats) float64) func(nn.LayerStats, nn.Activation) float64 {
	return func(l nn.LayerStats, _ nn.Activation) float64 { return f(l) }
}

// profileQuantities are the charts, in the order p steps through them.
// The predictions are diagnosis's (from nn's linear-regime variances).
var profileQuantities = []profileQuantity{
	{title: batch.ActStd.Title(), lines: []profileLine{statLine(batch.ActStd, anyActivation(diagnosis.PredictedStd))},
		floor: true, style: func(s Styles) lipgloss.Style { return s.Std }, fmt: fmtNum},
	{title: "2nd / 98th percentile", lines: []profileLine{
		statLine(batch.ActP98, diagnosis.PredictedP98),
		statLine(batch.ActP2, diagnosis.PredictedP2)},
		sym: true, style: func(s Styles) lipgloss.Style { return s.Pct }, fmt: fmtSigned},
	// Saturation's axis reaches 5% at least, as the Layers view's column.
	{title: batch.Saturated.Title(), lines: []profileLine{statLine(batch.Saturated, nil)},
		floor: true, minHi: 0.05, style: func(s Styles) lipgloss.Style { return s.Sat }, fmt: fmtPct},
	{title: batch.GradVar.Title(), lines: []profileLine{statLine(batch.GradVar, anyActivation(func(l nn.LayerStats) float64 { return l.TheoryGradVar }))},
		log: true, style: func(s Styles) lipgloss.Style { return s.Grad }, fmt: fmtNum},
	{title: batch.WGradVar.Title(), lines: []profileLine{statLine(batch.WGradVar, nil)},
		log: true, style: func(s Styles) lipgloss.Style { return s.WGrad }, fmt: fmtNum},
	{title: "Jacobian σ̄", lines: []profileLine{{get: batch.JacSVMean.Get, predict: func(ls []nn.LayerStats, l int, _ nn.Activation) float64 { return diagnosis.PredictedJacSV(ls, l) }}},
		floor: true, jac: true, style: func(s Styles) lipgloss.Style { return s.Act }, fmt: fmtNum},
}

// The glyphs of the profile's points, told apart without colour.
const (
	glyphShown = '●'
	glyphStep0 = '×'
	glyphPred  = '○'
)

// Least chart sizes of the grid: a y label, its axis and three cells a
// layer (one per glyph); a title, six rows and the layer axis.
const (
	profileLabelW  = 7
	profileMinW    = 30
	profileMinH    = 8
	profileHeaderH = 2 // the diagnosis and the key
)

// profileData is what the charts draw: step 0, the shown snapshot, and
// the latest snapshot at or before it with the Jacobian measured.
type profileData struct {
	step0, shown, jac nn.Snapshot
	act               nn.Activation // where the predictions centre
}

func profileDataOf(d *runData) (profileData, bool) {
	i, ok := d.shownIndex()
	if !ok {
		return profileData{}, false
	}
	act, _ := nn.ParseActivation(d.Scenario.Activation)
	p := profileData{step0: d.Snaps[0], shown: d.Snaps[i], jac: d.Snaps[0], act: act}
	for j := i; j > 0; j-- {
		if jacMeasured(d.Snaps[j]) {
			p.jac = d.Snaps[j]
			break
		}
	}
	return p, true
}

func jacMeasured(s nn.Snapshot) bool {
	for _, l := range s.Layers {
		if !math.IsNaN(l.JacSVMean) {
			return true
		}
	}
	return false
}

// quantities are the charts this run has: the Jacobian's only when it
// was measured.
func (p profileData) quantities() []int {
	var out []int
	for i, q := range profileQuantities {
		if q.jac && !jacMeasured(p.step0) {
			continue
		}
		out = append(out, i)
	}
	return out
}

// renderProfile draws the diagnosis, the key and the charts: all of them
// in a grid when the screen allows, else the one chosen with p.
func renderProfile(d *runData, w, h, quantity int, st Styles) string {
	p, ok := profileDataOf(d)
	if !ok || w <= 0 || h <= 0 {
		return waitingBlock(*d, w, st)
	}
	act, _ := nn.ParseActivation(d.Scenario.Activation)
	lines := []string{fit(diagnosisLine(p.step0, p.shown, act, w, st), w)}
	qs := p.quantities()
	cols, rows := profileGrid(len(qs), len(p.shown.Layers), w, h-profileHeaderH)
	keyLine := profileKey(p, st)
	if cols == 0 {
		q := qs[quantity%len(qs)]
		keyLine += st.Hint.Render(fmt.Sprintf("   chart %d of %d · p: next", quantity%len(qs)+1, len(qs)))
		lines = append(lines, fit(keyLine, w))
		lines = append(lines, profileChart(profileQuantities[q], p, w, h-profileHeaderH, st)...)
		return strings.Join(fixLines(lines, w, h), "\n")
	}
	lines = append(lines, fit(keyLine, w))
	// The rows share the height; the first ones take what does not divide.
	cw, ch, extra := w/cols, (h-profileHeaderH)/rows, (h-profileHeaderH)%rows
	cells := make([][]string, len(qs))
	for i, q := range qs {
		cells[i] = profileChart(profileQuantities[q], p, cw-1, ch+btoi(i/cols < extra), st)
	}
	lines = append(lines, grid(cells, cols, cw)...)
	return strings.Join(fixLines(lines, w, h), "\n")
}

// fixLines pads or cuts lines to exactly h lines of w cells.
func fixLines(lines []string, w, h int) []string {
	if len(lines) > h {
		lines = lines[:max(0, h)]
	}
	for i := range lines {
		lines[i] = fit(lines[i], w)
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", max(0, w)))
	}
	return lines
}

// profileGrid picks the columns and rows of a grid of n charts in w x h
// whose charts are closest to the shape of the paper's panels (2.5 cells
// wide per row), or 0, 0 when some chart would be too small to show every
// layer.
func profileGrid(n, depth, w, h int) (cols, rows int) {
	minW := max(profileMinW, profileLabelW+1+3*depth+1)
	best := 0.0
	for c := 1; c <= n; c++ {
		r := (n + c - 1) / c
		cw, ch := w/c, h/r
		if cw < minW || ch < profileMinH {
			continue
		}
		if score := math.Min(float64(cw)/2.5, float64(ch)); score > best {
			best, cols, rows = score, c, r
		}
	}
	return cols, rows
}

// profileKey names the glyphs: the shown step, step 0, the prediction.
func profileKey(p profileData, st Styles) string {
	shown := st.Value.Render(fmt.Sprintf("%c step %s", glyphShown, fmtCount(p.shown.Step)))
	if p.shown.Step == p.step0.Step {
		return shown + st.Label.Render(" (shown)   ") + st.Theory.Render(fmt.Sprintf("%c linear-regime prediction", glyphPred))
	}
	return shown + "   " + st.Label.Render(fmt.Sprintf("%c step 0", glyphStep0)) + "   " +
		st.Theory.Render(fmt.Sprintf("%c linear-regime prediction", glyphPred))
}

// diagnosisLine is diagnosis's verdict on the shown step, coloured by how
// bad it is, introduced as such where w leaves room.
func diagnosisLine(step0, shown nn.Snapshot, act nn.Activation, w int, st Styles) string {
	text, style, ok := diagnosisVerdict(step0, shown, act, st)
	if !ok {
		return ""
	}
	const intro = "diagnosis: "
	if len(intro)+lipgloss.Width(text) > w {
		return style.Render(text)
	}
	return st.Label.Render(intro) + style.Render(text)
}

// diagnosisLines is the verdict wrapped to w in at most max lines (the
// last cut with … when it needs more), for a view with rows to spare.
func diagnosisLines(step0, shown nn.Snapshot, act nn.Activation, w, max int, st Styles) []string {
	text, style, ok := diagnosisVerdict(step0, shown, act, st)
	if !ok || max < 1 {
		return nil
	}
	lines := wrapWords("diagnosis: "+text, w)
	if len(lines) > max { // the verdict before its introduction
		lines = wrapWords(text, w)
	}
	if len(lines) > max {
		lines = append(lines[:max-1], truncate(strings.Join(lines[max-1:], " "), w))
	}
	for i, l := range lines {
		lines[i] = style.Render(l)
	}
	return lines
}

// diagnosisVerdict is diagnosis's first finding on the shown step and the
// style of how bad it is; ok is false when there is nothing to say.
func diagnosisVerdict(step0, shown nn.Snapshot, act nn.Activation, st Styles) (string, lipgloss.Style, bool) {
	fs := diagnosis.Diagnose(step0, shown, act)
	if len(shown.Layers) == 0 || len(fs) == 0 {
		return "", st.Warn, false
	}
	style := st.Warn
	switch fs[0].Kind {
	case diagnosis.Healthy:
		style = st.Good
	case diagnosis.Diverged, diagnosis.Vanishing, diagnosis.Exploding, diagnosis.Saturated, diagnosis.Dead:
		style = st.Bad
	}
	return fs[0].Text, style, true
}

// profilePoint is one glyph of a chart: a layer, a value (in axis units)
// and its glyph.
type profilePoint struct {
	layer int
	v     float64
	glyph rune
}

// points are q's glyphs on p, in axis units (log10 for a log axis): the
// prediction first, so step 0 and the shown step draw over it where they
// share a cell.
func (q profileQuantity) points(p profileData) []profilePoint {
	shown := p.shown
	if q.jac {
		shown = p.jac
	}
	var out []profilePoint
	add := func(layer int, v float64, g rune) {
		if q.log {
			v = log10(v)
		}
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out = append(out, profilePoint{layer, v, g})
		}
	}
	for _, line := range q.lines {
		for l := range shown.Layers {
			if line.predict != nil && l < len(p.step0.Layers) {
				add(l, line.predict(p.step0.Layers, l, p.act), glyphPred)
			}
			if shown.Step != p.step0.Step && l < len(p.step0.Layers) {
				add(l, line.get(p.step0.Layers[l]), glyphStep0)
			}
			add(l, line.get(shown.Layers[l]), glyphShown)
		}
	}
	return out
}

// axis is q's y range over pts: decades for a log axis, from 0 for a
// floored one, symmetric about 0 for percentiles (from 0 when they are
// all positive).
func (q profileQuantity) axis(pts []profilePoint) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, pt := range pts {
		lo, hi = min(lo, pt.v), max(hi, pt.v)
	}
	if lo > hi {
		lo, hi = 0, 1
	}
	switch {
	case q.log:
		lo, hi = math.Floor(lo), math.Ceil(hi)
		if hi-lo < 1 {
			hi = lo + 1
		}
	case q.sym && lo >= 0:
		lo = 0 // sigmoid's percentiles, all in (0, 1): from 0, not -hi
	case q.sym:
		m := math.Max(math.Abs(lo), math.Abs(hi))
		lo, hi = -m, m
	case q.floor:
		lo, hi = math.Min(0, lo), math.Max(hi, q.minHi)
	}
	if hi-lo < 1e-9 {
		hi = lo + math.Max(1e-9, math.Abs(lo))
	}
	return lo, hi
}

// profileRow is the row (0 at the top) of value v on an axis [lo, hi] of
// rows rows.
func profileRow(v, lo, hi float64, rows int) int {
	f := (hi - v) / (hi - lo)
	return max(0, min(rows-1, int(math.Round(f*float64(rows-1)))))
}

// profileChart is q's chart, exactly w x h: a title with the first and
// last layers' shown values, the points on a y axis, the layers below.
func profileChart(q profileQuantity, p profileData, w, h int, st Styles) []string {
	if w <= 0 || h <= 0 {
		return nil
	}
	depth := len(p.shown.Layers)
	title := q.title
	if q.log {
		title += " (log)"
	}
	shown := p.shown
	if q.jac && p.jac.Step != p.shown.Step {
		shown = p.jac
		title += " at step " + fmtCount(p.jac.Step)
	}
	head := q.style(st).Bold(true).Render(title)
	if depth > 0 {
		first, last := q.lines[0].get(shown.Layers[0]), q.lines[0].get(shown.Layers[depth-1])
		head += st.Label.Render(fmt.Sprintf("  L1 %s … L%d %s", q.fmt(first), depth, q.fmt(last)))
	}
	style := q.style(st)
	return profilePlot(q, head, q.points(p), depth, w, h, st,
		func(pt profilePoint, cell float64, plotW int) int { return profileCol(pt.layer, pt.glyph, cell, plotW) },
		func(row []rune) string { return profileCells(row, style, st) })
}

// profilePlot draws pts on q's y axis under the line head, exactly w x h:
// each point's glyph at the column place gives it in its layer's cells
// (cell wide), the shown step's over the others; paint styles a row of
// the plot; the layers are named below.
func profilePlot(q profileQuantity, head string, pts []profilePoint, depth, w, h int, st Styles,
	place func(pt profilePoint, cell float64, plotW int) int, paint func(row []rune) string) []string {
	out := []string{fit(head, w)}
	plotW, plotH := w-profileLabelW-1, h-2
	if plotW < 1 || plotH < 1 || depth == 0 {
		return fixLines(out, w, h)
	}
	lo, hi := q.axis(pts)
	grid := make([][]rune, plotH)
	for r := range grid {
		grid[r] = []rune(strings.Repeat(" ", plotW))
	}
	cell := float64(plotW) / float64(depth)
	for _, pt := range pts {
		c := place(pt, cell, plotW)
		r := profileRow(pt.v, lo, hi, plotH)
		if grid[r][c] == glyphShown && pt.glyph != glyphShown {
			continue // the shown step is drawn over the others, never under
		}
		grid[r][c] = pt.glyph
	}
	label := func(v float64) string {
		if q.log {
			return fmtNum(math.Pow(10, v))
		}
		return q.fmt(v)
	}
	for r := range plotH {
		l := ""
		switch {
		case r == 0:
			l = label(hi)
		case r == plotH-1:
			l = label(lo)
		case r == (plotH-1)/2 && plotH >= 5:
			l = label(lo + (hi-lo)*float64(plotH-1-r)/float64(plotH-1))
		}
		out = append(out, st.Dim.Render(fmt.Sprintf("%*s┤", profileLabelW, truncate(l, profileLabelW)))+paint(grid[r]))
	}
	out = append(out, st.Dim.Render(strings.Repeat(" ", profileLabelW)+"└")+st.Label.Render(layerAxis(depth, cell, plotW)))
	return fixLines(out, w, h)
}

// profileCol is the column of a glyph of layer l in cells cell wide: the
// prediction, step 0 and the shown step side by side in the middle of the
// layer's cells when there are three, on one cell when not.
func profileCol(l int, g rune, cell float64, plotW int) int {
	start := int(math.Floor(float64(l) * cell))
	width := max(1, int(math.Floor(float64(l+1)*cell))-start)
	mid := start + width/2
	if width >= 3 {
		switch g {
		case glyphPred:
			mid--
		case glyphShown:
			mid++
		}
	}
	return max(0, min(plotW-1, mid))
}

// profileCells styles a row of the plot: the shown step in the quantity's
// colour, step 0 plain, the prediction as the Theory view draws it.
func profileCells(row []rune, style lipgloss.Style, st Styles) string {
	var b strings.Builder
	for _, r := range row {
		switch r {
		case glyphShown:
			b.WriteString(style.Bold(true).Render(string(r)))
		case glyphStep0:
			b.WriteString(st.Label.Render(string(r)))
		case glyphPred:
			b.WriteString(st.Theory.Render(string(r)))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// layerAxis labels the layers under their cells: "L3" where it fits, "3"
// where only the number does, every k-th layer where not even that (the
// first and last always).
func layerAxis(depth int, cell float64, plotW int) string {
	row := []rune(strings.Repeat("─", plotW))
	name := func(l int, short bool) string {
		if short {
			return fmt.Sprint(l + 1)
		}
		return fmt.Sprintf("L%d", l+1)
	}
	short := cell < float64(len(name(depth-1, false))+1)
	every := 1
	for float64(every)*cell < float64(len(name(depth-1, short))+1) {
		every++
	}
	put := func(l int) {
		s := []rune(name(l, short))
		at := profileCol(l, glyphStep0, cell, plotW) - (len(s)-1)/2
		at = max(0, min(plotW-len(s), at))
		if at < 0 {
			return
		}
		copy(row[at:], s)
	}
	for l := 0; l < depth-1; l += every {
		if float64(depth-1-l)*cell >= float64(len(name(depth-1, short))+1) {
			put(l) // not where the last layer's label goes
		}
	}
	put(depth - 1)
	return string(row)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
