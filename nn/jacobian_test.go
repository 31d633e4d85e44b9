package nn

import (
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
