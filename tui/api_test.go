package tui

import (
	"strings"
	"testing"

	"initscope/scenarios"
)

// Limits cap the settings they name, and a threads setting of 0 (every
// core) is above any cap: a visitor's run never uses more threads than the
// server allows, whatever the scenario says.
func TestLimitsClamp(t *testing.T) {
	l := Limits{MaxWidth: 64, MaxDepth: 3, MaxSteps: 1000, MaxThreads: 2}
	for _, c := range []struct {
		threads, want int
	}{{0, 2}, {1, 1}, {2, 2}, {3, 2}, {scenarios.MaxThreads, 2}} {
		sc := scenarios.Default()
		sc.Threads = c.threads
		got := l.clamp(sc)
		if got.Threads != c.want || got.Width != 64 || got.Depth != 3 || got.Steps != 1000 {
			t.Errorf("threads %d: clamped to threads %d, width %d, depth %d, steps %d; want threads %d, 64, 3, 1000",
				c.threads, got.Threads, got.Width, got.Depth, got.Steps, c.want)
		}
	}
	// The settings panel does not offer threads, so a visitor's only way
	// to them is a scenario, which the picker clamps.
	for _, f := range settingsFields() {
		if strings.Contains(f.name, "thread") {
			t.Errorf("the settings panel offers %q", f.name)
		}
	}
	// No cap: 0 stays every core.
	if got := (Limits{}).clamp(scenarios.Default()); got.Threads != 0 || got != scenarios.Default() {
		t.Errorf("no limits changed the scenario to %+v", got)
	}
}
