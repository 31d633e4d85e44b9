package scenarios_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"initscope/nn"
	"initscope/scenarios"
	"initscope/scenarios/preset"
)

// tape is an Observer that keeps what it is told; failAt makes Snapshot
// fail at that step.
type tape struct {
	starts    int
	snaps     []nn.Snapshot
	summaries []scenarios.Summary
	failAt    int64
}

func (o *tape) Start(*scenarios.Runner) error { o.starts++; return nil }
func (o *tape) Snapshot(s nn.Snapshot) error {
	if s.Step == o.failAt {
		return errors.New("disk full")
	}
	o.snaps = append(o.snaps, s)
	return nil
}
func (o *tape) Summary(s scenarios.Summary) error { o.summaries = append(o.summaries, s); return nil }

func (o *tape) steps() []int64 {
	var steps []int64
	for _, s := range o.snaps {
		steps = append(steps, s.Step)
	}
	return steps
}

// hasJacobian reports whether a snapshot measured the Jacobian (layer 1's
// mean singular value, NaN when it was not measured).
func hasJacobian(s nn.Snapshot) bool { return !math.IsNaN(s.Layers[0].JacSVMean) }

func newEngine(t *testing.T, edit func(*scenarios.Scenario), opt scenarios.EngineOptions) (*scenarios.Engine, *tape) {
	t.Helper()
	sc, err := preset.Load("tiny")
	if err != nil {
		t.Fatal(err)
	}
	edit(&sc)
	r, err := scenarios.NewRunner(context.Background(), sc)
	if err != nil {
		t.Fatal(err)
	}
	o := &tape{failAt: -1}
	return scenarios.NewEngine(r, o, opt), o
}

func equalSteps(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A run of 25 steps every 10 is snapshotted at 0, 10, 20 and where it
// ends, 25, however Advance is called; the summary carries the last test
// error. The Jacobian is measured at step 0 only with FirstJacobian, and
// at the snapshot after MeasureJacobian.
func TestEngineCadence(t *testing.T) {
	ctx := context.Background()
	for _, first := range []bool{false, true} {
		e, o := newEngine(t, func(sc *scenarios.Scenario) { sc.Steps, sc.Every = 25, 10 }, scenarios.EngineOptions{FirstJacobian: first})
		if err := e.Start(ctx); err != nil {
			t.Fatal(err)
		}
		if err := e.Snapshot(ctx); err != nil { // the same step: no second snapshot
			t.Fatal(err)
		}
		for _, n := range []int64{3, 1, 9} { // steps 3, 4 and 13, across the snapshot at 10
			if err := e.Advance(ctx, n, time.Time{}); err != nil {
				t.Fatal(err)
			}
		}
		e.MeasureJacobian()
		if err := e.Advance(ctx, math.MaxInt64, time.Time{}); err != nil || !e.Done() {
			t.Fatalf("Advance = %v, done %v", err, e.Done())
		}
		if err := e.Advance(ctx, 5, time.Time{}); err != nil || e.Runner().StepCount() != 25 {
			t.Fatalf("Advance past the end = %v at step %d", err, e.Runner().StepCount())
		}
		sum, err := e.End()
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{0, 10, 20, 25}; o.starts != 1 || !equalSteps(o.steps(), want) {
			t.Fatalf("%d starts, snapshots at %v; want 1 and %v", o.starts, o.steps(), want)
		}
		if hasJacobian(o.snaps[0]) != first || hasJacobian(o.snaps[1]) || !hasJacobian(o.snaps[2]) || hasJacobian(o.snaps[3]) {
			t.Errorf("FirstJacobian %v: Jacobian at %v %v %v %v; want %v false true false", first,
				hasJacobian(o.snaps[0]), hasJacobian(o.snaps[1]), hasJacobian(o.snaps[2]), hasJacobian(o.snaps[3]), first)
		}
		if len(o.summaries) != 1 || sum.Steps != 25 || sum.Interrupted || sum.TestError != o.snaps[3].TestError {
			t.Errorf("summary %+v (told %d times), want 25 steps, not interrupted, the last test error %g", sum, len(o.summaries), o.snaps[3].TestError)
		}
	}
}

// A diverged run is finished, not interrupted: it stops at the step whose
// cost went NaN or Inf, with a snapshot there.
func TestEngineDiverged(t *testing.T) {
	e, o := newEngine(t, func(sc *scenarios.Scenario) {
		sc.Steps, sc.Every, sc.LR, sc.InitScale, sc.Activation = 30, 10, 100, 10, "relu"
	}, scenarios.EngineOptions{})
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.Advance(context.Background(), math.MaxInt64, time.Time{}); err != nil {
		t.Fatal(err)
	}
	sum := e.Summary()
	if !sum.Diverged || sum.Interrupted || sum.DivergedStep != sum.Steps || o.steps()[len(o.snaps)-1] != sum.Steps {
		t.Errorf("summary %+v, snapshots at %v; want diverged, not interrupted, a last snapshot where it diverged", sum, o.steps())
	}
}

// A cancelled run stops (Err, Done) and says interrupted; End still hands
// over the summary. An observer's error is returned as it is and does not
// stop the run.
func TestEngineStops(t *testing.T) {
	e, o := newEngine(t, func(sc *scenarios.Scenario) { sc.Steps, sc.Every = 25, 10 }, scenarios.EngineOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.Advance(ctx, 4, time.Time{}); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := e.Advance(ctx, math.MaxInt64, time.Time{}); !errors.Is(err, context.Canceled) || e.Err() != err || !e.Done() {
		t.Fatalf("Advance after cancel = %v, Err %v, done %v; want context.Canceled, stopped", err, e.Err(), e.Done())
	}
	if err := e.Snapshot(context.Background()); err != e.Err() {
		t.Errorf("Snapshot of a stopped run = %v, want %v", err, e.Err())
	}
	sum, err := e.End()
	if err != nil || !sum.Interrupted || sum.Steps != 4 || len(o.summaries) != 1 || !equalSteps(o.steps(), []int64{0}) {
		t.Errorf("End = %+v, %v; snapshots at %v; want interrupted at step 4 after the step-0 snapshot", sum, err, o.steps())
	}

	e, o = newEngine(t, func(sc *scenarios.Scenario) { sc.Steps, sc.Every = 25, 10 }, scenarios.EngineOptions{})
	o.failAt = 10
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.Advance(context.Background(), math.MaxInt64, time.Time{}); err == nil || err.Error() != "disk full" || e.Err() != nil || e.Done() {
		t.Errorf("Advance with a failing observer = %v, Err %v, done %v; want its error, the run going on", err, e.Err(), e.Done())
	}
	if s := e.Runner().StepCount(); s != 10 {
		t.Errorf("stopped at step %d, want 10 (the failed snapshot's)", s)
	}
}

// A deadline in the past still allows one step.
func TestEngineDeadline(t *testing.T) {
	e, _ := newEngine(t, func(sc *scenarios.Scenario) { sc.Steps, sc.Every = 25, 10 }, scenarios.EngineOptions{})
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.Advance(context.Background(), math.MaxInt64, time.Now().Add(-time.Hour)); err != nil || e.Runner().StepCount() != 1 {
		t.Errorf("Advance = %v at step %d, want one step", err, e.Runner().StepCount())
	}
}
