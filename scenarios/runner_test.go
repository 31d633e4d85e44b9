package scenarios_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"initscope/nn"
	"initscope/scenarios"
	"initscope/scenarios/preset"
)

// A runner is deterministic from its seed and reports divergence.
func TestRunnerDeterminismAndDivergence(t *testing.T) {
	sc, _ := preset.Lookup("tiny")
	run := func(sc scenarios.Scenario) []float64 {
		r, err := scenarios.NewRunner(context.Background(), sc)
		if err != nil {
			t.Fatal(err)
		}
		var losses []float64
		for !r.Done() {
			losses = append(losses, r.Step())
		}
		return losses
	}
	sc.Steps = 50
	a, b := run(sc), run(sc)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("step %d: loss %v vs %v with the same seed", i+1, a[i], b[i])
		}
	}
	sc.Seed = 2
	if c := run(sc); c[0] == a[0] {
		t.Errorf("a different seed gave the same first loss %v", c[0])
	}
	// A huge learning rate with relu and a large init explodes.
	sc.Activation, sc.Init, sc.InitScale, sc.LR, sc.Steps = "relu", "he-normal", 10, 50, 1000
	r, _ := scenarios.NewRunner(context.Background(), sc)
	for !r.Done() {
		r.Step()
	}
	if d, step := r.Diverged(); !d || step < 1 || step >= 1000 {
		t.Errorf("diverged = %v at step %d, want divergence before step 1000", d, step)
	}
}

// The threads setting reaches the network's products and the statistics
// and changes no number: runs on 1 and 3 threads train the same weights
// and measure the same snapshot, the weight-gradient variance within
// 1e-12 relative (its sums are split by thread, see nn.StatsOptions).
// The memory estimate counts one percentile buffer per thread.
func TestRunnerThreads(t *testing.T) {
	sc, _ := preset.Lookup("tiny")
	sc.Width, sc.Steps, sc.BatchSize, sc.Hist = 200, 20, 50, true
	run := func(threads int) (*scenarios.Runner, []nn.LayerStats) {
		sc := sc
		sc.Threads = threads
		r, err := scenarios.NewRunner(context.Background(), sc)
		if err != nil {
			t.Fatal(err)
		}
		for !r.Done() {
			r.Step()
		}
		snap, err := r.Snapshot(context.Background(), true)
		if err != nil {
			t.Fatal(err)
		}
		return r, snap.Layers
	}
	r1, s1 := run(1)
	r3, s3 := run(3)
	for l := range r1.Net.Layers {
		if !slices.Equal(r1.Net.Layers[l].W, r3.Net.Layers[l].W) {
			t.Errorf("layer %d: weights after 20 steps differ between 1 and 3 threads", l+1)
		}
	}
	for l := range s1 {
		a, b := s1[l], s3[l]
		if a.ActStd != b.ActStd || a.GradVar != b.GradVar || a.JacSVMean != b.JacSVMean && !math.IsNaN(a.JacSVMean) ||
			math.Abs(a.WGradVar-b.WGradVar) > 1e-12*a.WGradVar {
			t.Errorf("layer %d: 1 thread %+v\n3 threads %+v", l+1, a, b)
		}
	}
	// 4 threads keep 3 more percentile buffers, and solve the Jacobian's
	// 3 examples (nn's default) at once in 3 workspaces instead of 1.
	part := func(threads int, name string) int64 {
		s := sc
		s.Threads = threads
		for _, p := range scenarios.Estimate(s, 2, 4).Parts {
			if p.Name == name {
				return p.Bytes
			}
		}
		t.Fatalf("no estimate part %q", name)
		return 0
	}
	buf := int64(sc.Probe) * int64(sc.Width) * 4 // float32 percentile scratch
	if d := part(4, "probe passes") - part(1, "probe passes"); d != 3*buf {
		t.Errorf("probe passes with 4 threads estimated %d bytes above 1 thread, want 3 buffers of %d", d, buf)
	}
	if j1, j4 := part(1, "Jacobian workspaces"), part(4, "Jacobian workspaces"); j1 <= 0 || j4 != 3*j1 {
		t.Errorf("Jacobian workspaces: %d bytes on 1 thread, %d on 4, want 3 times as many", j1, j4)
	}
}

// --init pretrained: NewRunner trains each hidden layer as a denoising
// autoencoder before the step-0 statistics, lowering every layer's
// reconstruction cost on the probe set; the same seed gives the same
// network and the same step-0 snapshot, another seed another network;
// the run then trains as any other.
func TestRunnerPretrained(t *testing.T) {
	sc, _ := preset.Lookup("tiny")
	sc.Init, sc.PretrainUpdates, sc.Steps = "pretrained", 300, 20
	build := func(sc scenarios.Scenario) (*scenarios.Runner, nn.Snapshot) {
		r, err := scenarios.NewRunner(context.Background(), sc)
		if err != nil {
			t.Fatal(err)
		}
		snap, err := r.Snapshot(context.Background(), false)
		if err != nil {
			t.Fatal(err)
		}
		return r, snap
	}
	a, snapA := build(sc)
	if len(a.Pretraining) != sc.Depth {
		t.Fatalf("%d layers pre-trained, want %d", len(a.Pretraining), sc.Depth)
	}
	for _, p := range a.Pretraining {
		if !(p.CostAfter < p.CostBefore) || p.Updates != 300 || p.CrossEntropy {
			t.Errorf("layer %d: %+v; want a lower squared-error cost after 300 updates (tiny's inputs are not in [0, 1])", p.Layer, p)
		}
	}
	b, snapB := build(sc)
	for l := range a.Net.Layers {
		if !slices.Equal(a.Net.Layers[l].W, b.Net.Layers[l].W) {
			t.Fatalf("layer %d: the same seed pre-trained different weights", l+1)
		}
	}
	if snapA.ProbeLoss != snapB.ProbeLoss || snapA.Layers[0].ActStd != snapB.Layers[0].ActStd {
		t.Errorf("the same seed gave different step-0 snapshots")
	}
	sc2 := sc
	sc2.Seed = 2
	if c, _ := build(sc2); slices.Equal(a.Net.Layers[0].W, c.Net.Layers[0].W) {
		t.Errorf("another seed pre-trained the same weights")
	}
	// Without pre-training the same seed starts from the draw pre-training
	// started from (standard init), which pre-training moved.
	sc3 := sc
	sc3.Init = "standard"
	if d, _ := build(sc3); slices.Equal(a.Net.Layers[0].W, d.Net.Layers[0].W) || d.Pretraining != nil {
		t.Errorf("standard init: pre-training left the weights alone or ran")
	}
	for !a.Done() {
		if loss := a.Step(); math.IsNaN(loss) {
			t.Fatalf("step %d: NaN loss after pre-training", a.StepCount())
		}
	}
}

// NewRunnerWatched reports pre-training as it goes: each layer in order
// from 0 updates, every nn.ProgressEvery, to all of them, and nothing for
// a network that is not pre-trained.
func TestRunnerWatchedPretraining(t *testing.T) {
	sc, _ := preset.Lookup("tiny")
	sc.Init, sc.PretrainUpdates = "pretrained", 250
	var seen []scenarios.Building
	if _, err := scenarios.NewRunnerWatched(context.Background(), sc, func(b scenarios.Building) { seen = append(seen, b) }); err != nil {
		t.Fatal(err)
	}
	var want []scenarios.Building
	for l := 1; l <= sc.Depth; l++ {
		for _, u := range []int64{0, 100, 200, 250} {
			want = append(want, scenarios.Building{Layer: l, Layers: sc.Depth, Update: u, Updates: 250})
		}
	}
	if !slices.Equal(seen, want) {
		t.Errorf("reported %v, want %v", seen, want)
	}
	if got := want[5].String(); got != "pre-training layer 2 of 3 as a denoising autoencoder: 100 of 250 updates" {
		t.Errorf("String() = %q", got)
	}
	if got := want[5].Short(); got != "pre-training L2/3 40%" {
		t.Errorf("Short() = %q", got)
	}
	sc.Init = "standard"
	if _, err := scenarios.NewRunnerWatched(context.Background(), sc, func(b scenarios.Building) { t.Errorf("reported %v without pre-training", b) }); err != nil {
		t.Fatal(err)
	}
}

// A cancelled pre-training returns the context's error from NewRunner
// (checked before every update: a test that hangs here has lost it).
func TestRunnerPretrainCancel(t *testing.T) {
	sc, _ := preset.Lookup("tiny")
	sc.Init, sc.PretrainUpdates = "pretrained", 1<<40
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := scenarios.NewRunner(ctx, sc); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("NewRunner = %v, want the deadline's error", err)
	}
}

// A learning rate that blows the autoencoders up is one line naming the
// layer and what to lower.
func TestRunnerPretrainDiverges(t *testing.T) {
	sc, _ := preset.Lookup("tiny")
	sc.Init, sc.PretrainUpdates, sc.PretrainLR = "pretrained", 200, 90
	_, err := scenarios.NewRunner(context.Background(), sc)
	if err == nil || !strings.Contains(err.Error(), "pre-training layer 1 diverged at update") ||
		!strings.Contains(err.Error(), "lower --pretrain-lr (90)") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("NewRunner = %v, want one line about layer 1's divergence", err)
	}
}
