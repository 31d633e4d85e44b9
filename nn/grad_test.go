package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// ref64 is an independent float64 forward pass written from the definitions,
// used to check the float32 back-propagation by finite differences.
type ref64 struct {
	act     Activation
	w, b    [][]float64
	in, out []int
}

func toRef(net *Network) *ref64 {
	r := &ref64{act: net.Activation}
	for _, l := range net.Layers {
		w := make([]float64, len(l.W))
		for i, v := range l.W {
			w[i] = float64(v)
		}
		b := make([]float64, len(l.B))
		for i, v := range l.B {
			b[i] = float64(v)
		}
		r.w, r.b = append(r.w, w), append(r.b, b)
		r.in, r.out = append(r.in, l.In), append(r.out, l.Out)
	}
	return r
}

// cost is the mean cost over the n examples of x.
func (r *ref64) cost(c Cost, x []float32, y []int32, n int) float64 {
	var total float64
	for e := range n {
		z := make([]float64, r.in[0])
		for i := range z {
			z[i] = float64(x[e*r.in[0]+i])
		}
		for l := range r.w {
			s := make([]float64, r.out[l])
			for j := range s {
				s[j] = r.b[l][j]
				for i, zi := range z {
					s[j] += r.w[l][j*r.in[l]+i] * zi
				}
			}
			if l == len(r.w)-1 {
				total += c.Loss(s, int(y[e]))
				break
			}
			for j := range s {
				s[j] = r.act.Eval(s[j])
			}
			z = s
		}
	}
	return total / float64(n)
}

func randomBatch(rng *rand.Rand, n, dim, classes int) ([]float32, []int32) {
	x := make([]float32, n*dim)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	y := make([]int32, n)
	for i := range y {
		y[i] = int32(rng.IntN(classes))
	}
	return x, y
}

// Every activation with both costs: dC/dW and dC/db from back-propagation
// match central finite differences of the float64 reference.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	const n, h = 4, 1e-4
	for _, act := range Activations() {
		for _, cost := range Costs() {
			rng := rand.New(rand.NewPCG(1, uint64(act)))
			cfg := Config{Inputs: 5, Classes: 3, Depth: 3, Width: 6, Activation: act, Init: Init{Kind: Normalized, Scale: 1.5}}
			net := New(cfg, rng)
			for _, l := range net.Layers { // nonzero biases exercise their gradient
				for j := range l.B {
					l.B[j] = float32(0.1 * rng.NormFloat64())
				}
			}
			x, y := randomBatch(rng, n, cfg.Inputs, cfg.Classes)
			p := net.NewPass(n)
			net.Forward(p, x, n)
			net.Backward(p, y, cost, 1/float32(n))
			ref := toRef(net)
			for l, layer := range net.Layers {
				dw := make([]float32, len(layer.W))
				net.WeightGrad(dw, p, x, l)
				check := func(param *float64, analytic float64, what string) {
					old := *param
					*param = old + h
					up := ref.cost(cost, x, y, n)
					*param = old - h
					down := ref.cost(cost, x, y, n)
					*param = old
					num := (up - down) / (2 * h)
					// float32 back-propagation carries relative error ~1e-6 per
					// operation; the difference quotient's truncation error is
					// O(h^2) ~ 1e-8. Kinks of relu-like units could break this if
					// an s sat within h of 0: none does for these seeds.
					if math.Abs(analytic-num) > 1e-4*math.Max(math.Abs(num), 1e-2) {
						t.Errorf("%v/%v layer %d %s: backprop %.8g, finite difference %.8g", act, cost, l+1, what, analytic, num)
					}
				}
				for i := range layer.W {
					check(&ref.w[l][i], float64(dw[i]), "dW")
				}
				for j := range layer.B {
					var db float64
					for r := range n {
						db += float64(p.Delta[l][r*layer.Out+j])
					}
					check(&ref.b[l][j], db, "db")
				}
			}
		}
	}
}

// TrainStep's fused in-place update equals the textbook step
// W <- W - lr * dC/dW computed with Backward and WeightGrad.
func TestTrainStepIsSGD(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	cfg := Config{Inputs: 8, Classes: 4, Depth: 3, Width: 10, Activation: Tanh, Init: Init{Kind: Standard}}
	a := New(cfg, rand.New(rand.NewPCG(3, 3)))
	b := New(cfg, rand.New(rand.NewPCG(3, 3)))
	x, y := randomBatch(rng, 10, cfg.Inputs, cfg.Classes)
	const lr = 0.1
	pa, pb := a.NewPass(10), b.NewPass(10)
	lossA := a.TrainStep(pa, x, y, 10, CrossEntropy, lr)

	b.Forward(pb, x, 10)
	lossB := b.Backward(pb, y, CrossEntropy, 1.0/10) / 10
	grads := make([][]float32, len(b.Layers))
	for l, layer := range b.Layers {
		grads[l] = make([]float32, len(layer.W))
		b.WeightGrad(grads[l], pb, x, l)
	}
	for l, layer := range b.Layers {
		for i := range layer.W {
			layer.W[i] -= lr * grads[l][i]
		}
		for j := range layer.B {
			for r := range 10 {
				layer.B[j] -= lr * pb.Delta[l][r*layer.Out+j]
			}
		}
	}
	if math.Abs(lossA-lossB) > 1e-6 {
		t.Errorf("loss %g vs %g", lossA, lossB)
	}
	for l := range a.Layers {
		for i := range a.Layers[l].W {
			if d := math.Abs(float64(a.Layers[l].W[i] - b.Layers[l].W[i])); d > 1e-6 {
				t.Fatalf("layer %d W[%d]: fused %g, textbook %g", l+1, i, a.Layers[l].W[i], b.Layers[l].W[i])
			}
		}
		for j := range a.Layers[l].B {
			if d := math.Abs(float64(a.Layers[l].B[j] - b.Layers[l].B[j])); d > 1e-6 {
				t.Fatalf("layer %d B[%d]: fused %g, textbook %g", l+1, j, a.Layers[l].B[j], b.Layers[l].B[j])
			}
		}
	}
}

// A small network learns a separable problem: the loss falls.
func TestTrainingReducesLoss(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 0))
	cfg := Config{Inputs: 2, Classes: 2, Depth: 2, Width: 16, Activation: Tanh, Init: Init{Kind: Normalized}}
	net := New(cfg, rng)
	p := net.NewPass(32)
	x := make([]float32, 64)
	y := make([]int32, 32)
	draw := func() {
		for r := range 32 {
			a, b := rng.NormFloat64(), rng.NormFloat64()
			x[2*r], x[2*r+1] = float32(a), float32(b)
			y[r] = 0
			if a*b > 0 { // XOR of signs: needs the hidden layers
				y[r] = 1
			}
		}
	}
	var first, last float64
	for step := range 3000 {
		draw()
		loss := net.TrainStep(p, x, y, 32, CrossEntropy, 0.1)
		if step < 100 {
			first += loss / 100
		}
		if step >= 2900 {
			last += loss / 100
		}
	}
	if !(last < 0.5*first) {
		t.Errorf("mean loss went from %.3f to %.3f; expected to halve", first, last)
	}
}

// Training through the fast kernel follows training through gonum's blas32
// (the reference): after 20 steps of the same batches the weights agree to
// float32 accumulation-order noise.
func TestFastKernelTrainsLikeReference(t *testing.T) {
	cfg := Config{Inputs: 37, Classes: 5, Depth: 3, Width: 45, Activation: Tanh, Init: Init{Kind: Normalized}}
	nets := [2]*Network{New(cfg, rand.New(rand.NewPCG(5, 5))), New(cfg, rand.New(rand.NewPCG(5, 5)))}
	rng := rand.New(rand.NewPCG(6, 6))
	batches := make([][]float32, 20)
	labels := make([][]int32, 20)
	for i := range batches {
		batches[i], labels[i] = randomBatch(rng, 13, cfg.Inputs, cfg.Classes)
	}
	nets[1].Gemm = BlasGemm()
	for _, net := range nets {
		p := net.NewPass(13)
		for i := range batches {
			net.TrainStep(p, batches[i], labels[i], 13, CrossEntropy, 0.05)
		}
	}
	for l := range nets[0].Layers {
		for i, w := range nets[0].Layers[l].W {
			if d := math.Abs(float64(w - nets[1].Layers[l].W[i])); d > 1e-5 {
				t.Fatalf("layer %d W[%d]: fast %g, blas32 %g", l+1, i, w, nets[1].Layers[l].W[i])
			}
		}
	}
}

// The shapes of the paper's network (1024 inputs, 1000 units, 9 outputs)
// at batch 10 and 100 take the fast kernel's special paths (small k, the
// in-place update): one step through it matches one through blas32.
func TestPaperShapesMatchReference(t *testing.T) {
	cfg := Config{Inputs: 1024, Classes: 9, Depth: 2, Width: 1000, Activation: Tanh, Init: Init{Kind: Normalized}}
	for _, batch := range []int{10, 100} {
		x, y := randomBatch(rand.New(rand.NewPCG(8, uint64(batch))), batch, cfg.Inputs, cfg.Classes)
		var nets [2]*Network
		var losses [2]float64
		train := func(k int, gemm Gemm) {
			nets[k] = New(cfg, rand.New(rand.NewPCG(9, 9)))
			nets[k].Gemm = gemm
			p := nets[k].NewPass(batch)
			for range 2 {
				losses[k] = nets[k].TrainStep(p, x, y, batch, CrossEntropy, 0.5)
			}
		}
		train(0, Gemm{}) // the default, FastGemm(0)
		train(1, BlasGemm())
		if math.Abs(losses[0]-losses[1]) > 1e-4 {
			t.Errorf("batch %d: loss %g, blas32 %g", batch, losses[0], losses[1])
		}
		for l := range nets[0].Layers {
			for i, w := range nets[0].Layers[l].W {
				if d := math.Abs(float64(w - nets[1].Layers[l].W[i])); d > 1e-5 {
					t.Fatalf("batch %d layer %d W[%d]: fast %g, blas32 %g", batch, l+1, i, w, nets[1].Layers[l].W[i])
				}
			}
		}
	}
}

// Each network holds its own matrix multiply: four networks built alike,
// on the default, blas32, the fast kernel limited to one thread and a
// counting wrapper of blas32, train at the same time (under -race this also shows they
// share no mutable state) and end with the same weights, each reporting the
// kernel it used.
func TestGemmPerNetwork(t *testing.T) {
	cfg := Config{Inputs: 64, Classes: 4, Depth: 2, Width: 80, Activation: Tanh, Init: Init{Kind: Normalized}}
	calls := 0 // only the last network's goroutine counts
	counting := Gemm{Name: "counting", Func: func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		calls++
		blas32Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	}}
	gemms := []Gemm{{}, BlasGemm(), FastGemm(1), counting}
	// The default and FastGemm(1) are the fast kernel, whichever this CPU runs.
	wantKernel := []string{"sgemm-", "blas32", "sgemm-", "counting"}
	x, y := randomBatch(rand.New(rand.NewPCG(3, 3)), 40, cfg.Inputs, cfg.Classes)
	nets := make([]*Network, len(gemms))
	var wg sync.WaitGroup
	for k, g := range gemms {
		nets[k] = New(cfg, rand.New(rand.NewPCG(4, 4)))
		nets[k].Gemm = g
		wg.Go(func() {
			p := nets[k].NewPass(40)
			for range 5 {
				nets[k].TrainStep(p, x, y, 40, CrossEntropy, 0.1)
			}
		})
	}
	wg.Wait()
	// 5 steps x (3 forward + 2 backward + 3 update products).
	if calls != 5*8 {
		t.Errorf("the counting network multiplied %d times, want 40", calls)
	}
	for k, net := range nets {
		if !strings.HasPrefix(net.Kernel(), wantKernel[k]) {
			t.Errorf("network %d: Kernel() = %q, want %q", k, net.Kernel(), wantKernel[k])
		}
		for l := range net.Layers {
			for i, w := range net.Layers[l].W {
				// float32 accumulation-order noise over 5 steps, as above.
				if d := math.Abs(float64(w - nets[0].Layers[l].W[i])); d > 1e-5 {
					t.Fatalf("%s: layer %d W[%d] = %g, default kernel %g", net.Kernel(), l+1, i, w, nets[0].Layers[l].W[i])
				}
			}
		}
	}
}
