package tui

import "initscope/nn"

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
