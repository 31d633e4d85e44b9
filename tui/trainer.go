package tui

import (
	"context"
	"math"
	"slices"
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
	// Measuring is set while a Jacobian asked for is not yet in Snaps:
	// the engine measures it at the next snapshot (training), or the
	// trainer is measuring the state it stopped at (paused or done).
	Measuring bool
	// Building is how far the build has got while it pre-trains
	// (--init pretrained); zero otherwise.
	Building scenarios.Building
}

// watchBuild is the build watcher that publishes its progress through
// update (a trainer's or a crew member's).
func watchBuild(update func(func(d *runData))) func(scenarios.Building) {
	return func(b scenarios.Building) { update(func(d *runData) { d.Building = b }) }
}

// maxSnaps bounds the history: when it fills, every other snapshot after
// the first is dropped, so long runs keep an even, coarser record.
const maxSnaps = 2048

// maxHistSnaps bounds the snapshots that keep the histograms the app
// records whatever the scenario says (a scenario that asks for them keeps
// them at every snapshot, as before). They are most of a snapshot's size
// (3 x 50 bins of 8 bytes a layer, ~1.4 KB against ~0.1 KB for the rest),
// so 2048 snapshots of a 20-layer network would hold 57 MB of them. When
// more than this many have them, every other one after the first loses
// them: the history keeps an even, coarser record of histograms (at most
// 256 x 20 layers x 1.4 KB = 7 MB a run) beside the full one of the rest.
const maxHistSnaps = 256

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
	op     control
	steps  int64
	member int // ctlSteps to a crew: the member whose length changes
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

	wantJac chan struct{}      // non-blocking: ask for a Jacobian at the next snapshot
	lastJac time.Time          // when one was last asked of the engine (trainer goroutine only)
	hist    bool               // the scenario's own hist setting (the app records histograms whatever it says)
	budget  scenarios.ByteSize // the scenario's own mem-budget (a compared run builds on its share, compare_train.go)

	mu      sync.Mutex
	began   bool     // it started building (then it is the one to wait for)
	after   *trainer // the trainer it replaces, until it begins
	data    runData
	record  batch.RunRecord
	summary scenarios.Summary

	// A crew's leader (compare_train.go) trains its members in lockstep
	// and publishes them in pub; its own data is none of the runs'.
	crew []*trainer
	pub  []crewMember
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
	return launchWith(sc, cfg, prev, nil)
}

// launchWith is launch with setup called on the trainer before its
// goroutine starts (nil: none).
func launchWith(sc scenarios.Scenario, cfg trainerConfig, prev *trainer, setup func(*trainer)) *trainer {
	ctx, cancel := context.WithCancel(context.Background())
	t := &trainer{
		ctl: make(chan ctlMsg, 16), cancel: cancel, done: make(chan struct{}), cfg: cfg,
		wantJac: make(chan struct{}, 1),
		data:    runData{Scenario: sc, State: stateBuilding, Rate: nanRate(), Version: 1},
	}
	if setup != nil {
		setup(t)
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
	rec, snaps, sum := t.record, t.data.Snaps, t.summary
	ok := t.data.State != stateBuilding && t.data.State != stateFailed
	t.mu.Unlock()
	if !rec.Hist {
		// The app's own histograms are not the scenario's output.
		snaps = withoutHist(snaps)
	}
	return rec, snaps, sum, ok
}

// withoutHist is snaps without histograms, in new slices where it had any.
func withoutHist(snaps []nn.Snapshot) []nn.Snapshot {
	if countHist(snaps) == 0 {
		return snaps
	}
	out := make([]nn.Snapshot, len(snaps))
	for i, s := range snaps {
		out[i] = s
		out[i].Layers = slices.Clone(s.Layers)
		for l := range out[i].Layers {
			out[i].Layers[l].ActHist, out[i].Layers[l].GradHist, out[i].Layers[l].WGradHist = nil, nil, nil
		}
	}
	return out
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
			err := recovered(t.cfg.where, p, t.cfg.onPanic)
			t.fail(err)
			if t.crew != nil {
				t.failCrew(err)
			}
		}
	}()
	if !t.begin(ctx) {
		return
	}
	defer builds.live.Add(-1)
	if t.crew != nil {
		t.runCrew(ctx)
		return
	}
	t.run(ctx)
}

// nanRate is the rate of a run that has trained no example yet.
func nanRate() float64 { return math.NaN() }

// run builds the network and drives its engine as the controls say until
// ctx ends. The engine keeps the cadence, the test error, divergence and
// the summary; the trainer adds the controls, the pool and the Jacobian
// requests, and is the engine's observer. The runner is local to it: when
// it returns, the network can be freed.
func (t *trainer) run(ctx context.Context) {
	sc := t.read().Scenario
	fault("build")
	// The app records histograms at every snapshot whatever the scenario
	// says, so the Histograms view always has them (the memory budget
	// counts their buffers; maxHistSnaps bounds the history's). The
	// published scenario keeps its own setting (publish).
	t.hist, sc.Hist = sc.Hist, true
	t.budget = sc.MemBudget
	// NewRunner and the engine return as soon as ctx ends (a reset), and
	// the network goes with r when run returns.
	var r *scenarios.Runner
	var e *scenarios.Engine
	started := t.withSlot(ctx, func() bool {
		var err error
		r, err = scenarios.NewRunnerWatched(ctx, sc, watchBuild(t.update))
		if ctx.Err() != nil {
			return false
		}
		if err != nil {
			t.fail(err)
			return false
		}
		// batch's engine, so that an export is the run's --batch output.
		e = batch.NewEngine(r, t)
		return t.ok(ctx, e.Start(ctx))
	})
	if !started {
		return
	}
	t.publish(e, statePaused)

	running := false
	for {
		if e.Done() {
			running = false
		}
		m, next := t.next(ctx, running, t.wantJac)
		switch next {
		case nextEnd:
			return
		case nextTrain:
			if !t.train(ctx, e) {
				return
			}
			t.publish(e, stateRunning)
			continue
		case nextWanted:
			if !t.withSlot(ctx, func() bool { return t.measureStopped(ctx, e) }) {
				return
			}
			continue
		}
		switch m.op {
		case ctlToggle:
			running = !running && !e.Done()
		case ctlPause:
			running = false
		case ctlStep:
			running = false
			if !e.Done() && !t.withSlot(ctx, func() bool {
				t.takeJacobian(e)
				return t.ok(ctx, e.Advance(ctx, 1, time.Time{})) && t.ok(ctx, e.Snapshot(ctx))
			}) {
				return
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

// What a trainer's loop does next (trainer.next).
const (
	nextControl = iota // act on the control
	nextTrain          // no control waiting while running: train a chunk
	nextWanted         // stopped, and something was asked on wanted
	nextEnd            // ctx ended: return
)

// next waits for what the loop does next: while running it glances at the
// controls between chunks (nextTrain when none waits); stopped (paused or
// finished) it waits for a control, or for a request on wanted (nil: none).
func (t *trainer) next(ctx context.Context, running bool, wanted <-chan struct{}) (ctlMsg, int) {
	var m ctlMsg
	if running {
		select {
		case <-ctx.Done():
			return m, nextEnd
		case m = <-t.ctl:
			return m, nextControl
		default:
			return m, nextTrain
		}
	}
	select {
	case <-ctx.Done():
		return m, nextEnd
	case m = <-t.ctl:
		return m, nextControl
	case <-wanted:
		return m, nextWanted
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
	return t.withSlot(ctx, func() bool {
		fault("step")
		t.takeJacobian(e)
		return t.ok(ctx, e.Advance(ctx, math.MaxInt64, time.Now().Add(chunk))) && ctx.Err() == nil
	})
}

// withSlot runs f holding a pool slot when there is a pool, so that all
// the heavy work (building with the step-0 snapshot, a step, a Jacobian
// while paused), not only the training chunks, counts against the cores
// a server shares out. It reports false when ctx ended before a slot
// came, and f's answer otherwise.
func (t *trainer) withSlot(ctx context.Context, f func() bool) bool {
	if t.cfg.pool != nil {
		if err := t.cfg.pool.Acquire(ctx); err != nil {
			return false
		}
		defer t.cfg.pool.Release()
	}
	return f()
}

// takeJacobian passes a pending request for the Jacobian to the engine's
// next snapshot, at most one every jacobianEvery.
func (t *trainer) takeJacobian(e *scenarios.Engine) {
	select {
	case <-t.wantJac:
		if time.Since(t.lastJac) >= jacobianEvery {
			e.MeasureJacobian()
			t.lastJac = time.Now()
			t.update(func(d *runData) { d.Measuring = true })
		}
	default:
	}
}

// measureStopped answers a request for the Jacobian while the run is
// paused or done, when the state shown last is the one to inspect: it
// measures the network as it stands, unless the latest snapshot already
// has its Jacobian. A run paused between snapshots gets a snapshot at its
// step (as a step does); one paused at a snapshot gets that snapshot
// measured again with the Jacobian. It reports false when the run ended.
func (t *trainer) measureStopped(ctx context.Context, e *scenarios.Engine) bool {
	step := e.Runner().StepCount()
	d := t.read()
	n := len(d.Snaps)
	if d.State == stateDiverged || n > 0 && d.Snaps[n-1].Step == step && hasJacobian(d.Snaps[n-1]) {
		// A diverged network's Jacobian is not a number; its last
		// snapshot says what there is to say.
		return true
	}
	t.update(func(d *runData) { d.Measuring = true })
	defer t.update(func(d *runData) { d.Measuring = false })
	if n == 0 || d.Snaps[n-1].Step != step {
		e.MeasureJacobian()
		return t.ok(ctx, e.Snapshot(ctx))
	}
	fault("jacobian")
	snap, err := e.Runner().Snapshot(ctx, true)
	if !t.ok(ctx, err) {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.data.Snaps = replaceLast(t.data.Snaps, snap)
	return true
}

// hasJacobian reports whether s holds a measured Jacobian (the top layer's
// is never defined, so a network of one hidden layer has none to show).
func hasJacobian(s nn.Snapshot) bool {
	return len(s.Layers) > 1 && !math.IsNaN(s.Layers[0].JacSVMean)
}

// replaceLast returns snaps with its last snapshot replaced by s measured
// again at the same step, keeping the training loss only the first could
// know (the mean since the previous snapshot). It builds a new slice:
// readers may hold the old one.
func replaceLast(snaps []nn.Snapshot, s nn.Snapshot) []nn.Snapshot {
	n := len(snaps)
	out := make([]nn.Snapshot, n, max(n, cap(snaps)))
	copy(out, snaps)
	s.TrainLoss = snaps[n-1].TrainLoss
	out[n-1] = s
	return out
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
	sc.Hist, sc.MemBudget = t.hist, t.budget
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
	rec.Hist = t.hist // the export is the --batch output of the scenario as set
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
	if !t.hist && hasHist(s) && countHist(t.data.Snaps) > maxHistSnaps {
		// Histograms the scenario did not ask for (the app's own) are
		// kept on at most maxHistSnaps snapshots; a scenario that asks
		// for them keeps them all, as --batch writes them.
		t.data.Snaps = thinHist(t.data.Snaps)
	}
	if hasJacobian(s) {
		t.data.Measuring = false
	}
	t.data.Version++
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
// builds a new slice: readers may hold the old one. The views'
// time cursor names a step, not a position, so it stays on its snapshot,
// or the nearest kept, whatever is dropped (Model.cursorOf).
func appendSnap(snaps []nn.Snapshot, s nn.Snapshot) []nn.Snapshot {
	if len(snaps) >= maxSnaps {
		thin := make([]nn.Snapshot, 0, maxSnaps)
		thin = append(thin, snaps[0])
		for i := 2; i < len(snaps); i += 2 {
			thin = append(thin, snaps[i])
		}
		snaps = thin
	}
	return append(snaps, s)
}

// hasHist reports whether s holds histograms.
func hasHist(s nn.Snapshot) bool {
	return len(s.Layers) > 0 && s.Layers[0].ActHist != nil
}

func countHist(snaps []nn.Snapshot) int {
	n := 0
	for _, s := range snaps {
		if hasHist(s) {
			n++
		}
	}
	return n
}

// thinHist drops the histograms of every other snapshot holding them
// after the first (the latest keeps its own), in a new slice whose
// changed snapshots have new Layers.
func thinHist(snaps []nn.Snapshot) []nn.Snapshot {
	out := make([]nn.Snapshot, len(snaps), cap(snaps))
	copy(out, snaps)
	k := 0
	for i := range out[:len(out)-1] {
		if !hasHist(out[i]) {
			continue
		}
		if k%2 == 1 {
			ls := make([]nn.LayerStats, len(out[i].Layers))
			copy(ls, out[i].Layers)
			for l := range ls {
				ls[l].ActHist, ls[l].GradHist, ls[l].WGradHist = nil, nil, nil
			}
			out[i].Layers = ls
		}
		k++
	}
	return out
}
