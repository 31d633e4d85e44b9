package nn

import (
	"fmt"
	"math"
	"strings"
)

// Activation is a hidden-layer nonlinearity f applied elementwise.
type Activation int

// The activations the paper studies (sigmoid, tanh, softsign) and the ones
// that followed it.
const (
	Sigmoid Activation = iota
	Tanh
	Softsign
	ReLU
	LeakyReLU
	ELU
	Linear
	numActivations
)

// leakySlope is the slope of leaky-relu for negative inputs.
const leakySlope = 0.01

var activationInfo = [numActivations]struct{ name, desc string }{
	Sigmoid:   {"sigmoid", "1/(1+e^-x): mean 0.5, saturates at 0 and 1 (the paper's Fig 2)"},
	Tanh:      {"tanh", "hyperbolic tangent: zero-centred, saturates at -1 and +1"},
	Softsign:  {"softsign", "x/(1+|x|): like tanh but approaches its asymptotes polynomially"},
	ReLU:      {"relu", "max(0,x): unbounded above; units can die (zero on every input)"},
	LeakyReLU: {"leaky-relu", "x for x>0, 0.01x otherwise"},
	ELU:       {"elu", "x for x>0, e^x-1 otherwise"},
	Linear:    {"linear", "identity: the regime the paper's variance formulas assume"},
}

// Activations lists every activation in a stable order.
func Activations() []Activation {
	all := make([]Activation, numActivations)
	for i := range all {
		all[i] = Activation(i)
	}
	return all
}

func (a Activation) String() string {
	if a < 0 || a >= numActivations {
		return fmt.Sprintf("Activation(%d)", int(a))
	}
	return activationInfo[a].name
}

// Description is a one-line explanation for listings.
func (a Activation) Description() string { return activationInfo[a].desc }

// ParseActivation returns the activation with the given name.
func ParseActivation(name string) (Activation, error) {
	for _, a := range Activations() {
		if strings.EqualFold(name, a.String()) {
			return a, nil
		}
	}
	return 0, fmt.Errorf("unknown activation %q (valid: %s)", name, joinNames(Activations()))
}

// Eval is f(x) in float64: the reference the fast slice paths are tested against.
func (a Activation) Eval(x float64) float64 {
	switch a {
	case Sigmoid:
		return 1 / (1 + math.Exp(-x))
	case Tanh:
		return math.Tanh(x)
	case Softsign:
		return x / (1 + math.Abs(x))
	case ReLU:
		return math.Max(x, 0)
	case LeakyReLU:
		if x > 0 {
			return x
		}
		return leakySlope * x
	case ELU:
		if x > 0 {
			return x
		}
		return math.Expm1(x)
	case Linear:
		return x
	}
	panic("nn: unknown activation")
}

// Deriv is f'(x) in float64. At the kinks of relu-like functions it takes
// the left derivative, as the slice path does.
func (a Activation) Deriv(x float64) float64 {
	switch a {
	case Sigmoid:
		s := 1 / (1 + math.Exp(-x))
		return s * (1 - s)
	case Tanh:
		t := math.Tanh(x)
		return 1 - t*t
	case Softsign:
		d := 1 + math.Abs(x)
		return 1 / (d * d)
	case ReLU:
		if x > 0 {
			return 1
		}
		return 0
	case LeakyReLU:
		if x > 0 {
			return 1
		}
		return leakySlope
	case ELU:
		if x > 0 {
			return 1
		}
		return math.Exp(x)
	case Linear:
		return 1
	}
	panic("nn: unknown activation")
}

// Bounds gives the asymptotes of a bounded activation; bounded is false for
// the others.
func (a Activation) Bounds() (lo, hi float64, bounded bool) {
	switch a {
	case Sigmoid:
		return 0, 1, true
	case Tanh, Softsign:
		return -1, 1, true
	}
	return 0, 0, false
}

// reluLike reports activations whose units can be "off" (zero or nearly so)
// for negative inputs: for them saturation means dead units.
func (a Activation) reluLike() bool { return a == ReLU || a == LeakyReLU || a == ELU }

// Apply sets dst[i] = f(src[i]). dst and src may be the same slice.
func (a Activation) Apply(dst, src []float32) {
	if len(dst) != len(src) {
		panic("nn: Apply length mismatch")
	}
	switch a {
	case Sigmoid:
		for i, x := range src {
			dst[i] = sigmoid32(x)
		}
	case Tanh:
		tanhSlice(dst, src)
	case Softsign:
		for i, x := range src {
			dst[i] = x / (1 + abs32(x))
		}
	case ReLU:
		for i, x := range src {
			dst[i] = max(x, 0)
		}
	case LeakyReLU:
		for i, x := range src {
			if x <= 0 {
				x *= leakySlope
			}
			dst[i] = x
		}
	case ELU:
		for i, x := range src {
			if x <= 0 {
				x = float32(math.Expm1(float64(x)))
			}
			dst[i] = x
		}
	case Linear:
		copy(dst, src)
	default:
		panic("nn: unknown activation")
	}
}

// MulDeriv multiplies grad[i] by f'(s[i]) in place, where pre holds s and
// post holds z = f(s). Using z where it gives the derivative directly
// (sigmoid, tanh, elu) avoids a second transcendental call.
func (a Activation) MulDeriv(grad, pre, post []float32) {
	if len(grad) != len(pre) || len(grad) != len(post) {
		panic("nn: MulDeriv length mismatch")
	}
	switch a {
	case Sigmoid:
		for i, z := range post {
			grad[i] *= z * (1 - z)
		}
	case Tanh:
		for i, z := range post {
			grad[i] *= 1 - z*z
		}
	case Softsign:
		for i, s := range pre {
			d := 1 + abs32(s)
			grad[i] /= d * d
		}
	case ReLU:
		for i, s := range pre {
			if s <= 0 {
				grad[i] = 0
			}
		}
	case LeakyReLU:
		for i, s := range pre {
			if s <= 0 {
				grad[i] *= leakySlope
			}
		}
	case ELU:
		for i, s := range pre {
			if s <= 0 {
				grad[i] *= post[i] + 1 // d/ds (e^s - 1) = e^s = z + 1
			}
		}
	case Linear:
	default:
		panic("nn: unknown activation")
	}
}

func abs32(x float32) float32 { return math.Float32frombits(math.Float32bits(x) &^ (1 << 31)) }

// sigmoid32 goes through float64 exp: the identity (1 + tanh(x/2))/2 would
// be faster but loses relative accuracy in the lower tail, where sigmoid
// units sit when they saturate at 0 (the paper's Fig 2).
func sigmoid32(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }

// The coefficients of tanh32's rational function, Eigen's
// generic_fast_tanh_float: a minimax fit on [-7.9, 7.9], beyond which tanh
// rounds to +-1 in float32.
const (
	tanhClamp = 7.90531110763549805
	tanhA1    = 4.89352455891786e-03
	tanhA3    = 6.37261928875436e-04
	tanhA5    = 1.48572235717979e-05
	tanhA7    = 5.12229709037114e-08
	tanhA9    = -8.60467152213735e-11
	tanhA11   = 2.00018790482477e-13
	tanhA13   = -2.76076847742355e-16
	tanhB0    = 4.89352518554385e-03
	tanhB2    = 2.26843463243900e-03
	tanhB4    = 1.18534705686654e-04
	tanhB6    = 1.19825839466702e-06
)

// tanhScalar sets dst[i] = tanh32(src[i]) one element at a time: all of
// tanhSlice without the vector kernel, and its tail with it.
func tanhScalar(dst, src []float32) {
	for i, x := range src {
		dst[i] = tanh32(x)
	}
}

// tanh32 is tanh in float32 arithmetic only, as a rational function
// x P(x^2) / Q(x^2) of degrees 13 and 6. It is several times faster than
// math.Tanh in float64; the tests hold it to within 1e-6 relative (a few
// ulps) of math.Tanh across the range.
func tanh32(x float32) float32 {
	// Plain comparisons: the min and max builtins handle NaN and -0 with
	// extra branches this loop does not need (NaN falls through both).
	if x > tanhClamp {
		x = tanhClamp
	} else if x < -tanhClamp {
		x = -tanhClamp
	}
	x2 := x * x
	p := x2*tanhA13 + tanhA11
	p = x2*p + tanhA9
	p = x2*p + tanhA7
	p = x2*p + tanhA5
	p = x2*p + tanhA3
	p = x2*p + tanhA1
	p *= x
	q := x2*tanhB6 + tanhB4
	q = x2*q + tanhB2
	q = x2*q + tanhB0
	return p / q
}

func joinNames[T fmt.Stringer](all []T) string {
	names := make([]string, len(all))
	for i, v := range all {
		names[i] = v.String()
	}
	return strings.Join(names, ", ")
}
