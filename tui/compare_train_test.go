package tui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"initscope/nn"
	"initscope/scenarios"
)

// crewOf starts a crew on scs and waits for it to be built; the test stops it.
func crewOf(t *testing.T, scs ...scenarios.Scenario) *trainer {
	t.Helper()
	c := launchCrew(scs, trainerConfig{where: "compare"}, nil)
	t.Cleanup(c.stop)
	waitCrew(t, c, func(ds []runData) bool {
		return !slices.ContainsFunc(ds, func(d runData) bool { return d.State == stateBuilding })
	})
	return c
}

func waitCrew(t *testing.T, c *trainer, cond func([]runData) bool) []runData {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if ds := c.crewData(); cond(ds) {
			return ds
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("the crew never reached the expected state: %+v", c.crewData())
	return nil
}

// snapSteps are the steps of snaps.
func snapSteps(snaps []nn.Snapshot) []int64 {
	out := make([]int64, len(snaps))
	for i, s := range snaps {
		out[i] = s.Step
	}
	return out
}

// lockstep fails unless every run of ds is at one step with snapshots at
// the same steps (runs whose steps are done excepted: they stop).
func lockstep(t *testing.T, ds []runData) {
	t.Helper()
	for i, d := range ds[1:] {
		if d.Step != ds[0].Step || !slices.Equal(snapSteps(d.Snaps), snapSteps(ds[0].Snaps)) {
			t.Fatalf("run %s at step %d, snapshots %v; A at step %d, snapshots %v",
				runLetter(runA+i+1), d.Step, snapSteps(d.Snaps), ds[0].Step, snapSteps(ds[0].Snaps))
		}
	}
}

// The compared runs train in lockstep: every copy the UI can take, while
// they train, after a pause and after single steps, has every run at the
// same step with snapshots at the same steps, though the networks differ
// in width (one trains several times faster) and in cadence as set.
func TestCrewLockstep(t *testing.T) {
	a := tinyScenario(t)
	a.Steps, a.Every = 100000, 7
	b := a
	b.Width, b.Init, b.Every = 4*a.Width, nn.Normalized.String(), 3 // the crew takes A's cadence
	c := crewOf(t, a, b)
	c.send(ctlMsg{op: ctlToggle})
	seen := 0
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && seen < 40; {
		ds := c.crewData()
		lockstep(t, ds)
		if n := len(ds[0].Snaps); n > seen {
			seen = n
		}
	}
	if seen < 40 {
		t.Fatalf("the crew took %d snapshots in 20 s", seen)
	}
	c.send(ctlMsg{op: ctlPause})
	ds := waitCrew(t, c, func(ds []runData) bool { return ds[0].State == statePaused && ds[1].State == statePaused })
	lockstep(t, ds)
	for _, s := range ds[1].Snaps {
		if s.Step%7 != 0 {
			t.Fatalf("B snapshotted at step %d, off A's cadence of 7", s.Step)
		}
	}
	c.send(ctlMsg{op: ctlStep})
	c.send(ctlMsg{op: ctlStep})
	ds = waitCrew(t, c, func(ds []runData) bool {
		return ds[0].Step == ds[0].Snaps[len(ds[0].Snaps)-1].Step && len(ds[0].Snaps) >= seen+2
	})
	lockstep(t, ds)
}

// A run whose steps are done stops; the others go on, and the crew's
// export is every run as the last round left it.
func TestCrewRunEndsOthersGoOn(t *testing.T) {
	a := tinyScenario(t)
	a.Steps, a.Every = 30, 10
	b := a
	b.Steps = 60
	c := crewOf(t, a, b)
	c.send(ctlMsg{op: ctlToggle})
	ds := waitCrew(t, c, func(ds []runData) bool { return ds[1].State == stateDone })
	if ds[0].State != stateDone || ds[0].Step != 30 || ds[1].Step != 60 {
		t.Fatalf("A %v at %d, B %v at %d; want both done, at 30 and 60", ds[0].State, ds[0].Step, ds[1].State, ds[1].Step)
	}
	if got, want := snapSteps(ds[0].Snaps), snapSteps(ds[1].Snaps)[:4]; !slices.Equal(got, want) {
		t.Errorf("A's snapshots %v, B's first four %v", got, want)
	}
	msg := exportCrew(c, t.TempDir(), time.Now(), nil)
	if msg.Err != nil || len(msg.Paths) != 2 {
		t.Fatalf("export: %+v", msg)
	}
}

// The compared runs share one run's memory budget: two runs that each fit
// a budget of 1.5 times one's estimate, but not half of it, are refused
// before they allocate, with a message that says why; the scenario shown
// keeps its own budget (a restart shares it out again, not a share of it).
func TestCrewSharesBudget(t *testing.T) {
	sc := tinyScenario(t)
	sc.MemBudget = 1
	_, err := scenarios.NewRunner(context.Background(), sc)
	be := (*scenarios.BudgetError)(nil)
	if !errors.As(err, &be) {
		t.Fatalf("a budget of 1 byte: %v", err)
	}
	one := be.Estimate.Total
	sc.MemBudget = scenarios.ByteSize(one * 3 / 2)
	alone := crewOf(t, sc)
	if ds := alone.crewData(); ds[0].State != statePaused {
		t.Fatalf("one run in 1.5 times its estimate: %v %v", ds[0].State, ds[0].Err)
	}
	b := sc
	b.Init = nn.Normalized.String()
	ds := crewOf(t, sc, b).crewData()
	for i, d := range ds {
		if d.State != stateFailed || !strings.Contains(errString(d.Err), "over its share of the memory budget") {
			t.Errorf("run %s: %v %v", runLetter(runA+i), d.State, d.Err)
		}
		if d.Scenario.MemBudget != sc.MemBudget {
			t.Errorf("run %s shows a budget of %v, want its own %v", runLetter(runA+i), d.Scenario.MemBudget, sc.MemBudget)
		}
	}
}
