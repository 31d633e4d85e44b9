package tui

import (
	"context"
	"math"
	"sync"
	"time"

	"initscope/nn"
	"initscope/scenarios"
	"initscope/scenarios/batch"
)

// runState is where a training run is.
type runState int

const (
	stateBuilding runState = iota // opening the data set, building the network
	statePaused
	stateRunning
	stateDone     // the scenario's steps are done
	stateDiverged // the cost went NaN or Inf
	stateFailed   // the scenario could not be built
)

func (s runState) String() string {
	return [...]string{"building", "paused", "training", "done", "diverged", "error"}[s]
}

// runData is what the UI knows of one run: a copy taken on a tick (or a
// fixed value in tests). Snaps is shared with the trainer but only ever
// appended to there, or replaced by a new slice, so a copy of the slice
// header is safe to read without the lock.
type runData struct {
	Scenario     scenarios.Scenario
	State        runState
	Err          error
	Step         int64 // steps done, between snapshots too
	Examples     int64
	Rate         float64 // training examples per second, NaN before any
	DivergedStep int64
	Snaps        []nn.Snapshot
	Version      uint64 // grows with every change
}

// maxSnaps bounds the history: when it fills, every other snapshot after
// the first is dropped, so long runs keep an even, coarser record.
const maxSnaps = 2048

// chunk is how long the trainer works between looks at its controls and
// (with a pool) between acquiring and releasing a training slot.
const chunk = 30 * time.Millisecond

// jacobianEvery is the least time between Jacobian measurements asked for
// by the UI: a Jacobian costs as much as many training steps.
const jacobianEvery = 2 * time.Second

type control int

const (
	ctlToggle control = iota // start or pause
	ctlPause
	ctlStep // one step, then a snapshot
	ctlSteps
)

type ctlMsg struct {
	op    control
	steps int64
}

// trainer owns one Runner in its own goroutine. It takes a snapshot every
// scenario.Every steps and publishes it with the run's progress under a
// mutex; the UI reads the latest on its tick. Controls arrive on a channel,
// so the UI never waits for training.
type trainer struct {
	ctl    chan ctlMsg
	cancel context.CancelFunc
	done   chan struct{}
	pool   Pool

	wantJac chan struct{} // non-blocking: ask for a Jacobian at the next snapshot

	mu      sync.Mutex
	data    runData
	record  batch.RunRecord
	summary scenarios.Summary
}

// startTrainer builds sc's runner in the background and waits paused at
// step 0, with the step-0 snapshot published.
func startTrainer(sc scenarios.Scenario, pool Pool) *trainer {
	ctx, cancel := context.WithCancel(context.Background())
	t := &trainer{
		ctl: make(chan ctlMsg, 16), cancel: cancel, done: make(chan struct{}), pool: pool,
		wantJac: make(chan struct{}, 1),
		data:    runData{Scenario: sc, State: stateBuilding, Rate: math.NaN(), Version: 1},
	}
	go t.loop(ctx)
	return t
}

// send passes a control without ever blocking the UI; when 16 are already
// queued the trainer is far behind and the extra key press is dropped.
func (t *trainer) send(m ctlMsg) {
	select {
	case t.ctl <- m:
	default:
	}
}

func (t *trainer) requestJacobian() {
	select {
	case t.wantJac <- struct{}{}:
	default:
	}
}

// stop ends the goroutine and waits for it. It is idempotent.
func (t *trainer) stop() {
	t.cancel()
	<-t.done
}

// read returns a copy of what the trainer published.
func (t *trainer) read() runData {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.data
}

// exportData returns what Export writes: the run record, snapshots and summary.
func (t *trainer) exportData() (batch.RunRecord, []nn.Snapshot, scenarios.Summary, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.record, t.data.Snaps, t.summary, t.data.State != stateBuilding && t.data.State != stateFailed
}

func (t *trainer) update(f func(d *runData)) {
	t.mu.Lock()
	f(&t.data)
	t.data.Version++
	t.mu.Unlock()
}

func (t *trainer) loop(ctx context.Context) {
	defer close(t.done)
	sc := t.data.Scenario
	r, err := scenarios.NewRunner(sc)
	if err != nil {
		t.update(func(d *runData) { d.State, d.Err = stateFailed, err })
		return
	}
	start := time.Now()
	lastTestError := math.NaN()
	var lastJac time.Time
	snapshot := func() {
		jac := false
		select {
		case <-t.wantJac:
			if time.Since(lastJac) >= jacobianEvery {
				jac, lastJac = true, time.Now()
			}
		default:
		}
		snap := r.Snapshot(jac)
		lastTestError = snap.TestError
		t.mu.Lock()
		t.data.Snaps = appendSnap(t.data.Snaps, snap)
		t.mu.Unlock()
	}
	publish := func(state runState) {
		sum := r.Summary(lastTestError, time.Since(start))
		div, divStep := r.Diverged()
		if div {
			state = stateDiverged
		} else if r.Done() {
			state = stateDone
		}
		rate := sum.ExamplesPerSecond()
		t.mu.Lock()
		t.summary = sum
		t.mu.Unlock()
		t.update(func(d *runData) {
			d.State, d.Step, d.Examples, d.Rate, d.DivergedStep = state, sum.Steps, sum.Examples, rate, divStep
			d.Scenario = r.Scenario
		})
	}
	t.mu.Lock()
	t.record = batch.NewRunRecord(r)
	t.mu.Unlock()
	snapshot()
	publish(statePaused)

	running := false
	for {
		if r.Done() {
			running = false
		}
		// Wait for a control while paused or finished; glance at them
		// between chunks while running.
		var m ctlMsg
		if running && !r.Done() {
			select {
			case <-ctx.Done():
				return
			case m = <-t.ctl:
			default:
				if !t.train(ctx, r, snapshot) {
					return
				}
				publish(stateRunning)
				continue
			}
		} else {
			select {
			case <-ctx.Done():
				return
			case m = <-t.ctl:
			}
		}
		switch m.op {
		case ctlToggle:
			running = !running && !r.Done()
		case ctlPause:
			running = false
		case ctlStep:
			running = false
			if !r.Done() {
				r.Step()
				snapshot()
			}
		case ctlSteps:
			// Only the length of the run changes: the network stays.
			r.Scenario.Steps = m.steps
			if r.Done() {
				running = false
			}
		}
		if running {
			publish(stateRunning)
		} else {
			publish(statePaused)
		}
	}
}

// train does steps for about one chunk of time, holding a pool slot when
// there is a pool. It reports false when ctx ended.
func (t *trainer) train(ctx context.Context, r *scenarios.Runner, snapshot func()) bool {
	if t.pool != nil {
		if err := t.pool.Acquire(ctx); err != nil {
			return false
		}
		defer t.pool.Release()
	}
	every := r.Scenario.Every
	deadline := time.Now().Add(chunk)
	for !r.Done() {
		r.Step()
		if step := r.StepCount(); step%every == 0 || r.Done() {
			snapshot()
		}
		if time.Now().After(deadline) {
			break
		}
	}
	return ctx.Err() == nil
}

// appendSnap appends s, thinning the history when it is full. Thinning
// builds a new slice: readers may hold the old one.
func appendSnap(snaps []nn.Snapshot, s nn.Snapshot) []nn.Snapshot {
	if len(snaps) < maxSnaps {
		return append(snaps, s)
	}
	thin := make([]nn.Snapshot, 0, maxSnaps)
	thin = append(thin, snaps[0])
	for i := 2; i < len(snaps); i += 2 {
		thin = append(thin, snaps[i])
	}
	return append(thin, s)
}
