package batch

import (
	"context"
	"testing"

	"initscope/nn"
	"initscope/scenarios"
	"initscope/scenarios/preset"
)

// The run line says how jac_sv_mean is computed: "exact" up to
// nn.JacobianExactWidth, "estimated" above it, null with one hidden layer
// (no layer pair to measure).
func TestRunLineJacobianMethod(t *testing.T) {
	sc, _ := preset.Lookup("tiny")
	sc.Steps = 0
	for _, c := range []struct {
		width, depth int
		want         string // "" for null
	}{
		{32, 3, "exact"},
		{nn.JacobianExactWidth, 2, "exact"},
		{nn.JacobianExactWidth + 1, 2, "estimated"},
		{32, 1, ""},
	} {
		sc.Width, sc.Depth = c.width, c.depth
		r, err := scenarios.NewRunner(context.Background(), sc)
		if err != nil {
			t.Fatal(err)
		}
		got := NewRunRecord(r).JacobianMethod
		if (got == nil) != (c.want == "") || got != nil && *got != c.want {
			t.Errorf("width %d depth %d: jacobian_method %v, want %q", c.width, c.depth, got, c.want)
		}
	}
}
