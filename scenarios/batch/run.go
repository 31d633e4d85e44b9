package batch

import (
	"context"
	"io"
	"math"
	"time"

	"initscope/nn"
	"initscope/scenarios"
)

// Options tunes a batch run.
type Options struct {
	// Progress, when not nil, receives a progress line (rate, ETA) on
	// carriage returns: give it stderr when stderr is a terminal.
	Progress io.Writer
}

// NewEngine returns an engine on r that reports to obs and takes the
// snapshots this package's output requires: the Jacobian is part of the
// step-0 snapshot (jac_sv_mean at initialization), whatever --jacobian
// says. The app's trainer uses it too, so that its export is a run's output.
func NewEngine(r *scenarios.Runner, obs scenarios.Observer) *scenarios.Engine {
	return scenarios.NewEngine(r, obs, scenarios.EngineOptions{FirstJacobian: true})
}

// Recorder is the observer that writes an engine's run to W: the run line,
// one record per snapshot, the summary. It is the one path from a run to
// its output, live (Run) or from memory (WriteRun, the app's export).
type Recorder struct{ W Writer }

// Start writes the run line.
func (o Recorder) Start(r *scenarios.Runner) error { return o.W.Run(NewRunRecord(r)) }

// Snapshot writes a snapshot.
func (o Recorder) Snapshot(s nn.Snapshot) error { return o.W.Snapshot(NewSnapshotRecord(s)) }

// Summary writes the summary.
func (o Recorder) Summary(s scenarios.Summary) error {
	return o.W.Summary(newSummaryRecord(s))
}

// progressEvery is how long the engine trains between progress lines.
const progressEvery = 100 * time.Millisecond

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
// error is the last written snapshot's (null when there was none). The
// summary written is returned.
func Run(ctx context.Context, r *scenarios.Runner, w Writer, opt Options) (scenarios.Summary, error) {
	if err := checkSurfaces(r); err != nil {
		return scenarios.Summary{}, err
	}
	e := NewEngine(r, Recorder{w})
	// An error with the run going on is the writer's; one that stopped
	// the run (e.Err) is a cancellation, and the summary is still written.
	if err := e.Start(ctx); err != nil && e.Err() == nil {
		return scenarios.Summary{}, err
	}
	if err := writeSurfaces(ctx, r, w); err != nil {
		return scenarios.Summary{}, err
	}
	// The ETA counts from here: the step-0 snapshot (seconds with the
	// Jacobian of a wide network) says nothing of how fast steps go.
	bar := newProgress(opt.Progress, r.Scenario.Steps, time.Now())
	for !e.Done() {
		if err := e.Advance(ctx, math.MaxInt64, time.Now().Add(progressEvery)); err != nil && e.Err() == nil {
			return scenarios.Summary{}, err
		}
		bar.update(e.Summary())
	}
	bar.finish()
	return e.End()
}
