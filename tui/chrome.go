package tui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"initscope/scenarios"
)

// describe is a scenario in one line: "tanh · standard init ×1 · 5×1000 ·
// shapeset · ...", or for narrow terminals "tanh/standard×1 5×1000 ...".
func describe(sc scenarios.Scenario) string { return describeAs(sc, false) }

func describeAs(sc scenarios.Scenario, short bool) string {
	format, scale := "%s · %s init · %d×%d · %s · %s · lr %g · batch %d · seed %d", " ×%g"
	if short {
		format, scale = "%s/%s %d×%d %s %s lr=%g batch=%d seed=%d", "×%g"
	}
	init := sc.Init
	if sc.InitScale != 1 {
		init += sprintf(scale, sc.InitScale)
	}
	return fmt.Sprintf(format, sc.Activation, init, sc.Depth, sc.Width, sc.Dataset, sc.Loss, sc.LR, sc.BatchSize, sc.Seed)
}

// header is the title and the view tabs. The shown view's tab is in
// brackets, so it reads without colour; below 100 columns the title goes
// and the tabs sit closer, so that all of them fit in 80.
func (m *Model) header(w int) string {
	line, _ := m.headerTabs(w)
	return line
}

// headerTabs is the header and the columns [start, end) of each view's
// tab in it, where a click selects the view (update.go's mouse). It is
// the widest form whose tabs fit w (tabLayouts); while compared runs train
// behind another view, Compare's tab carries ▶, and the words say so
// after the tabs where they fit.
func (m *Model) headerTabs(w int) (string, [numViews][2]int) {
	bg := m.comparingInBackground()
	var line string
	var spans [numViews][2]int
	x := 0
	for i, l := range tabLayouts {
		if l.title && w < 100 {
			continue // below 100 columns the title goes, as it always has
		}
		line, spans, x = m.tabRow(l, bg != "")
		if x <= w || i == len(tabLayouts)-1 {
			break
		}
	}
	if text := " ▶ " + bg + " training"; bg != "" && lipgloss.Width(line)+lipgloss.Width(text) <= w {
		line += m.st.Good.Render(text) // and in words where they fit
	}
	for i := range spans {
		spans[i][1] = min(spans[i][1], w)
	}
	return fit(line, w), spans
}

// tabLayouts are the header's forms, widest first: the title and padded
// tabs (100 columns and more), the tabs alone, the short names (all eight
// tabs in 80 columns), then the views' names cut to four letters, then their numbers alone, so that every tab has a place
// however many views there are. The shown view's tab is in brackets in
// all of them, so it reads without colour.
var tabLayouts = []tabLayout{{true, true, false, 0}, {false, false, false, 0}, {false, false, true, 0}, {false, false, false, 4}, {false, false, false, -1}}

// tabLayout is one form of the header.
type tabLayout struct {
	title, pad bool
	short      bool // the views' short names (viewShortNames)
	name       int  // the letters of a view's name shown; 0: all, -1: none
}

// tabRow is the header in layout l, the tabs' columns and its width.
func (m *Model) tabRow(l tabLayout, bg bool) (string, [numViews][2]int, int) {
	var b strings.Builder
	var spans [numViews][2]int
	x := 0
	put := func(s string) {
		b.WriteString(s)
		x += lipgloss.Width(s)
	}
	if l.title {
		put(m.st.Title.Render("initscope") + "  ")
	}
	for i, name := range viewNames {
		if l.short {
			name = viewShortNames[i]
		}
		switch r := []rune(name); {
		case l.name < 0:
			name = ""
		case l.name > 0 && len(r) > l.name:
			name = string(r[:l.name])
		}
		label := strings.TrimSpace(sprintf("%d %s", i+1, name))
		if bg && viewID(i) == viewCompare {
			label += "▶" // its runs train while another view is shown
		}
		start := x
		switch {
		case viewID(i) == m.view && m.overlay == nil:
			put(m.st.TabActive.Render("[" + label + "]"))
		case l.pad: // the same width as the brackets, so tabs stay put
			put(m.st.Tab.Render(" " + label + " "))
		default:
			put(m.st.Tab.Render(label))
		}
		spans[i] = [2]int{start, x}
		put(" ")
	}
	return b.String(), spans, x - 1
}

func (m *Model) configLine(w int) string {
	sc := m.data[runMain].Scenario
	if m.view == viewCompare && m.overlay == nil {
		return m.st.Label.Render(hintLine(w, sprintf("compare %s in lockstep (same steps, same snapshots)", m.comparedLetters()), "a b c d: edit", "+/-: add/drop a run", "space: train all"))
	}
	if w < 100 {
		return fit(m.st.Value.Render(sc.Name)+m.st.Label.Render(": "+describeAs(sc, true)), w)
	}
	return fit(m.st.Value.Render(sc.Name)+m.st.Label.Render(" · "+describe(sc)), w)
}

// statusLine is the run's progress: state, step, examples, rate, losses.
func (m *Model) statusLine(w int) string {
	if m.view == viewCompare && m.overlay == nil {
		return m.compareStatus(w)
	}
	return fit(renderStatus(m.data[runMain], w >= 110, m.st), w)
}

func (m *Model) shortStatus(d runData) string {
	s := stateBadge(d, m.st) + sprintf(" step %s", fmtCount(d.Step))
	if i, ok := d.shownIndex(); ok && !d.following() {
		s += m.st.Value.Render(" ◀ shows " + fmtCount(d.Snaps[i].Step))
	}
	return s
}

// cursorNote says which snapshot the views show when it is not the
// latest, in words, so it reads without colour: "◀ showing step 1,200
// (snapshot 13 of 97)". It is "" while the views follow the run.
func cursorNote(d runData, wide bool, st Styles) string {
	i, ok := d.shownIndex()
	if !ok || d.following() {
		return ""
	}
	of := " (snapshot %d of %d)"
	if !wide {
		of = " (%d/%d)"
	}
	return st.Value.Render("◀ showing step "+fmtCount(d.Snaps[i].Step)) + st.Label.Render(sprintf(of, i+1, len(d.Snaps)))
}

func stateBadge(d runData, st Styles) string {
	switch d.State {
	case stateRunning:
		return st.Good.Render("▶ training")
	case statePaused:
		return st.Warn.Render("❚❚ paused")
	case stateDone:
		return st.Good.Render("✓ done")
	case stateDiverged:
		return st.Bad.Render(sprintf("✗ diverged at step %s", fmtCount(d.DivergedStep)))
	case stateFailed:
		return st.Bad.Render("✗ error")
	}
	if d.Building.Layers > 0 {
		return st.Dim.Render("… " + d.Building.Short())
	}
	return st.Dim.Render("… building")
}

// renderStatus is the status line of one run.
func renderStatus(d runData, wide bool, st Styles) string {
	if d.State == stateFailed {
		if pe := (*PanicError)(nil); errors.As(d.Err, &pe) {
			return st.Bad.Render(pe.Error()) + st.Hint.Render("  (r: start again)")
		}
		return st.Bad.Render("cannot build this scenario: "+oneLine(errString(d.Err))) + st.Hint.Render("  (c: settings, o: scenarios)")
	}
	var b strings.Builder
	// With the cursor back in time, the shown step comes first and the
	// run's own progress follows it ("· run ▶ training step 9,600/...").
	note := cursorNote(d, wide, st)
	if note != "" {
		b.WriteString(note + st.Label.Render(" · run "))
	}
	b.WriteString(stateBadge(d, st))
	field := func(label, value string) {
		b.WriteString(st.Label.Render("  " + label + " "))
		b.WriteString(st.Value.Render(value))
	}
	rate := "—"
	if d.Rate > 0 {
		rate = fmtCount(int64(d.Rate + 0.5))
	}
	trainLoss, testErr := lastLosses(d)
	total := fmtCount(d.Scenario.Steps)
	if !wide {
		total = fmtShort(d.Scenario.Steps) // 212,628/100M
	}
	field("step", fmtCount(d.Step)+"/"+total)
	if wide {
		field("examples", fmtCount(d.Examples))
		field("ex/s", rate)
		field("train loss", fmtNum(trainLoss))
		field("test error", fmtPct(testErr))
		if n := len(d.Snaps); n > 0 && d.Snaps[n-1].Seconds > 0 {
			// What the latest measurement cost (the Jacobian's shows here).
			b.WriteString(st.Hint.Render("  snapshot " + fmtSeconds(d.Snaps[n-1].Seconds)))
		}
	} else if note == "" {
		// Narrow, the cursor's note takes the room of the rates and losses,
		// and large counts are short (401k ex) so the error stays whole.
		if d.Rate > 0 {
			rate = fmtShort(int64(d.Rate + 0.5))
		}
		b.WriteString(st.Value.Render("  "+fmtShort(d.Examples)) + st.Label.Render(" ex  "))
		b.WriteString(st.Value.Render(rate) + st.Label.Render(" ex/s"))
		field("loss", fmtNum(trainLoss))
		field("error", fmtPct(testErr))
	}
	return b.String()
}

// lastLosses are the latest measured train loss and test error.
func lastLosses(d runData) (trainLoss, testErr float64) {
	trainLoss, testErr = nan, nan
	for i := len(d.Snaps) - 1; i >= 0; i-- {
		s := d.Snaps[i]
		if testErr != testErr {
			testErr = s.TestError
		}
		if trainLoss != trainLoss {
			trainLoss = s.TrainLoss
		}
		if trainLoss == trainLoss && testErr == testErr {
			break
		}
	}
	return trainLoss, testErr
}

func errString(err error) string {
	if err == nil {
		return "unknown error"
	}
	return err.Error()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (m *Model) messageLine(w int) string {
	if m.message == "" {
		return ""
	}
	if m.messageBad {
		return fit(m.st.Bad.Render(m.message), w)
	}
	return fit(m.st.Good.Render(m.message), w)
}

// fmtSeconds writes a duration in seconds as people read it: 84 ms, 1.0 s.
func fmtSeconds(sec float64) string {
	if sec < 1 {
		return sprintf("%.0f ms", sec*1000)
	}
	return sprintf("%.1f s", sec)
}
