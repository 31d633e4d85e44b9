package tui

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

// waitData polls t until cond holds for its data, or fails after 30 s.
func waitData(tb testing.TB, t *trainer, cond func(runData) bool) runData {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if d := t.read(); cond(d) {
			return d
		}
		time.Sleep(5 * time.Millisecond)
	}
	tb.Fatalf("trainer never reached the expected state: %+v", t.read().State)
	return runData{}
}

func TestTrainerTrainsPausesAndStops(t *testing.T) {
	sc := tinyScenario(t)
	tr := startTrainer(sc, nil)
	defer tr.stop()
	d := waitData(t, tr, func(d runData) bool { return d.State == statePaused })
	if len(d.Snaps) != 1 || d.Snaps[0].Step != 0 || len(d.Snaps[0].Layers) != sc.Depth {
		t.Fatalf("want the step-0 snapshot of %d layers, got %d snapshots", sc.Depth, len(d.Snaps))
	}
	tr.send(ctlMsg{op: ctlStep})
	d = waitData(t, tr, func(d runData) bool { return d.Step == 1 })
	if d.State != statePaused || len(d.Snaps) != 2 {
		t.Errorf("after one step: state %v, %d snapshots", d.State, len(d.Snaps))
	}
	tr.send(ctlMsg{op: ctlToggle})
	d = waitData(t, tr, func(d runData) bool { return d.State == stateDone })
	if d.Step != sc.Steps || d.Snaps[len(d.Snaps)-1].Step != sc.Steps {
		t.Errorf("done at step %d, last snapshot %d; want %d", d.Step, d.Snaps[len(d.Snaps)-1].Step, sc.Steps)
	}
	tr.stop()
	tr.stop() // idempotent
}

func TestTrainerLengthChangeKeepsNetwork(t *testing.T) {
	sc := tinyScenario(t)
	sc.Steps = 20
	tr := startTrainer(sc, nil)
	defer tr.stop()
	tr.send(ctlMsg{op: ctlToggle})
	waitData(t, tr, func(d runData) bool { return d.State == stateDone })
	tr.send(ctlMsg{op: ctlSteps, steps: 40})
	tr.send(ctlMsg{op: ctlToggle})
	d := waitData(t, tr, func(d runData) bool { return d.State == stateDone && d.Step == 40 })
	if d.Scenario.Steps != 40 {
		t.Errorf("scenario steps %d, want 40", d.Scenario.Steps)
	}
}

func TestAppendSnapThins(t *testing.T) {
	sc := tinyScenario(t)
	snaps := fakeRun(sc, maxSnaps).Snaps
	first := snaps[0].Step
	next := fakeRun(sc, 1).Snaps[0]
	next.Step = 1 << 40
	got := appendSnap(snaps, next)
	if len(got) > maxSnaps/2+2 || got[0].Step != first || got[len(got)-1].Step != next.Step {
		t.Errorf("thinned to %d snapshots, first %d last %d", len(got), got[0].Step, got[len(got)-1].Step)
	}
}

// TestKeys drives the model with fixed data: views, overlays and the
// confirmation before a run is discarded.
func TestKeys(t *testing.T) {
	m := goldenModel(t, 120, 40)
	for i := range int(numViews) {
		k := fmt.Sprint((i+1)%int(numViews) + 1) // 2, 3, ..., then 1
		m.Update(press(k))
		if want := viewID((i + 1) % int(numViews)); m.view != want {
			t.Errorf("after %q: view %d, want %d", k, m.view, want)
		}
	}
	m.Update(press("tab"))
	if m.view != viewDynamics {
		t.Errorf("tab: view %d", m.view)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyShiftTab})
	if m.view != viewLayers {
		t.Errorf("shift+tab: view %d", m.view)
	}
	m.Update(press("?"))
	if !isOverlay[helpOverlay](m) || !strings.Contains(m.View(), "export") {
		t.Error("? does not show the help")
	}
	m.Update(press("esc"))

	// Depth 5 -> 6 needs a new network: the trained run is not discarded
	// without a yes.
	m.Update(press("c"))
	for range 3 {
		m.Update(press("down"))
	}
	m.Update(press("right"))
	m.Update(press("enter"))
	if !isOverlay[confirmQuestion](m) || !strings.Contains(m.View(), "Discard main run at step 5,900?") {
		t.Fatalf("no confirmation:\n%s", m.View())
	}
	m.Update(press("n"))
	if m.data[runMain].Scenario.Depth != 5 || m.data[runMain].Step == 0 {
		t.Error("n discarded the run")
	}
	m.Update(press("c"))
	for range 3 {
		m.Update(press("down"))
	}
	m.Update(press("right"))
	m.Update(press("enter"))
	m.Update(press("y"))
	if d := m.data[runMain]; d.Scenario.Depth != 6 || d.Step != 0 || d.Scenario.Name != "custom" {
		t.Errorf("y: depth %d step %d name %q", d.Scenario.Depth, d.Step, d.Scenario.Name)
	}

	// Only the length: no question, no new network.
	m = goldenModel(t, 120, 40)
	m.Update(press("c"))
	for range 9 {
		m.Update(press("down"))
	}
	m.Update(press("right"))
	m.Update(press("enter"))
	if m.overlay != nil || m.data[runMain].Step == 0 {
		t.Error("changing only the steps asked or reset the run")
	}
}

func TestLimitsCapSettings(t *testing.T) {
	sc := goldenScenario(t)
	sc.Depth, sc.Width = 8, 1000
	m := newModel(Options{Scenario: sc, Limits: Limits{MaxDepth: 3, MaxWidth: 64, MaxSteps: 1000}}, false)
	d := m.data[runMain].Scenario
	if d.Depth != 3 || d.Width != 64 || d.Steps != 1000 {
		t.Fatalf("limits not applied: %d x %d, %d steps", d.Depth, d.Width, d.Steps)
	}
	p := newSettingsPanel(runMain, d, m.opt.Limits)
	for _, f := range settingsFields() {
		for range 20 {
			f.step(&p.sc, +1, p.limits)
		}
	}
	if p.sc.Depth > 3 || p.sc.Width > 64 || p.sc.Steps > 1000 {
		t.Errorf("settings exceed the limits: %d x %d, %d steps", p.sc.Depth, p.sc.Width, p.sc.Steps)
	}
}

func TestNaNRendersAsDash(t *testing.T) {
	sc := goldenScenario(t)
	d := fakeRun(sc, 3)
	for i := range d.Snaps {
		for l := range d.Snaps[i].Layers {
			d.Snaps[i].Layers[l].GradVar = nan
			d.Snaps[i].Layers[l].ActMean = nan
		}
		d.Snaps[i].TestError = nan
	}
	d.State, d.DivergedStep = stateDiverged, 1234
	st := NewStyles(asciiRenderer())
	for _, out := range []string{renderLayers(d, 160, 40, st), renderDynamics(d, 160, 40, st),
		renderTheory(d, 160, 40, st), renderLearning(d, 160, 40, st), renderHistograms(d, 160, 40, 0, st)} {
		if strings.Contains(out, "NaN") {
			t.Errorf("NaN shown:\n%s", out)
		}
	}
	if s := renderStatus(d, true, st); !strings.Contains(s, "diverged at step 1,234") {
		t.Errorf("status %q", s)
	}
}

func TestExport(t *testing.T) {
	sc := tinyScenario(t)
	sc.Steps = 100
	m := New(Options{Scenario: sc, Renderer: asciiRenderer()})
	defer m.Close()
	tr := m.trainer(runMain)
	tr.send(ctlMsg{op: ctlToggle})
	waitData(t, tr, func(d runData) bool { return d.State == stateDone })
	dir := t.TempDir()
	msg := exportRun(tr, dir, time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), nil)
	if msg.Err != nil {
		t.Fatal(msg.Err)
	}
	if want := dir + "/initscope-tiny-20250102-030405.jsonl"; msg.Path != want {
		t.Errorf("path %s, want %s", msg.Path, want)
	}
	f, err := os.Open(msg.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var types []string
	sc2 := bufio.NewScanner(f)
	sc2.Buffer(nil, 1<<24)
	for sc2.Scan() {
		var rec struct{ Type string }
		if err := json.Unmarshal(sc2.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		types = append(types, rec.Type)
	}
	want := "run snapshot snapshot snapshot summary" // steps 0, 50, 100
	if got := strings.Join(types, " "); got != want {
		t.Errorf("records %q, want %q", got, want)
	}

	m2 := newModel(Options{Scenario: sc, NoExport: true, Renderer: asciiRenderer()}, false)
	m2.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m2.Update(press("e"))
	if !strings.Contains(m2.View(), "export is disabled") {
		t.Error("NoExport: no message")
	}
	if strings.Contains(m2.View(), "e export") {
		t.Error("NoExport: the key hint still offers export")
	}
}

// TestTeatest runs the whole program: it trains, visits every view,
// resizes, and quits.
func TestTeatest(t *testing.T) {
	sc := tinyScenario(t)
	m := New(Options{Scenario: sc, Renderer: asciiRenderer()})
	defer m.Close()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 48))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("paused")) },
		teatest.WithDuration(30*time.Second))
	tm.Send(press(" "))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("done")) },
		teatest.WithDuration(60*time.Second))
	// Each view, then its mark on the screen (keys sent at once may
	// coalesce into one frame).
	for _, step := range []struct{ key, mark string }{
		{"2", "2nd / 98th percentile"}, {"3", "one count scale per kind"}, {"4", "(Fig 11)"},
		{"5", "Jacobian"}, {"6", "compare A and B"}, {"7", "diagnosis: "}, {"8", "Fig 5"}, {"tab", "[1 Layers]"}, {"?", "Keys"}, {"esc", "[1 Layers]"},
	} {
		tm.Send(press(step.key))
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(step.mark)) },
			teatest.WithDuration(10*time.Second))
	}
	tm.Send(tea.WindowSizeMsg{Width: 70, Height: 20})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("terminal too small")) },
		teatest.WithDuration(10*time.Second))
	tm.Send(tea.WindowSizeMsg{Width: 100, Height: 30})
	tm.Send(press("q"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model)
	if final.view != viewLayers || final.width != 100 || final.height != 30 {
		t.Errorf("final view %d size %dx%d", final.view, final.width, final.height)
	}
	if d := final.data[runMain]; d.Step != sc.Steps || d.State != stateDone {
		t.Errorf("main run at step %d (%v), want %d done", d.Step, d.State, sc.Steps)
	}
	if final.data[runA].Scenario.Init != "standard" || final.data[runB].Scenario.Init != "normalized" {
		t.Errorf("compare runs: %s vs %s", final.data[runA].Scenario.Init, final.data[runB].Scenario.Init)
	}
	m.Close()
	for run := range numRuns {
		if final.trainer(run) != nil {
			t.Errorf("run %d still has a trainer after Close", run)
		}
	}
}

// Keys that arrive together ("2q", fast typing or SSH latency) each act.
func TestMultiRuneKeysEachAct(t *testing.T) {
	m := newModel(Options{Scenario: tinyScenario(t), Renderer: asciiRenderer()}, false)
	defer m.Close()
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("4q")})
	if m.view != 3 {
		t.Errorf("view %d after \"4q\", want 3 (Learning)", m.view)
	}
	if cmd == nil {
		t.Fatal("no command after \"4q\": q should quit")
	}
	quit := false
	switch msg := cmd().(type) {
	case tea.QuitMsg:
		quit = true
	case tea.BatchMsg:
		for _, c := range msg {
			if c != nil {
				if _, ok := c().(tea.QuitMsg); ok {
					quit = true
				}
			}
		}
	}
	if !quit {
		t.Error("\"4q\" did not quit")
	}
}

// isOverlay reports whether m's open panel is a T.
func isOverlay[T overlay](m *Model) bool {
	_, ok := m.overlay.(T)
	return ok
}
