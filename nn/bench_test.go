package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// paperNet is the paper's network: 1024 -> 1000 x5 -> 9, tanh.
func paperNet() *Network {
	cfg := Config{Inputs: 1024, Classes: 9, Depth: 5, Width: 1000, Activation: Tanh, Init: Init{Kind: Normalized}}
	return New(cfg, rand.New(rand.NewPCG(1, 2)))
}

// BenchmarkTrainStep measures SGD steps on the paper's network; examples/s
// is the figure BENCHMARKS.md and --batch's summary report.
func BenchmarkTrainStep(b *testing.B) {
	net := paperNet()
	for _, batch := range []int{10, 100} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			x, y := randomBatch(rand.New(rand.NewPCG(1, 1)), batch, 1024, 9)
			p := net.NewPass(batch)
			net.TrainStep(p, x, y, batch, CrossEntropy, 1e-4) // warm up
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				net.TrainStep(p, x, y, batch, CrossEntropy, 1e-4)
			}
			b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "examples/s")
		})
	}
}

// BenchmarkSnapshot measures a full statistics snapshot on 300 probe
// examples, histograms included, with and without the Jacobian.
func BenchmarkSnapshot(b *testing.B) {
	net := paperNet()
	x, y := randomBatch(rand.New(rand.NewPCG(1, 1)), 300, 1024, 9)
	st := mustStats(b, net, x, y, 300, CrossEntropy, StatsOptions{Hist: true})
	for _, jac := range []bool{false, true} {
		b.Run(fmt.Sprintf("jacobian=%v", jac), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				st.measure(b, jac)
			}
		})
	}
}

// BenchmarkTanh measures the activation pass the forward step spends most
// of its non-matrix time in.
func BenchmarkTanh(b *testing.B) {
	src := make([]float32, 100000)
	for i := range src {
		src[i] = float32(i%2000-1000) / 300
	}
	dst := make([]float32, len(src))
	for b.Loop() {
		Tanh.Apply(dst, src)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(src)), "ns/elem")
}
