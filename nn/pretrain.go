package nn

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
)

// Layer-wise unsupervised pre-training with denoising autoencoders
// (Vincent et al. 2008, stacked as in Bengio et al. 2007), the reference
// curve of Glorot & Bengio's Fig 11. Hidden layer l is trained alone as an
// autoencoder of h, the output of the layers below it (already
// pre-trained) on clean inputs:
//
//	h~ = h with each component set to 0 with probability ν   (masking noise)
//	y  = f(W h~ + b)                                          (encoder: the layer itself)
//	r  = g(W^T y + c)                                         (decoder: tied weights W^T, own bias c)
//
// The weights are tied (the decoder is the encoder's transpose, as in
// Vincent et al. 2008), so pre-training shapes exactly the matrix the
// network keeps; the decoder bias c is thrown away afterwards. The
// reconstruction cost compares r with the clean h: for h in [0, 1] (the
// inputs of a data set of pixels in [0, 1], or the output of a sigmoid
// layer) g is the sigmoid and the cost the cross-entropy
// -sum_i [h_i log r_i + (1-h_i) log(1-r_i)]; otherwise g is the identity
// and the cost the squared error (1/2) sum_i (r_i - h_i)^2. Both make the
// gradient at the decoder's pre-activation r - h.

// PretrainOptions configure Pretrain.
type PretrainOptions struct {
	Corruption float64 // ν: the fraction of inputs masked to 0, in [0, 1)
	Updates    int64   // SGD updates per hidden layer
	BatchSize  int     // examples per update
	LR         float32 // learning rate of the updates
	// UnitInputs says the network's inputs lie in [0, 1]: the first
	// layer's decoder is then a sigmoid with the cross-entropy cost.
	UnitInputs bool
	// Progress, when set, is called with the hidden layer being trained
	// (from 1) and its updates done: at 0, then every ProgressEvery
	// updates, and at opt.Updates. Pre-training the paper's network takes
	// minutes; this is how a caller shows them passing.
	Progress func(layer int, updates int64)
}

// ProgressEvery is how many updates pass between Progress calls.
const ProgressEvery = 100

// PretrainLayer is what pre-training did to one hidden layer: its mean
// reconstruction cost per example on the evaluation set, with the same
// corruption masks, before and after its updates.
type PretrainLayer struct {
	Layer                 int
	CrossEntropy          bool // the cost is the cross-entropy (else squared error)
	CostBefore, CostAfter float64
	Updates, Examples     int64
}

// PretrainError is pre-training gone wrong in one layer: a reconstruction
// cost that is NaN or Inf (the learning rate is too large).
type PretrainError struct {
	Layer  int
	Update int64
}

func (e *PretrainError) Error() string {
	return fmt.Sprintf("pre-training layer %d diverged at update %d (reconstruction cost NaN or Inf)", e.Layer, e.Update)
}

// Pretrain trains every hidden layer of net in turn, from the input side,
// as a denoising autoencoder (see above) with opt.Updates SGD updates of
// opt.BatchSize examples that next fills (row-major, BatchSize x Inputs).
// The output layer is left as it is. eval holds examples (row-major,
// a multiple of Inputs long; may be empty) on which each layer's
// reconstruction cost is measured before and after its updates. Every
// corruption mask comes from rng.
//
// It checks ctx before every update and within large ones (chunks of
// about chunkFlops) and returns ctx's error, the network left part-way.
func (net *Network) Pretrain(ctx context.Context, opt PretrainOptions, next func(x []float32), eval []float32, rng *rand.Rand) ([]PretrainLayer, error) {
	if opt.BatchSize < 1 || !(opt.Corruption >= 0 && opt.Corruption < 1) || opt.Updates < 0 {
		panic("nn: Pretrain needs a batch size >= 1, corruption in [0, 1) and updates >= 0")
	}
	w := newDAEWork(net.Config, opt.BatchSize)
	nEval := len(eval) / net.Inputs
	evalSeed := rng.Uint64() // one fixed set of masks per layer for before and after
	out := make([]PretrainLayer, net.Depth)
	for l := range net.Depth {
		d := dae{net: net, l: l, w: w, nu: opt.Corruption, ce: l == 0 && opt.UnitInputs || l > 0 && net.Activation.unitRange()}
		d.c = w.c[:net.Layers[l].In]
		clear(d.c)
		res := PretrainLayer{Layer: l + 1, CrossEntropy: d.ce, Updates: opt.Updates, Examples: opt.Updates * int64(opt.BatchSize)}
		var err error
		if res.CostBefore, err = d.evalCost(ctx, eval, nEval, opt.BatchSize, evalSeed); err != nil {
			return nil, err
		}
		for u := range opt.Updates {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if opt.Progress != nil && u%ProgressEvery == 0 {
				opt.Progress(l+1, u)
			}
			next(w.x)
			cost, err := d.update(ctx, w.x, opt.BatchSize, opt.LR, rng)
			if err != nil {
				return nil, err
			}
			if math.IsNaN(cost) || math.IsInf(cost, 0) {
				return nil, &PretrainError{Layer: l + 1, Update: u + 1}
			}
		}
		if layer := net.Layers[l]; !finite(layer.W) || !finite(layer.B) {
			// The last update's cost was finite but its step was not.
			return nil, &PretrainError{Layer: l + 1, Update: opt.Updates}
		}
		if opt.Progress != nil {
			opt.Progress(l+1, opt.Updates)
		}
		if res.CostAfter, err = d.evalCost(ctx, eval, nEval, opt.BatchSize, evalSeed); err != nil {
			return nil, err
		}
		out[l] = res
	}
	return out, nil
}

// finite reports whether every value of v is a number.
func finite(v []float32) bool {
	for _, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return false
		}
	}
	return true
}

// unitRange reports activations whose outputs lie in [0, 1].
func (a Activation) unitRange() bool {
	lo, hi, ok := a.Bounds()
	return ok && lo == 0 && hi == 1
}

// daeWork is Pretrain's buffers, for batches of up to n examples; every
// layer's autoencoder uses the same ones.
type daeWork struct {
	x             []float32 // a batch of inputs, n x Inputs
	below, below2 []float32 // the layers below: ping-pong activations, n x Width
	ht, ar        []float32 // corrupted input h~ and decoder pre-activation / gradient, n x maxIn
	ay, y, dy     []float32 // encoder pre-activation, output and its gradient, n x Width
	dw            []float32 // weight gradient, Width x maxIn
	db, c, dc     []float32 // encoder bias gradient (Width), decoder bias and its gradient (maxIn)
}

// daeLens are the lengths of daeWork's buffers in field order: Pretrain
// allocates them and PretrainBytes sums them.
func daeLens(c Config, n int) []int {
	maxIn := max(c.Inputs, c.Width)
	return []int{n * c.Inputs, n * c.Width, n * c.Width, n * maxIn, n * maxIn,
		n * c.Width, n * c.Width, n * c.Width, c.Width * maxIn, c.Width, maxIn, maxIn}
}

func newDAEWork(c Config, n int) *daeWork {
	lens := daeLens(c, n)
	b := make([][]float32, len(lens))
	for i, l := range lens {
		b[i] = make([]float32, l)
	}
	return &daeWork{x: b[0], below: b[1], below2: b[2], ht: b[3], ar: b[4], ay: b[5], y: b[6], dy: b[7],
		dw: b[8], db: b[9], c: b[10], dc: b[11]}
}

// PretrainBytes is what Pretrain allocates for a network of cfg and
// batches of n examples.
func PretrainBytes(cfg Config, n int) int64 {
	var total int64
	for _, l := range daeLens(cfg, n) {
		total += int64(l)
	}
	return total * bytesF32
}

// dae is the autoencoder of hidden layer l.
type dae struct {
	net *Network
	l   int
	w   *daeWork
	nu  float64
	ce  bool      // sigmoid decoder with cross-entropy, else linear with squared error
	c   []float32 // decoder bias, In
}

// input runs rows [0, n) of x through the hidden layers below l and
// returns h, n x In (x itself for the first layer).
func (d *dae) input(x []float32, n int) []float32 {
	net, w := d.net, d.w
	h := x[:n*net.Inputs]
	for j := range d.l {
		layer := net.Layers[j]
		s := w.below[:n*layer.Out]
		net.gemm(false, true, n, layer.Out, layer.In, 1, h, layer.In, layer.W, layer.In, 0, s, layer.Out)
		addBias(s, layer.B)
		net.Activation.Apply(s, s)
		h = s
		w.below, w.below2 = w.below2, w.below
	}
	return h
}

// addBias adds b to every row of m.
func addBias(m, b []float32) {
	for r := 0; r < len(m); r += len(b) {
		row := m[r : r+len(b)]
		for j, v := range b {
			row[j] += v
		}
	}
}

// forward corrupts h (n x In) into w.ht with masks from rng, encodes it
// into w.ay, w.y and decodes into w.ar (the decoder's pre-activation), and
// returns the summed reconstruction cost against the clean h.
func (d *dae) forward(h []float32, n int, rng *rand.Rand) float64 {
	net, w := d.net, d.w
	layer := net.Layers[d.l]
	in, out := layer.In, layer.Out
	ht := w.ht[:n*in]
	for i, v := range h[:n*in] {
		if d.nu > 0 && rng.Float64() < d.nu {
			v = 0
		}
		ht[i] = v
	}
	ay, y, ar := w.ay[:n*out], w.y[:n*out], w.ar[:n*in]
	net.gemm(false, true, n, out, in, 1, ht, in, layer.W, in, 0, ay, out) // h~ W^T
	addBias(ay, layer.B)
	net.Activation.Apply(y, ay)
	net.gemm(false, false, n, in, out, 1, y, out, layer.W, in, 0, ar, in) // y W: the tied decoder
	addBias(ar, d.c)
	var cost float64
	for i, a := range ar {
		t, a := float64(h[i]), float64(a)
		if d.ce {
			cost += softplus(a) - t*a // -t log σ(a) - (1-t) log(1-σ(a))
		} else {
			cost += 0.5 * (a - t) * (a - t)
		}
	}
	return cost
}

// softplus is log(1+e^a) without overflow.
func softplus(a float64) float64 {
	if a > 0 {
		return a + math.Log1p(math.Exp(-a))
	}
	return math.Log1p(math.Exp(a))
}

// update does one SGD step of the autoencoder on the batch x of n
// examples, in chunks of rows whose gradients add up, and returns the
// batch's mean reconstruction cost.
func (d *dae) update(ctx context.Context, x []float32, n int, lr float32, rng *rand.Rand) (float64, error) {
	net, w := d.net, d.w
	layer := net.Layers[d.l]
	in, out := layer.In, layer.Out
	dw, db, dc := w.dw[:out*in], w.db[:out], w.dc[:in]
	clear(db)
	clear(dc)
	var cost float64
	beta := float32(0)
	flops := 2 * (d.l*net.Width*net.Width + 4*in*out) // the layers below, then four products
	step := net.rowsPerChunk(flops)
	for lo := 0; lo < n; lo += step {
		if err := ctx.Err(); err != nil {
			return math.NaN(), err
		}
		m := min(step, n-lo)
		cost += d.grad(x[lo*net.Inputs:], m, 1/float32(n), beta, rng)
		beta = 1
	}
	// The step, tied weights: both halves' gradients are in dw.
	for i, g := range dw {
		layer.W[i] -= lr * g
	}
	for j, g := range db {
		layer.B[j] -= lr * g
	}
	for i, g := range dc {
		d.c[i] -= lr * g
	}
	return cost / float64(n), nil
}

// grad adds scale times the gradient of the summed reconstruction cost of
// the m examples of x to dw (beta 0: overwrites it), db and dc, and
// returns the summed cost.
func (d *dae) grad(x []float32, m int, scale, beta float32, rng *rand.Rand) float64 {
	net, w := d.net, d.w
	layer := net.Layers[d.l]
	in, out := layer.In, layer.Out
	h := d.input(x, m)
	cost := d.forward(h, m, rng)
	ht, ay, y, dy, dr := w.ht[:m*in], w.ay[:m*out], w.y[:m*out], w.dy[:m*out], w.ar[:m*in]
	// dC/da_r = r - h for both decoders, scaled.
	for i, a := range dr {
		r := a
		if d.ce {
			r = sigmoid32(a)
		}
		dr[i] = scale * (r - h[i])
	}
	// dC/da_y = (dr W^T) * f'(a_y).
	net.gemm(false, true, m, out, in, 1, dr, in, layer.W, in, 0, dy, out)
	net.Activation.MulDeriv(dy, ay, y)
	// dW = y^T dr (decoder, W^T's gradient transposed) + dy^T h~ (encoder).
	net.gemm(true, false, out, in, m, 1, y, out, dr, in, beta, w.dw[:out*in], in)
	net.gemm(true, false, out, in, m, 1, dy, out, ht, in, 1, w.dw[:out*in], in)
	addColumns(w.db[:out], dy)
	addColumns(w.dc[:in], dr)
	return cost
}

// addColumns adds every row of m to dst.
func addColumns(dst, m []float32) {
	for r := 0; r < len(m); r += len(dst) {
		for j, v := range m[r : r+len(dst)] {
			dst[j] += v
		}
	}
}

// evalCost is the mean reconstruction cost per example of the n examples
// of eval, in batches of at most batch rows, with masks from a source
// seeded by seed and the layer, so that two calls see the same masks.
func (d *dae) evalCost(ctx context.Context, eval []float32, n, batch int, seed uint64) (float64, error) {
	if n == 0 {
		return math.NaN(), nil
	}
	rng := rand.New(rand.NewPCG(seed, uint64(d.l)))
	var total float64
	for lo := 0; lo < n; lo += batch {
		if err := ctx.Err(); err != nil {
			return math.NaN(), err
		}
		m := min(batch, n-lo)
		total += d.forward(d.input(eval[lo*d.net.Inputs:], m), m, rng)
	}
	return total / float64(n), nil
}
