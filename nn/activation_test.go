package nn

import (
	"math"
	"testing"
)

// Every activation's Deriv against a central finite difference of Eval, and
// the float32 slice paths against the float64 reference.
func TestActivationDerivatives(t *testing.T) {
	xs := []float64{-7, -3.2, -1, -0.31, -0.05, -0.001, 0.002, 0.04, 0.5, 1.3, 2.9, 8}
	const h = 1e-6
	for _, a := range Activations() {
		for _, x := range xs {
			num := (a.Eval(x+h) - a.Eval(x-h)) / (2 * h)
			// Central differences of smooth functions err by O(h^2) plus
			// rounding O(eps/h) ~ 1e-10: 1e-6 is ample.
			if d := a.Deriv(x); math.Abs(d-num) > 1e-6*math.Max(1, math.Abs(num)) {
				t.Errorf("%v'(%g) = %g, finite difference %g", a, x, d, num)
			}
		}
	}
}

func TestActivationSlicePaths(t *testing.T) {
	src := make([]float32, 0, 4001)
	for i := -2000; i <= 2000; i++ {
		src = append(src, float32(i)/200) // -10 .. 10 in steps of 0.005
	}
	for _, a := range Activations() {
		post := make([]float32, len(src))
		a.Apply(post, src)
		grad := make([]float32, len(src))
		for i := range grad {
			grad[i] = 1
		}
		a.MulDeriv(grad, src, post)
		for i, x := range src {
			want := a.Eval(float64(x))
			// float32 rounding: a few ulps of the value, relative 1e-6 or 1e-7 absolute.
			if got := float64(post[i]); math.Abs(got-want) > 1e-6*math.Abs(want)+1e-7 {
				t.Fatalf("%v(%g): Apply %g, Eval %g", a, x, got, want)
			}
			// The derivative via z loses more near saturation: 1-z^2 with z a
			// float32 near 1 (ulp 6e-8) resolves steps of about 1.2e-7, and
			// tanh32 returns exactly +-1 past |x| = 7.905, where the true
			// tanh' is below 5.5e-7: an absolute floor of 6e-7.
			if got, want := float64(grad[i]), a.Deriv(float64(x)); math.Abs(got-want) > 2e-6*math.Abs(want)+6e-7 {
				t.Fatalf("%v'(%g): MulDeriv %g, Deriv %g", a, x, got, want)
			}
		}
	}
}

func TestParseNames(t *testing.T) {
	for _, a := range Activations() {
		if got, err := ParseActivation(a.String()); err != nil || got != a {
			t.Errorf("ParseActivation(%q) = %v, %v", a, got, err)
		}
	}
	for _, k := range InitKinds() {
		if got, err := ParseInit(k.String()); err != nil || got != k {
			t.Errorf("ParseInit(%q) = %v, %v", k, got, err)
		}
	}
	for _, c := range Costs() {
		if got, err := ParseCost(c.String()); err != nil || got != c {
			t.Errorf("ParseCost(%q) = %v, %v", c, got, err)
		}
	}
	_, err := ParseActivation("swish")
	want := `unknown activation "swish" (valid: sigmoid, tanh, softsign, relu, leaky-relu, elu, linear)`
	if err == nil || err.Error() != want {
		t.Errorf("ParseActivation(swish) error = %v, want %s", err, want)
	}
}

// The vector tanh (where the CPU has AVX-512) and the scalar one agree to
// rounding (the vector one fuses multiply-adds), both keep NaN and
// saturate infinities; odd lengths mix both paths.
func TestTanhPaths(t *testing.T) {
	src := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 0, -0.0001, 1e-30, 20, -20}
	for i := range 157 {
		src = append(src, float32(i-78)/9.5)
	}
	vector := make([]float32, len(src))
	tanhSlice(vector, src)
	scalar := make([]float32, len(src))
	tanhScalar(scalar, src)
	for i, x := range src {
		v, s := vector[i], scalar[i]
		if math.IsNaN(float64(x)) {
			if !math.IsNaN(float64(v)) || !math.IsNaN(float64(s)) {
				t.Errorf("tanh(NaN) = %g (vector), %g (scalar), want NaN", v, s)
			}
			continue
		}
		want := math.Tanh(float64(x))
		for name, got := range map[string]float32{"vector": v, "scalar": s} {
			if math.Abs(float64(got)-want) > 1e-6*math.Abs(want)+1e-7 {
				t.Errorf("%s tanh(%g) = %g, want %g", name, x, got, want)
			}
		}
	}
}
