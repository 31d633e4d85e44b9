package tui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"initscope/scenarios"
	"initscope/scenarios/batch"
)

// The Compare view's runs train in lockstep: one goroutine (a crew's
// leader, a trainer of no run of its own) drives every run's engine by the
// same number of steps a round, on one snapshot cadence, and publishes
// what the runs look like only between rounds. Every copy the UI takes
// (crewData) therefore has all the runs at one step with snapshots at the
// same steps, however fast each network trains; a run whose steps are done
// (or that diverged) stops while the others go on. Each run is still a
// trainer of its own (a member: the engine's observer, what export and the
// figures read), without a goroutine: its controls, cancellation and end
// are the leader's.

// maxCompare is the most runs a comparison holds (A, B, C, D): each is a
// network in memory, trained by the one goroutine in turn.
const maxCompare = numRuns - runA

// roundSteps bounds the steps of one round; rounds start at one step and
// double while a round takes under half a chunk (halving over two), so a
// round lasts about a chunk of time whatever the networks.
const roundSteps = 1 << 16

// crewMember is what the leader publishes of one member after a round.
type crewMember struct {
	data runData
	rec  batch.RunRecord
	sum  scenarios.Summary
}

// launchCrew starts the lockstep training of scs, replacing the crew led
// by prev (nil for none) as launch does. Every run takes the first's
// snapshot cadence (the runs must snapshot at the same steps); each keeps
// its seed, so they see the same data when the seeds are the same.
func launchCrew(scs []scenarios.Scenario, cfg trainerConfig, prev *trainer) *trainer {
	if len(scs) == 0 || len(scs) > maxCompare {
		panic("tui: a comparison holds 1 to maxCompare runs")
	}
	members := make([]*trainer, len(scs))
	pub := make([]crewMember, len(scs))
	for i, sc := range scs {
		sc.Every = scs[0].Every
		d := runData{Scenario: sc, State: stateBuilding, Rate: nanRate(), Version: 1}
		mcfg := cfg
		mcfg.where = runNames[runA+i]
		members[i] = &trainer{cfg: mcfg, wantJac: make(chan struct{}, 1), data: d}
		pub[i] = crewMember{data: d}
	}
	lead := launchWith(scs[0], cfg, prev, func(t *trainer) {
		t.crew, t.pub = members, pub
		for _, m := range members {
			// A member's end is its leader's: stop, retire and the
			// figures' watch on done all see the crew's goroutine.
			m.cancel, m.done = t.cancel, t.done
		}
	})
	return lead
}

// crewData is what the UI shows of the crew: every member as of the last
// round, all at one step.
func (t *trainer) crewData() []runData {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]runData, len(t.pub))
	for i, p := range t.pub {
		out[i] = p.data
	}
	return out
}

// crewExport is member i's export as of the last round (as exportData).
func (t *trainer) crewExport(i int) (batch.RunRecord, crewMember, bool) {
	t.mu.Lock()
	p := t.pub[i]
	t.mu.Unlock()
	ok := p.data.State != stateBuilding && p.data.State != stateFailed
	return p.rec, p, ok
}

// publishCrew copies every member's state, as the round left it, into
// what the UI reads, all under the leader's lock.
func (t *trainer) publishCrew() {
	pub := make([]crewMember, len(t.crew))
	for i, m := range t.crew {
		m.mu.Lock()
		pub[i] = crewMember{data: m.data, rec: m.record, sum: m.summary}
		m.mu.Unlock()
	}
	t.mu.Lock()
	t.pub = pub
	t.data.Version++
	t.mu.Unlock()
}

// failCrew ends every member that has not ended with err (a panic).
func (t *trainer) failCrew(err error) {
	for _, m := range t.crew {
		if d := m.read(); d.State != stateFailed {
			m.fail(err)
		}
	}
	t.publishCrew()
}

// runCrew builds every member's network and drives their engines in
// lockstep as the controls say until ctx ends.
func (t *trainer) runCrew(ctx context.Context) {
	engines := make([]*scenarios.Engine, len(t.crew))
	// The runs share the memory budget one run would have (the first's:
	// its mem-budget, else half of the machine's memory), so a comparison
	// plans no more memory than one run may, each refused before it
	// allocates when its share is too small.
	budget := t.crew[0].read().Scenario.Budget()
	share := scenarios.ByteSize(budget.Bytes / int64(len(t.crew)))
	started := t.withSlot(ctx, func() bool {
		for i, m := range t.crew {
			fault("build")
			sc := m.read().Scenario
			m.hist, sc.Hist = sc.Hist, true // as trainer.run: the app records histograms
			m.budget, sc.MemBudget = sc.MemBudget, share
			r, err := scenarios.NewRunnerWatched(ctx, sc, watchBuild(m.update))
			if ctx.Err() != nil {
				return false
			}
			if be := (*scenarios.BudgetError)(nil); errors.As(err, &be) {
				err = fmt.Errorf("it needs about %s, over its share of the memory budget: %s of %s (%s) for %d compared runs; compare fewer or smaller runs (lower %s), or raise --mem-budget",
					fmtBytes(be.Estimate.Total), fmtBytes(int64(share)), fmtBytes(budget.Bytes), budget.Source, len(t.crew), be.Estimate.Parts[0].Flags)
			}
			if err != nil {
				m.fail(err)
				continue
			}
			e := batch.NewEngine(r, m)
			if !m.ok(ctx, e.Start(ctx)) {
				if ctx.Err() != nil {
					return false
				}
				continue
			}
			engines[i] = e
		}
		return true
	})
	if !started {
		return
	}
	t.publishEngines(engines, statePaused)

	running, k := false, int64(1)
	for {
		if crewDone(engines) {
			running = false
		}
		m, next := t.next(ctx, running, nil) // the crew measures no Jacobian on request
		switch next {
		case nextEnd:
			return
		case nextTrain:
			begun := time.Now()
			if !t.withSlot(ctx, func() bool { return t.round(ctx, engines, k) }) {
				return
			}
			k = nextRound(k, time.Since(begun))
			t.publishEngines(engines, stateRunning)
			continue
		}
		switch m.op {
		case ctlToggle:
			running = !running && !crewDone(engines)
		case ctlPause:
			running = false
		case ctlStep:
			running = false
			if !crewDone(engines) && !t.withSlot(ctx, func() bool {
				if !t.round(ctx, engines, 1) {
					return false
				}
				for i, e := range engines {
					if e != nil && !t.crew[i].ok(ctx, e.Snapshot(ctx)) && ctx.Err() != nil {
						return false
					}
				}
				return true
			}) {
				return
			}
		case ctlSteps:
			if m.member >= 0 && m.member < len(engines) && engines[m.member] != nil {
				engines[m.member].Runner().Scenario.Steps = m.steps
			}
		}
		state := statePaused
		if running {
			state = stateRunning
		}
		t.publishEngines(engines, state)
	}
}

// round advances every live engine by n steps (fewer where a run ends);
// it reports false when ctx ended. A member whose step fails ends with
// its error; the others go on.
func (t *trainer) round(ctx context.Context, engines []*scenarios.Engine, n int64) bool {
	fault("step")
	for i, e := range engines {
		if e == nil || e.Done() {
			continue
		}
		t.crew[i].ok(ctx, e.Advance(ctx, n, time.Time{}))
		if ctx.Err() != nil {
			return false
		}
	}
	return true
}

// fmtBytes writes a size to a tenth of its unit: 150.0 MiB, 7.8 GiB.
func fmtBytes(b int64) string {
	v, unit := float64(b), "B"
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB"} {
		if v < 1024 {
			break
		}
		v, unit = v/1024, u
	}
	if unit == "B" {
		return fmt.Sprintf("%d B", b)
	}
	return fmt.Sprintf("%.1f %s", v, unit)
}

// nextRound is the steps of the round after one of k steps that took d.
func nextRound(k int64, d time.Duration) int64 {
	switch {
	case d < chunk/2 && k < roundSteps:
		return k * 2
	case d > 2*chunk && k > 1:
		return k / 2
	}
	return k
}

// crewDone reports whether no engine has steps left to train.
func crewDone(engines []*scenarios.Engine) bool {
	return !slices.ContainsFunc(engines, func(e *scenarios.Engine) bool { return e != nil && !e.Done() })
}

// publishEngines publishes each member's progress (as trainer.publish),
// then the crew's state for the UI.
func (t *trainer) publishEngines(engines []*scenarios.Engine, state runState) {
	for i, e := range engines {
		if e != nil {
			t.crew[i].publish(e, state)
		}
	}
	t.publishCrew()
}
