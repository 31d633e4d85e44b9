package tui

import (
	"math"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

// FuzzCompareView draws the Compare view of 1 to maxCompare runs (depths
// 1 to 20, 0 to 300 snapshots, some NaN or Inf, a run diverged) in each
// panel at any size up to 300x120, with the time cursor anywhere: it
// never panics and never draws more lines or cells than it has.
func FuzzCompareView(f *testing.F) {
	f.Add(uint16(80), uint8(19), uint8(2), uint8(5), uint16(60), uint8(0), uint16(0), false)
	f.Add(uint16(160), uint8(43), uint8(4), uint8(20), uint16(300), uint8(1), uint16(7), true)
	f.Add(uint16(1), uint8(1), uint8(1), uint8(1), uint16(0), uint8(2), uint16(0), false)
	f.Add(uint16(300), uint8(120), uint8(3), uint8(1), uint16(1), uint8(2), uint16(1), true)
	f.Add(uint16(79), uint8(3), uint8(4), uint8(20), uint16(2), uint8(0), uint16(2), true)
	f.Fuzz(func(t *testing.T, w uint16, h, runs, depth uint8, snaps uint16, panel uint8, cursor uint16, hostile bool) {
		w, h = min(w, 300), min(h, 120)
		n := 1 + int(runs)%maxCompare
		st := NewStyles(asciiRenderer())
		var all [numRuns]runData
		sc := goldenScenario(t)
		sc.Depth = 1 + int(depth)%20
		for i := range n {
			d := runData{Scenario: sc, State: stateBuilding} // no snapshot yet
			if k := int(snaps) % 301; k > 0 {
				d = fakeRun(sc, k)
			}
			d.Scenario.Name = runLetter(runA + i)
			d.Scenario.Seed = uint64(i)
			if hostile && len(d.Snaps) > 1 {
				d.Snaps[1].TestError, d.Snaps[1].TrainLoss = math.NaN(), math.Inf(1)
				d.Snaps[len(d.Snaps)-1].Layers[0].GradVar = 0
				if i == 1 {
					d.State = stateDiverged
				}
			}
			d.Cursor = int(cursor) % (len(d.Snaps) + 1)
			all[runA+i] = d
		}
		v := newCompareView(&viewState{})
		v.panel = int(panel) % numPanels
		out := plainLines(v.View(&all, int(w), int(h), st))
		if h > 0 && len(out) > int(h) {
			t.Fatalf("%d lines in %dx%d", len(out), w, h)
		}
		for i, l := range out {
			if cw := lipgloss.Width(l); cw > int(w) {
				t.Fatalf("line %d is %d cells in %dx%d: %q", i, cw, w, h, l)
			}
		}
	})
}

// The configuration lines leave out the settings no compared run uses:
// pre-training's, unless one of them pre-trains.
func TestCompareConfigLeavesOutUnusedSettings(t *testing.T) {
	st := NewStyles(asciiRenderer())
	a, b := tinyScenario(t), tinyScenario(t)
	b.Init = "normalized"
	lines := strings.Join(compareConfig([]runData{{Scenario: a}, {Scenario: b}}, 400, st), "\n")
	if strings.Contains(lines, "pretrain_") || !strings.Contains(lines, "init=normalized") {
		t.Errorf("no run pre-trains:\n%s", lines)
	}
	b.Init = "pretrained"
	lines = strings.Join(compareConfig([]runData{{Scenario: a}, {Scenario: b}}, 400, st), "\n")
	if !strings.Contains(lines, "pretrain_updates=10000") {
		t.Errorf("B pre-trains:\n%s", lines)
	}
}
