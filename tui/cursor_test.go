package tui

import (
	"testing"

	"initscope/nn"
)

func TestShownFollowsOrPins(t *testing.T) {
	var d runData
	if _, ok := d.shown(); ok || !d.following() {
		t.Fatal("no snapshots: nothing shown, following")
	}
	d.Snaps = []nn.Snapshot{{Step: 0}, {Step: 10}, {Step: 20}}
	for _, c := range []struct {
		cursor, want int
		follow       bool
	}{{0, 20, true}, {1, 0, false}, {2, 10, false}, {3, 20, true}, {99, 20, true}, {-4, 20, true}} {
		d.Cursor = c.cursor
		s, ok := d.shown()
		if !ok || int(s.Step) != c.want || d.following() != c.follow {
			t.Errorf("Cursor %d: shown step %d (ok %v), following %v; want step %d, following %v", c.cursor, s.Step, ok, d.following(), c.want, c.follow)
		}
	}
}
