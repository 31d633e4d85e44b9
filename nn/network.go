package nn

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// Limits on the network's shape.
const (
	MaxDepth = 20
	MaxWidth = 4096
)

// Config describes a network: Inputs -> Depth hidden layers of Width units
// -> Classes softmax outputs.
type Config struct {
	Inputs, Classes int
	Depth, Width    int
	Activation      Activation
	Init            Init
}

// Validate reports the first field out of range, with the range.
func (c Config) Validate() error {
	switch {
	case c.Depth < 1 || c.Depth > MaxDepth:
		return fmt.Errorf("depth %d out of range (1..%d)", c.Depth, MaxDepth)
	case c.Width < 1 || c.Width > MaxWidth:
		return fmt.Errorf("width %d out of range (1..%d)", c.Width, MaxWidth)
	case c.Inputs < 1:
		return fmt.Errorf("inputs %d must be at least 1", c.Inputs)
	case c.Classes < 2:
		return fmt.Errorf("classes %d must be at least 2", c.Classes)
	case c.Activation < 0 || c.Activation >= numActivations:
		return fmt.Errorf("unknown activation %d", c.Activation)
	case c.Init.Kind < 0 || c.Init.Kind >= numInits:
		return fmt.Errorf("unknown init %d", c.Init.Kind)
	}
	return nil
}

// Layer is one fully connected layer: s = W x + b with W Out x In, row-major.
type Layer struct {
	In, Out int
	W, B    []float32
}

// Network is a multilayer perceptron. Layers[0..Depth-1] are the hidden
// layers; Layers[Depth] is the softmax output layer.
type Network struct {
	Config
	Layers []Layer
	// Gemm is the matrix multiply this network's products run through;
	// the zero value is FastGemm(0). Choose it before training, not during.
	Gemm Gemm

	chunk int // flops between looks at a context; 0 means chunkFlops (tests make it small)
}

// New builds a network with weights drawn by cfg.Init from rng and biases 0.
// It panics if cfg is invalid (check Validate first).
func New(cfg Config, rng *rand.Rand) *Network {
	net, _ := Build(context.Background(), cfg, rng)
	return net
}

// Build is New that gives up when ctx is done, checking it before each
// layer (drawing a 4096 x 4096 layer takes a fraction of a second; an
// orthogonal one is a QR decomposition that cannot be interrupted), and
// returns ctx's error.
func Build(ctx context.Context, cfg Config, rng *rand.Rand) (*Network, error) {
	if err := cfg.Validate(); err != nil {
		panic("nn: " + err.Error())
	}
	shapes := cfg.shapes()
	net := &Network{Config: cfg, Layers: make([]Layer, len(shapes))}
	for l, sh := range shapes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		layer := Layer{In: sh.in, Out: sh.out, W: make([]float32, sh.out*sh.in), B: make([]float32, sh.out)}
		cfg.Init.Fill(layer.W, sh.out, sh.in, rng)
		net.Layers[l] = layer
	}
	return net, nil
}

// shape is one layer's fan-in and fan-out.
type shape struct{ in, out int }

// shapes lists the layers' shapes: New allocates from it and the memory
// estimates sum over it, so the two cannot disagree.
func (c Config) shapes() []shape {
	s := make([]shape, c.Depth+1)
	in := c.Inputs
	for l := range s {
		out := c.Width
		if l == c.Depth {
			out = c.Classes
		}
		s[l] = shape{in, out}
		in = out
	}
	return s
}

// Params counts weights and biases.
func (net *Network) Params() int {
	n := 0
	for _, l := range net.Layers {
		n += len(l.W) + len(l.B)
	}
	return n
}

// Pass holds every intermediate of forward and backward passes over a batch
// of up to Cap examples, so training allocates nothing per step.
type Pass struct {
	Cap   int
	n     int
	Pre   [][]float32 // Pre[l]: s^l, n x Out; for the output layer, the scores
	Post  [][]float32 // Post[l]: z^l = f(s^l), n x Out; for the output layer, softmax p
	Delta [][]float32 // Delta[l]: dC/ds^l, n x Out (scaled as the caller asked)
}

// NewPass allocates the buffers for batches of up to capacity examples.
func (net *Network) NewPass(capacity int) *Pass {
	p := &Pass{Cap: capacity}
	for _, n := range passLens(net.Config, capacity) {
		p.Pre = append(p.Pre, make([]float32, n))
		p.Post = append(p.Post, make([]float32, n))
		p.Delta = append(p.Delta, make([]float32, n))
	}
	return p
}

// passLens is the length of each layer's Pre, Post and Delta buffers.
func passLens(c Config, capacity int) []int {
	shapes := c.shapes()
	lens := make([]int, len(shapes))
	for l, sh := range shapes {
		lens[l] = capacity * sh.out
	}
	return lens
}

// Forward runs the batch x (n x Inputs, row-major) through the network,
// filling p.Pre and p.Post.
func (net *Network) Forward(p *Pass, x []float32, n int) {
	if n > p.Cap || len(x) < n*net.Inputs {
		panic("nn: Forward batch larger than the Pass or x too short")
	}
	p.n = n
	net.forwardRows(p, x, 0, n)
}

// forwardContext is Forward layer by layer, each layer in chunks of rows
// of about chunkFlops, checking ctx before each so a pass over a large
// probe or test set can be abandoned within a chunk's time.
//
// Layer by layer, not a chunk of rows through every layer: a chunk of the
// whole network at width 4096 is 6 rows, and products of 6 rows stream
// each 64 MB weight matrix from memory for 6 examples (a 4096 x 20 probe
// pass was 50 times that); a chunk of one layer is 128 rows, which the
// blocked kernel runs from cache on every thread. A pass that fits one
// chunk of the whole network fits one chunk of each layer, so its
// products, and its values, are the ones Forward computes.
func (net *Network) forwardContext(ctx context.Context, p *Pass, x []float32, n int) error {
	if n > p.Cap || len(x) < n*net.Inputs {
		panic("nn: Forward batch larger than the Pass or x too short")
	}
	p.n = n
	for l, layer := range net.Layers {
		err := net.eachChunk(ctx, n, 2*layer.In*layer.Out, func(lo, hi int) { net.forwardLayer(p, x, l, lo, hi) })
		if err != nil {
			return err
		}
	}
	return nil
}

// forwardRows runs rows [lo, hi) of x through the network. Rows are
// independent, so any split gives the same values.
func (net *Network) forwardRows(p *Pass, x []float32, lo, hi int) {
	for l := range net.Layers {
		net.forwardLayer(p, x, l, lo, hi)
	}
}

// forwardLayer runs rows [lo, hi) through layer l, whose input (x for the
// first layer, else the layer below's Post) must hold those rows.
func (net *Network) forwardLayer(p *Pass, x []float32, l, lo, hi int) {
	layer := net.Layers[l]
	n := hi - lo
	in := x[lo*net.Inputs : hi*net.Inputs]
	if l > 0 {
		in = p.Post[l-1][lo*layer.In : hi*layer.In]
	}
	s := p.Pre[l][lo*layer.Out : hi*layer.Out]
	z := p.Post[l][lo*layer.Out : hi*layer.Out]
	net.gemm(false, true, n, layer.Out, layer.In, 1, in, layer.In, layer.W, layer.In, 0, s, layer.Out)
	for r := range n {
		row := s[r*layer.Out : (r+1)*layer.Out]
		for j, b := range layer.B {
			row[j] += b
		}
	}
	if l == net.Depth {
		copy(z, s)
		for r := range n {
			softmax(z[r*layer.Out : (r+1)*layer.Out])
		}
	} else {
		net.Activation.Apply(z, s)
	}
}

// input returns what feeds layer l: x for the first layer, else z^{l}.
func (net *Network) input(p *Pass, x []float32, l int) []float32 {
	if l == 0 {
		return x[:p.n*net.Inputs]
	}
	return p.Post[l-1][:p.n*net.Layers[l].In]
}

// outputGrad fills Delta[Depth] with scale*dC/ds for each example of the
// last forward pass and returns the summed cost.
func (net *Network) outputGrad(p *Pass, y []int32, cost Cost, scale float32) float64 {
	k := net.Classes
	var total float64
	for r := range p.n {
		total += cost.grad(p.Delta[net.Depth][r*k:(r+1)*k], p.Post[net.Depth][r*k:(r+1)*k], int(y[r]), scale)
	}
	return total
}

// backpropRows sets Delta[l-1] = (Delta[l] W^l) * f'(s^{l-1}) for the
// examples [lo, hi): the gradient flowing from layer l into the layer below.
func (net *Network) backpropRows(p *Pass, l, lo, hi int) {
	layer := net.Layers[l]
	n := hi - lo
	in, out := lo*layer.In, lo*layer.Out
	d := p.Delta[l-1][in : in+n*layer.In]
	net.gemm(false, false, n, layer.In, layer.Out, 1, p.Delta[l][out:out+n*layer.Out], layer.Out, layer.W, layer.In, 0, d, layer.In)
	net.Activation.MulDeriv(d, p.Pre[l-1][in:in+n*layer.In], p.Post[l-1][in:in+n*layer.In])
}

// Backward computes Delta for every layer after Forward: Delta[l] holds
// scale * dC/ds^l per example (scale 1 gives per-example gradients, 1/n the
// gradient of the batch mean). It returns the summed cost. Weights are not
// changed.
func (net *Network) Backward(p *Pass, y []int32, cost Cost, scale float32) float64 {
	total, _ := net.backward(context.Background(), p, y, cost, scale) // never cancelled
	return total
}

// backward is Backward layer by layer, each layer in chunks of examples,
// checking ctx before each (a probe set of 100,000 examples takes
// seconds). As in forwardContext, a layer's chunk has as many rows as fit
// chunkFlops of that layer alone, so wide layers multiply blocks of
// examples rather than a few rows at a time.
func (net *Network) backward(ctx context.Context, p *Pass, y []int32, cost Cost, scale float32) (float64, error) {
	total := net.outputGrad(p, y, cost, scale)
	for l := net.Depth; l > 0; l-- {
		layer := net.Layers[l]
		if err := net.eachChunk(ctx, p.n, 2*layer.In*layer.Out, func(lo, hi int) { net.backpropRows(p, l, lo, hi) }); err != nil {
			return total, err
		}
	}
	return total, nil
}

// WeightGrad writes dW^l = Delta[l]^T input^l (Out x In) into dst after
// Backward.
func (net *Network) WeightGrad(dst []float32, p *Pass, x []float32, l int) {
	_ = net.weightGrad(context.Background(), dst, p, x, l) // never cancelled
}

// weightGrad is WeightGrad with the sum over examples split in chunks,
// checking ctx before each.
func (net *Network) weightGrad(ctx context.Context, dst []float32, p *Pass, x []float32, l int) error {
	layer := net.Layers[l]
	in := net.input(p, x, l)
	beta := float32(0)
	return net.eachChunk(ctx, p.n, 2*layer.In*layer.Out, func(lo, hi int) {
		net.gemm(true, false, layer.Out, layer.In, hi-lo, 1, p.Delta[l][lo*layer.Out:hi*layer.Out], layer.Out,
			in[lo*layer.In:hi*layer.In], layer.In, beta, dst[:layer.Out*layer.In], layer.In)
		beta = 1
	})
}

// TrainStep does one step of plain minibatch SGD on the batch (x, y) of n
// examples with learning rate lr and returns the batch's mean cost. The
// gradient of each layer is applied as soon as the layer below has taken
// its back-propagated signal, in place (W += -lr dS^T Z), so no gradient
// buffer is needed and the weights are streamed once.
func (net *Network) TrainStep(p *Pass, x []float32, y []int32, n int, cost Cost, lr float32) float64 {
	loss, _ := net.TrainStepContext(context.Background(), p, x, y, n, cost, lr) // never cancelled
	return loss
}

// TrainStepContext is TrainStep that checks ctx between chunks of about
// chunkFlops, for batches large enough that one step takes seconds (batch
// 10000 on 4096-wide layers); a usual small step is one chunk per product
// and allocates nothing. When ctx is done it returns ctx's error and the
// network is left part-way through the step, some layers updated and some
// not: use it only to stop.
func (net *Network) TrainStepContext(ctx context.Context, p *Pass, x []float32, y []int32, n int, cost Cost, lr float32) (float64, error) {
	if err := net.forwardContext(ctx, p, x, n); err != nil {
		return math.NaN(), err
	}
	total := net.outputGrad(p, y, cost, 1/float32(n))
	for l := net.Depth; l >= 0; l-- {
		layer := net.Layers[l]
		flops := 2 * layer.In * layer.Out
		if l > 0 {
			// Needs W^l before its update.
			if err := net.eachChunk(ctx, n, flops, func(lo, hi int) { net.backpropRows(p, l, lo, hi) }); err != nil {
				return math.NaN(), err
			}
		}
		delta := p.Delta[l][:n*layer.Out]
		in := net.input(p, x, l)
		// W += -lr sum_r delta_r^T z_r, the sum split over chunks of rows.
		err := net.eachChunk(ctx, n, flops, func(lo, hi int) {
			net.gemm(true, false, layer.Out, layer.In, hi-lo, -lr, delta[lo*layer.Out:hi*layer.Out], layer.Out,
				in[lo*layer.In:hi*layer.In], layer.In, 1, layer.W, layer.In)
		})
		if err != nil {
			return math.NaN(), err
		}
		for r := range n {
			for j, d := range delta[r*layer.Out : (r+1)*layer.Out] {
				layer.B[j] -= lr * d
			}
		}
	}
	return total / float64(n), nil
}

// Predict returns the most probable class of example r of the last forward pass.
func (p *Pass) Predict(r int) int {
	out := p.Post[len(p.Post)-1]
	k := len(out) / p.Cap
	row := out[r*k : (r+1)*k]
	best := 0
	for j, v := range row {
		if v > row[best] {
			best = j
		}
	}
	return best
}

// evaluate returns the classification error rate and the mean cost of the
// set (x, y) of n examples, going through p in chunks of at most p.Cap
// examples and about chunkFlops of work, checking ctx before each.
func (net *Network) evaluate(ctx context.Context, p *Pass, x []float32, y []int32, n int, cost Cost) (errRate, meanCost float64, err error) {
	wrong := 0
	var total float64
	// Blocks of p.Cap examples, each forwarded layer by layer in chunks
	// (forwardContext): rows are independent, so the block's size changes
	// only which kernel path a product takes, and a block of a few rows
	// would stream every weight matrix from memory for those rows alone.
	step := p.Cap
	for start := 0; start < n; start += step {
		m := min(step, n-start)
		if err := net.forwardContext(ctx, p, x[start*net.Inputs:], m); err != nil {
			return math.NaN(), math.NaN(), err
		}
		for r := range m {
			if p.Predict(r) != int(y[start+r]) {
				wrong++
			}
			total += lossOf(cost, p, r, int(y[start+r]), net.Classes)
		}
	}
	return float64(wrong) / float64(n), total / float64(n), nil
}

// lossOf is the cost of example r from its softmax output, without gradients.
func lossOf(c Cost, p *Pass, r, y, k int) float64 {
	probs := p.Post[len(p.Post)-1][r*k : (r+1)*k]
	switch c {
	case CrossEntropy:
		return -logClamp(probs[y])
	case Quadratic:
		var loss float64
		for j, v := range probs {
			d := float64(v)
			if j == y {
				d--
			}
			loss += d * d
		}
		return loss
	}
	panic("nn: unknown cost")
}
