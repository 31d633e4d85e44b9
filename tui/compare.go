package tui

import (
	"strings"
)

// compareView sets runs A and B side by side. The app builds them on the
// first visit and owns the keys that edit them (a, b), since those open
// the settings panel.
type compareView struct{}

func (compareView) View(runs *[numRuns]runData, w, h int, st Styles) string {
	return renderCompare(runs[runA], runs[runB], w, h, st)
}

// renderCompare draws two runs' layer tables with shared ranges: beside
// each other on wide terminals, one above the other on narrow ones.
func renderCompare(a, b runData, w, h int, st Styles) string {
	if w <= 0 || h <= 0 {
		return ""
	}
	cols := func(d runData) []column {
		return []column{stdCol(st), satCol(st), gradCol(st), wgradCol(st)}
	}
	side := func(name string, d, other runData, cw, ch int) []string {
		_, testErr := lastLosses(d)
		progress := stateBadge(d, st) + st.Label.Render("  step ") + st.Value.Render(fmtCount(d.Step))
		if i, ok := d.shownIndex(); ok && !d.following() {
			// The time cursor: the table and the test error are the
			// shown snapshot's.
			s := d.Snaps[i]
			testErr = s.TestError
			progress = st.Value.Render("◀ step "+fmtCount(s.Step)+" shown") + st.Label.Render(" · run ") + progress
		}
		head := []string{
			fit(st.Title.Render(name+" ")+st.Label.Render(describe(d.Scenario)), cw),
			fit(progress+st.Label.Render("  test error ")+st.Value.Render(fmtPct(testErr)), cw),
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
		st.Hint.Render(hintLine(w, "same data and seed", "a / b: edit A / B", "space: train both", "r: reset both", "ranges shared by both sides")))
	return strings.Join(lines, "\n")
}
