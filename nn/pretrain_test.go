package nn

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// daeCost64 is the denoising autoencoder's mean reconstruction cost of
// hidden layer l on the n examples of x, in float64 with plain loops: the
// reference the float32 gradients are checked against. w, b, c are layer
// l's weights, bias and decoder bias; the layers below come from net;
// mask[i] false zeroes component i of the layer's input.
func daeCost64(net *Network, l int, w, b, c []float64, x []float32, n int, mask []bool, ce bool) float64 {
	var total float64
	for r := range n {
		h := make([]float64, net.Inputs)
		for i := range h {
			h[i] = float64(x[r*net.Inputs+i])
		}
		for j := range l {
			layer := net.Layers[j]
			next := make([]float64, layer.Out)
			for o := range next {
				s := float64(layer.B[o])
				for i, v := range h {
					s += float64(layer.W[o*layer.In+i]) * v
				}
				next[o] = net.Activation.Eval(s)
			}
			h = next
		}
		in, out := len(h), len(b)
		y := make([]float64, out)
		for o := range y {
			s := b[o]
			for i, v := range h {
				if mask[r*in+i] {
					s += w[o*in+i] * v
				}
			}
			y[o] = net.Activation.Eval(s)
		}
		for i := range in {
			a := c[i]
			for o, v := range y {
				a += w[o*in+i] * v // W^T y: the tied decoder
			}
			if ce {
				total += math.Log1p(math.Exp(a)) - h[i]*a
			} else {
				total += 0.5 * (a - h[i]) * (a - h[i])
			}
		}
	}
	return total / float64(n)
}

// The autoencoder's gradients (both halves of the tied weights, the
// encoder and decoder biases) against central finite differences of the
// float64 reference, for the first layer (inputs in [0, 1]: cross-entropy,
// or squared error) and the second (above a sigmoid layer: cross-entropy;
// above tanh: squared error), with masking noise.
func TestDAEGradientsMatchFiniteDifferences(t *testing.T) {
	const n, eps, nu = 3, 1e-5, 0.3
	for _, tt := range []struct {
		act  Activation
		l    int
		unit bool
	}{{Sigmoid, 0, true}, {Tanh, 0, false}, {Sigmoid, 1, false}, {Tanh, 1, true}, {Softsign, 1, false}} {
		cfg := Config{Inputs: 6, Classes: 2, Depth: 2, Width: 4, Activation: tt.act, Init: Init{Kind: Standard, Scale: 3}}
		rng := rand.New(rand.NewPCG(1, 2))
		net := New(cfg, rng)
		for i := range net.Layers[tt.l].B {
			net.Layers[tt.l].B[i] = float32(rng.NormFloat64() * 0.3)
		}
		x := nonCentred(rng, n, cfg.Inputs, false)
		ce := tt.l == 0 && tt.unit || tt.l > 0 && tt.act == Sigmoid
		w := newDAEWork(cfg, n)
		d := dae{net: net, l: tt.l, w: w, nu: nu, ce: ce}
		layer := net.Layers[tt.l]
		d.c = w.c[:layer.In]
		for i := range d.c {
			d.c[i] = float32(rng.NormFloat64() * 0.3)
		}
		clear(w.db)
		clear(w.dc)
		d.grad(x, n, 1/float32(n), 0, rand.New(rand.NewPCG(9, 9)))
		// The masks grad drew: the same source, the same order.
		masks := rand.New(rand.NewPCG(9, 9))
		mask := make([]bool, n*layer.In)
		for i := range mask {
			mask[i] = masks.Float64() >= nu
		}
		wt, b, c := to64(layer.W), to64(layer.B), to64(d.c)
		check := func(name string, p []float64, got []float32) {
			for i := range p {
				orig := p[i]
				p[i] = orig + eps
				up := daeCost64(net, tt.l, wt, b, c, x, n, mask, ce)
				p[i] = orig - eps
				down := daeCost64(net, tt.l, wt, b, c, x, n, mask, ce)
				p[i] = orig
				want := (up - down) / (2 * eps)
				if math.Abs(float64(got[i])-want) > 1e-4+1e-3*math.Abs(want) {
					t.Errorf("%v layer %d ce=%v: d%s[%d] = %g, finite differences %g", tt.act, tt.l+1, ce, name, i, got[i], want)
				}
			}
		}
		check("W", wt, w.dw[:len(layer.W)])
		check("b", b, w.db[:layer.Out])
		check("c", c, w.dc[:layer.In])
	}
}

func to64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// structured returns a stream of inputs in [0, 1] with structure an
// autoencoder can learn: sigmoids of random combinations of 4 hidden
// causes, so the inputs lie near a 4-dimensional surface (the same one
// for every seed; the seed draws the causes).
func structured(seed uint64, dim int) func(x []float32) {
	fixed := rand.New(rand.NewPCG(7, 7))
	basis := make([]float64, 4*dim)
	for i := range basis {
		basis[i] = 2 * fixed.NormFloat64()
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	return func(x []float32) {
		for r := 0; r < len(x); r += dim {
			var u [4]float64
			for k := range u {
				u[k] = rng.NormFloat64()
			}
			for i := range dim {
				var s float64
				for k, v := range u {
					s += v * basis[k*dim+i]
				}
				x[r+i] = float32(1 / (1 + math.Exp(-s)))
			}
		}
	}
}

func pretrainRun(t *testing.T, act Activation, seed uint64) (*Network, []PretrainLayer) {
	t.Helper()
	cfg := Config{Inputs: 30, Classes: 3, Depth: 3, Width: 20, Activation: act, Init: Init{Kind: Pretrained}}
	net := New(cfg, rand.New(rand.NewPCG(seed, 1)))
	eval := make([]float32, 50*cfg.Inputs)
	structured(99, cfg.Inputs)(eval)
	opt := PretrainOptions{Corruption: 0.25, Updates: 1500, BatchSize: 10, LR: 0.05, UnitInputs: true}
	res, err := net.Pretrain(context.Background(), opt, structured(seed, cfg.Inputs), eval, rand.New(rand.NewPCG(seed, 2)))
	if err != nil {
		t.Fatal(err)
	}
	return net, res
}

// Pre-training lowers every layer's reconstruction cost on held-out
// examples (the same masks before and after) by at least 10%, and the same
// seed gives the same weights bit for bit, another seed others.
func TestPretrainLowersCostReproducibly(t *testing.T) {
	for _, act := range []Activation{Sigmoid, Tanh} {
		net, res := pretrainRun(t, act, 4)
		if len(res) != 3 {
			t.Fatalf("%v: %d layers reported, want 3", act, len(res))
		}
		for _, r := range res {
			t.Logf("%v layer %d (cross-entropy %v): cost %.4f -> %.4f", act, r.Layer, r.CrossEntropy, r.CostBefore, r.CostAfter)
			if !(r.CostAfter < 0.9*r.CostBefore) {
				t.Errorf("%v layer %d: reconstruction cost %g -> %g, want at least 10%% lower", act, r.Layer, r.CostBefore, r.CostAfter)
			}
			if wantCE := r.Layer == 1 || act == Sigmoid; r.CrossEntropy != wantCE {
				t.Errorf("%v layer %d: cross-entropy %v, want %v", act, r.Layer, r.CrossEntropy, wantCE)
			}
		}
		again, res2 := pretrainRun(t, act, 4)
		other, _ := pretrainRun(t, act, 5)
		for l := range net.Layers {
			if !slices.Equal(net.Layers[l].W, again.Layers[l].W) || !slices.Equal(net.Layers[l].B, again.Layers[l].B) {
				t.Errorf("%v layer %d: same seed, different weights", act, l+1)
			}
			if slices.Equal(net.Layers[l].W, other.Layers[l].W) {
				t.Errorf("%v layer %d: another seed, same weights", act, l+1)
			}
		}
		if !slices.Equal(res, res2) {
			t.Errorf("%v: same seed, different costs %v and %v", act, res, res2)
		}
	}
}

// Cancelled between updates, Pretrain stops at once with ctx's error.
func TestPretrainCancel(t *testing.T) {
	cfg := Config{Inputs: 8, Classes: 2, Depth: 2, Width: 8, Activation: Tanh, Init: Init{Kind: Pretrained}}
	net := New(cfg, rand.New(rand.NewPCG(1, 1)))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	next := func(x []float32) {
		calls++
		if calls == 5 {
			cancel()
		}
		clear(x)
	}
	opt := PretrainOptions{Corruption: 0.25, Updates: 1000, BatchSize: 4, LR: 0.01}
	_, err := net.Pretrain(ctx, opt, next, nil, rand.New(rand.NewPCG(1, 2)))
	if !errors.Is(err, context.Canceled) || calls != 5 {
		t.Errorf("err %v after %d batches, want context.Canceled after 5", err, calls)
	}
}

// A learning rate that blows the weights up is a PretrainError naming the
// layer, not NaN weights handed to training.
func TestPretrainDiverges(t *testing.T) {
	cfg := Config{Inputs: 8, Classes: 2, Depth: 2, Width: 8, Activation: Linear, Init: Init{Kind: Pretrained}}
	net := New(cfg, rand.New(rand.NewPCG(1, 1)))
	opt := PretrainOptions{Corruption: 0.1, Updates: 200, BatchSize: 4, LR: 1e6}
	_, err := net.Pretrain(context.Background(), opt, structured(1, 8), nil, rand.New(rand.NewPCG(1, 2)))
	var pe *PretrainError
	if !errors.As(err, &pe) || pe.Layer != 1 {
		t.Fatalf("err %v, want a PretrainError in layer 1", err)
	}
}

// An update split into chunks of one row (as a large batch is, so that a
// cancellation is seen within one) adds up to the update in one piece.
func TestPretrainChunksAddUp(t *testing.T) {
	cfg := Config{Inputs: 12, Classes: 2, Depth: 2, Width: 9, Activation: Tanh, Init: Init{Kind: Pretrained}}
	opt := PretrainOptions{Corruption: 0.25, Updates: 20, BatchSize: 7, LR: 0.05, UnitInputs: true}
	var nets [2]*Network
	for i := range nets {
		nets[i] = New(cfg, rand.New(rand.NewPCG(3, 1)))
		if i == 1 {
			nets[i].chunk = 1 // one row per chunk
		}
		if _, err := nets[i].Pretrain(context.Background(), opt, structured(2, cfg.Inputs), nil, rand.New(rand.NewPCG(3, 2))); err != nil {
			t.Fatal(err)
		}
	}
	for l := range cfg.Depth {
		for i, w := range nets[0].Layers[l].W {
			if d := math.Abs(float64(w - nets[1].Layers[l].W[i])); d > 1e-5 {
				t.Fatalf("layer %d weight %d: %g in one piece, %g in chunks", l+1, i, w, nets[1].Layers[l].W[i])
			}
		}
	}
}

// Hostile inputs (NaN, Inf, huge values) end in a PretrainError or train,
// never a panic or NaN weights reported as success.
func FuzzPretrain(f *testing.F) {
	f.Add(0.25, float32(0.01), float32(0.5), uint8(0), false)
	f.Add(0.0, float32(1e30), float32(1), uint8(1), true)
	f.Add(0.99, float32(0.1), float32(math.NaN()), uint8(2), true)
	f.Add(0.5, float32(1), float32(math.Inf(1)), uint8(6), false)
	f.Fuzz(func(t *testing.T, nu float64, lr, v float32, act uint8, unit bool) {
		if !(nu >= 0 && nu < 1) {
			return // Pretrain's documented precondition
		}
		cfg := Config{Inputs: 5, Classes: 2, Depth: 2, Width: 3, Activation: Activation(int(act) % len(Activations())), Init: Init{Kind: Pretrained}}
		net := New(cfg, rand.New(rand.NewPCG(1, 1)))
		next := func(x []float32) {
			for i := range x {
				x[i] = v * float32(i%3)
			}
		}
		opt := PretrainOptions{Corruption: nu, Updates: 5, BatchSize: 2, LR: lr, UnitInputs: unit}
		_, err := net.Pretrain(context.Background(), opt, next, nil, rand.New(rand.NewPCG(1, 2)))
		var pe *PretrainError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error %v is not a PretrainError", err)
		}
		for l := range cfg.Depth {
			for _, w := range net.Layers[l].W {
				if err == nil && (math.IsNaN(float64(w)) || math.IsInf(float64(w), 0)) {
					t.Fatalf("layer %d weight %v after a pre-training that reported no error", l+1, w)
				}
			}
		}
	})
}
