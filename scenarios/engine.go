package scenarios

import (
	"context"
	"math"
	"time"

	"initscope/nn"
)

// Observer receives a run as an Engine drives it, in order: Start once,
// Snapshot for each snapshot, Summary once when the run is ended (in the
// style of gonum's optimize.Recorder). It is called from the goroutine
// that drives the engine. An error from it stops what the engine was
// doing and is returned as it is; the run itself is not marked stopped.
type Observer interface {
	Start(r *Runner) error
	Snapshot(s nn.Snapshot) error
	Summary(s Summary) error
}

// EngineOptions say what an engine's consumer requires of the snapshots.
type EngineOptions struct {
	// FirstJacobian measures the Jacobian in the step-0 snapshot whatever
	// the scenario says (the batch output has it there, see batch.NewEngine).
	FirstJacobian bool
}

// Engine owns a run: it steps the Runner, takes a snapshot every
// Scenario.Every steps and one where the run ends (its steps done, or the
// cost gone NaN or Inf), tracks the last test error, stops on
// cancellation, and hands the start, each snapshot and the summary to its
// Observer. --batch and the app's trainer both drive one. Like the
// Runner, it is not safe for concurrent use.
type Engine struct {
	r   *Runner
	obs Observer
	opt EngineOptions

	start         time.Time
	lastSnap      int64 // step of the last snapshot handed over, -1 before any
	lastTestError float64
	jacobian      bool  // measure the Jacobian at the next snapshot
	err           error // what stopped the run: a cancellation or a failed step or measurement
}

// NewEngine returns an engine on r that reports to obs.
func NewEngine(r *Runner, obs Observer, opt EngineOptions) *Engine {
	return &Engine{r: r, obs: obs, opt: opt, lastSnap: -1, lastTestError: math.NaN()}
}

// Runner is the runner the engine drives (read it from the driving
// goroutine only).
func (e *Engine) Runner() *Runner { return e.r }

// Start starts the clock, hands the runner to the observer, and takes the
// step-0 snapshot (or, on a runner already trained, one at its step).
func (e *Engine) Start(ctx context.Context) error {
	e.start = time.Now()
	if err := e.obs.Start(e.r); err != nil {
		return err
	}
	return e.Snapshot(ctx)
}

// Advance trains for at most n steps, until the run is done, or until the
// deadline has passed (checked after each step; the zero time is no
// deadline), taking the snapshots the cadence calls for. When ctx is done,
// or a step or snapshot fails, the run stops (Err) and Advance returns
// that error; a step cancelled part-way is not counted, a cancelled
// snapshot is dropped.
func (e *Engine) Advance(ctx context.Context, n int64, deadline time.Time) error {
	for i := int64(0); i < n && !e.Done(); i++ {
		if err := ctx.Err(); err != nil {
			return e.stop(err)
		}
		if _, err := e.r.StepContext(ctx); err != nil {
			return e.stop(err)
		}
		if e.r.StepCount()%e.r.Scenario.Every == 0 || e.r.Done() {
			if err := e.Snapshot(ctx); err != nil {
				return err
			}
		}
		if !deadline.IsZero() && time.Now().After(deadline) {
			break
		}
	}
	return e.err
}

// Snapshot measures the network now and hands the snapshot to the
// observer, unless one was taken at this step already. The Jacobian is
// measured when the scenario asks for it at every snapshot, when
// MeasureJacobian asked for it, and at step 0 with FirstJacobian.
func (e *Engine) Snapshot(ctx context.Context) error {
	if e.err != nil {
		return e.err
	}
	step := e.r.StepCount()
	if step == e.lastSnap {
		return nil
	}
	jac := e.jacobian || e.r.Scenario.Jacobian || e.opt.FirstJacobian && step == 0
	snap, err := e.r.Snapshot(ctx, jac)
	if err != nil {
		return e.stop(err)
	}
	e.jacobian, e.lastSnap, e.lastTestError = false, step, snap.TestError
	return e.obs.Snapshot(snap)
}

// MeasureJacobian asks for the Jacobian at the next snapshot.
func (e *Engine) MeasureJacobian() { e.jacobian = true }

// Done reports whether the run is over: its steps done, diverged, or
// stopped.
func (e *Engine) Done() bool { return e.err != nil || e.r.Done() }

// Err is what stopped the run (nil while it goes on or when it finished):
// ctx's error, or a step's or a measurement's.
func (e *Engine) Err() error { return e.err }

func (e *Engine) stop(err error) error {
	if e.err == nil {
		e.err = err
	}
	return e.err
}

// Summary is the outcome of a run.
type Summary struct {
	Steps, Examples int64
	TestError       float64 // the last snapshot's
	Diverged        bool
	DivergedStep    int64 // 0 when not diverged
	Elapsed         time.Duration
	TrainTime       time.Duration // time inside training steps only
	Interrupted     bool          // stopped, or ended early, before its steps were done
}

// ExamplesPerSecond is the training throughput, snapshots excluded.
func (s Summary) ExamplesPerSecond() float64 {
	if s.TrainTime <= 0 {
		return math.NaN()
	}
	return float64(s.Examples) / s.TrainTime.Seconds()
}

// Summary is the run so far. The test error is the last snapshot's (NaN
// before any); Interrupted is set when the run was stopped or its steps are
// not done yet (a diverged run is finished).
func (e *Engine) Summary() Summary {
	r := e.r
	return Summary{Steps: r.step, Examples: r.examples, TestError: e.lastTestError,
		Diverged: r.diverged, DivergedStep: r.divergedStep, Elapsed: time.Since(e.start), TrainTime: r.trainTime,
		Interrupted: e.err != nil || !r.Done()}
}

// End hands the summary to the observer and returns it.
func (e *Engine) End() (Summary, error) {
	sum := e.Summary()
	return sum, e.obs.Summary(sum)
}
