package nn

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
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

// BenchmarkJacobian times one eigenvalue solve of the Jacobian statistic,
// D (W W^T) D of order n, with gonum's Dsyev, with symEigenvalues in
// float32 (blocked: what the statistic runs) and in float64 (blocked64: its
// fallback), side by side on the same matrix. benchmarks/jacobian.sh
// compares them with LAPACK; n = 4096 runs only with -bench
// 'Jacobian/n=4096' (-benchtime=1x).
func BenchmarkJacobian(b *testing.B) {
	for _, n := range []int{500, 1000, 2048, 4096} {
		var sym []float64 // made by the first sub-benchmark that runs
		for _, method := range []string{"gonum", "blocked", "blocked64"} {
			b.Run(fmt.Sprintf("n=%d/%s", n, method), func(b *testing.B) {
				if n > 2048 && !strings.Contains(flag.Lookup("test.bench").Value.String(), "4096") {
					b.Skip("order 4096 runs only when -bench names it")
				}
				if sym == nil {
					sym = jacobianGram(rand.New(rand.NewPCG(uint64(n), 3)), n)
				}
				a := make([]float64, n*n)
				a32 := make([]float32, n*n)
				w := make([]float64, n)
				tri32, tri64 := newTridiagWork[float32](n), newTridiagWork[float64](n)
				work := make([]float64, gonumDsyevWorkLen(n))
				for b.Loop() {
					var ok bool
					var err error
					switch method {
					case "gonum":
						copy(a, sym)
						ok = gonum.Implementation{}.Dsyev(lapack.EVNone, blas.Upper, n, a, n, w, work, len(work))
					case "blocked":
						for i, v := range sym {
							a32[i] = float32(v)
						}
						ok, err = symEigenvalues(context.Background(), n, a32, n, w, tri32)
					default:
						copy(a, sym)
						ok, err = symEigenvalues(context.Background(), n, a, n, w, tri64)
					}
					if !ok || err != nil {
						b.Fatal(ok, err)
					}
				}
			})
		}
	}
}

// jacobianGram is D (W W^T) D for a Glorot-uniform W of order n and D the
// tanh derivative at Gaussian pre-activations, full row-major.
func jacobianGram(rng *rand.Rand, n int) []float64 {
	lim := math.Sqrt(6 / float64(2*n))
	w := make([]float64, n*n)
	for i := range w {
		w[i] = (2*rng.Float64() - 1) * lim
	}
	d := make([]float64, n)
	for i := range d {
		t := math.Tanh(rng.NormFloat64())
		d[i] = 1 - t*t
	}
	g := make([]float64, n*n)
	blas64.Implementation().Dgemm(blas.NoTrans, blas.Trans, n, n, n, 1, w, n, w, n, 0, g, n)
	for i := range n {
		for j := range n {
			g[i*n+j] *= d[i] * d[j]
		}
	}
	return g
}

// gonumDsyevWorkLen is the work length gonum's Dsyev asks for at order n.
func gonumDsyevWorkLen(n int) int {
	query := []float64{0}
	gonum.Implementation{}.Dsyev(lapack.EVNone, blas.Upper, n, nil, n, nil, query, -1)
	return int(query[0])
}
