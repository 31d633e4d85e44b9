package tui

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"initscope/scenarios"
	"initscope/scenarios/batch"
)

// wallClock matches the records' timings, which differ between runs.
var wallClock = regexp.MustCompile(`"(` + strings.Join(batch.TimingKeys, "|") + `)":[^,}]*`)

// exportLines exports tr's run and returns the file's lines, timings
// masked.
func exportLines(t *testing.T, tr *trainer) [][]byte {
	t.Helper()
	msg := exportRun(tr, t.TempDir(), time.Now(), nil)
	if msg.Err != nil {
		t.Fatal(msg.Err)
	}
	out, err := os.ReadFile(msg.Path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Split(wallClock.ReplaceAll(bytes.TrimSpace(out), []byte(`"$1":0`)), []byte("\n"))
}

// batchLines is the --batch JSON Lines of sc, timings masked.
func batchLines(t *testing.T, sc scenarios.Scenario) [][]byte {
	t.Helper()
	r, err := scenarios.NewRunner(context.Background(), sc)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w, _ := batch.NewWriter("jsonl", &out)
	if _, err := batch.Run(context.Background(), r, w, batch.Options{}); err != nil {
		t.Fatal(err)
	}
	return bytes.Split(wallClock.ReplaceAll(bytes.TrimSpace(out.Bytes()), []byte(`"$1":0`)), []byte("\n"))
}

// pausedTrainer starts a trainer on 25 steps of tiny, snapshots every 10,
// and waits for it to be built; the test stops it.
func pausedTrainer(t *testing.T) (scenarios.Scenario, *trainer) {
	t.Helper()
	sc := tinyScenario(t)
	sc.Steps, sc.Every = 25, 10
	tr := startTrainer(sc, nil)
	t.Cleanup(tr.stop)
	waitData(t, tr, func(d runData) bool { return d.State == statePaused })
	return sc, tr
}

// The app's trainer and --batch drive the same engine: a run trained to
// its end in the app exports the lines --batch writes for it, the step-0
// Jacobian and the off-cadence last snapshot included, timings aside.
func TestExportIsTheBatchOutput(t *testing.T) {
	sc, tr := pausedTrainer(t)
	tr.send(ctlMsg{op: ctlToggle})
	waitData(t, tr, func(d runData) bool { return d.State == stateDone })
	got, want := exportLines(t, tr), batchLines(t, sc)
	if len(got) != len(want) {
		t.Fatalf("export has %d lines, --batch %d", len(got), len(want))
	}
	for i := range got {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("line %d:\nexport %s\nbatch  %s", i+1, got[i], want[i])
		}
	}
}

// A run exported before its steps are done says interrupted, at the step
// it reached; stepping snapshots every step.
func TestExportUnfinished(t *testing.T) {
	_, tr := pausedTrainer(t)
	tr.send(ctlMsg{op: ctlStep})
	tr.send(ctlMsg{op: ctlStep})
	waitData(t, tr, func(d runData) bool { return d.Step == 2 && d.State == statePaused })
	lines := exportLines(t, tr)
	want := `{"type":"summary","steps":2,"examples":20,`
	if len(lines) != 5 || !bytes.HasPrefix(lines[4], []byte(want)) || !bytes.Contains(lines[4], []byte(`"interrupted":true`)) {
		t.Errorf("export:\n%s\nwant the run line, snapshots at 0, 1, 2, and an interrupted summary at step 2", bytes.Join(lines, []byte("\n")))
	}
}

// gatePool is a one-slot pool that grants nothing until open is closed.
type gatePool struct{ open chan struct{} }

func (p gatePool) Acquire(ctx context.Context) error {
	select {
	case <-p.open:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (gatePool) Release() {}

// With a pool, building the network and its step-0 snapshot wait for a
// slot like training does, so sessions that start together share the
// cores the server gives out instead of each using its threads at once.
func TestBuildWaitsForPoolSlot(t *testing.T) {
	pool := gatePool{open: make(chan struct{})}
	tr := startTrainer(tinyScenario(t), pool)
	t.Cleanup(tr.stop)
	time.Sleep(300 * time.Millisecond)
	if d := tr.read(); len(d.Snaps) > 0 || d.State == statePaused {
		t.Fatalf("built without a slot: state %v, %d snapshots", d.State, len(d.Snaps))
	}
	close(pool.open)
	waitData(t, tr, func(d runData) bool { return d.State == statePaused && len(d.Snaps) == 1 })
}
