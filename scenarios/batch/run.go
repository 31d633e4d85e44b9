package batch

import (
	"context"
	"io"
	"math"
	"time"

	"initscope/scenarios"
)

// Options tunes a batch run.
type Options struct {
	// Progress, when not nil, receives a progress line (rate, ETA) on
	// carriage returns: give it stderr when stderr is a terminal.
	Progress io.Writer
}

// Result says how a run ended.
type Result struct {
	Summary     scenarios.Summary
	Interrupted bool
}

// Run trains r's scenario, writing the run line, a snapshot at step 0
// (before any update), one every Every steps and one at the end, and the
// summary. A diverged run stops at the step whose cost went NaN or Inf,
// takes a last snapshot there and reports it in the summary; it is not an
// error. Errors are the writer's.
//
// Cancelling ctx stops inside the step (see Runner.StepContext), or inside a snapshot (whose
// measurement is dropped); either way the summary is still written, with
// interrupted true, so the output holds the run line, every snapshot
// finished before the cancellation, and the summary. The summary's test
// error is the last written snapshot's (null when there was none).
func Run(ctx context.Context, r *scenarios.Runner, w Writer, opt Options) (Result, error) {
	start := time.Now()
	sc := r.Scenario
	if err := w.Run(NewRunRecord(r)); err != nil {
		return Result{}, err
	}
	lastTestError := math.NaN()
	interrupted := false
	// snapshot measures and writes one; a cancelled measurement sets
	// interrupted and writes nothing.
	snapshot := func() error {
		snap, err := r.Snapshot(ctx, false)
		if err != nil {
			interrupted = true
			return nil
		}
		lastTestError = snap.TestError
		return w.Snapshot(NewSnapshotRecord(snap))
	}
	if err := snapshot(); err != nil {
		return Result{}, err
	}
	// The ETA counts from here: the step-0 snapshot (seconds with the
	// Jacobian of a wide network) says nothing of how fast steps go.
	bar := newProgress(opt.Progress, sc.Steps, time.Now())
	for !interrupted && !r.Done() {
		if ctx.Err() != nil {
			interrupted = true
			break
		}
		if _, err := r.StepContext(ctx); err != nil {
			interrupted = true
			break
		}
		step := r.StepCount()
		bar.update(step, r)
		if step%sc.Every == 0 || r.Done() {
			if err := snapshot(); err != nil {
				return Result{}, err
			}
		}
	}
	bar.finish()
	sum := r.Summary(lastTestError, time.Since(start))
	err := w.Summary(newSummaryRecord(sum, interrupted))
	return Result{Summary: sum, Interrupted: interrupted}, err
}
