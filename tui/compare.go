package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"initscope/scenarios"
)

// compareView is the comparison as an experiment: two to maxCompare runs
// trained in lockstep (compare_train.go), each run's full configuration
// (what they share on one line, what differs on the run's own, seed
// included), then their learning curves overlaid, their layer profiles
// overlaid, and their layer tables. The app builds the runs on the first
// visit and owns the keys that edit them (a, b, c, d, +, -), since those
// open the settings panel. Where the screen holds curves and one more
// panel, v switches that panel between the profiles and the tables;
// where it holds one, v steps through all three.
type compareView struct {
	s     *viewState // the layer scroll and the y axes, shared with the other views
	panel int
	keys  compareKeyMap
}

type compareKeyMap struct {
	Panel key.Binding
}

// Compare's panels, in the order v steps through them.
const (
	panelCurves = iota
	panelProfiles
	panelTables
	numPanels
)

var panelNames = [numPanels]string{"learning curves", "layer profiles", "layer tables"}

func newCompareView(s *viewState) compareView {
	return compareView{s: s, keys: compareKeyMap{
		Panel: key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "compare: curves / profiles / tables")),
	}}
}

// Update steps to the next panel on v.
func (v compareView) Update(msg tea.KeyMsg) (viewModel, bool) {
	if key.Matches(msg, v.keys.Panel) {
		v.panel = (v.panel + 1) % numPanels
		return v, true
	}
	return v, false
}

func (v compareView) FullHelp() []key.Binding { return []key.Binding{v.keys.Panel} }

// View draws the compared runs: those of runA on that have a scenario.
func (v compareView) View(runs *[numRuns]runData, w, h int, st Styles) string {
	var ds []runData
	for run := runA; run < numRuns && runs[run].Scenario.Name != ""; run++ {
		ds = append(ds, runs[run])
	}
	return v.s.scrolled(func(first int) (string, int, int) {
		return renderCompare(ds, w, h, v.panel, v.s.get().fixedAxes, first, st)
	})
}

// The runs' marks: each run's letter, its style, and the glyph its curves
// are drawn with without colour (A's is the braille line).
var runMarks = [maxCompare]rune{0, '•', '+', '×'}

func runStyle(i int, st Styles) lipgloss.Style {
	return [maxCompare]lipgloss.Style{st.Act, st.Grad, st.Std, st.Pct}[i%maxCompare]
}

func runMark(i int, st Styles) rune {
	if st.Plain() {
		return runMarks[i%maxCompare]
	}
	return 0
}

// runKey is run i's letter and glyph, in its style: "A ⣿", "B •".
func runKey(i int, st Styles) string {
	return runStyle(i, st).Bold(true).Render(runLetter(runA+i) + " " + legendGlyph(runMark(i, st)))
}

// compareTallH is the least height of the body below the configurations
// that holds the curves and a second panel.
const compareTallH = 34

// renderCompare draws the configurations, then the curves and a second
// panel (panel, when it is not the curves: the profiles by default) where
// the height holds both, else the one panel; the hint last. It returns
// the tables' first layer and how many they showed (first, 0 without
// tables) for the shared scroll.
func renderCompare(ds []runData, w, h, panel int, fixed bool, first int, st Styles) (string, int, int) {
	if w <= 0 || h <= 0 {
		return "", first, 0
	}
	if len(ds) == 0 {
		return truncate(st.Dim.Render("preparing the compared runs…"), w), first, 0
	}
	lines := compareConfig(ds, w, st)
	// The configurations take at most half the height, all but the
	// panel's line and the hint while no run has a snapshot to draw.
	most := h / 2
	if !slices.ContainsFunc(ds, func(d runData) bool { return len(d.Snaps) > 0 }) {
		most = h - 2
	}
	if len(lines) > most && most >= 2 {
		lines = append(lines[:most-1], st.Hint.Render(fit("… (the configuration goes on: a wider terminal shows it whole)", w)))
	}
	rest := max(0, h-len(lines)-1)
	shown, scrolled := 0, first
	var body []string
	switch {
	case rest >= compareTallH:
		ch := rest * 2 / 5
		body = compareCurves(ds, w, ch, fixed, st)
		second := panelProfiles
		if panel == panelTables {
			second = panelTables
		}
		var more []string
		more, scrolled, shown = comparePanel(ds, second, w, rest-ch, fixed, first, st)
		body = append(body, more...)
	default:
		body, scrolled, shown = comparePanel(ds, panel, w, rest, fixed, first, st)
	}
	lines = append(lines, fixHeight(strings.Join(body, "\n"), w, rest)...)
	next := panelNames[(panel+1)%numPanels]
	if rest >= compareTallH {
		next = "profiles / tables"
	}
	lines = append(lines, st.Hint.Render(hintLine(w, "v: "+next, "+/-: add/drop a run", "▲ shown step", "a b c d: edit", "lockstep: every run at the same step")))
	// Exactly h lines of at most w cells, however small the screen.
	return strings.Join(fixHeight(strings.Join(lines, "\n"), w, h), "\n"), scrolled, shown
}

// comparePanel draws one panel in w x h.
func comparePanel(ds []runData, panel, w, h int, fixed bool, first int, st Styles) ([]string, int, int) {
	switch panel {
	case panelProfiles:
		return compareProfiles(ds, w, h, st), first, 0
	case panelTables:
		return compareTables(ds, w, h, first, st)
	}
	return compareCurves(ds, w, h, fixed, st), first, 0
}

// compareSettings are the settings of the table a run's configuration
// lists: every setting a scenario file holds but its name and description.
func compareSettings() []scenarios.Setting {
	var out []scenarios.Setting
	for _, s := range scenarios.Settings() {
		if s.Key != "" && s.Key != "name" && s.Key != "description" {
			out = append(out, s)
		}
	}
	return out
}

// settingValue is a setting's value in sc as the scenario file writes it.
func settingValue(s scenarios.Setting, sc scenarios.Scenario) string {
	switch p := s.Ptr(&sc).(type) {
	case *string:
		return *p
	case *float64:
		return fmt.Sprintf("%g", *p)
	case *bool:
		return fmt.Sprint(*p)
	case *int:
		return fmt.Sprint(*p)
	case *int64:
		return fmt.Sprint(*p)
	case *uint64:
		return fmt.Sprint(*p)
	case *scenarios.ByteSize:
		return fmt.Sprint(*p)
	}
	return "?"
}

// compareConfig is each run's full configuration: a line (or more,
// wrapped) of the settings all the runs share, then a line per run with
// its letter and glyph, the settings it has of its own, and its test
// error and train loss at the shown step with their difference from A's.
func compareConfig(ds []runData, w int, st Styles) []string {
	settings := compareSettings()
	shared := []string{st.Label.Render("all runs:")}
	own := make([][]string, len(ds))
	for _, s := range settings {
		applies := false
		for i := range ds {
			applies = applies || s.AppliesTo(&ds[i].Scenario)
		}
		if !applies {
			continue // pre-training's settings when no run pre-trains
		}
		v0 := settingValue(s, ds[0].Scenario)
		same := true
		for _, d := range ds[1:] {
			same = same && settingValue(s, d.Scenario) == v0
		}
		for i, d := range ds {
			if same && i > 0 {
				break
			}
			kv := st.Label.Render(s.Key+"=") + st.Value.Render(settingValue(s, d.Scenario))
			if same {
				shared = append(shared, kv)
			} else {
				own[i] = append(own[i], kv)
			}
		}
	}
	lines := indent(fillLines(shared, w-2), w)
	a, okA := ds[0].shown()
	for i, d := range ds {
		units := []string{runKey(i, st)}
		if len(own[i]) == 0 {
			units = append(units, st.Dim.Render("(the shared settings)"))
		}
		units = append(units, own[i]...)
		if s, ok := d.shown(); ok {
			// Test error and train loss at the shown step, and their
			// difference from A's at the same step: units that wrap whole.
			cost := shownTrainLoss(d)
			units = append(units, st.Dim.Render("│ ")+st.Label.Render("error ")+st.Value.Render(fmtPct(s.TestError)),
				st.Dim.Render("· ")+st.Label.Render("loss ")+st.Value.Render(fmtNum(cost)))
			if i > 0 && okA {
				units = append(units, st.Dim.Render("│ ")+st.Value.Render(fmtPoints(s.TestError-a.TestError)+", "+fmtSigned(cost-shownTrainLoss(ds[0])))+
					st.Label.Render(" vs A"))
			}
		} else if d.State == stateFailed {
			for _, word := range strings.Fields(waitingText(d)) { // why, in full: it wraps
				units = append(units, st.Bad.Render(word))
			}
		} else {
			units = append(units, stateBadge(d, st))
		}
		lines = append(lines, indent(fillLines(units, w-2), w)...)
	}
	return lines
}

// indent cuts lines to w cells, the ones after the first indented by 2.
func indent(lines []string, w int) []string {
	for i := range lines {
		if i > 0 {
			lines[i] = "  " + lines[i]
		}
		lines[i] = truncate(lines[i], w)
	}
	return lines
}

// fmtPoints is a difference of two rates in percentage points, signed.
func fmtPoints(d float64) string {
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return "—"
	}
	return fmt.Sprintf("%+.1f pts", 100*d)
}

// shownTrainLoss is the train loss of d at its shown snapshot (the one
// before where that has none: step 0's).
func shownTrainLoss(d runData) float64 {
	i, ok := d.shownIndex()
	if !ok {
		return math.NaN()
	}
	return lastFinite(trainLoss(d.Snaps[:i+1]))
}

// compareCurves overlays the runs' learning curves, as the Learning view
// draws one run's: test error and train loss against the examples seen,
// side by side where each has 36 columns, else one above the other, with
// ▲ at the shown step (A's; the runs are at the same step).
func compareCurves(ds []runData, w, h int, fixed bool, st Styles) []string {
	// The lead gives the shown step: A, or the first run that has
	// snapshots when A could not be built (its line says why).
	lead := slices.IndexFunc(ds, func(d runData) bool { return len(d.Snaps) > 0 })
	if lead < 0 {
		return compareWaiting(ds, w, st)
	}
	var errSeries, lossSeries []series
	var errs, losses [][]float64
	xhi := 1.0
	for i, d := range ds {
		xs := examples(d.Snaps)
		if len(xs) > 0 {
			xhi = max(xhi, xs[len(xs)-1])
		}
		e, l := testError(d.Snaps), trainLoss(d.Snaps)
		errs, losses = append(errs, e), append(losses, l)
		errSeries = append(errSeries, series{xs, e, runStyle(i, st), runMark(i, st)})
		lossSeries = append(lossSeries, series{xs, l, runStyle(i, st), runMark(i, st)})
	}
	mark := markAt(&ds[lead], examples(ds[lead].Snaps))
	errAx, lossAx := errorAxes(fixed, errs...), lossAxes(fixed, losses...)
	if lossAx.yfmt == nil { // log: the series in log10
		for i := range lossSeries {
			lossSeries[i].ys = logs(lossSeries[i].ys)
		}
		lossAx.yfmt = func(v float64) string { return fmtNum(math.Pow(10, v)) }
	}
	for _, ax := range []*axes{&errAx, &lossAx} {
		ax.xlo, ax.xhi, ax.xname, ax.mark, ax.markStyle = 0, xhi, "examples", mark, st.Dim
	}
	at := ""
	if s, ok := ds[lead].shown(); ok {
		at = " at step " + fmtCount(s.Step)
	}
	cw := w
	if w >= 72 {
		cw = w / 2
	}
	title := func(name string, value func(runData) string) string {
		t, keys := st.Title.Render(name), st.Title.Render(name)
		for i, d := range ds {
			t += "  " + runKey(i, st) + " " + st.Value.Render(value(d))
			keys += "  " + runKey(i, st)
		}
		switch {
		case lipgloss.Width(t+at) <= cw:
			return t + st.Label.Render(at)
		case lipgloss.Width(t) <= cw:
			return t // the status line says the step
		}
		return keys // and the run lines the values
	}
	errTitle := title("test error", func(d runData) string {
		if s, ok := d.shown(); ok {
			return fmtPct(s.TestError)
		}
		return "—"
	})
	lossTitle := title("train loss", func(d runData) string { return fmtNum(shownTrainLoss(d)) })
	if w >= 72 {
		a := append([]string{fit(errTitle, cw)}, lineChart(errSeries, cw-2, h-1, errAx)...)
		b := append([]string{fit(lossTitle, cw)}, lineChart(lossSeries, cw-2, h-1, lossAx)...)
		return grid([][]string{a, b}, 2, cw)
	}
	ch := h/2 - 1
	out := append([]string{fit(errTitle, w)}, lineChart(errSeries, w-1, ch, errAx)...)
	out = append(out, fit(lossTitle, w))
	return append(out, lineChart(lossSeries, w-1, h-ch-2, lossAx)...)
}

// compareWaiting is what a panel says before any run has a snapshot.
func compareWaiting(ds []runData, w int, st Styles) []string {
	why := "building the networks and measuring step 0…"
	if !slices.ContainsFunc(ds, func(d runData) bool { return d.State != stateFailed }) {
		why = "nothing to draw: no run could be built (their lines say why)"
	}
	return []string{st.Dim.Render(hintLine(w, why))}
}

// compareQuantities are the Profile view's charts Compare overlays: those
// of one statistic measured at every snapshot.
var compareQuantities = []int{0, 3, 2, 4} // activation std, gradient variance, saturation, weight-gradient variance

// compareProfiles overlays the runs' layer profiles at the shown step, as
// the Profile view draws one run's: each run's value per layer as its
// letter, side by side in the layer's cells. As many charts as fit.
func compareProfiles(ds []runData, w, h int, st Styles) []string {
	depth := 0
	for _, d := range ds {
		if s, ok := d.shown(); ok {
			depth = max(depth, len(s.Layers))
		}
	}
	if depth == 0 {
		return compareWaiting(ds, w, st)
	}
	key := st.Label.Render("each run's value per layer at the shown step, as its letter:")
	for i := range ds {
		key += " " + runStyle(i, st).Bold(true).Render(runLetter(runA+i))
	}
	qs := compareQuantities
	cols, rows := 0, 0
	for n := len(qs); n > 0 && cols == 0; n /= 2 {
		qs = compareQuantities[:n]
		cols, rows = profileGrid(n, depth, w, h-1)
	}
	if cols == 0 {
		cols, rows, qs = 1, 1, compareQuantities[:1]
	}
	cw, ch := w/cols, (h-1)/rows
	cells := make([][]string, len(qs))
	for k, qi := range qs {
		q := profileQuantities[qi]
		var pts []profilePoint
		for i, d := range ds {
			s, ok := d.shown()
			if !ok {
				continue
			}
			for l, ls := range s.Layers {
				v := q.lines[0].get(ls)
				if q.log {
					v = log10(v)
				}
				if !math.IsNaN(v) && !math.IsInf(v, 0) {
					pts = append(pts, profilePoint{layer: l, v: v, glyph: rune('A' + i)})
				}
			}
		}
		title := q.title
		if q.log {
			title += " (log)"
		}
		n := len(ds)
		cells[k] = profilePlot(q, q.style(st).Bold(true).Render(title), pts, depth, cw-1, ch, st,
			func(pt profilePoint, cell float64, plotW int) int {
				start := int(math.Floor(float64(pt.layer) * cell))
				width := max(1, int(math.Floor(float64(pt.layer+1)*cell))-start)
				c := start + width/2
				if width >= n {
					c = start + (width-n)/2 + int(pt.glyph-'A')
				}
				return max(0, min(plotW-1, c))
			},
			func(row []rune) string {
				var b strings.Builder
				for _, r := range row {
					if i := int(r - 'A'); i >= 0 && i < n {
						b.WriteString(runStyle(i, st).Bold(true).Render(string(r)))
						continue
					}
					b.WriteRune(r)
				}
				return b.String()
			})
	}
	return append([]string{fit(key, w)}, grid(cells, cols, cw)...)
}

// compareTables draws the runs' layer tables with shared ranges from layer
// from (from 0) when the layers do not all fit: side by side where each
// has 58 columns, else one above the other (as many as the height holds
// with a few layers each; the others say so). It returns from clamped to
// the layers, and how many each table shows.
func compareTables(ds []runData, w, h, from int, st Styles) ([]string, int, int) {
	clamped, fits := from, 0
	cols := []column{stdCol(st), satCol(st), gradCol(st), wgradCol(st)}
	n := len(ds)
	perRow := max(1, min(n, w/58))
	rowsOf := (n + perRow - 1) / perRow
	cw, ch := (w-2*(perRow-1))/perRow, h/rowsOf
	if ch < 6 && rowsOf > 1 { // too little for each: those that fit, then a note
		rowsOf = max(1, (h-1)/6)
		ch = (h - 1) / rowsOf
	}
	side := func(i int) []string {
		d := ds[i]
		others := append(append([]runData{}, ds[:i]...), ds[i+1:]...)
		table, first, shown := layerTableAt(d, cols, cw, ch, from, st, others...)
		clamped, fits = first, shown
		if len(table) > 0 && shown > 0 {
			// The run's letter and glyph in the label column of the
			// titles (the status line says each run's state and step).
			table[0] = runKey(i, st) + ansi.TruncateLeft(table[0], lipgloss.Width(runKey(i, st)), "")
		}
		return table
	}
	var out []string
	for r := range rowsOf {
		var cells [][]string
		for c := range perRow {
			if i := r*perRow + c; i < n {
				cells = append(cells, fixLines(side(i), cw, ch))
			}
		}
		out = append(out, grid(cells, perRow, cw+2)...)
	}
	if left := n - rowsOf*perRow; left > 0 {
		out = append(out, st.Hint.Render(fmt.Sprintf("%d more tables need a taller terminal: the curves and profiles show every run", left)))
	}
	return out, clamped, fits
}
