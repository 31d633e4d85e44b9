package nn

import (
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
	JacSVMean float64 // mean singular value of dz^{l+1}/dz^l; NaN for the top layer or when not measured

	// What the linear-regime formulas predict at initialization (PAPER.md):
	// Var[z^l] = Var[x] prod_{j<=l} n_in^j Var[W^j] and
	// Var[dC/ds^l] = Var[dC/ds^out] prod_{j>l} n_out^j Var[W^j].
	TheoryActVar, TheoryGradVar float64

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
	scratch [][]float32 // one buffer per core, for percentiles
	dw      []float32   // scratch for weight gradients
	theory  []LayerStats
	ranges  [3][2]float64 // act, grad, wgrad histogram ranges, fixed at the first Measure
	fixed   bool
}

// NewStats prepares measurements of net on the probe set (x, y) of n
// examples. Call it before training: it records the network's state at
// initialization for the theory columns.
func NewStats(net *Network, x []float32, y []int32, n int, cost Cost, opt StatsOptions) *Stats {
	if n < 1 || len(x) < n*net.Inputs || len(y) < n {
		panic("nn: NewStats needs at least one probe example")
	}
	if opt.Bins <= 0 {
		opt.Bins = 50
	}
	if opt.JacobianExamples <= 0 {
		opt.JacobianExamples = 3
	}
	maxW := 0
	for _, l := range net.Layers {
		maxW = max(maxW, len(l.W), l.Out*l.Out)
	}
	s := &Stats{
		net: net, cost: cost, x: x[:n*net.Inputs], y: y[:n], n: n, opt: opt,
		pass:    net.NewPass(n),
		scratch: make([][]float32, runtime.GOMAXPROCS(0)),
		dw:      make([]float32, maxW),
	}
	for w := range s.scratch {
		s.scratch[w] = make([]float32, n*net.Width)
	}
	s.theory = s.predict()
	return s
}

// predict evaluates the linear-regime variance formulas, anchored on the
// measured input variance and output-gradient variance at initialization.
func (s *Stats) predict() []LayerStats {
	net := s.net
	net.Forward(s.pass, s.x, s.n)
	net.outputGrad(s.pass, s.y, s.cost, 1)
	_, varX := moments(s.x)
	_, varOut := moments(s.pass.Delta[net.Depth][:s.n*net.Classes])
	th := make([]LayerStats, net.Depth)
	act := varX
	for l := range net.Depth {
		layer := net.Layers[l]
		act *= float64(layer.In) * net.Init.Variance(layer.In, layer.Out)
		th[l].TheoryActVar = act
	}
	grad := varOut
	for l := net.Depth - 1; l >= 0; l-- {
		above := net.Layers[l+1]
		grad *= float64(above.Out) * net.Init.Variance(above.In, above.Out)
		th[l].TheoryGradVar = grad
	}
	return th
}

// Measure computes every hidden layer's statistics on the probe set, with
// the Jacobian's mean singular value when jacobian is true, and returns the
// probe set's mean cost. The first call fixes the histogram ranges.
func (s *Stats) Measure(jacobian bool) ([]LayerStats, float64) {
	net, p, n := s.net, s.pass, s.n
	net.Forward(p, s.x, n)
	loss := net.Backward(p, s.y, s.cost, 1) / float64(n)
	out := make([]LayerStats, net.Depth)
	// Activations and back-propagated gradients: one layer per core.
	s.eachLayer(func(l int, scratch []float32) { s.unitStats(&out[l], l, scratch) })
	// Weight gradients layer by layer: their product already uses every core.
	for l := range out {
		s.weightGrad(l)
		out[l].WGradVar, out[l].WGradHist = s.weightStats(s.dw[:len(net.Layers[l].W)])
	}
	if s.opt.Hist && !s.fixed {
		// The first measurement fixes the ranges from its own spreads, so
		// its histograms come after every layer is measured.
		s.fixRanges(out)
		for l := range out {
			s.weightGrad(l)
			s.histograms(&out[l], l)
		}
	}
	for l := range out {
		out[l].JacSVMean = math.NaN()
		if jacobian && l+1 < net.Depth {
			out[l].JacSVMean = s.jacobianMeanSV(l + 1)
		}
	}
	return out, loss
}

// weightStats returns the variance of a weight gradient and, once the
// ranges are fixed, its histogram. A million values per layer: the pass is
// split over the cores, each with its own sums and counts, merged after.
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

// eachLayer calls f for every hidden layer, spread over the cores, giving
// each call a scratch buffer no other call uses at the same time.
func (s *Stats) eachLayer(f func(l int, scratch []float32)) {
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
				f(l, s.scratch[w])
			}
		}()
	}
	wg.Wait()
}

// unitStats measures hidden layer l's activations and back-propagated
// gradients after Forward and Backward.
func (s *Stats) unitStats(st *LayerStats, l int, scratch []float32) {
	p, n := s.pass, s.n
	width := s.net.Layers[l].Out
	z := p.Post[l][:n*width]
	*st = LayerStats{Layer: l + 1, TheoryActVar: s.theory[l].TheoryActVar, TheoryGradVar: s.theory[l].TheoryGradVar}
	mean, v := moments(z)
	st.ActMean, st.ActStd = mean, math.Sqrt(v)
	vals := scratch[:len(z)]
	copy(vals, z)
	st.ActP2, st.ActP98 = quantiles(vals, 0.02, 0.98)
	st.Saturated = s.saturation(z, p.Pre[l][:n*width], width)
	_, st.GradVar = moments(p.Delta[l][:n*width])
	if s.opt.Hist && s.fixed {
		st.ActHist = s.histogram(0, z)
		st.GradHist = s.histogram(1, p.Delta[l][:n*width])
	}
}

// Evaluate returns the error rate and mean cost of the set (x, y) of n
// examples, going through the probe buffers so a run needs no second set.
func (s *Stats) Evaluate(x []float32, y []int32, n int) (errRate, meanCost float64) {
	return s.net.Evaluate(s.pass, x, y, n, s.cost)
}

// weightGrad leaves dC/dW^l of the probe set's mean cost in s.dw.
func (s *Stats) weightGrad(l int) {
	net := s.net
	layer := net.Layers[l]
	dw := s.dw[:layer.Out*layer.In]
	net.WeightGrad(dw, s.pass, s.x, l)
	inv := 1 / float32(s.n)
	for i := range dw {
		dw[i] *= inv
	}
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
