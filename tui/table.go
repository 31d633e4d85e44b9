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
	diverge bool                 // drawn about the activation's centre (see divergingRows)
	format  func(float64) string // the current value
	numW    int                  // the widest value format writes
}

// statCol is the column of statistic s, titled and scaled as the table of
// statistics says, its range from the data.
func statCol(s batch.Stat, style lipgloss.Style) column {
	return column{title: s.Title(), short: s.ShortTitle(), style: style, get: s.Get, log: s.Log(),
		lo: nan, hi: nan, format: fmtNum, numW: 7} // "2.0e-06", "-0.0133"
}

// meanCol's range is the data's (at least 0.2 wide): a fixed [-1, 1]
// would flatten tanh's small drifts, and sigmoid's fall toward 0 still shows.
// It is drawn about the activation's centre (0, or sigmoid's 0.5), so a
// mean near it is a thin line and a drift either way shows as such.
func meanCol(st Styles) column {
	c := statCol(batch.ActMean, st.Act)
	c.minSpan, c.format, c.diverge, c.numW = 0.2, fmtSigned, true, 8 // "-0.00812"
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
	c.lo, c.minSpan, c.format, c.numW = 0, 0.05, fmtPct, 6 // "100.0%"
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
			out[r].WriteRune(fillCell(lvl - (rows-1-r)*8))
		}
	}
	return builderLines(out)
}

// fillCell is a cell filled from the bottom by fill eighths (<= 0: empty).
func fillCell(fill int) rune {
	switch {
	case fill <= 0:
		return ' '
	case fill >= 8:
		return '█'
	}
	return blocks[fill-1]
}

// hangCell is a cell filled from the top by fill eighths: terminals have
// only the top eighth, half and full of those, so it rounds to them.
func hangCell(fill int) rune {
	switch {
	case fill <= 0:
		return ' '
	case fill >= 6:
		return '█'
	case fill >= 3:
		return '▀'
	}
	return '▔'
}

func builderLines(bs []strings.Builder) []string {
	lines := make([]string, len(bs))
	for r := range bs {
		lines[r] = bs[r].String()
	}
	return lines
}

// divergingRows is a sparkline rows cells tall about a centre line: values
// above center rise from it, values below hang from it, so a series that
// stays near the centre is a thin line there, not a half-full block. The
// range is center ± span. One row has no room for a line: it is a plain
// sparkline whose middle level is the centre.
func divergingRows(vals []float64, width, rows int, center, span float64) []string {
	if rows <= 1 {
		return []string{sparkline(vals, width, center-span, center+span)}
	}
	up := (rows + 1) / 2 // rows above the centre line; the rest hang below
	vals = resample(vals, width)
	out := make([]strings.Builder, rows)
	pad := width - len(vals)
	for r := range out {
		out[r].WriteString(strings.Repeat(" ", pad))
	}
	for _, v := range vals {
		e := 0 // eighths from the centre line, signed; 0 for NaN
		if !math.IsNaN(v) && span > 0 {
			f := max(-1, min(1, (v-center)/span))
			if f >= 0 {
				e = max(1, int(math.Round(f*float64(up*8))))
			} else {
				e = min(-1, int(math.Round(f*float64((rows-up)*8))))
			}
		}
		for r := range rows {
			switch {
			case math.IsNaN(v):
				out[r].WriteByte(' ')
			case r < up:
				out[r].WriteRune(fillCell(e - (up-1-r)*8))
			default:
				out[r].WriteRune(hangCell(-e - (r-up)*8))
			}
		}
	}
	return builderLines(out)
}

// sparkCell is the cell of sparkline's width cells that draws vals[i] of
// n values: sparkline right-aligns a short history and averages a long
// one into equal runs (resample).
func sparkCell(i, n, width int) int {
	if n <= width {
		return width - n + i
	}
	return ((i+1)*width - 1) / n
}

// layerTableAt draws one row block per hidden layer: for each column a
// sparkline of its history (left: step 0, right: now) and its value at
// the shown step; others are further runs whose data share the columns'
// ranges. It starts at layer first (from 0) when the layers do not all
// fit in h lines, and says so (scrollNote). It returns at most h lines and
// the first layer it drew and how many.
func layerTableAt(d runData, cols []column, w, h, first int, st Styles, others ...runData) ([]string, int, int) {
	shownAt, ok := d.shownIndex()
	if !ok {
		return waiting(d, w, st), 0, 0
	}
	if w <= 0 || h <= 0 || len(cols) == 0 {
		return nil, 0, 0
	}
	shown := d.Snaps[shownAt]
	const labelW = 4
	sep := "│"
	if w >= 120 {
		sep = " │ "
	}
	// Each column is a sparkline, a space, its value and (but the last) a
	// separator: the value ends at the separator, so it reads as its own
	// sparkline's.
	cw := max(1, (w-labelW-(len(cols)-1)*len([]rune(sep)))/len(cols))
	sws := make([]int, len(cols)) // each sparkline's width, after its value's
	for c, col := range cols {
		sws[c] = max(1, cw-col.numW-1)
	}
	depth := len(d.Snaps[len(d.Snaps)-1].Layers)
	avail := h - 3 // the titles, the ranges and the time marker
	marker := true
	if depth > avail && depth <= h-2 {
		marker, avail = false, h-2 // every layer rather than the marker
	}
	fits := depth
	if depth > max(1, avail) {
		fits = max(1, avail-1) // and a line saying where the others are
	}
	first = max(0, min(first, depth-fits))
	spark := max(1, avail/max(1, depth))
	if spark >= 3 {
		spark-- // room for a blank line between layers
	}
	// The lines the sparklines leave go between the layers, so the table
	// fills the height and the time marker stays under the last layer.
	blank, gaps := max(0, avail-depth*spark), max(1, depth-1)
	series := make([][][]float64, len(cols))
	ranges := make([][2]float64, len(cols))
	center := activationCenter(d.Scenario.Activation)
	for c, col := range cols {
		series[c] = layerSeries(d.Snaps, col.get, col.log)
		all := [][][]float64{series[c]}
		for _, o := range others {
			all = append(all, layerSeries(o.Snaps, col.get, col.log))
		}
		if col.diverge {
			ranges[c] = divergingRange(center, col.minSpan, all...)
		} else {
			ranges[c][0], ranges[c][1] = colRange(col, all...)
		}
	}
	slot := func(c int, s string, width int) string {
		if c < len(cols)-1 {
			return fit(s, width) + st.Dim.Render(sep)
		}
		return fit(s, width)
	}
	var title, scale, mark strings.Builder
	title.WriteString(fit("", labelW))
	scale.WriteString(fit("", labelW))
	mark.WriteString(fit("", labelW))
	for c, col := range cols {
		t := col.title
		if cw < 24 && col.short != "" {
			t = col.short
		}
		title.WriteString(slot(c, col.style.Bold(true).Render(truncate(t, cw)), cw))
		sc := rangeLabel(col, ranges[c][0], ranges[c][1])
		if col.diverge {
			sc = col.format(ranges[c][0]) + " ± " + fmtNum(ranges[c][1])
			if cw >= 24 {
				sc = "centre " + sc
			}
		}
		if col.log && cw >= 24 {
			sc += " (log)"
		}
		scale.WriteString(slot(c, st.Dim.Render(truncate(sc, cw)), cw))
		at := sparkCell(shownAt, len(d.Snaps), sws[c])
		mark.WriteString(slot(c, strings.Repeat(" ", at)+st.Value.Render("▲"), cw))
	}
	lines := []string{title.String(), scale.String()}
	for l := first; l < first+fits; l++ {
		block := layerBlock(spark, l, labelW, st)
		for c, col := range cols {
			var sp []string
			if col.diverge {
				sp = divergingRows(series[c][l], sws[c], spark, ranges[c][0], ranges[c][1])
			} else {
				sp = sparkRows(series[c][l], sws[c], spark, ranges[c][0], ranges[c][1])
			}
			v := nan
			if l < len(shown.Layers) {
				v = col.get(shown.Layers[l])
			}
			for r := range spark {
				val := strings.Repeat(" ", col.numW)
				if r == spark-1 {
					val = st.Value.Render(fmt.Sprintf("%*s", col.numW, col.format(v)))
				}
				block[r].WriteString(slot(c, col.style.Render(sp[r])+" "+val, cw))
			}
		}
		for r := range spark {
			lines = append(lines, block[r].String())
		}
		if fits == depth && l < depth-1 {
			for range blank/gaps + btoi(l < blank%gaps) {
				lines = append(lines, "")
			}
		}
	}
	if fits < depth {
		lines = append(lines, st.Hint.Render(fit(scrollNote(first, fits, depth), w)))
	}
	if marker {
		lines = append(lines, mark.String())
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	return lines, first, fits
}

// activationCenter is the middle of a bounded activation's range (0.5
// for sigmoid), 0 for the others: the line a mean is drawn about.
func activationCenter(name string) float64 {
	if lo, hi, ok := activationRange(name); ok {
		return (lo + hi) / 2
	}
	return 0
}

// divergingRange is the centre and the half-width of a diverging
// column: the farthest value from center, at least minSpan/2.
func divergingRange(center, minSpan float64, runs ...[][]float64) [2]float64 {
	var all [][]float64
	for _, r := range runs {
		all = append(all, r...)
	}
	half := minSpan / 2
	if lo, hi := span(all...); !math.IsNaN(lo) {
		half = max(half, math.Abs(lo-center), math.Abs(hi-center))
	}
	return [2]float64{center, half}
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

// waiting is waitingText wrapped to w cells, dim: an error or the
// pre-training's progress reads whole at 80 columns.
func waiting(d runData, w int, st Styles) []string {
	lines := wrapWords(waitingText(d), max(w, 1))
	for i := range lines {
		lines[i] = st.Dim.Render(lines[i])
	}
	return lines
}

// waitingBlock is waiting as one string of lines.
func waitingBlock(d runData, w int, st Styles) string {
	return strings.Join(waiting(d, w, st), "\n")
}

func waitingText(d runData) string {
	if d.State == stateFailed {
		if pe := (*PanicError)(nil); errors.As(d.Err, &pe) {
			return pe.Error()
		}
		return "this scenario could not be built: " + oneLine(errString(d.Err))
	}
	if d.Building.Layers > 0 {
		return d.Building.String() + ", then measuring step 0…"
	}
	return "building the network and measuring step 0…"
}
