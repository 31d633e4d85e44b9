package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Each initializer's sample variance against its formula, for a 300 x 200
// matrix (60,000 draws). The standard error of a sample variance is about
// Var * sqrt(2/N) for normal draws (sqrt(0.8/N) for uniform), ~0.6% here, so
// a 3% tolerance is 5 standard errors.
func TestInitVariance(t *testing.T) {
	const fanIn, fanOut = 200, 300
	cases := []struct {
		init Init
		want float64 // Var[W], from the formula in the comment
	}{
		{Init{Kind: Standard}, 1.0 / (3 * fanIn)},                       // (1/sqrt(n))^2 / 3
		{Init{Kind: Normalized}, 2.0 / (fanIn + fanOut)},                // 6/(n_in+n_out) / 3
		{Init{Kind: GlorotNormal}, 2.0 / (fanIn + fanOut)},              // stated variance
		{Init{Kind: HeUniform}, 2.0 / fanIn},                            // 6/n_in / 3
		{Init{Kind: HeNormal}, 2.0 / fanIn},                             // stated variance
		{Init{Kind: LecunNormal}, 1.0 / fanIn},                          // stated variance
		{Init{Kind: Orthogonal}, 200.0 / (fanIn * fanOut)},              // sum W^2 = min(n_in, n_out)
		{Init{Kind: Orthogonal, Gain: 2}, 4 * 200.0 / (fanIn * fanOut)}, // gain^2 times that
		{Init{Kind: Normalized, Scale: 0.5}, 0.25 * 2.0 / (fanIn + fanOut)},
		{Init{Kind: Standard, Scale: 3}, 9.0 / (3 * fanIn)},
	}
	for _, c := range cases {
		if got := c.init.Variance(fanIn, fanOut); math.Abs(got-c.want) > 1e-12*c.want {
			t.Errorf("%v scale %g: Variance() = %g, formula %g", c.init.Kind, c.init.Scale, got, c.want)
		}
		w := make([]float32, fanIn*fanOut)
		c.init.Fill(w, fanOut, fanIn, rand.New(rand.NewPCG(5, uint64(c.init.Kind))))
		mean, v := moments(w)
		if math.Abs(v-c.want) > 0.03*c.want {
			t.Errorf("%v scale %g: sample variance %g, formula %g", c.init.Kind, c.init.Scale, v, c.want)
		}
		if math.Abs(mean) > 5*math.Sqrt(c.want/float64(len(w))) {
			t.Errorf("%v: sample mean %g is not near 0", c.init.Kind, mean)
		}
	}
}

// Uniform inits stay inside their bounds.
func TestInitBounds(t *testing.T) {
	w := make([]float32, 100*50)
	Init{Kind: Standard}.Fill(w, 100, 50, rand.New(rand.NewPCG(1, 1)))
	a := 1 / math.Sqrt(50)
	for _, v := range w {
		if math.Abs(float64(v)) > a {
			t.Fatalf("standard init drew %g outside +-%g", v, a)
		}
	}
}

// Orthogonal init: W W^T = gain^2 I for a wide matrix, W^T W = gain^2 I for a tall one.
func TestOrthogonal(t *testing.T) {
	for _, shape := range [][2]int{{20, 50}, {50, 20}, {30, 30}} {
		out, in := shape[0], shape[1]
		w := make([]float32, out*in)
		Init{Kind: Orthogonal, Gain: 1.5}.Fill(w, out, in, rand.New(rand.NewPCG(2, 2)))
		m := mat.NewDense(out, in, nil)
		for i := range out {
			for j := range in {
				m.Set(i, j, float64(w[i*in+j]))
			}
		}
		var g mat.Dense
		if out <= in {
			g.Mul(m, m.T())
		} else {
			g.Mul(m.T(), m)
		}
		r, _ := g.Dims()
		for i := range r {
			for j := range r {
				want := 0.0
				if i == j {
					want = 2.25
				}
				if math.Abs(g.At(i, j)-want) > 1e-5 { // float32 storage
					t.Fatalf("%dx%d: Gram[%d,%d] = %g, want %g", out, in, i, j, g.At(i, j), want)
				}
			}
		}
	}
}

func TestZerosAndDeterminism(t *testing.T) {
	w := []float32{1, 2, 3, 4}
	Init{Kind: Zeros}.Fill(w, 2, 2, rand.New(rand.NewPCG(1, 1)))
	for _, v := range w {
		if v != 0 {
			t.Fatal("zeros init left a nonzero weight")
		}
	}
	cfg := Config{Inputs: 7, Classes: 3, Depth: 2, Width: 5, Activation: Tanh, Init: Init{Kind: Normalized}}
	a, b := New(cfg, rand.New(rand.NewPCG(9, 9))), New(cfg, rand.New(rand.NewPCG(9, 9)))
	for l := range a.Layers {
		for i := range a.Layers[l].W {
			if a.Layers[l].W[i] != b.Layers[l].W[i] {
				t.Fatal("same seed gave different weights")
			}
		}
	}
}
