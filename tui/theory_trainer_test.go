package tui

import (
	"testing"
)

// Done, a run's last snapshot is measured again with its Jacobian when
// Theory asks: same step, same number of snapshots, the training loss
// kept.
func TestJacobianWhenDone(t *testing.T) {
	_, tr := pausedTrainer(t) // 25 steps, snapshots every 10
	tr.send(ctlMsg{op: ctlToggle})
	d := waitData(t, tr, func(d runData) bool { return d.State == stateDone })
	n := len(d.Snaps)
	last := d.Snaps[n-1]
	if last.Step != 25 || hasJacobian(last) {
		t.Fatalf("done at step %d with Jacobian %v; want 25 without (only step 0 has one)", last.Step, hasJacobian(last))
	}
	tr.requestJacobian()
	d = waitData(t, tr, func(d runData) bool { return hasJacobian(d.Snaps[len(d.Snaps)-1]) && !d.Measuring })
	got := d.Snaps[len(d.Snaps)-1]
	if len(d.Snaps) != n || got.Step != 25 || got.TrainLoss != last.TrainLoss || got.TestError != last.TestError {
		t.Errorf("after the re-measure: %d snapshots (was %d), step %d, train loss %g (was %g), test error %g (was %g)",
			len(d.Snaps), n, got.Step, got.TrainLoss, last.TrainLoss, got.TestError, last.TestError)
	}
	// Asked again, nothing changes: the state has its Jacobian.
	v := d.Version
	tr.requestJacobian()
	tr.send(ctlMsg{op: ctlPause}) // a control after the request: once it is handled, so is the request
	d = waitData(t, tr, func(d runData) bool { return d.Version > v })
	if len(d.Snaps) != n {
		t.Errorf("a second request added snapshots: %d, want %d", len(d.Snaps), n)
	}
}

// Paused between snapshots, the run gets a snapshot at the step it
// stopped at, with its Jacobian.
func TestJacobianWhenPaused(t *testing.T) {
	sc := tinyScenario(t)
	sc.Steps, sc.Every = 1_000_000, 100_000
	tr := startTrainer(sc, nil)
	t.Cleanup(tr.stop)
	waitData(t, tr, func(d runData) bool { return d.State == statePaused })
	tr.send(ctlMsg{op: ctlToggle})
	waitData(t, tr, func(d runData) bool { return d.Step > 0 })
	tr.send(ctlMsg{op: ctlToggle})
	d := waitData(t, tr, func(d runData) bool { return d.State == statePaused })
	if d.Step%sc.Every == 0 {
		t.Skipf("paused at step %d, on the cadence", d.Step)
	}
	tr.requestJacobian()
	d = waitData(t, tr, func(d runData) bool { return d.Snaps[len(d.Snaps)-1].Step == d.Step && !d.Measuring })
	if last := d.Snaps[len(d.Snaps)-1]; !hasJacobian(last) || len(d.Snaps) != 2 {
		t.Errorf("paused at %d: %d snapshots, the last at %d with Jacobian %v", d.Step, len(d.Snaps), last.Step, hasJacobian(last))
	}
}
