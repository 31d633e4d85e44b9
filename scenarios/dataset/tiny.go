package dataset

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// The tiny set: 4 classes of Gaussian blobs in 16 dims.
//
// Class centres are +h1, -h1, +h2, -h2 scaled by a, where h1, h2 are rows 1
// and 2 of the 16x16 Sylvester Hadamard matrix (entries +-1, orthogonal),
// and the noise is isotropic with standard deviation sigma. With
// a = sigma = 1/sqrt(2) every input has mean 0 and variance a^2 + sigma^2 = 1,
// like a normalised data set. The closest centres (+h1 and +h2) are
// 2a*sqrt(8) = 4 apart, 2.83 sigma from their midpoint, so the Bayes error is
// about 2 * Phi(-2.83) = 0.5%: easy, but not trivial for a bad network.
const (
	tinyDim     = 16
	tinyClasses = 4
)

var tinyScale = 1 / math.Sqrt2 // a and sigma

// tinyCentres[k] is the centre of class k.
var tinyCentres = func() (c [tinyClasses][tinyDim]float32) {
	for j := range tinyDim {
		for k := range tinyClasses {
			row := 1 + k/2 // h1 for classes 0, 1; h2 for 2, 3
			v := tinyScale
			if bits.OnesCount(uint(row&j))%2 == 1 { // Sylvester: H[i][j] = (-1)^popcount(i&j)
				v = -v
			}
			if k%2 == 1 {
				v = -v
			}
			c[k][j] = float32(v)
		}
	}
	return c
}()

func openTiny(spec string, seed uint64) Source {
	return &generated{
		spec: spec, dim: tinyDim, classes: tinyClasses,
		names: []string{"+h1", "-h1", "+h2", "-h2"}, seed: seed,
		stream: func(seed uint64) Stream { return tinyStream{rand.New(rand.NewPCG(seed, 0x54494e59))} }, // "TINY"
	}
}

type tinyStream struct{ r *rand.Rand }

func (s tinyStream) Fill(x []float32, y []int32) {
	checkFill(x, y, tinyDim)
	for i := range y {
		k := s.r.IntN(tinyClasses)
		y[i] = int32(k)
		for j, c := range tinyCentres[k] {
			x[i*tinyDim+j] = c + float32(tinyScale*s.r.NormFloat64())
		}
	}
}
