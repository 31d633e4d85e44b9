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
	format  func(float64) string // the current value
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

func waitingText(d runData) string {
	if d.State == stateFailed {
		if pe := (*PanicError)(nil); errors.As(d.Err, &pe) {
			return pe.Error()
		}
		return "this scenario could not be built: " + oneLine(errString(d.Err))
	}
	return "building the network and measuring step 0…"
}
