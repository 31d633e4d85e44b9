package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkJacobianSnapshot times the Jacobian part of the step-0 snapshot
// of the paper's network (tanh 5x1000, 300 probe examples, 3 Jacobian
// examples): the 12 eigenproblems of its 4 layer pairs and their W W^T,
// measured alone rather than as the difference of two snapshots.
// benchmarks/jacobian.sh compares it with LAPACK's 12 solves.
func BenchmarkJacobianSnapshot(b *testing.B) {
	net := paperNet()
	x, y := randomBatch(rand.New(rand.NewPCG(1, 1)), 300, 1024, 9)
	st := mustStats(b, net, x, y, 300, CrossEntropy, StatsOptions{})
	st.measure(b, false) // the forward pass the Jacobian reads
	for b.Loop() {
		var works eigenWorks
		if _, _, err := st.jacobianMeans(b.Context(), &works); err != nil {
			b.Fatal(err)
		}
	}
}

// A diverged network (a NaN weight) gives a NaN Jacobian statistic on both
// paths, exact and estimated, without a panic or a hang. (An infinite
// weight saturates its unit: f' = 0 leaves it out of the exact problem.)
func TestJacobianOfDivergedNetwork(t *testing.T) {
	for _, width := range []int{40, JacobianExactWidth + 1} {
		cfg := Config{Inputs: 8, Classes: 3, Depth: 3, Width: width, Activation: Tanh, Init: Init{Kind: Normalized}}
		net := New(cfg, rand.New(rand.NewPCG(1, 1)))
		x, y := randomBatch(rand.New(rand.NewPCG(2, 2)), 3, 8, 3)
		st := mustStats(t, net, x, y, 3, CrossEntropy, StatsOptions{})
		net.Layers[1].W[5] = float32(math.NaN())
		layers, _, err := st.Measure(t.Context(), true)
		if err != nil {
			t.Fatal(err)
		}
		if l := layers[0]; !math.IsNaN(l.JacSVMean) {
			t.Errorf("width %d, a NaN weight: JacSVMean %g (error %g), want NaN", width, l.JacSVMean, l.JacSVErr)
		}
	}
}
