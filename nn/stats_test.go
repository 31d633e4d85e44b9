package nn

import (
	"context"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// quantile against sorting, numpy's linear interpolation written out.
func TestQuantileMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, 10, 51, 300, 1000} {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.IntN(20)) // many ties
			if n > 100 {
				v[i] = float32(rng.NormFloat64())
			}
		}
		sorted := slices.Clone(v)
		slices.Sort(sorted)
		for _, q := range []float64{0, 0.02, 0.5, 0.98, 1} {
			h := q * float64(n-1)
			lo := int(math.Floor(h))
			want := float64(sorted[lo])
			if lo+1 < n {
				want += (h - float64(lo)) * float64(sorted[lo+1]-sorted[lo])
			}
			if got := quantile(slices.Clone(v), q); math.Abs(got-want) > 1e-6 {
				t.Errorf("n=%d q=%g: %g, want %g", n, q, got, want)
			}
			if q < 0.02 {
				continue
			}
			if _, got := quantiles(slices.Clone(v), 0.02, q); math.Abs(got-want) > 1e-6 {
				t.Errorf("n=%d quantiles(0.02, %g): %g, want %g", n, q, got, want)
			}
		}
	}
	// Hand-computed: numpy.percentile([1,2,3,4], 98) = 3 + 0.94*1 = 3.94.
	if got := quantile([]float32{4, 1, 3, 2}, 0.98); math.Abs(got-3.94) > 1e-9 {
		t.Errorf("quantile 98%% of 1..4 = %g, want 3.94", got)
	}
}

func TestHistogram(t *testing.T) {
	h := NewHistogram(-1, 1, 4)
	h.Add([]float32{-2, -1, -0.6, -0.5, 0, 0.49, 0.5, 0.99, 1, float32(math.NaN())})
	// bins [-1,-.5) [-.5,0) [0,.5) [.5,1): -1,-0.6 | -0.5 | 0,0.49 | 0.5,0.99
	want := []int{2, 1, 2, 2}
	if !slices.Equal(h.Counts, want) || h.Under != 1 || h.Over != 1 || h.NaN != 1 || h.Total() != 10 {
		t.Errorf("histogram %+v, want counts %v with 1 under, 1 over, 1 NaN", h, want)
	}
}

// A hand-built network where every statistic can be computed on paper:
// one input, depth 2, width 2, linear activation, weights chosen so the
// hidden layers are z1 = (x, 2x), z2 = (z1_a + z1_b, 0) = (3x, 0).
func TestStatsHandComputed(t *testing.T) {
	cfg := Config{Inputs: 1, Classes: 2, Depth: 2, Width: 2, Activation: Linear, Init: Init{Kind: Zeros}}
	net := New(cfg, rand.New(rand.NewPCG(1, 1)))
	copy(net.Layers[0].W, []float32{1, 2})       // 2x1
	copy(net.Layers[1].W, []float32{1, 1, 0, 0}) // 2x2
	x := []float32{-1, 0, 1, 2}                  // probe inputs
	y := []int32{0, 1, 0, 1}
	st := mustStats(t, net, x, y, 4, CrossEntropy, StatsOptions{Hist: true, Bins: 4})
	layers, loss := st.measure(t, true)
	// Output weights are 0, so p = (1/2, 1/2) and the cost is log 2 for every example.
	if math.Abs(loss-math.Ln2) > 1e-6 {
		t.Errorf("probe loss %g, want ln 2", loss)
	}
	// Layer 1 values: x and 2x for x in {-1,0,1,2}: {-1,-2,0,0,1,2,2,4}, mean 0.75,
	// E[v^2] = (1+4+0+0+1+4+4+16)/8 = 3.75, variance 3.75-0.5625 = 3.1875.
	l1 := layers[0]
	if math.Abs(l1.ActMean-0.75) > 1e-6 || math.Abs(l1.ActStd-math.Sqrt(3.1875)) > 1e-6 {
		t.Errorf("layer 1 mean/std %g/%g, want 0.75/%g", l1.ActMean, l1.ActStd, math.Sqrt(3.1875))
	}
	// Sorted {-2,-1,0,0,1,2,2,4}: h = 0.02*7 = 0.14 -> -2 + 0.14 = -1.86;
	// h = 0.98*7 = 6.86 -> 2 + 0.86*2 = 3.72.
	if math.Abs(l1.ActP2+1.86) > 1e-6 || math.Abs(l1.ActP98-3.72) > 1e-6 {
		t.Errorf("layer 1 p2/p98 %g/%g, want -1.86/3.72", l1.ActP2, l1.ActP98)
	}
	if !math.IsNaN(l1.Saturated) {
		t.Errorf("linear saturation = %g, want NaN (not applicable)", l1.Saturated)
	}
	// Output weights 0: nothing flows back, every gradient variance is 0.
	if l1.GradVar != 0 || layers[1].GradVar != 0 || l1.WGradVar != 0 {
		t.Errorf("gradient variances %g %g %g, want 0", l1.GradVar, layers[1].GradVar, l1.WGradVar)
	}
	// Layer 2 is (3x, 0): the Jacobian dz2/dz1 = W2 = [[1,1],[0,0]] has singular
	// values sqrt(2) and 0, mean sqrt(2)/2.
	if math.Abs(l1.JacSVMean-math.Sqrt2/2) > 1e-6 {
		t.Errorf("jacobian mean singular value %g, want %g", l1.JacSVMean, math.Sqrt2/2)
	}
	if !math.IsNaN(layers[1].JacSVMean) {
		t.Errorf("top layer jacobian = %g, want NaN", layers[1].JacSVMean)
	}
	if l1.ActHist == nil || l1.ActHist.Total() != 8 || layers[1].WGradHist.Total() != 4 {
		t.Errorf("histograms missing or miscounted: %+v", l1.ActHist)
	}
}

// The saturation fraction for tanh (|z| > 0.94) and dead relu units.
func TestSaturation(t *testing.T) {
	cfg := Config{Inputs: 1, Classes: 2, Depth: 1, Width: 3, Activation: Tanh, Init: Init{Kind: Zeros}}
	net := New(cfg, rand.New(rand.NewPCG(1, 1)))
	copy(net.Layers[0].W, []float32{10, 0.1, -10}) // units 1 and 3 saturate for |x| >= 1
	x := []float32{1, -1, 0.01, 2}
	y := []int32{0, 0, 0, 0}
	layers, _ := mustStats(t, net, x, y, 4, CrossEntropy, StatsOptions{}).measure(t, false)
	// Saturated: units 1 and 3 for x in {1,-1,2} (tanh(10) ~ 1; tanh(0.1) = 0.0997 no);
	// 6 of 12 activations.
	if got := layers[0].Saturated; math.Abs(got-0.5) > 1e-9 {
		t.Errorf("tanh saturated = %g, want 0.5", got)
	}
	net.Activation = ReLU
	copy(net.Layers[0].W, []float32{1, -1, 0}) // unit 2 is off for x > 0 only; unit 3 always 0
	layers, _ = mustStats(t, net, []float32{1, 2, 3, 4}, y, 4, CrossEntropy, StatsOptions{}).measure(t, false)
	if got := layers[0].Saturated; math.Abs(got-2.0/3) > 1e-9 {
		t.Errorf("relu dead fraction = %g, want 2/3", got)
	}
}

// The Jacobian's mean singular value against gonum's SVD of J built directly.
func TestJacobianAgainstSVD(t *testing.T) {
	cfg := Config{Inputs: 12, Classes: 3, Depth: 3, Width: 9, Activation: Tanh, Init: Init{Kind: Standard}}
	rng := rand.New(rand.NewPCG(4, 4))
	net := New(cfg, rng)
	x, y := randomBatch(rng, 5, 12, 3)
	st := mustStats(t, net, x, y, 5, CrossEntropy, StatsOptions{JacobianExamples: 2})
	layers, _ := st.measure(t, true)
	p := net.NewPass(5)
	net.Forward(p, x, 5)
	for l := 1; l < net.Depth; l++ {
		want := svdMeanSV(net, p, l, 2)
		if got := layers[l-1].JacSVMean; math.Abs(got-want) > 1e-5 {
			t.Errorf("layer %d: mean singular value %g, SVD says %g", l, got, want)
		}
	}
}

// The theory columns follow the formulas with the init's variance: for a
// linear network with standard init each layer multiplies the activation
// variance by n_in Var[W] = 1/3.
func TestTheoryColumns(t *testing.T) {
	cfg := Config{Inputs: 50, Classes: 4, Depth: 4, Width: 30, Activation: Linear, Init: Init{Kind: Standard}}
	rng := rand.New(rand.NewPCG(8, 8))
	net := New(cfg, rng)
	x, y := randomBatch(rng, 40, 50, 4)
	layers, _ := mustStats(t, net, x, y, 40, CrossEntropy, StatsOptions{}).measure(t, false)
	m2 := secondMoment(x) // E[x^2], the anchor of the forward formula
	for l, st := range layers {
		if want := m2 * math.Pow(1.0/3, float64(l+1)); math.Abs(st.TheoryActVar-want) > 1e-9*want {
			t.Errorf("layer %d theory act var %g, want %g", l+1, st.TheoryActVar, want)
		}
	}
	// Backward: layers 1..3 sit below hidden layers of width 30 (factor 30/(3*30) = 1/3),
	// layer 4 below the 4-unit output layer (factor 4/(3*30)).
	r := layers[3].TheoryGradVar / layers[2].TheoryGradVar
	if math.Abs(r-3) > 1e-9 {
		t.Errorf("theory grad var ratio between layers 4 and 3 = %g, want 3", r)
	}
}

// One-pass moments against the two-pass formula in float64, on data whose
// mean is large against its spread (where a plain sum of squares would
// cancel): relative error below 1e-9.
func TestMomentsAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 9))
	v := make([]float32, 300000)
	for i := range v {
		v[i] = float32(1000 + 0.01*rng.NormFloat64())
	}
	var sum float64
	for _, x := range v {
		sum += float64(x)
	}
	mean := sum / float64(len(v))
	var ss float64
	for _, x := range v {
		ss += (float64(x) - mean) * (float64(x) - mean)
	}
	wantVar := ss / float64(len(v))
	gotMean, gotVar := moments(v)
	if math.Abs(gotMean-mean) > 1e-9*mean || math.Abs(gotVar-wantVar) > 1e-9*wantVar {
		t.Errorf("moments = %.12g, %.12g; two-pass %.12g, %.12g", gotMean, gotVar, mean, wantVar)
	}
}

// The split weight-gradient pass equals one sequential pass.
func TestWeightStatsMatchesSequential(t *testing.T) {
	cfg := Config{Inputs: 30, Classes: 3, Depth: 2, Width: 20, Activation: Tanh, Init: Init{Kind: Normalized}}
	rng := rand.New(rand.NewPCG(2, 3))
	net := New(cfg, rng)
	x, y := randomBatch(rng, 17, 30, 3)
	st := mustStats(t, net, x, y, 17, CrossEntropy, StatsOptions{Hist: true})
	st.measure(t, false) // fixes the ranges
	layers, _ := st.measure(t, false)
	for l := range layers {
		if err := st.weightGrad(context.Background(), l); err != nil {
			t.Fatal(err)
		}
		dw := st.dw[:len(net.Layers[l].W)]
		_, want := moments(dw)
		h := st.histogram(2, dw)
		if math.Abs(layers[l].WGradVar-want) > 1e-12*want {
			t.Errorf("layer %d: wgrad var %g, sequential %g", l+1, layers[l].WGradVar, want)
		}
		if !slices.Equal(layers[l].WGradHist.Counts, h.Counts) || layers[l].WGradHist.Total() != len(dw) {
			t.Errorf("layer %d: merged histogram %v, sequential %v", l+1, layers[l].WGradHist.Counts, h.Counts)
		}
	}
}

// mustStats is NewStats on a context that is never cancelled.
func mustStats(t testing.TB, net *Network, x []float32, y []int32, n int, cost Cost, opt StatsOptions) *statsT {
	t.Helper()
	st, err := NewStats(context.Background(), net, x, y, n, cost, opt)
	if err != nil {
		t.Fatal(err)
	}
	return &statsT{st}
}

type statsT struct{ *Stats }

// measure is Measure on a context that is never cancelled.
func (s *statsT) measure(t testing.TB, jac bool) ([]LayerStats, float64) {
	t.Helper()
	layers, loss, err := s.Measure(context.Background(), jac)
	if err != nil {
		t.Fatal(err)
	}
	return layers, loss
}

// A snapshot does not depend on the threads it runs on: the network's
// products (FastGemm(t)) and the measurement's goroutines (Threads t) give
// the same statistics bit for bit, except the weight-gradient variance,
// (and the weight-gradient histogram's range, fixed from it), whose sums
// are split into t parts and merged in part order: each part's
// float64 sums of squares carry a relative rounding error of about
// len(dW)*2^-53 (Higham's bound for recursive summation, ~1e-10 for a
// layer of 64k weights), so 1e-12 relative is a loose enough bound in
// practice and far below the 6 digits the outputs print.
func TestStatsIndependentOfThreads(t *testing.T) {
	cfg := Config{Inputs: 100, Classes: 5, Depth: 3, Width: 256, Activation: Tanh, Init: Init{Kind: Normalized}}
	x, y := randomBatch(rand.New(rand.NewPCG(5, 6)), 64, cfg.Inputs, cfg.Classes)
	snapshot := func(threads int) []LayerStats {
		net := New(cfg, rand.New(rand.NewPCG(7, 8)))
		net.Gemm = FastGemm(threads)
		st := mustStats(t, net, x, y, 64, CrossEntropy, StatsOptions{Hist: true, Threads: threads})
		if len(st.scratch) != threads || jacobianWorkers(st.opt, st.n) > threads {
			t.Fatalf("threads %d: %d scratch buffers and %d Jacobian workers", threads, len(st.scratch), jacobianWorkers(st.opt, st.n))
		}
		st.measure(t, false) // fixes the histogram ranges
		layers, _ := st.measure(t, true)
		return layers
	}
	if got := (StatsOptions{Threads: 1 << 30}).withDefaults().Threads; got != maxStatsThreads {
		t.Errorf("Threads 2^30 kept %d scratch buffers, want the bound %d", got, maxStatsThreads)
	}
	ref := snapshot(1)
	for _, threads := range []int{2, 3, 8} {
		got := snapshot(threads)
		for l := range ref {
			a, b := ref[l], got[l]
			if math.Abs(a.WGradVar-b.WGradVar) > 1e-12*a.WGradVar {
				t.Errorf("threads %d, layer %d: wgrad var %g, with 1 thread %g", threads, l+1, b.WGradVar, a.WGradVar)
			}
			for i, pair := range [][2]float64{
				{a.ActMean, b.ActMean}, {a.ActStd, b.ActStd}, {a.ActP2, b.ActP2}, {a.ActP98, b.ActP98},
				{a.Saturated, b.Saturated}, {a.GradVar, b.GradVar}, {a.JacSVMean, b.JacSVMean},
				{a.TheoryActVar, b.TheoryActVar}, {a.TheoryGradVar, b.TheoryGradVar},
			} {
				if math.Float64bits(pair[0]) != math.Float64bits(pair[1]) {
					t.Errorf("threads %d, layer %d: field %d is %v, with 1 thread %v", threads, l+1, i, pair[1], pair[0])
				}
			}
			// The weight gradients' histogram range is fixed from the
			// first snapshot's variance (fixRanges), so it carries the
			// same rounding; binning is done in float32, where it
			// vanishes, so the counts are the same.
			wa, wb := *a.WGradHist, *b.WGradHist
			if math.Abs(wa.Hi-wb.Hi) > 1e-12*wa.Hi || wa.Lo != -wa.Hi || wb.Lo != -wb.Hi {
				t.Errorf("threads %d, layer %d: weight-gradient histogram over [%v, %v), with 1 thread [%v, %v)", threads, l+1, wb.Lo, wb.Hi, wa.Lo, wa.Hi)
			}
			wa.Lo, wa.Hi, wb.Lo, wb.Hi = 0, 0, 0, 0
			for q, h := range [][2]*Histogram{{a.ActHist, b.ActHist}, {a.GradHist, b.GradHist}, {&wa, &wb}} {
				if !reflect.DeepEqual(h[0], h[1]) {
					t.Errorf("threads %d, layer %d: histogram %d is %+v, with 1 thread %+v", threads, l+1, q, *h[1], *h[0])
				}
			}
		}
	}
}

// nonCentred returns n examples of dim inputs that are not zero mean:
// uniform in [0, 1] (E[x^2] = 1/3 = 4 Var[x]) or MNIST-like (a pixel is 0
// with probability 0.81, else uniform in [0.3, 1]: mean 0.124, E[x^2]
// 0.088, Var[x] 0.073, so E[x^2] = 1.21 Var[x], MNIST's 1.18 or so).
func nonCentred(rng *rand.Rand, n, dim int, mnistLike bool) []float32 {
	x := make([]float32, n*dim)
	for i := range x {
		switch {
		case !mnistLike:
			x[i] = float32(rng.Float64())
		case rng.Float64() < 0.19:
			x[i] = float32(0.3 + 0.7*rng.Float64())
		}
	}
	return x
}

// On inputs that are not centred the measured activation and gradient
// variances at initialization match the second-moment formulas of
// Stats.predict: every layer's measured/predicted ratio within 10%. The
// weights are scaled down where needed to keep the pre-activations in the
// linear regime the formulas assume (tanh, softsign: Var[s] about 0.03).
// Anchored on Var[x] instead, the first layer's ratio would be 4 on
// uniform inputs and 1.21 on the MNIST-like ones, outside the tolerance.
func TestTheoryNonCentredInputs(t *testing.T) {
	const tol = 0.10 // sampling: 400 units x 200 examples, and f's curvature
	for _, tt := range []struct {
		act       Activation
		init      Init
		mnistLike bool
	}{
		{Linear, Init{Kind: Standard}, false},
		{Linear, Init{Kind: Normalized}, true},
		{Tanh, Init{Kind: Standard, Scale: 0.5}, false},
		{Tanh, Init{Kind: Normalized, Scale: 0.5}, true},
		{Sigmoid, Init{Kind: Standard, Scale: 0.5}, false},
		{Sigmoid, Init{Kind: Normalized, Scale: 0.5}, true},
	} {
		cfg := Config{Inputs: 784, Classes: 10, Depth: 4, Width: 1000, Activation: tt.act, Init: tt.init}
		rng := rand.New(rand.NewPCG(21, 2))
		net := New(cfg, rng)
		const n = 200
		x := nonCentred(rng, n, cfg.Inputs, tt.mnistLike)
		_, y := randomBatch(rng, n, 1, cfg.Classes)
		layers, _ := mustStats(t, net, x, y, n, CrossEntropy, StatsOptions{}).measure(t, false)
		for _, st := range layers {
			act := st.ActStd * st.ActStd / st.TheoryActVar
			grad := st.GradVar / st.TheoryGradVar
			wgrad := st.WGradVarEx / st.TheoryWGradVar
			t.Logf("%v %v mnist-like=%v layer %d: %.3f %.3f %.3f", tt.act, tt.init.Kind, tt.mnistLike, st.Layer, act, grad, wgrad)
			if math.Abs(act-1) > tol || math.Abs(grad-1) > tol || math.Abs(wgrad-1) > tol {
				t.Errorf("%v %v scale %v mnist-like=%v layer %d: measured/predicted Var[z] %.3f, Var[dC/ds] %.3f, Var[dC/dW] per example %.3f; want 1 ± %v",
					tt.act, tt.init.Kind, tt.init.Scale, tt.mnistLike, st.Layer, act, grad, wgrad, tol)
			}
		}
	}
}

// WGradVarEx against its definition computed the slow way: each probe
// example's weight gradient formed as a matrix by a forward and backward
// pass of that example alone (WeightGrad of a batch of one), its variance
// over the weights taken in two passes in float64, averaged over the
// examples. The fast path never forms the matrices (outer-product sums).
// Inputs are not centred and sigmoid's activations are not either, so the
// per-example mean term matters.
func TestPerExampleWGradVar(t *testing.T) {
	for _, act := range []Activation{Tanh, Sigmoid, ReLU} {
		cfg := Config{Inputs: 7, Classes: 3, Depth: 3, Width: 5, Activation: act, Init: Init{Kind: Normalized}}
		rng := rand.New(rand.NewPCG(5, 9))
		net := New(cfg, rng)
		const n = 6
		x := nonCentred(rng, n, cfg.Inputs, false)
		_, y := randomBatch(rng, n, 1, cfg.Classes)
		layers, _ := mustStats(t, net, x, y, n, CrossEntropy, StatsOptions{}).measure(t, false)
		p := net.NewPass(1)
		for l := range cfg.Depth {
			var want float64
			for r := range n {
				xr := x[r*cfg.Inputs : (r+1)*cfg.Inputs]
				net.Forward(p, xr, 1)
				net.Backward(p, y[r:r+1], CrossEntropy, 1)
				dw := make([]float32, len(net.Layers[l].W))
				net.WeightGrad(dw, p, xr, l)
				var mean, v float64
				for _, g := range dw {
					mean += float64(g)
				}
				mean /= float64(len(dw))
				for _, g := range dw {
					v += (float64(g) - mean) * (float64(g) - mean)
				}
				want += v / float64(len(dw))
			}
			want /= n
			if got := layers[l].WGradVarEx; !(math.Abs(got-want) <= 1e-5*want) {
				t.Errorf("%v layer %d: WGradVarEx %g, per-example matrices give %g", act, l+1, got, want)
			}
		}
	}
}
