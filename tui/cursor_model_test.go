package tui

import (
	"math"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/key"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// shownStep is the step the views of run draw after the last frame.
func shownStep(t *testing.T, m *Model, run int) int64 {
	t.Helper()
	m.View()
	s, ok := m.data[run].shown()
	if !ok {
		t.Fatalf("run %d shows nothing", run)
	}
	return s.Step
}

// The cursor keys move every view's snapshot through the history; end
// follows the run again, and a move onto the latest does too.
func TestCursorKeys(t *testing.T) {
	m := goldenModel(t, 120, 40) // 60 snapshots, every 100 steps: 0 ... 5,900
	steps := []struct {
		key    tea.KeyMsg
		want   int64
		follow bool
	}{
		{tea.KeyMsg{Type: tea.KeyLeft}, 5800, false},
		{tea.KeyMsg{Type: tea.KeyLeft}, 5700, false},
		{tea.KeyMsg{Type: tea.KeyRight}, 5800, false},
		{tea.KeyMsg{Type: tea.KeyRight}, 5900, true},
		{tea.KeyMsg{Type: tea.KeyRight}, 5900, true},
		{tea.KeyMsg{Type: tea.KeyHome}, 0, false},
		{tea.KeyMsg{Type: tea.KeyLeft}, 0, false},
		{tea.KeyMsg{Type: tea.KeyRight}, 100, false},
		{tea.KeyMsg{Type: tea.KeyEnd}, 5900, true},
	}
	for i, s := range steps {
		m.Update(s.key)
		if got := shownStep(t, m, runMain); got != s.want || m.cursors[runMain].pinned == s.follow {
			t.Errorf("key %d (%s): step %d, pinned %v; want step %d, following %v", i, s.key, got, m.cursors[runMain].pinned, s.want, s.follow)
		}
	}

	// A pinned cursor stays on its step as the run goes on.
	m.Update(tea.KeyMsg{Type: tea.KeyHome})
	m.Update(tea.KeyMsg{Type: tea.KeyRight})
	d := fakeRun(goldenScenario(t), 80)
	m.Update(dataMsg{Run: runMain, Data: d})
	if got := shownStep(t, m, runMain); got != 100 {
		t.Errorf("after new data: step %d, want the pinned 100", got)
	}
	// The status line says which step is shown and where the run is, in
	// words (no colour here).
	if v := m.View(); !strings.Contains(v, "◀ showing step 100 (snapshot 2 of 80)") || !strings.Contains(v, "· run ❚❚ paused  step 7,900/") {
		t.Errorf("status line lacks the shown step or the run's:\n%s", strings.Split(v, "\n")[2])
	}
	m.Update(tea.KeyMsg{Type: tea.KeyEnd})
	if v := m.View(); strings.Contains(v, "showing step") {
		t.Errorf("following, yet the status line names a shown step:\n%s", strings.Split(v, "\n")[2])
	}

	// Compare moves both runs together; the main run's cursor stays.
	m.Update(tea.KeyMsg{Type: tea.KeyLeft})
	m.Update(press("6"))
	m.Update(tea.KeyMsg{Type: tea.KeyHome})
	if a, b, main := shownStep(t, m, runA), shownStep(t, m, runB), shownStep(t, m, runMain); a != 0 || b != 0 || main != 7800 {
		t.Errorf("home on Compare: A %d, B %d, main %d; want 0, 0, 7800", a, b, main)
	}
	// A reset follows again.
	m.Update(press("1"))
	m.Update(press("r"))
	m.Update(press("y")) // the fake run has trained long enough to be asked about
	if m.cursors[runMain].pinned {
		t.Error("the cursor stayed pinned through a reset")
	}
}

// The settings panel keeps its own left and right: they change a value,
// not the cursor.
func TestCursorKeysLeaveOverlays(t *testing.T) {
	m := goldenModel(t, 120, 40)
	m.Update(press("c"))
	m.Update(tea.KeyMsg{Type: tea.KeyLeft})
	if m.cursors[runMain].pinned {
		t.Error("left in the settings panel moved the cursor")
	}
	m.Update(press("esc"))
	m.Update(press("o"))
	m.Update(tea.KeyMsg{Type: tea.KeyHome})
	if m.cursors[runMain].pinned {
		t.Error("home in the picker moved the cursor")
	}
}

// Thinning the history (appendSnap) keeps the cursor on its step, or on
// the nearest step kept.
func TestCursorSurvivesThinning(t *testing.T) {
	sc := tinyScenario(t)
	sc.Every = 1
	snaps := fakeRun(sc, maxSnaps).Snaps // steps 0 ... 2047
	next := fakeRun(sc, 1).Snaps[0]
	next.Step = maxSnaps
	thin := appendSnap(snaps, next) // keeps 0, 2, 4, ... 2046, 2048
	for _, c := range []struct{ pinned, want int64 }{{0, 0}, {1000, 1000}, {1001, 1000}, {1003, 1002}, {2047, 2046}, {99999, 2048}} {
		cur := timeCursor{pinned: true, step: c.pinned}
		if before := snaps[cur.position(snaps)-1].Step; c.pinned < maxSnaps && before != c.pinned {
			t.Errorf("before thinning, step %d shows %d", c.pinned, before)
		}
		if got := thin[cur.position(thin)-1].Step; got != c.want {
			t.Errorf("after thinning, step %d shows %d, want %d", c.pinned, got, c.want)
		}
	}
	m := goldenModel(t, 120, 40)
	m.Update(dataMsg{Run: runMain, Data: runData{Scenario: sc, State: statePaused, Snaps: snaps}})
	m.Update(tea.KeyMsg{Type: tea.KeyHome})
	for range 1001 {
		m.Update(tea.KeyMsg{Type: tea.KeyRight})
	}
	m.Update(dataMsg{Run: runMain, Data: runData{Scenario: sc, State: statePaused, Snaps: thin}})
	if got := shownStep(t, m, runMain); got != 1000 {
		t.Errorf("pinned at 1001, thinned: shows %d, want 1000", got)
	}
}

// The app's own histograms are thinned to maxHistSnaps snapshots evenly,
// keeping the first and the latest.
func TestThinHist(t *testing.T) {
	sc := goldenScenario(t)
	snaps := fakeRun(sc, maxHistSnaps+1).Snaps
	thin := thinHist(snaps)
	if n := countHist(thin); n > maxHistSnaps/2+2 || !hasHist(thin[0]) || !hasHist(thin[len(thin)-1]) || hasHist(thin[1]) || !hasHist(thin[2]) {
		t.Errorf("%d of %d keep histograms; first %v, second %v, third %v, last %v", n, len(thin),
			hasHist(thin[0]), hasHist(thin[1]), hasHist(thin[2]), hasHist(thin[len(thin)-1]))
	}
	if !hasHist(snaps[1]) {
		t.Error("thinHist changed the slice it was given (readers may hold it)")
	}
	// The Histograms view at a snapshot without them shows the nearest
	// that kept them, and says so.
	d := runData{Scenario: sc, State: statePaused, Snaps: thin, Cursor: 4}
	v := renderHistograms(d, 160, 40, 0, NewStyles(asciiRenderer()))
	if !strings.Contains(v, "│ step 200*") || !strings.Contains(v, "* step 300 kept no histograms: the nearest that did, step 200, is shown") {
		t.Errorf("histograms at a thinned snapshot:\n%s", v)
	}
}

// With the cursor back, the narrow status line keeps the shown step and
// the run's step within 80 cells.
func TestCursorStatusFitsNarrow(t *testing.T) {
	d := fakeRun(goldenScenario(t), 60)
	d.Cursor = 13
	got := renderStatus(d, false, NewStyles(asciiRenderer()))
	if w := lipgloss.Width(got); w > 80 || !strings.Contains(got, "showing step 1,200") || stepOf(got) != 5900 {
		t.Errorf("narrow status (%d cells): %q", w, got)
	}
}

// Compare draws both runs at the cursor: the status line says the shown
// step of each, each run's line gives that snapshot's test error, and the
// curves' titles say the step; v's tables say it too.
func TestCompareAtCursor(t *testing.T) {
	m := goldenModel(t, 160, 48)
	m.Update(press("6"))
	m.Update(tea.KeyMsg{Type: tea.KeyHome})
	m.Update(tea.KeyMsg{Type: tea.KeyRight})
	v := m.View()
	// fakeRun: test error 0.89 - 0.6 t + 0.02 sin(i) at snapshot i, t = i/59.
	pct := fmtPct(0.89 - 0.6/59 + 0.02*math.Sin(1))
	for _, c := range []struct {
		want string
		n    int
	}{{"◀ shows 100", 2}, {"│ error " + pct + " · loss", 2}, {"test error  A ⣿ " + pct + "  B • " + pct + " at step 100", 1}} {
		if n := strings.Count(v, c.want); n != c.n {
			t.Errorf("%q %d times, want %d:\n%s", c.want, n, c.n, v)
		}
	}
}

// No key means two things outside the overlays: the app's keys (the time
// cursor's among them) and every keyed view's keys are all different,
// since a key goes to the app first and then to the first view that
// takes it, whichever view is shown.
func TestNoKeyCollisions(t *testing.T) {
	m := goldenModel(t, 120, 40)
	k := m.keys
	owner := map[string]string{}
	add := func(who string, b key.Binding) {
		for _, s := range b.Keys() {
			if prev, ok := owner[s]; ok {
				t.Errorf("key %q is both %s and %s", s, prev, who)
			}
			owner[s] = who
		}
	}
	for _, b := range []key.Binding{k.Train, k.Step, k.Reset, k.Next, k.Prev, k.Views, k.Settings, k.Scenarios,
		k.EditA, k.EditB, k.Export, k.Help, k.Quit, k.Back, k.Forward, k.First, k.Latest} {
		add("app: "+b.Help().Desc, b)
	}
	seen := map[string]bool{} // views sharing one key map (Layers and Dynamics share their state)
	for i, v := range m.views {
		if kv, ok := v.(keyedView); ok {
			for _, b := range kv.FullHelp() {
				if id := b.Help().Key + b.Help().Desc; !seen[id] {
					seen[id] = true
					add(viewNames[i]+": "+b.Help().Desc, b)
				}
			}
		}
	}
	for _, s := range []string{"left", "right", "home", "end"} {
		if !strings.HasPrefix(owner[s], "app: ") {
			t.Errorf("%s is %q, want the time cursor's", s, owner[s])
		}
	}
}

// The trainer keeps the app's own histograms on at most maxHistSnaps
// snapshots however long the run, first and latest included; a scenario
// that asks for histograms keeps them on every snapshot, as --batch.
func TestTrainerBoundsHistograms(t *testing.T) {
	sc := goldenScenario(t)
	snaps := fakeRun(sc, 3*maxHistSnaps).Snaps
	for _, asked := range []bool{false, true} {
		tr := &trainer{hist: asked}
		for _, s := range snaps {
			if err := tr.Snapshot(s); err != nil {
				t.Fatal(err)
			}
		}
		got := tr.read().Snaps
		n := countHist(got)
		if asked && n != len(snaps) || !asked && (n > maxHistSnaps || n < maxHistSnaps/2 || !hasHist(got[0]) || !hasHist(got[len(got)-1])) {
			t.Errorf("scenario asks %v: %d of %d snapshots keep histograms (first %v, latest %v)", asked, n, len(got), hasHist(got[0]), hasHist(got[len(got)-1]))
		}
	}
}
