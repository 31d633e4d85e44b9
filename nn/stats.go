package nn

import (
	"context"
	"math"
	"runtime"
	"sync"
)

// Snapshot is the state of a training run at one step: the per-layer
// statistics on the probe set plus the run's progress. Fields that do not
// apply are NaN (TrainLoss before any training, JacSVMean when not measured).
type Snapshot struct {
	Step      int64
	Examples  int64
	TrainLoss float64 // mean training cost since the previous snapshot
	TestError float64 // error rate on the held-out test set
	TestLoss  float64 // mean cost on the held-out test set
	ProbeLoss float64 // mean cost on the probe set
	Seconds   float64 // how long taking the snapshot took, the Jacobian included
	Layers    []LayerStats
}

// LayerStats are the statistics of one hidden layer (Layer counts from 1 at
// the input side) on the probe set.
type LayerStats struct {
	Layer int

	ActMean, ActStd float64 // mean and standard deviation of z = f(s)
	ActP2, ActP98   float64 // 2nd and 98th percentiles of z
	// Saturated is, for bounded activations, the fraction of activations
	// within 3% of the activation's range from an asymptote (tanh: |z| > 0.94;
	// sigmoid: z < 0.03 or z > 0.97); for relu-like ones, the fraction of units
	// whose pre-activation is <= 0 on every probe example (dead units); NaN for linear.
	Saturated float64
	GradVar   float64 // variance of dC/ds per example
	WGradVar  float64 // variance of the entries of dC/dW (gradient of the mean probe cost)
	// WGradVarEx is the per-example weight-gradient variance the paper's
	// analysis is about: for each probe example r, the variance over the
	// layer's weights of that example's own gradient dC_r/dW = delta_r z_r^T
	// (delta_r = dC_r/ds^l, z_r the layer's input), averaged over the
	// probe examples:
	//
	//	WGradVarEx = (1/n) sum_r Var_ij[delta_ri z_rj]
	//
	// WGradVar is the variance of the mean of those gradients, far smaller
	// (per-example noise averages out) and dominated by the mean component
	// once one direction is shared by the examples.
	WGradVarEx float64
	JacSVMean  float64 // mean singular value of dz^{l+1}/dz^l; NaN for the top layer or when not measured
	// JacSVErr is JacSVMean's stated relative error: 0 when it is solved
	// exactly (width up to JacobianExactWidth), else the estimate's
	// quadrature bias bound plus two standard errors; NaN when JacSVMean is.
	JacSVErr float64

	// What the linear-regime formulas predict at initialization (PAPER.md),
	// anchored on second moments (Stats.predict): for tanh and softsign,
	// Var[z^l] = E[x^2] prod_{j<=l} n_in^j Var[W^j] and
	// Var[dC/ds^l] = E[(dC/ds^out)^2] prod_{j>l} n_out^j Var[W^j].
	TheoryActVar, TheoryGradVar float64
	// TheoryWGradVar is what the same regime predicts for WGradVarEx: an
	// example's weight gradient delta_i z_j is a product of a zero-mean
	// back-propagated gradient and the layer's input, so its variance is
	// E[(z^{l-1})^2] Var[dC/ds^l] (the paper's Var[dC/dw], with the
	// input's second moment: E[x^2] for the first layer).
	TheoryWGradVar float64

	// Histograms of activations, back-propagated gradients and weight
	// gradients; nil unless asked for. Ranges are fixed at the first
	// measurement so histograms of one run compare across steps.
	ActHist, GradHist, WGradHist *Histogram
}

// StatsOptions tunes Stats.
type StatsOptions struct {
	Hist             bool // compute histograms
	Bins             int  // histogram bins (default 50)
	JacobianExamples int  // probe examples averaged for the Jacobian (default 3)
	// Threads is the most goroutines a measurement runs at once: the
	// layers measured side by side, the parts of a weight gradient's sums,
	// the Jacobian's eigenproblems, and the scratch buffers kept for them.
	// Below 1 means runtime.GOMAXPROCS(0), above 64 means 64 (sgemm's
	// bound on a product's goroutines). The products go through the
	// network's own Gemm, whose thread bound is set there (FastGemm).
	// Only the weight-gradient variance (and the histogram range fixed
	// from it) depends on it, through the order of its sums: a few units
	// in the last place of a float64.
	Threads int
}

// saturationBand is how close to an asymptote, as a fraction of the
// activation's range, an activation counts as saturated.
const saturationBand = 0.03

// Stats measures a network on a fixed probe set. It owns its buffers, so
// repeated measurements allocate only the returned statistics.
type Stats struct {
	net     *Network
	cost    Cost
	x       []float32
	y       []int32
	n       int
	opt     StatsOptions
	pass    *Pass
	scratch [][]float32 // one buffer per thread, for percentiles
	dw      []float32   // scratch for weight gradients
	theory  []LayerStats
	ranges  [3][2]float64 // act, grad, wgrad histogram ranges, fixed at the first Measure
	fixed   bool
}

// NewStats prepares measurements of net on the probe set (x, y) of n
// examples. Call it before training: it records the network's state at
// initialization for the theory columns, with a forward pass over the
// probe set that gives up with ctx's error when ctx is done.
func NewStats(ctx context.Context, net *Network, x []float32, y []int32, n int, cost Cost, opt StatsOptions) (*Stats, error) {
	if n < 1 || len(x) < n*net.Inputs || len(y) < n {
		panic("nn: NewStats needs at least one probe example")
	}
	opt = opt.withDefaults()
	sz := statsLens(net.Config, n, opt)
	s := &Stats{
		net: net, cost: cost, x: x[:n*net.Inputs], y: y[:n], n: n, opt: opt,
		pass:    net.NewPass(n),
		scratch: make([][]float32, sz.scratchBufs),
		dw:      make([]float32, sz.dw),
	}
	for w := range s.scratch {
		s.scratch[w] = make([]float32, sz.scratch)
	}
	th, err := s.predict(ctx)
	if err != nil {
		return nil, err
	}
	s.theory = th
	return s, nil
}

// maxStatsThreads bounds StatsOptions.Threads, and so the scratch buffers
// a Stats keeps, as sgemm bounds a product's goroutines.
const maxStatsThreads = 64

// DefaultBins is a histogram's bins when StatsOptions leaves them unset.
const DefaultBins = 50

func (opt StatsOptions) withDefaults() StatsOptions {
	if opt.Bins <= 0 {
		opt.Bins = DefaultBins
	}
	if opt.JacobianExamples <= 0 {
		opt.JacobianExamples = 3
	}
	if opt.Threads < 1 {
		opt.Threads = runtime.GOMAXPROCS(0)
	}
	opt.Threads = min(opt.Threads, maxStatsThreads)
	return opt
}

// predict evaluates the linear-regime variance formulas at initialization,
// anchored on second moments, not variances: a pre-activation is a sum of
// many terms W_ij z_j with zero-mean weights independent of z, so
//
//	Var[s^l] = n_in Var[W^l] E[(z^{l-1})^2]        (z^0 = x)
//
// holds for any input, centred or not (MNIST pixels in [0, 1]: E[x^2] is
// about 1.18 Var[x]; inputs uniform in [0, 1]: 4 Var[x]). In the linear
// regime f(s) = f(0) + f'(0) s, so Var[z^l] = f'(0)^2 Var[s^l] and
// E[(z^l)^2] = f(0)^2 + Var[z^l], which feeds the layer above. For tanh,
// softsign and linear (f(0) = 0, f'(0) = 1) this is the paper's product
// with E[x^2] in place of Var[x]; for sigmoid (f(0) = 1/2, f'(0) = 1/4)
// it is the same regime with sigmoid's own constants. Relu-like functions
// have no linear regime at 0: they get the f(0) = 0, f'(0) = 1 formula as
// a reference line, not a prediction (see linearRegime).
//
// Backward, dC/ds^l = f'(s^l) (W^{l+1})^T dC/ds^{l+1} is again a sum with
// zero-mean weights, so Var[dC/ds^l] = f'(0)^2 n_out Var[W^{l+1}]
// E[(dC/ds^{l+1})^2], anchored on the output gradient's second moment
// (which equals its variance: the softmax's dC/ds sums to 0 over the
// classes of every example, for both costs).
func (s *Stats) predict(ctx context.Context) ([]LayerStats, error) {
	net := s.net
	if err := net.forwardContext(ctx, s.pass, s.x, s.n); err != nil {
		return nil, err
	}
	net.outputGrad(s.pass, s.y, s.cost, 1)
	f0, slope := linearRegime(net.Activation)
	th := make([]LayerStats, net.Depth)
	m2 := secondMoment(s.x) // E[(z^{l-1})^2], starting with E[x^2]
	for l := range net.Depth {
		layer := net.Layers[l]
		pre := float64(layer.In) * net.weightVariance(l) * m2
		th[l].TheoryWGradVar = m2 // times Var[dC/ds^l] below
		th[l].TheoryActVar = slope * slope * pre
		m2 = f0*f0 + th[l].TheoryActVar
	}
	grad := secondMoment(s.pass.Delta[net.Depth][:s.n*net.Classes])
	for l := net.Depth - 1; l >= 0; l-- {
		above := net.Layers[l+1]
		grad *= slope * slope * float64(above.Out) * net.weightVariance(l+1)
		th[l].TheoryGradVar = grad
		th[l].TheoryWGradVar *= grad
	}
	return th, nil
}

// weightVariance is Var[W] of layer l for the formulas: the initializer's
// formula, or for a pre-trained network the mean square of the weights it
// has (pre-training leaves them neither independent of the data nor of one
// law, so the columns are then a reference, not a prediction).
func (net *Network) weightVariance(l int) float64 {
	layer := net.Layers[l]
	if net.Init.Kind == Pretrained {
		return secondMoment(layer.W)
	}
	return net.Init.Variance(layer.In, layer.Out)
}

// linearRegime returns f(0) and f'(0), the constants of the linear regime
// f(s) = f(0) + f'(0) s the theory columns assume. Relu-like functions have
// a kink at 0; they get f(0) = 0 and their positive side's slope, 1.
func linearRegime(a Activation) (f0, slope float64) {
	if a.reluLike() {
		return 0, 1
	}
	return a.Eval(0), a.Deriv(0)
}

// secondMoment is E[v^2], summed in float64.
func secondMoment(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return s / float64(len(v))
}

// Measure computes every hidden layer's statistics on the probe set, with
// the Jacobian's mean singular value when jacobian is true, and returns the
// probe set's mean cost. The first call fixes the histogram ranges.
//
// When ctx is done Measure returns ctx's error within about one chunk of
// work (chunkFlops), or at once during the Jacobian's eigendecompositions
// (see jacobianMeanSV), and the statistics are dropped.
func (s *Stats) Measure(ctx context.Context, jacobian bool) ([]LayerStats, float64, error) {
	net, p, n := s.net, s.pass, s.n
	if err := net.forwardContext(ctx, p, s.x, n); err != nil {
		return nil, math.NaN(), err
	}
	loss, err := s.backward(ctx)
	if err != nil {
		return nil, math.NaN(), err
	}
	out := make([]LayerStats, net.Depth)
	// Activations and back-propagated gradients: one layer per thread.
	if err := s.eachLayer(ctx, func(l int, scratch []float32) { s.unitStats(&out[l], l, scratch) }); err != nil {
		return nil, math.NaN(), err
	}
	// Weight gradients layer by layer: their product already uses the
	// network's threads.
	for l := range out {
		if err := s.weightGrad(ctx, l); err != nil {
			return nil, math.NaN(), err
		}
		out[l].WGradVar, out[l].WGradHist = s.weightStats(s.dw[:len(net.Layers[l].W)])
	}
	if s.opt.Hist && !s.fixed {
		// The first measurement fixes the ranges from its own spreads, so
		// its histograms come after every layer is measured.
		s.fixRanges(out)
		for l := range out {
			if err := s.weightGrad(ctx, l); err != nil {
				return nil, math.NaN(), err
			}
			s.histograms(&out[l], l)
		}
	}
	var works eigenWorks
	for l := range out {
		out[l].JacSVMean, out[l].JacSVErr = math.NaN(), math.NaN()
		if jacobian && l+1 < net.Depth {
			if out[l].JacSVMean, out[l].JacSVErr, err = s.jacobianMeanSV(ctx, l+1, &works); err != nil {
				return nil, math.NaN(), err
			}
		}
	}
	return out, loss, nil
}

// backward is Backward over the probe set with per-example gradients, in
// chunks of rows, and returns the mean cost.
func (s *Stats) backward(ctx context.Context) (float64, error) {
	total, err := s.net.backward(ctx, s.pass, s.y, s.cost, 1)
	return total / float64(s.n), err
}

// weightStats returns the variance of a weight gradient and, once the
// ranges are fixed, its histogram. A million values per layer: the pass is
// split over the threads, each with its own sums and counts, merged after
// in part order.
func (s *Stats) weightStats(dw []float32) (variance float64, h *Histogram) {
	withHist := s.opt.Hist && s.fixed
	parts := len(s.scratch)
	type part struct {
		s1, s2 float64
		h      *Histogram
	}
	res := make([]part, parts)
	var wg sync.WaitGroup
	for w := range parts {
		lo, hi := w*len(dw)/parts, (w+1)*len(dw)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[w].s1, res[w].s2 = shiftedSums(dw[lo:hi], dw[0])
			if withHist {
				res[w].h = s.histogram(2, dw[lo:hi])
			}
		}()
	}
	wg.Wait()
	var s1, s2 float64
	for _, r := range res {
		s1, s2 = s1+r.s1, s2+r.s2
		if r.h != nil {
			if h == nil {
				h = r.h
				continue
			}
			h.merge(r.h)
		}
	}
	_, variance = momentsFrom(s1, s2, float64(dw[0]), len(dw))
	return variance, h
}

// eachLayer calls f for every hidden layer, spread over the threads, giving
// each call a scratch buffer no other call uses at the same time. It stops
// taking layers when ctx is done and returns ctx's error.
func (s *Stats) eachLayer(ctx context.Context, f func(l int, scratch []float32)) error {
	next := make(chan int, s.net.Depth)
	for l := range s.net.Depth {
		next <- l
	}
	close(next)
	var wg sync.WaitGroup
	for w := range min(len(s.scratch), s.net.Depth) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for l := range next {
				if ctx.Err() != nil {
					return
				}
				f(l, s.scratch[w])
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// unitStats measures hidden layer l's activations and back-propagated
// gradients after Forward and Backward.
func (s *Stats) unitStats(st *LayerStats, l int, scratch []float32) {
	p, n := s.pass, s.n
	width := s.net.Layers[l].Out
	z := p.Post[l][:n*width]
	th := s.theory[l]
	*st = LayerStats{Layer: l + 1, TheoryActVar: th.TheoryActVar, TheoryGradVar: th.TheoryGradVar, TheoryWGradVar: th.TheoryWGradVar}
	mean, v := moments(z)
	st.ActMean, st.ActStd = mean, math.Sqrt(v)
	vals := scratch[:len(z)]
	copy(vals, z)
	st.ActP2, st.ActP98 = quantiles(vals, 0.02, 0.98)
	st.Saturated = s.saturation(z, p.Pre[l][:n*width], width)
	_, st.GradVar = moments(p.Delta[l][:n*width])
	st.WGradVarEx = perExampleWGradVar(p.Delta[l][:n*width], s.net.input(p, s.x, l), n)
	if s.opt.Hist && s.fixed {
		st.ActHist = s.histogram(0, z)
		st.GradHist = s.histogram(1, p.Delta[l][:n*width])
	}
}

// perExampleWGradVar is LayerStats.WGradVarEx from the n examples'
// back-propagated gradients delta (n x out) and the layer's inputs z
// (n x in). An example's gradient is the outer product delta_r z_r^T, so
// its sums need no matrix: sum_ij G_ij = (sum_i delta_ri)(sum_j z_rj) and
// sum_ij G_ij^2 = (sum_i delta_ri^2)(sum_j z_rj^2).
func perExampleWGradVar(delta, z []float32, n int) float64 {
	out, in := len(delta)/n, len(z)/n
	cells := float64(out) * float64(in)
	var total float64
	for r := range n {
		d1, d2 := sums(delta[r*out : (r+1)*out])
		z1, z2 := sums(z[r*in : (r+1)*in])
		mean := d1 * z1 / cells
		total += max(d2*z2/cells-mean*mean, 0)
	}
	return total / float64(n)
}

// sums returns sum(v) and sum(v^2) in float64.
func sums(v []float32) (s1, s2 float64) {
	for _, x := range v {
		s1 += float64(x)
		s2 += float64(x) * float64(x)
	}
	return s1, s2
}

// Evaluate returns the error rate and mean cost of the set (x, y) of n
// examples, going through the probe buffers so a run needs no second set.
// It checks ctx between chunks and returns ctx's error when it is done.
func (s *Stats) Evaluate(ctx context.Context, x []float32, y []int32, n int) (errRate, meanCost float64, err error) {
	return s.net.evaluate(ctx, s.pass, x, y, n, s.cost)
}

// weightGrad leaves dC/dW^l of the probe set's mean cost in s.dw. The
// product sums over the probe examples; it is accumulated in chunks of
// examples so that ctx is checked between them.
func (s *Stats) weightGrad(ctx context.Context, l int) error {
	layer := s.net.Layers[l]
	dw := s.dw[:layer.Out*layer.In]
	if err := s.net.weightGrad(ctx, dw, s.pass, s.x, l); err != nil {
		return err
	}
	inv := 1 / float32(s.n)
	for i := range dw {
		dw[i] *= inv
	}
	return nil
}

func (s *Stats) saturation(z, pre []float32, width int) float64 {
	act := s.net.Activation
	if lo, hi, ok := act.Bounds(); ok {
		band := saturationBand * (hi - lo)
		count := 0
		for _, v := range z {
			if float64(v) < lo+band || float64(v) > hi-band {
				count++
			}
		}
		return float64(count) / float64(len(z))
	}
	if !act.reluLike() {
		return math.NaN()
	}
	dead := 0
	for j := range width {
		alive := false
		for r := 0; r < s.n && !alive; r++ {
			alive = pre[r*width+j] > 0
		}
		if !alive {
			dead++
		}
	}
	return float64(dead) / float64(width)
}

// fixRanges chooses one range per quantity for the whole run: a bounded
// activation's own range, otherwise +-4 of the largest layer's standard
// deviation at the first measurement, so that layers and steps share bins.
func (s *Stats) fixRanges(first []LayerStats) {
	var actSD, gradSD, wgradSD float64
	for _, st := range first {
		actSD = max(actSD, st.ActStd+math.Abs(st.ActMean))
		gradSD = max(gradSD, math.Sqrt(st.GradVar))
		wgradSD = max(wgradSD, math.Sqrt(st.WGradVar))
	}
	if lo, hi, ok := s.net.Activation.Bounds(); ok {
		s.ranges[0] = [2]float64{lo, hi}
	} else {
		lo, hi := symmetricRange(actSD)
		s.ranges[0] = [2]float64{lo, hi}
	}
	lo, hi := symmetricRange(gradSD)
	s.ranges[1] = [2]float64{lo, hi}
	lo, hi = symmetricRange(wgradSD)
	s.ranges[2] = [2]float64{lo, hi}
	s.fixed = true
}

// histogram counts v in the fixed range of quantity q (0 activations,
// 1 back-propagated gradients, 2 weight gradients).
func (s *Stats) histogram(q int, v []float32) *Histogram {
	h := NewHistogram(s.ranges[q][0], s.ranges[q][1], s.opt.Bins)
	h.Add(v)
	return h
}

// histograms fills st's three histograms of hidden layer l; s.dw must hold
// the layer's weight gradient.
func (s *Stats) histograms(st *LayerStats, l int) {
	p, n := s.pass, s.n
	width := s.net.Layers[l].Out
	st.ActHist = s.histogram(0, p.Post[l][:n*width])
	st.GradHist = s.histogram(1, p.Delta[l][:n*width])
	st.WGradHist = s.histogram(2, s.dw[:len(s.net.Layers[l].W)])
}
