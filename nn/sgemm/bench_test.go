package sgemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

type benchShape struct {
	name        string
	tA, tB      bool
	m, n, k     int
	alpha, beta float32
}

// benchShapes are the products of one training step of the paper's network
// (1024 -> 1000 x5 -> 9) at minibatch 10 and 100, a 300-example probe
// batch, and W*W^T for Jacobians.
var benchShapes = []benchShape{
	{"fwd_b10", false, true, 10, 1000, 1024, 1, 0},
	{"bwd_b10", false, false, 10, 1024, 1000, 1, 0},
	{"upd_b10", true, false, 1000, 1024, 10, -0.01, 1},
	{"fwd_b100", false, true, 100, 1000, 1024, 1, 0},
	{"bwd_b100", false, false, 100, 1024, 1000, 1, 0},
	{"upd_b100", true, false, 1000, 1024, 100, -0.01, 1},
	{"fwd9_b100", false, true, 100, 9, 1000, 1, 0},
	{"bwd9_b100", false, false, 100, 1000, 9, 1, 0},
	{"upd9_b100", true, false, 9, 1000, 100, -0.01, 1},
	{"probe300", false, true, 300, 1000, 1024, 1, 0},
	{"wwt1000", false, true, 1000, 1000, 1000, 1, 0},
	{"nn1000", false, false, 1000, 1000, 1000, 1, 0},
}

// BenchmarkGemm runs each shape through our Gemm and through gonum's blas32
// (which parallelises by itself up to GOMAXPROCS) with one and two threads:
// BenchmarkGemm/<shape>/<ours|gonum>/t<threads>.
func BenchmarkGemm(b *testing.B) {
	for _, s := range benchShapes {
		rowA, colA := s.m, s.k
		if s.tA {
			rowA, colA = s.k, s.m
		}
		rowB, colB := s.k, s.n
		if s.tB {
			rowB, colB = s.n, s.k
		}
		rng := rand.New(rand.NewPCG(1, 1))
		rnd := func(n int) []float32 {
			x := make([]float32, n)
			for i := range x {
				x[i] = rng.Float32() - 0.5
			}
			return x
		}
		a, bb, c := rnd(rowA*colA), rnd(rowB*colB), rnd(s.m*s.n)
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		for _, impl := range []string{"ours", "gonum"} {
			for _, th := range []int{1, 2} {
				f := Multiplier{Threads: th}.Gemm
				if impl == "gonum" {
					f = gonumGemm
				}
				b.Run(fmt.Sprintf("%s/%s/t%d", s.name, impl, th), func(b *testing.B) {
					// Our thread count is Multiplier.Threads; gonum's is
					// GOMAXPROCS. (go test -cpu does not reach sub-benchmarks
					// reliably, so both are set here.)
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(th, 2)))
					if impl == "gonum" {
						runtime.GOMAXPROCS(th)
					}
					b.ReportAllocs()
					f(s.tA, s.tB, s.m, s.n, s.k, s.alpha, a, colA, bb, colB, s.beta, c, s.n)
					b.ResetTimer()
					for b.Loop() {
						f(s.tA, s.tB, s.m, s.n, s.k, s.alpha, a, colA, bb, colB, s.beta, c, s.n)
					}
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}

// BenchmarkKernels runs the square products through each kernel, one thread.
func BenchmarkKernels(b *testing.B) {
	const n = 500
	rng := rand.New(rand.NewPCG(2, 2))
	x := make([]float32, n*n)
	for i := range x {
		x[i] = rng.Float32()
	}
	c := make([]float32, n*n)
	for _, kn := range kernels() {
		b.Run(kn.name, func(b *testing.B) {
			mu := Multiplier{Threads: 1, kn: kn}
			b.ReportAllocs()
			for b.Loop() {
				mu.Gemm(false, false, n, n, n, 1, x, n, x, n, 0, c, n)
			}
			b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkConcurrent models several trainers: 4 goroutines each running
// the batch-100 forward product, with Gemm allowed 1 or 2 threads each.
// The metric is the total rate.
func BenchmarkConcurrent(b *testing.B) {
	const m, n, k, g = 100, 1000, 1024, 4
	rng := rand.New(rand.NewPCG(3, 3))
	x := make([]float32, m*k)
	w := make([]float32, n*k)
	for i := range w {
		w[i] = rng.Float32()
	}
	for _, th := range []int{1, 2} {
		b.Run(fmt.Sprintf("t%d", th), func(b *testing.B) {
			mu := Multiplier{Threads: th}
			b.ReportAllocs()
			var cs [g][]float32
			for i := range cs {
				cs[i] = make([]float32, m*n)
			}
			for b.Loop() {
				var wg sync.WaitGroup
				for i := 0; i < g; i++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						mu.Gemm(false, true, m, n, k, 1, x, k, w, k, 0, cs[i], n)
					}()
				}
				wg.Wait()
			}
			b.ReportMetric(g*2*m*n*k*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
