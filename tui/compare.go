package tui

import (
	"strings"
)

// compareView sets runs A and B side by side. The app builds them on the
// first visit and owns the keys that edit them (a, b), since those open
// the settings panel.
type compareView struct {
	s *viewState // the layer scroll, shared with the other views
}

// View draws both tables from the first layer of the scroll (pgup/pgdn)
// when the layers do not all fit.
func (v compareView) View(runs *[numRuns]runData, w, h int, st Styles) string {
	return v.s.scrolled(func(first int) (string, int, int) { return renderCompareAt(runs[runA], runs[runB], w, h, first, st) })
}

// renderCompareAt draws two runs' layer tables with shared ranges: beside
// each other on wide terminals, one above the other on narrow ones, from
// layer from (from 0) when the layers do not all fit; it returns from
// clamped to them, and how many layers each table shows.
func renderCompareAt(a, b runData, w, h, from int, st Styles) (string, int, int) {
	if w <= 0 || h <= 0 {
		return "", from, 0
	}
	clamped, fits := from, 0
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
		table, first, shown := layerTableAt(d, cols(d), cw, ch-2, from, st, other)
		clamped, fits = first, shown
		return append(head, table...)
	}
	if a.Scenario.Name == "" {
		return st.Dim.Render("preparing the two runs…"), from, 0
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
	return strings.Join(lines, "\n"), clamped, fits
}
