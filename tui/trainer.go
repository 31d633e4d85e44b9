package tui

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
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
	stateFailed   // the scenario could not be built, or the run panicked
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
	Cursor       int    // the time cursor (cursor.go): 0 follows the latest snapshot
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

// rebuildDelay is how long a replacement run waits, once the run it
// replaces has ended, before it builds: a newer request in that time
// replaces it in turn, so a burst of resets builds one network.
const rebuildDelay = 100 * time.Millisecond

// builds counts the trainers that began building a network (tests read it).
var builds struct {
	launched atomic.Int64 // trainers started, built or not
	started  atomic.Int64 // builds begun
	live     atomic.Int64 // begun and not yet ended
	peak     atomic.Int64 // the most live at once
}

// trainerConfig is what every trainer of one run shares.
type trainerConfig struct {
	pool    Pool
	onPanic func(error)
	where   string          // the run's name, for errors
	wg      *sync.WaitGroup // when not nil, counts the trainers' goroutines
}

// trainer owns one Runner in its own goroutine. It takes a snapshot every
// scenario.Every steps and publishes it with the run's progress under a
// mutex; the UI reads the latest on its tick. Controls arrive on a channel,
// so the UI never waits for training.
//
// A run's trainers follow each other: a trainer that replaces another
// waits for it to end before it builds, so each run holds at most one
// network at a time however fast it is reset (see launch and retire).
type trainer struct {
	ctl    chan ctlMsg
	cancel context.CancelFunc
	done   chan struct{}
	cfg    trainerConfig

	wantJac chan struct{} // non-blocking: ask for a Jacobian at the next snapshot
	lastJac time.Time     // when one was last asked of the engine (trainer goroutine only)

	mu      sync.Mutex
	began   bool     // it started building (then it is the one to wait for)
	after   *trainer // the trainer it replaces, until it begins
	data    runData
	record  batch.RunRecord
	summary scenarios.Summary
}

// startTrainer builds sc's runner in the background and waits paused at
// step 0, with the step-0 snapshot published.
func startTrainer(sc scenarios.Scenario, pool Pool) *trainer {
	return launch(sc, trainerConfig{pool: pool, where: runNames[runMain]}, nil)
}

// launch starts a trainer on sc that replaces prev (nil for none): prev is
// cancelled, and the new trainer builds only once prev (or, when prev never
// began, the trainer prev was waiting for) has ended and rebuildDelay has
// passed without a newer launch replacing it.
func launch(sc scenarios.Scenario, cfg trainerConfig, prev *trainer) *trainer {
	ctx, cancel := context.WithCancel(context.Background())
	t := &trainer{
		ctl: make(chan ctlMsg, 16), cancel: cancel, done: make(chan struct{}), cfg: cfg,
		wantJac: make(chan struct{}, 1),
		data:    runData{Scenario: sc, State: stateBuilding, Rate: math.NaN(), Version: 1},
	}
	if prev != nil {
		t.after = prev.retire()
	}
	if cfg.wg != nil {
		cfg.wg.Add(1)
	}
	builds.launched.Add(1)
	go t.loop(ctx)
	return t
}

// retire cancels t and returns the trainer a successor must wait for: t
// itself once it began building (its network may still be in memory),
// else the one t was waiting for, since t will build nothing.
func (t *trainer) retire() *trainer {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cancel()
	if t.began {
		return t
	}
	return t.after
}

// begin waits for the trainer t replaces to end, then rebuildDelay, and
// marks t building. It reports false when t was cancelled first.
func (t *trainer) begin(ctx context.Context) bool {
	t.mu.Lock()
	after := t.after
	t.mu.Unlock()
	if after != nil {
		select {
		case <-after.done:
		case <-ctx.Done():
			return false
		}
		delay := time.NewTimer(rebuildDelay)
		defer delay.Stop()
		select {
		case <-delay.C:
		case <-ctx.Done():
			return false
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if ctx.Err() != nil { // retire decides under the same lock
		return false
	}
	t.began, t.after = true, nil
	builds.started.Add(1)
	live := builds.live.Add(1)
	for peak := builds.peak.Load(); live > peak && !builds.peak.CompareAndSwap(peak, live); peak = builds.peak.Load() {
	}
	return true
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

// stop ends the goroutine and waits for it, and for the trainer it
// replaced if that one is still ending. It is idempotent.
func (t *trainer) stop() {
	after := t.retire()
	<-t.done
	if after != nil {
		<-after.done
	}
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
	defer t.mu.Unlock()
	f(&t.data)
	t.data.Version++
}

// fail ends the run with err, shown as the run's error.
func (t *trainer) fail(err error) {
	t.update(func(d *runData) { d.State, d.Err = stateFailed, err })
}

func (t *trainer) loop(ctx context.Context) {
	if t.cfg.wg != nil {
		defer t.cfg.wg.Done()
	}
	defer close(t.done)
	// A panic ends this run, not the process: the run shows it as its
	// error and the embedding program is told (Options.OnPanic).
	defer func() {
		if p := recover(); p != nil {
			t.fail(recovered(t.cfg.where, p, t.cfg.onPanic))
		}
	}()
	if !t.begin(ctx) {
		return
	}
	defer builds.live.Add(-1)
	t.run(ctx)
}

// run builds the network and drives its engine as the controls say until
// ctx ends. The engine keeps the cadence, the test error, divergence and
// the summary; the trainer adds the controls, the pool and the Jacobian
// requests, and is the engine's observer. The runner is local to it: when
// it returns, the network can be freed.
func (t *trainer) run(ctx context.Context) {
	sc := t.read().Scenario
	fault("build")
	// NewRunner and the engine return as soon as ctx ends (a reset), and
	// the network goes with r when run returns.
	r, err := scenarios.NewRunner(ctx, sc)
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		t.fail(err)
		return
	}
	// batch's engine, so that an export is the run's --batch output.
	e := batch.NewEngine(r, t)
	if !t.ok(ctx, e.Start(ctx)) {
		return
	}
	t.publish(e, statePaused)

	running := false
	for {
		if e.Done() {
			running = false
		}
		// Wait for a control while paused or finished; glance at them
		// between chunks while running.
		var m ctlMsg
		if running {
			select {
			case <-ctx.Done():
				return
			case m = <-t.ctl:
			default:
				if !t.train(ctx, e) {
					return
				}
				t.publish(e, stateRunning)
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
			running = !running && !e.Done()
		case ctlPause:
			running = false
		case ctlStep:
			running = false
			if !e.Done() {
				t.takeJacobian(e)
				if !t.ok(ctx, e.Advance(ctx, 1, time.Time{})) || !t.ok(ctx, e.Snapshot(ctx)) {
					return
				}
			}
		case ctlSteps:
			// Only the length of the run changes: the network stays.
			r.Scenario.Steps = m.steps
		}
		if running {
			t.publish(e, stateRunning)
		} else {
			t.publish(e, statePaused)
		}
	}
}

// ok reports whether the run goes on after err: a run cancelled (being
// replaced) ends quietly, one that failed shows its error.
func (t *trainer) ok(ctx context.Context, err error) bool {
	if err == nil {
		return true
	}
	if ctx.Err() == nil {
		t.fail(err)
	}
	return false
}

// train advances the engine for about one chunk of time, holding a pool
// slot when there is a pool. It reports false when the run ended.
func (t *trainer) train(ctx context.Context, e *scenarios.Engine) bool {
	if t.cfg.pool != nil {
		if err := t.cfg.pool.Acquire(ctx); err != nil {
			return false
		}
		defer t.cfg.pool.Release()
	}
	fault("step")
	t.takeJacobian(e)
	return t.ok(ctx, e.Advance(ctx, math.MaxInt64, time.Now().Add(chunk))) && ctx.Err() == nil
}

// takeJacobian passes a pending request for the Jacobian to the engine's
// next snapshot, at most one every jacobianEvery.
func (t *trainer) takeJacobian(e *scenarios.Engine) {
	select {
	case <-t.wantJac:
		if time.Since(t.lastJac) >= jacobianEvery {
			e.MeasureJacobian()
			t.lastJac = time.Now()
		}
	default:
	}
}

// publish shows the engine's progress to the UI, and keeps its summary
// for an export.
func (t *trainer) publish(e *scenarios.Engine, state runState) {
	sum := e.Summary()
	if sum.Diverged {
		state = stateDiverged
	} else if e.Done() {
		state = stateDone
	}
	rate := sum.ExamplesPerSecond()
	sc := e.Runner().Scenario
	t.update(func(d *runData) {
		d.State, d.Step, d.Examples, d.Rate, d.DivergedStep = state, sum.Steps, sum.Examples, rate, sum.DivergedStep
		d.Scenario = sc
		t.summary = sum
	})
}

// Start, Snapshot and Summary make the trainer its engine's observer: it
// keeps the run line for an export, and the snapshots for the views.

// Start keeps the run line.
func (t *trainer) Start(r *scenarios.Runner) error {
	rec := batch.NewRunRecord(r)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.record = rec
	return nil
}

// Snapshot adds a snapshot to the history.
func (t *trainer) Snapshot(s nn.Snapshot) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.data.Snaps = appendSnap(t.data.Snaps, s)
	return nil
}

// Summary keeps the summary (publish keeps it too, as the run goes).
func (t *trainer) Summary(s scenarios.Summary) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.summary = s
	return nil
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
