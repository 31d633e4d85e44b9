package scenarios_test

import (
	"context"
	"runtime"
	"testing"

	"initscope/scenarios"
	"initscope/scenarios/preset"
)

// The estimate against what construction and a step-0 snapshot really
// allocate (runtime.MemStats.TotalAlloc), for configurations where each
// part dominates in turn. Depth 2 has one Jacobian, so its workspaces are
// allocated once. The estimate leaves out small things (the per-snapshot
// statistics, the data set's small generator state), so the measurement
// must be within [0.9, 1.1] of it, plus 2 MiB.
func TestEstimateMatchesAllocations(t *testing.T) {
	cases := []struct {
		name                             string
		width, depth, probe, test, batch int
		init                             string
	}{
		{"probe passes", 256, 2, 20000, 100, 10, ""},
		{"test set", 64, 2, 300, 200000, 10, ""},
		{"training pass", 128, 2, 300, 100, 10000, ""},
		{"Jacobian workspaces", 512, 2, 100, 100, 10, ""},
		{"pre-training buffers", 128, 2, 300, 100, 10000, "pretrained"},
	}
	// The matrix multiply keeps packing buffers for the life of the
	// process, a few MiB per core whatever the configuration: a first run
	// at the largest width grows them before anything is measured.
	warm, _ := preset.Lookup("tiny")
	warm.Width, warm.Depth, warm.Probe, warm.Steps = 512, 2, 512, 0
	if r, err := scenarios.NewRunner(context.Background(), warm); err != nil {
		t.Fatal(err)
	} else if _, err := r.Snapshot(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		sc, _ := preset.Lookup("tiny")
		sc.Width, sc.Depth, sc.Probe, sc.Test, sc.BatchSize, sc.Steps = c.width, c.depth, c.probe, c.test, c.batch, 0
		if c.init != "" {
			sc.Init, sc.PretrainUpdates = c.init, 2
		}
		est := scenarios.Estimate(sc, 16, 4)
		if est.Parts[0].Name != c.name {
			t.Errorf("%s: largest part is %s (%d bytes)", c.name, est.Parts[0].Name, est.Parts[0].Bytes)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		r, err := scenarios.NewRunner(context.Background(), sc)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Snapshot(context.Background(), true); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		got := float64(after.TotalAlloc - before.TotalAlloc)
		want := float64(est.Total)
		if got < 0.9*want-2<<20 || got > 1.1*want+2<<20 {
			t.Errorf("%s: allocated %.1f MiB, estimate %.1f MiB (%v)", c.name, got/(1<<20), want/(1<<20), est.Parts)
		}
		t.Logf("%s: allocated %.1f MiB, estimate %.1f MiB", c.name, got/(1<<20), want/(1<<20))
		runtime.KeepAlive(r)
	}
}
