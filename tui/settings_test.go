package tui

import (
	"testing"

	"initscope/nn"
	"initscope/scenarios"
)

// The panel's ranges are the table's: "larger" on a 15-layer network makes
// it 16 (the panel once capped depth at 10 and made it 10), and pressing
// right on every field many times stays within the table's ranges, the
// server's caps and a valid scenario.
func TestSettingsPanelUsesTheTable(t *testing.T) {
	sc := goldenScenario(t)
	sc.Depth = 15
	p := newSettingsPanel(runMain, sc, Limits{})
	depth := fieldNamed(t, "depth")
	depth.step(&p.sc, +1, p.limits)
	if p.sc.Depth != 16 {
		t.Fatalf("depth 15, larger: %d, want 16", p.sc.Depth)
	}
	for range 10 {
		depth.step(&p.sc, +1, p.limits)
	}
	if p.sc.Depth != nn.MaxDepth {
		t.Errorf("depth stepped to %d, want the table's top %d", p.sc.Depth, nn.MaxDepth)
	}
	// Above a server's cap, "larger" does not make it smaller.
	depth.step(&p.sc, +1, Limits{MaxDepth: 3})
	if p.sc.Depth != nn.MaxDepth {
		t.Errorf("depth %d under a cap of 3, larger: %d", nn.MaxDepth, p.sc.Depth)
	}
	for _, dir := range []int{+1, -1} {
		p := newSettingsPanel(runMain, goldenScenario(t), Limits{})
		for _, f := range settingsFields() {
			for range 40 {
				f.step(&p.sc, dir, p.limits)
			}
		}
		if _, err := p.sc.Validate(); err != nil {
			t.Errorf("every field stepped %+d to its end: %v", dir, err)
		}
	}
}

// The seed steps exactly (a float64 would round it) and counts from 1.
func TestSettingsSeed(t *testing.T) {
	sc := goldenScenario(t)
	seed := fieldNamed(t, "seed")
	sc.Seed = 1<<63 + 1
	seed.step(&sc, +1, Limits{})
	if sc.Seed != 1<<63+2 {
		t.Errorf("seed 2^63+1, larger: %d", sc.Seed)
	}
	sc.Seed = 1
	seed.step(&sc, -1, Limits{})
	if sc.Seed != 1 {
		t.Errorf("seed 1, smaller: %d", sc.Seed)
	}
}

// Every panel line's label and hint come from the table.
func TestSettingsPanelLines(t *testing.T) {
	sc := goldenScenario(t)
	n := 0
	for _, st := range scenarios.Settings() {
		if st.Panel == nil {
			continue
		}
		f := fieldNamed(t, st.Panel.Label)
		if f.show(&sc) == "" || f.about(&sc) == "" {
			t.Errorf("%s: empty value or hint", st.Panel.Label)
		}
		n++
	}
	if n != len(settingsFields()) {
		t.Errorf("%d panel settings in the table, %d lines", n, len(settingsFields()))
	}
}

func fieldNamed(t *testing.T, name string) field {
	t.Helper()
	for _, f := range settingsFields() {
		if f.name == name {
			return f
		}
	}
	t.Fatalf("no settings field %q", name)
	return field{}
}
