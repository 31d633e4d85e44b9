package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// InitKind names a weight-initialization scheme.
type InitKind int

const (
	// Standard is the paper's "standard" init, U[-1/sqrt(n_in), 1/sqrt(n_in)]:
	// Var[W] = 1/(3 n_in).
	Standard InitKind = iota
	// Normalized is Glorot uniform, U[-sqrt(6/(n_in+n_out)), +sqrt(6/(n_in+n_out))]:
	// Var[W] = 2/(n_in+n_out).
	Normalized
	// GlorotNormal draws N(0, 2/(n_in+n_out)).
	GlorotNormal
	// HeUniform draws U[-sqrt(6/n_in), sqrt(6/n_in)]: Var[W] = 2/n_in.
	HeUniform
	// HeNormal draws N(0, 2/n_in).
	HeNormal
	// LecunNormal draws N(0, 1/n_in).
	LecunNormal
	// Orthogonal draws a random (semi-)orthogonal matrix times Init.Gain.
	Orthogonal
	// Zeros sets every weight to 0: the symmetric start that cannot learn.
	Zeros
	// Pretrained starts from Standard's draw, then each hidden layer is
	// trained as a denoising autoencoder before supervised training
	// (Network.Pretrain, which the runner calls; Fill draws the start).
	Pretrained
	numInits
)

var initInfo = [numInits]struct{ name, desc string }{
	Standard:     {"standard", "U[-1/sqrt(fan_in), 1/sqrt(fan_in)], the paper's baseline"},
	Normalized:   {"normalized", "U[-sqrt(6/(fan_in+fan_out)), +...], Glorot/Xavier uniform"},
	GlorotNormal: {"glorot-normal", "N(0, 2/(fan_in+fan_out))"},
	HeUniform:    {"he-uniform", "U[-sqrt(6/fan_in), +...], variance 2/fan_in, for relu"},
	HeNormal:     {"he-normal", "N(0, 2/fan_in), for relu"},
	LecunNormal:  {"lecun-normal", "N(0, 1/fan_in)"},
	Orthogonal:   {"orthogonal", "random orthogonal matrix times a gain (Saxe et al.)"},
	Zeros:        {"zeros", "all weights 0: every unit stays identical"},
	Pretrained:   {"pretrained", "standard, then layer-wise denoising-autoencoder pre-training (the paper's Fig 11 reference)"},
}

// InitKinds lists every initializer.
func InitKinds() []InitKind {
	all := make([]InitKind, numInits)
	for i := range all {
		all[i] = InitKind(i)
	}
	return all
}

func (k InitKind) String() string {
	if k < 0 || k >= numInits {
		return fmt.Sprintf("InitKind(%d)", int(k))
	}
	return initInfo[k].name
}

// Description is a one-line explanation for listings.
func (k InitKind) Description() string { return initInfo[k].desc }

// ParseInit returns the initializer with the given name ("xavier" and
// "glorot-uniform" are accepted for normalized).
func ParseInit(name string) (InitKind, error) {
	switch strings.ToLower(name) {
	case "xavier", "glorot-uniform", "glorot":
		return Normalized, nil
	}
	for _, k := range InitKinds() {
		if strings.EqualFold(name, k.String()) {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown init %q (valid: %s)", name, joinNames(InitKinds()))
}

// Init is an initializer with its multiplier: every weight is drawn from
// Kind's distribution and multiplied by Scale (1 if zero), so Scale 0.5 is
// "too small" and 2 "too large". Gain is the orthogonal init's gain (1 if zero).
type Init struct {
	Kind  InitKind
	Scale float64
	Gain  float64
}

func (in Init) scale() float64 {
	if in.Scale == 0 {
		return 1
	}
	return in.Scale
}

func (in Init) gain() float64 {
	if in.Gain == 0 {
		return 1
	}
	return in.Gain
}

// Variance is Var[W] of one entry of a fanOut x fanIn matrix drawn by in,
// multiplier included (for Pretrained: of the draw before pre-training).
// For orthogonal W the entries are not independent, but
// their mean square is exact: sum W_ij^2 = gain^2 min(fanIn, fanOut).
func (in Init) Variance(fanIn, fanOut int) float64 {
	nin, nout := float64(fanIn), float64(fanOut)
	var v float64
	switch in.Kind {
	case Standard, Pretrained:
		v = 1 / (3 * nin)
	case Normalized, GlorotNormal:
		v = 2 / (nin + nout)
	case HeUniform, HeNormal:
		v = 2 / nin
	case LecunNormal:
		v = 1 / nin
	case Orthogonal:
		g := in.gain()
		v = g * g * math.Min(nin, nout) / (nin * nout)
	case Zeros:
		v = 0
	default:
		panic("nn: unknown init")
	}
	s := in.scale()
	return s * s * v
}

// Fill draws the fanOut x fanIn matrix w (row-major) from rng.
func (in Init) Fill(w []float32, fanOut, fanIn int, rng *rand.Rand) {
	if len(w) != fanOut*fanIn {
		panic("nn: Init.Fill size mismatch")
	}
	s := in.scale()
	v := in.Variance(fanIn, fanOut) / (s * s)
	switch in.Kind {
	case Standard, Normalized, HeUniform, Pretrained:
		// U[-a, a] has variance a^2/3.
		a := math.Sqrt(3 * v)
		for i := range w {
			w[i] = float32(s * a * (2*rng.Float64() - 1))
		}
	case GlorotNormal, HeNormal, LecunNormal:
		sd := math.Sqrt(v)
		for i := range w {
			w[i] = float32(s * sd * rng.NormFloat64())
		}
	case Orthogonal:
		fillOrthogonal(w, fanOut, fanIn, s*in.gain(), rng)
	case Zeros:
		clear(w)
	default:
		panic("nn: unknown init")
	}
}

// fillOrthogonal sets w to gain times a matrix with orthonormal rows (if
// fanOut <= fanIn) or columns, drawn uniformly (Haar) by taking the QR
// decomposition of a Gaussian matrix and fixing the signs of R's diagonal
// (Mezzadri 2007), so the distribution does not depend on the QR algorithm.
func fillOrthogonal(w []float32, fanOut, fanIn int, gain float64, rng *rand.Rand) {
	tall, short := fanOut, fanIn // QR needs rows >= cols
	if tall < short {
		tall, short = short, tall
	}
	g := mat.NewDense(tall, short, nil)
	for i := range tall {
		for j := range short {
			g.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(g)
	var q, r mat.Dense
	qr.QTo(&q)
	qr.RTo(&r)
	for i := range tall {
		for j := range short {
			v := gain * q.At(i, j)
			if r.At(j, j) < 0 {
				v = -v
			}
			if fanOut >= fanIn {
				w[i*fanIn+j] = float32(v)
			} else {
				w[j*fanIn+i] = float32(v) // transpose: rows orthonormal
			}
		}
	}
}
