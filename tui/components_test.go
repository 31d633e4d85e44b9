package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"

	"initscope/nn"
	"initscope/scenarios/preset"
)

// TestOverlayOutcomes checks each overlay's answer to its keys on its own,
// without the app.
func TestOverlayOutcomes(t *testing.T) {
	sc := goldenScenario(t)
	presets := preset.Presets()
	limits := Limits{MaxDepth: 3}
	cases := []struct {
		name string
		o    overlay
		key  string
		want verdict
	}{
		{"help ?", newHelpOverlay(help.New(), nil), "?", closePanel},
		{"help esc", newHelpOverlay(help.New(), nil), "esc", closePanel},
		{"help enter", newHelpOverlay(help.New(), nil), "enter", closePanel},
		{"help q", newHelpOverlay(help.New(), nil), "q", quitApp},
		{"help x", newHelpOverlay(help.New(), nil), "x", stayOpen},
		{"settings esc", newSettingsPanel(runA, sc, Limits{}), "esc", closePanel},
		{"settings enter", newSettingsPanel(runA, sc, Limits{}), "enter", proposeChange},
		{"settings q", newSettingsPanel(runA, sc, Limits{}), "q", stayOpen},
		{"picker esc", newScenarioPicker(presets, sc.Name, limits), "esc", closePanel},
		{"picker enter", newScenarioPicker(presets, sc.Name, limits), "enter", proposeChange},
		{"picker down", newScenarioPicker(presets, sc.Name, limits), "down", stayOpen},
		{"confirm y", newConfirmQuestion(pendingChange{runMain, sc}), "y", replaceRun},
		{"confirm n", newConfirmQuestion(pendingChange{runMain, sc}), "n", keepRun},
		{"confirm esc", newConfirmQuestion(pendingChange{runMain, sc}), "esc", keepRun},
		{"confirm q", newConfirmQuestion(pendingChange{runMain, sc}), "q", stayOpen},
	}
	for _, c := range cases {
		_, out := c.o.Update(press(c.key))
		if out.verdict != c.want {
			t.Errorf("%s: verdict %d, want %d", c.name, out.verdict, c.want)
		}
	}

	// The settings panel proposes its own run; the picker the main run,
	// capped to the limits.
	if _, out := newSettingsPanel(runB, sc, Limits{}).Update(press("enter")); out.change.run != runB || out.change.sc != sc {
		t.Errorf("settings proposed run %d %+v, want run B unchanged", out.change.run, out.change.sc)
	}
	p := newScenarioPicker(presets, "", limits)
	for range len(presets) {
		var o overlay
		o, _ = p.Update(press("down"))
		p = o.(scenarioPicker)
	}
	if _, out := p.Update(press("enter")); out.change.run != runMain || out.change.sc.Depth > 3 ||
		out.change.sc.Name != presets[len(presets)-1].Name {
		t.Errorf("picker proposed run %d %q depth %d", out.change.run, out.change.sc.Name, out.change.sc.Depth)
	}
}

// TestViewsArePure renders every view and overlay twice from the same
// state: a render keeps no state of its own.
func TestViewsArePure(t *testing.T) {
	m := goldenModel(t, 120, 40)
	st := m.st
	for i, v := range m.views {
		if sv, ok := v.(surfaceView); ok {
			// Its surfaces arrive off the frame: a first render starts
			// them, and two renders straddling their arrival differ.
			readyView(t, sv, &m.data, 120, 35, st)
		}
		a, b := v.View(&m.data, 120, 35, st), v.View(&m.data, 120, 35, st)
		if a != b || a == "" {
			t.Errorf("view %s: renders differ or are empty", viewNames[i])
		}
	}
	for _, o := range []overlay{
		newHelpOverlay(m.help, m.helpGroups()),
		newSettingsPanel(runMain, m.data[runMain].Scenario, Limits{}),
		newScenarioPicker(m.presets, "", Limits{}),
		newConfirmQuestion(pendingChange{runMain, m.data[runMain].Scenario}),
	} {
		if a, b := o.View(&m.data, 120, 35, st), o.View(&m.data, 120, 35, st); a != b || a == "" {
			t.Errorf("%T: renders differ or are empty", o)
		}
	}
}

// TestHistViewKind checks the Histograms view's own key: h steps through
// the kinds and wraps; other keys are not its.
func TestHistViewKind(t *testing.T) {
	var v viewModel = newHistView(nil)
	for i := range len(histKinds) {
		if got := v.(histView).kind; got != i {
			t.Fatalf("after %d presses: kind %d", i, got)
		}
		var used bool
		v, used = v.(keyedView).Update(press("h"))
		if !used {
			t.Fatal("h not used")
		}
	}
	if v.(histView).kind != 0 {
		t.Errorf("kind %d after a full turn, want 0", v.(histView).kind)
	}
	if _, used := v.(keyedView).Update(press("x")); used {
		t.Error("x used by the Histograms view")
	}

	// The key acts from any view, as it always has.
	m := goldenModel(t, 100, 30)
	m.Update(press("h"))
	if k := m.views[viewHist].(histView).kind; k != 1 {
		t.Errorf("h on the Layers view: kind %d, want 1", k)
	}
}

// TestHelpListsEveryKey checks that the help overlay shows every key of
// the app, the views and the settings panel.
func TestHelpListsEveryKey(t *testing.T) {
	m := goldenModel(t, 160, 48)
	var shown []string // every key a line of the help names (some name several)
	for _, g := range m.helpGroups() {
		for _, b := range g {
			shown = append(shown, b.Keys()...)
		}
	}
	var want []key.Binding
	k := m.keys
	want = append(want, k.Train, k.Step, k.Reset, k.Next, k.Prev, k.Views, k.Settings, k.Scenarios,
		k.EditA, k.EditB, k.EditD, k.More, k.Fewer, k.Export, k.Help, k.Quit)
	want = append(want, newHistView(nil).FullHelp()...)
	want = append(want, newCompareView(nil).FullHelp()...)
	want = append(want, defaultSettingsKeys().FullHelp()...)
	for _, b := range want {
		for _, name := range b.Keys() {
			if !slices.Contains(shown, name) {
				t.Errorf("key %q (%s) missing from the help", name, b.Help().Desc)
			}
		}
	}
	m.Update(press("?"))
	if v := m.View(); !strings.Contains(v, "histograms: next kind") || !strings.Contains(v, "larger / next value") {
		t.Errorf("help overlay lacks the views' or the panel's keys:\n%s", v)
	}
}

// The wide status line ends with what the latest snapshot cost; fake data
// without a cost (the goldens') shows none.
func TestStatusShowsSnapshotCost(t *testing.T) {
	st := NewStyles(asciiRenderer())
	d := runData{State: statePaused, Snaps: []nn.Snapshot{{Seconds: 1.04}}}
	if got := renderStatus(d, true, st); !strings.HasSuffix(got, "snapshot 1.0 s") {
		t.Errorf("wide status %q, want it to end with the snapshot's cost", got)
	}
	d.Snaps[0].Seconds = 0.084
	if got := renderStatus(d, true, st); !strings.HasSuffix(got, "snapshot 84 ms") {
		t.Errorf("wide status %q, want 84 ms", got)
	}
	if got := renderStatus(d, false, st); strings.Contains(got, "snapshot") {
		t.Errorf("narrow status %q shows the cost", got)
	}
}

// Large counts are short on a narrow line, exact below 100,000.
func TestFmtShort(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 59000: "59,000", 99999: "99,999", 401000: "401k",
		999499: "999k", 999500: "1M", 1318900: "1.32M", 2.5e9: "2.5G", -401000: "-401k"} {
		if got := fmtShort(n); got != want {
			t.Errorf("fmtShort(%d) = %q, want %q", n, got, want)
		}
	}
}

// At 80 columns a long run's status line keeps its test error whole: the
// examples and the rate take the short form (it was cut to "error 67.…").
func TestNarrowStatusFits(t *testing.T) {
	sc := goldenScenario(t)
	sc.Steps = 100000000
	d := fakeRun(sc, 40)
	d.Step, d.Examples, d.Rate = 131890, 1318900, 158752.4
	line := renderStatus(d, false, NewStyles(asciiRenderer()))
	if w := len([]rune(line)); w > 80 || !strings.Contains(line, "1.32M ex") || !strings.Contains(line, "159k ex/s") || !strings.Contains(line, "131,890/100M") || !strings.Contains(line, "error ") || strings.Contains(line, "…") {
		t.Errorf("%d cells: %q", w, line)
	}
}

// The Layers view wraps its diagnosis into the rows the table leaves
// instead of cutting it (at 80 columns a 4-layer run's was cut "; step…").
func TestLayersDiagnosisWraps(t *testing.T) {
	sc := goldenScenario(t)
	sc.Depth = 4
	d := fakeRun(sc, 40)
	out, _, _ := renderLayersAt(d, 60, 24, 0, NewStyles(asciiRenderer()))
	if !strings.Contains(out, "diagnosis: back-prop gradients") || !strings.Contains(out, "step 0: 27x") { // whole, to its end
		t.Errorf("the diagnosis is cut or missing:\n%s", out)
	}
	if n := strings.Count(out, "\n") + 1; n != 24 {
		t.Errorf("%d lines, want 24", n)
	}
}
