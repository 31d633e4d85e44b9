package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// compareModel is a model on tiny whose Compare runs are built (the
// view shown), at w x h; the test closes it.
func compareModel(t *testing.T, w, h int) *Model {
	t.Helper()
	sc := tinyScenario(t)
	sc.Steps, sc.Every = 100000, 10
	m := newModel(Options{Scenario: sc, Renderer: asciiRenderer()}, true)
	t.Cleanup(m.Close)
	m.exportDir = t.TempDir()
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.Update(press("6"))
	waitModel(t, m, "the compared runs built", func() bool {
		return m.data[runA].State == statePaused && m.data[runB].State == statePaused
	})
	return m
}

// waitModel ticks m until cond holds.
func waitModel(t *testing.T, m *Model, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		m.Update(tickMsg(time.Now()))
		if cond() {
			return
		}
	}
	t.Fatalf("waiting for %s:\n%s", what, m.View())
}

// Through the model: space trains the compared runs in lockstep (the
// model's copies are at one step on every tick), another view's header
// says so, e writes a file per run and says where, + adds a run and -
// drops it, each restarting all at step 0.
func TestCompareModel(t *testing.T) {
	m := compareModel(t, 160, 48)
	m.Update(press(" "))
	waitModel(t, m, "a few snapshots", func() bool {
		a, b := m.data[runA], m.data[runB]
		if a.Step != b.Step || !slices.Equal(snapSteps(a.Snaps), snapSteps(b.Snaps)) {
			t.Fatalf("the model holds A at step %d, B at %d", a.Step, b.Step)
		}
		return len(a.Snaps) > 5
	})
	m.Update(press("1"))
	if h := m.header(160); !strings.Contains(h, "6 Compare▶") || !strings.Contains(h, "▶ compare A B training") {
		t.Errorf("the Layers header does not say the compared runs train: %q", h)
	}
	if h := m.header(80); !strings.Contains(h, "6 Compare▶") || strings.Contains(h, "training") {
		t.Errorf("at 80 columns the header is the tabs with the marker on Compare's: %q", h)
	}
	m.Update(press("6"))
	if h := m.header(160); strings.Contains(h, "▶") {
		t.Errorf("the marker on the Compare view itself: %q", h)
	}
	m.Update(press(" "))
	waitModel(t, m, "the runs paused", func() bool { return m.data[runA].State == statePaused })

	_, first := m.Update(press("e"))
	if first == nil {
		t.Fatal("e on Compare gives no command")
	}
	if _, c := m.Update(press("e")); c != nil || !strings.Contains(m.View(), "an export is being written") {
		t.Errorf("a second e while the first is written:\n%s", m.View())
	}
	out := first().(exportedMsg)
	m.Update(out)
	files, _ := filepath.Glob(filepath.Join(m.exportDir, "initscope-*-compare-*.jsonl"))
	if out.Err != nil || len(out.Paths) != 2 || len(files) < 2 || !strings.Contains(m.View(), "exported 2 runs (") {
		t.Fatalf("export: %+v, files %v:\n%s", out, files, m.View())
	}
	for _, f := range out.Paths {
		if b, err := os.ReadFile(f); err != nil || !strings.HasPrefix(string(b), `{"type":"run"`) {
			t.Errorf("%s: %v %.40q", f, err, b)
		}
	}

	// + is refused once the runs trained long; after r it adds C, a copy
	// of B, with its settings open.
	m.data[runA].Examples, m.data[runA].Rate = 1e9, 1 // as if trained for a long time
	m.Update(press("+"))
	if len(m.comparedRuns()) != 2 || m.overlay != nil || !strings.Contains(m.View(), "r resets them first") {
		t.Errorf("+ after a long run:\n%s", m.View())
	}
	m.restartCompare(m.comparedScenarios())
	m.Update(press("+"))
	if got := m.comparedRuns(); len(got) != 3 || m.overlay == nil || m.data[runC].Scenario.Init != m.data[runB].Scenario.Init {
		t.Fatalf("+ gives runs %v, overlay %v, C init %q", got, m.overlay != nil, m.data[runC].Scenario.Init)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyEsc})
	waitModel(t, m, "three runs built", func() bool { return m.data[runC].State == statePaused })
	m.Update(press("-"))
	if got := m.comparedRuns(); len(got) != 2 || m.data[runC].Scenario.Name != "" {
		t.Errorf("- leaves runs %v, C %q", got, m.data[runC].Scenario.Name)
	}
	m.Update(press("-"))
	if !strings.Contains(m.View(), "at least 2 runs") {
		t.Errorf("- at two runs:\n%s", m.View())
	}
	// B set to another cadence snapshots at A's, and the app says so.
	scs := m.comparedScenarios()
	scs[1].Every = 3
	m.restartCompare(scs)
	m.draw()
	if m.data[runB].Scenario.Every != 10 || !strings.Contains(m.View(), "B snapshots every 10 steps, as A") {
		t.Errorf("B's cadence %d:\n%s", m.data[runB].Scenario.Every, m.View())
	}
	// A change from the settings (its yes, or no question) says that all
	// the runs start again.
	sc := m.data[runB].Scenario
	sc.Width, sc.Every = 8, 5
	m.apply(pendingChange{runB, sc})
	if want := "compare B: new network"; !strings.HasPrefix(m.message, want) ||
		!strings.HasSuffix(m.message, "; A and B start again at step 0, in lockstep, snapshots every 10 steps as A's") {
		t.Errorf("the message after B's change: %q", m.message)
	}
}

// A change to a trained compared run asks first, and says that every
// compared run restarts (the crew restarts together), not only the one
// edited.
func TestCompareChangeAsksForAll(t *testing.T) {
	m := compareModel(t, 160, 48)
	m.Update(press("s"))
	waitModel(t, m, "a step", func() bool { return m.data[runB].Step > 0 })
	m.Update(press("b")) // B's settings
	m.Update(press("right"))
	m.Update(press("enter"))
	if !isOverlay[confirmQuestion](m) || !strings.Contains(m.View(), "Restart compared runs A and B at step 0") {
		t.Fatalf("no question naming both runs:\n%s", m.View())
	}
}
