package tui

import (
	"testing"

	"initscope/nn"
)

// FuzzTimeCursor moves a cursor over histories of any shape (steps from
// the input, growing; moves from the input) and checks the contract: the
// position is always in [0, len], a pinned cursor shows the snapshot
// nearest its step, end follows, and a move onto the latest follows.
func FuzzTimeCursor(f *testing.F) {
	f.Add([]byte{}, []byte{0, 1, 2, 3})
	f.Add([]byte{0}, []byte{0, 0, 0, 1, 1, 1, 2, 3})
	f.Add([]byte{0, 5, 5, 9, 200, 255}, []byte{2, 1, 1, 1, 0, 0, 3, 0})
	f.Add([]byte{1, 1, 1, 1}, []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, gaps, moves []byte) {
		if len(gaps) > 4096 || len(moves) > 4096 {
			return
		}
		snaps := make([]nn.Snapshot, len(gaps))
		step := int64(0)
		for i, g := range gaps {
			step += int64(g) + 1 // strictly growing, as the trainer records them
			snaps[i].Step = step
		}
		var c timeCursor
		for _, mv := range moves {
			before := c
			var changed bool
			switch mv % 4 {
			case 0:
				c, changed = c.moved(snaps, -1, false, false)
			case 1:
				c, changed = c.moved(snaps, 1, false, false)
			case 2:
				c, changed = c.moved(snaps, 0, true, false)
			case 3:
				c, changed = c.moved(snaps, 0, false, true)
				if c.pinned {
					t.Fatal("end left the cursor pinned")
				}
			}
			if changed != (c != before) {
				t.Fatalf("moved reported changed=%v, cursor %v -> %v", changed, before, c)
			}
			p := c.position(snaps)
			if p < 0 || p > len(snaps) || (p == 0) == (c.pinned && len(snaps) > 0) {
				t.Fatalf("position %d of %d snapshots for %+v", p, len(snaps), c)
			}
			if c.pinned && len(snaps) > 0 {
				got := snaps[p-1].Step
				for _, s := range snaps {
					if abs64(s.Step-c.step) < abs64(got-c.step) {
						t.Fatalf("pinned at %d shows %d; %d is nearer", c.step, got, s.Step)
					}
				}
				if mv%4 == 1 && p == len(snaps) {
					t.Fatal("a move onto the latest left the cursor pinned")
				}
			}
		}
	})
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
