package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/NimbleMarkets/ntcharts/canvas"
	"github.com/NimbleMarkets/ntcharts/canvas/graph"
	"github.com/NimbleMarkets/ntcharts/canvas/runes"
	"github.com/charmbracelet/lipgloss"

	"initscope/nn"
	"initscope/scenarios"
)

// Charts are pure functions of the history the app keeps, with ranges the
// caller fixes (so layers share an axis). Line charts draw their braille
// lines with ntcharts' canvas, made fresh for each frame (ntcharts' own
// ranges only grow, and a chart must not be shared between SSH sessions);
// sparklines and histogram bars are simple enough to draw here, where
// negative values and NaN gaps are handled as the views need.

var blocks = []rune("▁▂▃▄▅▆▇█")

// fmtNum formats a statistic compactly; NaN (not measured, not
// applicable, diverged) is a dash.
func fmtNum(x float64) string {
	switch {
	case math.IsNaN(x):
		return "—"
	case math.IsInf(x, 1):
		return "+Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	case x == 0:
		return "0"
	case math.Abs(x) < 1e-3 || math.Abs(x) >= 1e5:
		return fmt.Sprintf("%.1e", x)
	}
	return fmt.Sprintf("%.3g", x)
}

// fmtSigned is fmtNum with a sign, so columns of means line up.
func fmtSigned(x float64) string {
	if math.IsNaN(x) || x < 0 || math.IsInf(x, 0) {
		return fmtNum(x)
	}
	return "+" + fmtNum(x)
}

func fmtPct(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*x)
}

// fmtShort writes a count for a narrow line: exact below 100,000
// (fmtCount), else in three significant digits, 401k, 1.32M, 2.50G.
func fmtShort(n int64) string {
	a := math.Abs(float64(n))
	switch {
	case a < 1e5:
		return fmtCount(n)
	case a < 999.5e3:
		return fmt.Sprintf("%.0fk", float64(n)/1e3)
	case a < 999.5e6:
		return fmt.Sprintf("%.3gM", float64(n)/1e6)
	}
	return fmt.Sprintf("%.3gG", float64(n)/1e9)
}

// fmtCount writes n with thousands separators: 1234567 -> 1,234,567.
func fmtCount(n int64) string { return scenarios.Thousands(n) }

// log10 maps a variance to the log scale of the charts; 0, negatives and
// NaN have no place on it.
func log10(v float64) float64 {
	if !(v > 0) || math.IsInf(v, 0) {
		return math.NaN()
	}
	return math.Log10(v)
}

// resample reduces vals to at most n points by averaging equal runs, so a
// long history fits a narrow chart; NaNs in a run are skipped.
func resample(vals []float64, n int) []float64 {
	if len(vals) <= n || n <= 0 {
		return vals
	}
	out := make([]float64, n)
	for i := range out {
		lo, hi := i*len(vals)/n, (i+1)*len(vals)/n
		sum, k := 0.0, 0
		for _, v := range vals[lo:hi] {
			if !math.IsNaN(v) {
				sum += v
				k++
			}
		}
		out[i] = math.NaN()
		if k > 0 {
			out[i] = sum / float64(k)
		}
	}
	return out
}

// sparkline draws vals in width cells with eight levels over [lo, hi];
// a short history is right-aligned, NaN is a gap.
func sparkline(vals []float64, width int, lo, hi float64) string {
	if width <= 0 {
		return ""
	}
	vals = resample(vals, width)
	var b strings.Builder
	for range width - len(vals) {
		b.WriteByte(' ')
	}
	span := hi - lo
	for _, v := range vals {
		if math.IsNaN(v) {
			b.WriteByte(' ')
			continue
		}
		f := 0.0
		if span > 0 {
			f = (v - lo) / span
		}
		i := int(math.Round(f * float64(len(blocks)-1)))
		b.WriteRune(blocks[max(0, min(len(blocks)-1, i))])
	}
	return b.String()
}

// span returns the finite min and max of several series, or (NaN, NaN).
func span(series ...[]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, v := range s {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if lo > hi {
		return math.NaN(), math.NaN()
	}
	return lo, hi
}

// padSpan widens [lo, hi] so a flat series still has a range.
func padSpan(lo, hi, minWidth float64) (float64, float64) {
	if math.IsNaN(lo) {
		return 0, 1
	}
	if hi-lo < minWidth {
		mid := (lo + hi) / 2
		return mid - minWidth/2, mid + minWidth/2
	}
	return lo, hi
}

// series is one line of a line chart; with a mark it is drawn as that
// rune at each point instead, so it stays apart from the braille lines
// without colour.
type series struct {
	xs, ys []float64
	style  lipgloss.Style
	mark   rune
}

// axes are a line chart's ranges and labels.
type axes struct {
	xlo, xhi, ylo, yhi float64
	yfmt               func(float64) string // the y labels
	xname              string               // what x counts: "step", "examples"
	mark               float64              // x of the shown snapshot, marked; NaN: none
	markStyle          lipgloss.Style
}

// lineChart draws series over the ranges of ax in braille, with a y axis
// of three labels and an x axis that names its ends and marks ax.mark (▲
// on the axis, ┊ through the empty cells above). The result is exactly
// width x height cells.
func lineChart(ss []series, width, height int, ax axes) []string {
	const labelW = 8
	plotW, plotH := width-labelW-1, height-1
	if plotW < 2 || plotH < 1 {
		return blankLines(width, height)
	}
	xlo, xhi, ylo, yhi := ax.xlo, ax.xhi, ax.ylo, ax.yhi
	// ntcharts draws the braille lines (one grid per series, every segment
	// set on it, then drawn once: linechart's DrawBrailleLine rebuilds a
	// whole grid per segment, 20x slower on long histories); the axes and
	// labels stay ours so every chart of a view lines up. All of it is made
	// for this frame from the history the app keeps.
	// Each cell's braille rune (0: empty) and the index of the series that
	// drew it last, whose style it takes, as graph.DrawBraillePatterns
	// would set them on a canvas; rows are then rendered a run of cells of
	// one style at a time rather than cell by cell (canvas.View's cost was
	// half of a frame's).
	cells := make([]rune, plotW*plotH)
	owner := make([]int, plotW*plotH)
	for i, s := range ss {
		if s.mark != 0 {
			markPoints(cells, owner, i, s, plotW, plotH, xlo, xhi, ylo, yhi)
			continue
		}
		grid := graph.NewBrailleGrid(plotW, plotH, xlo, xhi, ylo, yhi)
		var prev canvas.Point
		have := false
		for i := range s.xs {
			if math.IsNaN(s.ys[i]) || math.IsInf(s.ys[i], 0) {
				have = false
				continue
			}
			p := grid.GridPoint(canvas.Float64Point{X: max(xlo, min(xhi, s.xs[i])), Y: max(ylo, min(yhi, s.ys[i]))})
			if !have {
				prev = p
			}
			for _, q := range graph.GetLinePoints(prev, p) {
				grid.Set(q)
			}
			prev, have = p, true
		}
		for y, row := range grid.BraillePatterns() {
			for x, r := range row {
				if y >= plotH || x >= plotW || r == runes.BrailleBlockOffset || !runes.IsBraillePattern(r) {
					continue
				}
				k := y*plotW + x
				if cells[k] != 0 {
					r = runes.CombineBraillePatterns(cells[k], r)
				}
				cells[k], owner[k] = r, i
			}
		}
	}
	styles := make([]lipgloss.Style, 0, len(ss)+1)
	for _, s := range ss {
		styles = append(styles, s.style)
	}
	styles = append(styles, ax.markStyle)
	markCol := -1
	if !math.IsNaN(ax.mark) && xhi > xlo {
		// The dot column GridPoint would give, two dots a cell.
		dot := math.Round((max(xlo, min(xhi, ax.mark)) - xlo) / (xhi - xlo) * float64(2*plotW-1))
		markCol = max(0, min(plotW-1, int(dot)/2))
		for r := range plotH * btoi(markCol < plotW-1) { // not at the right edge: that is now
			if k := r*plotW + markCol; cells[k] == 0 {
				cells[k], owner[k] = '┊', len(ss)
			}
		}
	}
	plot := make([]string, plotH)
	for r := range plotH {
		plot[r] = styledRow(cells[r*plotW:(r+1)*plotW], owner[r*plotW:(r+1)*plotW], styles)
	}
	lines := make([]string, 0, height)
	for r := range plotH {
		label := ""
		switch r {
		case 0:
			label = ax.yfmt(yhi)
		case plotH - 1:
			label = ax.yfmt(ylo)
		case (plotH - 1) / 2:
			if plotH >= 5 {
				label = ax.yfmt((ylo + yhi) / 2)
			}
		}
		lines = append(lines, fmt.Sprintf("%*s┤", labelW, truncate(label, labelW))+plot[r])
	}
	return append(lines, strings.Repeat(" ", labelW)+"└"+xAxis(ax, plotW, markCol))
}

// legendGlyph is how a legend shows a series: its mark, or a braille block
// for a line.
func legendGlyph(mark rune) string {
	if mark == 0 {
		return "⣿"
	}
	return string(mark)
}

// markPoints sets s's mark, owned by series i, at the cell of each of its
// finite points on the plotW x plotH grid of cells over the ranges.
func markPoints(cells []rune, owner []int, i int, s series, plotW, plotH int, xlo, xhi, ylo, yhi float64) {
	for j := range s.xs {
		x, y := s.xs[j], s.ys[j]
		if math.IsNaN(y) || math.IsInf(y, 0) {
			continue
		}
		c, r := 0, plotH-1
		if xhi > xlo {
			c = int(math.Round((max(xlo, min(xhi, x)) - xlo) / (xhi - xlo) * float64(plotW-1)))
		}
		if yhi > ylo {
			r = int(math.Round((yhi - max(ylo, min(yhi, y))) / (yhi - ylo) * float64(plotH-1)))
		}
		k := r*plotW + c
		cells[k], owner[k] = s.mark, i
	}
}

// styledRow renders a row of cells (0: blank), each in the style of its
// owner, one Render per run of cells with the same owner.
func styledRow(cells []rune, owner []int, styles []lipgloss.Style) string {
	var b strings.Builder
	for i := 0; i < len(cells); {
		j := i
		for j < len(cells) && (cells[j] == 0) == (cells[i] == 0) && (cells[i] == 0 || owner[j] == owner[i]) {
			j++
		}
		if cells[i] == 0 {
			b.WriteString(strings.Repeat(" ", j-i))
		} else {
			b.WriteString(styles[owner[i]].Render(string(cells[i:j])))
		}
		i = j
	}
	return b.String()
}

// xAxis is the x axis line, plotW cells: the range's ends named ("step 0",
// "5,900") where they fit, ▲ at markCol (-1: none).
func xAxis(ax axes, plotW, markCol int) string {
	row := []rune(strings.Repeat("─", plotW))
	name := ax.xname
	if name == "" {
		name = "step"
	}
	left, right := []rune(name+" "+fmtCount(int64(ax.xlo))), []rune(fmtCount(int64(ax.xhi)))
	// The labels step aside for the marker at either end.
	lat, rat := 0, plotW-len(right)
	if markCol >= 0 && markCol < len(left) {
		lat = markCol + 1
	}
	if markCol >= rat {
		rat = markCol - len(right)
	}
	if lat+len(left) < rat && rat >= 0 {
		copy(row[lat:], left)
		copy(row[rat:], right)
	}
	if markCol >= 0 && markCol < plotW {
		row[markCol] = '▲'
	}
	return string(row)
}

func blankLines(width, height int) []string {
	out := make([]string, max(0, height))
	for i := range out {
		out[i] = strings.Repeat(" ", max(0, width))
	}
	return out
}

// histColumns sums counts into width columns (or repeats bins when there
// are fewer bins than columns).
func histColumns(counts []int, width int) []float64 {
	out := make([]float64, width)
	n := len(counts)
	if n == 0 {
		return out
	}
	for c := range out {
		lo, hi := c*n/width, (c+1)*n/width
		if hi <= lo {
			out[c] = float64(counts[lo])
			continue
		}
		// The mean count of the bins in the column: a sum would alias
		// (columns of one bin beside columns of two).
		for _, v := range counts[lo:hi] {
			out[c] += float64(v)
		}
		out[c] /= float64(hi - lo)
	}
	return out
}

// histBars draws columns as vertical bars height cells tall, scaled so top
// fills the height; eighth blocks give the bars' tops.
func histBars(cols []float64, height int, top float64, style lipgloss.Style) []string {
	lines := make([]string, height)
	for row := range height {
		var b strings.Builder
		base := float64(height-1-row) * 8
		for _, v := range cols {
			eighths := 0.0
			if top > 0 {
				eighths = v / top * float64(height*8)
			}
			// A non-empty bin always shows at least a sliver.
			if v > 0 && eighths < 1 {
				eighths = 1
			}
			level := int(math.Round(eighths - base))
			switch {
			case level <= 0:
				b.WriteByte(' ')
			case level >= 8:
				b.WriteRune('█')
			default:
				b.WriteRune(blocks[level-1])
			}
		}
		lines[row] = style.Render(b.String())
	}
	return lines
}

// fit cuts or pads s to exactly width cells.
func fit(s string, width int) string {
	w := lipgloss.Width(s)
	if w > width {
		return truncate(s, width)
	}
	return s + strings.Repeat(" ", width-w)
}

// hintLine joins the parts with " · " in width cells, leaving out whole
// parts from the end that do not fit rather than cutting one mid-word;
// the first part is cut only when it alone is wider than width.
func hintLine(width int, parts ...string) string {
	line := ""
	for i, p := range parts {
		next := p
		if i > 0 {
			next = line + " · " + p
		}
		if i > 0 && lipgloss.Width(next) > width {
			break
		}
		line = next
	}
	return fit(line, width)
}

// wrapWords breaks s at spaces into lines of at most width cells; a word
// wider than width is cut on its own line.
func wrapWords(s string, width int) []string {
	lines := fillLines(strings.Fields(s), width)
	for i, l := range lines {
		lines[i] = truncate(l, width)
	}
	return lines
}

// fillLines joins the units with spaces into lines of at most width cells,
// greedily; a unit wider than width gets a line of its own.
func fillLines(units []string, width int) []string {
	var lines []string
	cur := ""
	for _, u := range units {
		switch {
		case cur == "":
			cur = u
		case lipgloss.Width(cur)+1+lipgloss.Width(u) <= width:
			cur += " " + u
		default:
			lines = append(lines, cur)
			cur = u
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

var nan = math.NaN()

// steps returns the steps of snaps as x values.
func steps(snaps []nn.Snapshot) []float64 {
	xs := make([]float64, len(snaps))
	for i, s := range snaps {
		xs[i] = float64(s.Step)
	}
	return xs
}

// examples returns the examples seen at each of snaps as x values.
func examples(snaps []nn.Snapshot) []float64 {
	xs := make([]float64, len(snaps))
	for i, s := range snaps {
		xs[i] = float64(s.Examples)
	}
	return xs
}

// fitRange is the range of the finite values of series padded by 5% a
// side, at least minWidth wide.
func fitRange(minWidth float64, series ...[]float64) (lo, hi float64) {
	lo, hi = span(series...)
	if math.IsNaN(lo) {
		return padSpan(lo, hi, minWidth)
	}
	pad := (hi - lo) * 0.05
	return padSpan(lo-pad, hi+pad, minWidth)
}

// markAt is the x of the shown snapshot of d on xs, NaN when there is
// none.
func markAt(d *runData, xs []float64) float64 {
	if i, ok := d.shownIndex(); ok && i < len(xs) {
		return xs[i]
	}
	return math.NaN()
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
