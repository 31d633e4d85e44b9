package nn

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// The estimator agrees with the exact solve on every layer of networks
// small enough for both, within its own stated error: the quadrature's
// bound plus four standard errors (a seeded draw: the probes repeat, so
// this cannot fail by chance from run to run; four standard errors would
// fail 1 in 16000 seeds). The stated errors themselves stay small.
func TestJacobianSLQAgainstExact(t *testing.T) {
	cases := []struct {
		width, depth int
		act          Activation
		init         InitKind
	}{
		{300, 3, Tanh, Normalized},
		{256, 3, ReLU, Standard},
		{200, 3, Sigmoid, Standard},
		{500, 3, Tanh, Standard},
	}
	if testing.Short() {
		cases = cases[:2]
	}
	for ci, tc := range cases {
		cfg := Config{Inputs: 20, Classes: 4, Depth: tc.depth, Width: tc.width, Activation: tc.act, Init: Init{Kind: tc.init}}
		rng := rand.New(rand.NewPCG(uint64(ci), 13))
		net := New(cfg, rng)
		x, y := randomBatch(rng, 6, cfg.Inputs, cfg.Classes)
		// 3 to 5 examples: one group of slqGroup examples, or two.
		st := mustStats(t, net, x, y, 6, CrossEntropy, StatsOptions{JacobianExamples: 3 + ci%3})
		exact, _ := st.measure(t, true) // the exact solve at these widths; leaves the pass in st
		for l := 1; l < net.Depth; l++ {
			var w slqWork
			got, stated, err := st.jacobianSLQ(context.Background(), l, &w)
			if err != nil {
				t.Fatal(err)
			}
			want := exact[l-1].JacSVMean
			rel := math.Abs(got-want) / want
			t.Logf("width %d %v, layer %d: %.6g, exact %.6g: error %.2g, stated bias %.2g + s.e. %.2g",
				tc.width, tc.act, l, got, want, rel, stated.bias, stated.stdErr)
			if !(rel <= stated.bias+4*stated.stdErr) {
				t.Errorf("width %d %v, layer %d: estimate %.6g, exact %.6g: relative error %.2g past the stated %.2g + 4 x %.2g",
					tc.width, tc.act, l, got, want, rel, stated.bias, stated.stdErr)
			}
			if stated.bias > 0.01 || stated.stdErr > 0.01 {
				t.Errorf("width %d %v, layer %d: stated error %.2g + %.2g, want both under 1%%", tc.width, tc.act, l, stated.bias, stated.stdErr)
			}
		}
	}
}

// The Gauss and Gauss-Radau rules bracket z^T A^{1/2} z (the ground of the
// stated quadrature error): for single probes of a Jacobian problem, Radau
// <= exact <= Gauss, exact from the eigendecomposition.
func TestSLQRulesBracket(t *testing.T) {
	const n = 200
	a := jacobianGram(rand.New(rand.NewPCG(14, 14)), n)
	// A^{1/2} z through gonum's eigenvectors is heavy here; instead the
	// full Lanczos (n steps) is exact, and both rules of fewer steps must
	// bracket it.
	rng := rand.New(rand.NewPCG(15, 15))
	for range 3 {
		z := make([]float64, n)
		for i := range z {
			z[i] = 1 / math.Sqrt(n)
			if rng.Uint64()&1 == 0 {
				z[i] = -z[i]
			}
		}
		al, be := lanczosFull(a, z, n)
		th, tau := gaussRule(al, be[:n-1])
		exact := quadSqrt(th, tau)
		for _, m := range []int{5, 10, 30} {
			gth, gtau := gaussRule(al[:m], be[:m-1])
			r, ok := radauRule(al[:m], be[:m])
			if !ok {
				t.Fatalf("m=%d: Radau rule failed", m)
			}
			g, rd := quadSqrt(gth, gtau), quadSqrt(r.th, r.tau)
			if !(rd <= exact*(1+1e-12) && exact <= g*(1+1e-12)) {
				t.Errorf("m=%d: Radau %.9g, exact %.9g, Gauss %.9g: not bracketed", m, rd, exact, g)
			}
		}
	}
}

// lanczosFull is plain Lanczos with full reorthogonalization in float64 on
// the full row-major symmetric matrix a, from the unit vector z.
func lanczosFull(a, z []float64, m int) (alpha, beta []float64) {
	n := len(z)
	qs := [][]float64{append([]float64(nil), z...)}
	for j := range m {
		q := qs[j]
		next := make([]float64, n)
		for i := range n {
			next[i] = dot(a[i*n:(i+1)*n], q)
		}
		if j > 0 {
			axpy(-beta[j-1], qs[j-1], next)
		}
		al := dot(q, next)
		axpy(-al, q, next)
		for _, qk := range qs {
			axpy(-dot(qk, next), qk, next)
		}
		b := math.Sqrt(dot(next, next))
		alpha, beta = append(alpha, al), append(beta, b)
		for i := range next {
			next[i] /= b
		}
		qs = append(qs, next)
	}
	return alpha, beta
}

// StatsBytes counts, above JacobianExactWidth, the estimator's buffers as
// jacobianSLQ makes them (not the exact solver's Width x Width workspaces,
// 199 MiB per worker at 4096), for one group of examples and for two.
func TestStatsBytesEstimatedJacobian(t *testing.T) {
	width := JacobianExactWidth + 1
	cfg := Config{Inputs: 8, Classes: 3, Depth: 3, Width: width, Activation: Tanh, Init: Init{Kind: Normalized}}
	net := New(cfg, rand.New(rand.NewPCG(3, 3)))
	x, y := randomBatch(rand.New(rand.NewPCG(4, 4)), 5, cfg.Inputs, cfg.Classes)
	for _, examples := range []int{1, 3, 5} {
		opt := StatsOptions{JacobianExamples: examples}
		st := mustStats(t, net, x, y, 5, CrossEntropy, opt)
		st.measure(t, false)
		var w slqWork
		if _, _, err := st.jacobianSLQ(context.Background(), 1, &w); err != nil {
			t.Fatal(err)
		}
		made := int64(cap(w.q)+cap(w.d))*bytesF64 + int64(cap(w.x)+cap(w.u)+cap(w.y))*bytesF32
		// 31 Lanczos vectors of width float64 per probe, 3 probes per
		// example, at most slqGroup examples at a time.
		group := min(examples, slqGroup)
		lanczos := int64((slqSteps+1)*group*slqProbes*width) * bytesF64
		got := StatsBytes(cfg, 5, opt).Jacobian
		if got != made || got < lanczos || got > lanczos+lanczos/8 {
			t.Errorf("%d examples: StatsBytes counts %d bytes for the Jacobian; the estimator made %d (Lanczos vectors %d)", examples, got, made, lanczos)
		}
	}
}

// The estimator's value does not depend on StatsOptions.Threads: the
// probes' Lanczos steps run side by side, each column's arithmetic as it
// is alone, and the products are the network's.
func TestJacobianSLQThreads(t *testing.T) {
	cfg := Config{Inputs: 20, Classes: 4, Depth: 3, Width: 96, Activation: Tanh, Init: Init{Kind: Normalized}}
	net := New(cfg, rand.New(rand.NewPCG(5, 5)))
	x, y := randomBatch(rand.New(rand.NewPCG(6, 6)), 6, 20, 4)
	var want float64
	for i, threads := range []int{1, 2, 5} {
		st := mustStats(t, net, x, y, 6, CrossEntropy, StatsOptions{Threads: threads, JacobianExamples: 4})
		st.measure(t, false)
		var w slqWork
		got, _, err := st.jacobianSLQ(context.Background(), 1, &w)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			want = got
		} else if got != want {
			t.Errorf("%d threads: %v, 1 thread: %v", threads, got, want)
		}
	}
}

// A done context stops the estimator before its first Lanczos step, and
// one that turns done after k checks stops it after k steps.
func TestJacobianSLQCancel(t *testing.T) {
	cfg := Config{Inputs: 20, Classes: 4, Depth: 3, Width: 64, Activation: Tanh, Init: Init{Kind: Normalized}}
	net := New(cfg, rand.New(rand.NewPCG(1, 1)))
	x, y := randomBatch(rand.New(rand.NewPCG(2, 2)), 6, 20, 4)
	st := mustStats(t, net, x, y, 6, CrossEntropy, StatsOptions{})
	st.measure(t, false)
	for _, checks := range []int{0, 1, 7, slqSteps - 1} {
		ctx := &countdown{Context: context.Background(), left: checks, done: make(chan struct{})}
		var w slqWork
		if _, _, err := st.jacobianSLQ(ctx, 1, &w); !errors.Is(err, context.Canceled) {
			t.Fatalf("after %d checks of %d steps: error %v, want context.Canceled", checks, slqSteps, err)
		}
	}
}

// BenchmarkJacobianLayer times the Jacobian statistic of one layer of a
// tanh network, 3 examples, solved exactly and estimated (with the
// estimate's stated error, in percent of the mean): a 20-layer network's
// step-0 snapshot spends 19 times this in it. Runs only when -bench names
// it (width 4096 makes 134 MB of weights).
func BenchmarkJacobianLayer(b *testing.B) {
	for _, width := range []int{1024, 2048, 4096} {
		for _, method := range []string{"exact", "slq"} {
			b.Run(fmt.Sprintf("width=%d/%s", width, method), func(b *testing.B) {
				if !strings.Contains(flag.Lookup("test.bench").Value.String(), "JacobianLayer") {
					b.Skip("runs only when -bench names JacobianLayer")
				}
				if method == "exact" && width > 2048 {
					b.Skip("minutes")
				}
				cfg := Config{Inputs: 64, Classes: 4, Depth: 2, Width: width, Activation: Tanh, Init: Init{Kind: Normalized}}
				net := New(cfg, rand.New(rand.NewPCG(1, 1)))
				x, y := randomBatch(rand.New(rand.NewPCG(2, 2)), 3, 64, 4)
				st := mustStats(b, net, x, y, 3, CrossEntropy, StatsOptions{})
				st.measure(b, false)
				var works eigenWorks
				var stated slqError
				for b.Loop() {
					var err error
					if method == "exact" {
						_, err = st.jacobianExact(context.Background(), []int{1}, &works)
					} else {
						_, stated, err = st.jacobianSLQ(context.Background(), 1, &works.slq)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				if method == "slq" {
					b.ReportMetric(100*stated.bias, "bias%")
					b.ReportMetric(100*stated.stdErr, "stderr%")
				}
			})
		}
	}
}

// Measure solves layers up to JacobianExactWidth exactly (JacSVErr 0) and
// estimates wider ones, saying so: JacSVErr is then the stated error,
// above 0 and under 1% (about 0.5% at this width).
func TestMeasureEstimatesAboveExactWidth(t *testing.T) {
	for _, width := range []int{JacobianExactWidth, JacobianExactWidth + 1} {
		cfg := Config{Inputs: 8, Classes: 3, Depth: 2, Width: width, Activation: Tanh, Init: Init{Kind: Normalized}}
		net := New(cfg, rand.New(rand.NewPCG(1, 1)))
		x, y := randomBatch(rand.New(rand.NewPCG(2, 2)), 3, 8, 3)
		st := mustStats(t, net, x, y, 3, CrossEntropy, StatsOptions{})
		layers, _ := st.measure(t, true)
		l := layers[0]
		if estimated := JacobianEstimated(width); estimated != (width > JacobianExactWidth) ||
			estimated && !(l.JacSVErr > 0 && l.JacSVErr < 0.01) || !estimated && l.JacSVErr != 0 || !(l.JacSVMean > 0) {
			t.Errorf("width %d: JacobianEstimated %v, JacSVMean %g, JacSVErr %g", width, estimated, l.JacSVMean, l.JacSVErr)
		}
		if top := layers[1]; !math.IsNaN(top.JacSVMean) || !math.IsNaN(top.JacSVErr) {
			t.Errorf("width %d: top layer's JacSVMean %g, JacSVErr %g; want NaN", width, top.JacSVMean, top.JacSVErr)
		}
	}
}
