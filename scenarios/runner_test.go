package scenarios_test

import (
	"context"
	"testing"

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
