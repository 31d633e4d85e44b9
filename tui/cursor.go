package tui

import (
	"cmp"
	"slices"

	"initscope/nn"
)

// The time cursor: which recorded snapshot the views draw. It lives in
// runData so every view reads the same answer from the same place.
//
// runData.Cursor is the position in Snaps, plus one, of the snapshot the
// user picked; 0 follows the latest snapshot as the run goes on, so a
// runData fresh from the trainer follows without anyone setting it.

// shownIndex is the index in d.Snaps of the snapshot the views draw, and
// false when there is none yet.
func (d *runData) shownIndex() (int, bool) {
	n := len(d.Snaps)
	if n == 0 {
		return 0, false
	}
	if d.Cursor <= 0 || d.Cursor > n {
		return n - 1, true
	}
	return d.Cursor - 1, true
}

// shown is the snapshot the views draw (the cursor's, or the latest), and
// false when there is none yet.
func (d *runData) shown() (nn.Snapshot, bool) {
	i, ok := d.shownIndex()
	if !ok {
		return nn.Snapshot{}, false
	}
	return d.Snaps[i], true
}

// following reports whether the views follow the latest snapshot.
func (d *runData) following() bool {
	i, ok := d.shownIndex()
	return !ok || i == len(d.Snaps)-1
}

// timeCursor is the model's cursor for one run. It names the step of the
// snapshot the user picked, not its position: the trainer replaces the
// history on every publish and thins it when it is full (appendSnap), and
// a step finds its snapshot again, or the nearest one kept.
type timeCursor struct {
	pinned bool  // false: follow the latest snapshot
	step   int64 // the pinned snapshot's step
}

// position is the runData.Cursor c gives on snaps: 0 to follow, else one
// more than the index of the snapshot nearest c's step (the earlier of
// two as near).
func (c timeCursor) position(snaps []nn.Snapshot) int {
	if !c.pinned || len(snaps) == 0 {
		return 0
	}
	i, _ := slices.BinarySearchFunc(snaps, c.step, func(s nn.Snapshot, step int64) int { return cmp.Compare(s.Step, step) })
	switch {
	case i == len(snaps):
		i--
	case i > 0 && snaps[i].Step != c.step && c.step-snaps[i-1].Step <= snaps[i].Step-c.step:
		i--
	}
	return i + 1
}

// moved is c after a move on snaps: by delta snapshots (left and right;
// right onto the latest, or on it, follows the run again), or to the
// first (home) or the latest (end, following). It reports whether the
// cursor changed.
func (c timeCursor) moved(snaps []nn.Snapshot, delta int, home, end bool) (timeCursor, bool) {
	n := len(snaps)
	if n == 0 {
		return c, false
	}
	var j int
	switch {
	case end:
		return timeCursor{}, c.pinned
	case home:
		j = 0
	default:
		i := n - 1
		if p := c.position(snaps); p > 0 {
			i = p - 1
		}
		j = max(0, min(n-1, i+delta))
		if j == n-1 && delta > 0 {
			// Onto the latest, or on it already: follow the run.
			return timeCursor{}, c.pinned
		}
		if j == i {
			return c, false
		}
	}
	nc := timeCursor{pinned: true, step: snaps[j].Step}
	return nc, nc != c
}
