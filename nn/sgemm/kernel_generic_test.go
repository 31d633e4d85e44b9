package sgemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestTile2x4 checks the generic kernel's tile against a float64 loop on
// every remainder of its 8-step unrolled loop (kc 0..17) and around KC,
// through microGeneric with beta 0 (C holds NaN, which must not be read),
// 1 and -0.5. The tolerance is Higham's, as in tolerance().
func TestTile2x4(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	nan := float32(math.NaN())
	kcs := []int{255, 256, 257}
	for kc := 0; kc <= 17; kc++ {
		kcs = append(kcs, kc)
	}
	for _, kc := range kcs {
		for _, beta := range []float32{0, 1, -0.5} {
			ap := make([]float32, 2*kc)
			bp := make([]float32, 4*kc)
			for i := range ap {
				ap[i] = rng.Float32()*2 - 1
			}
			for i := range bp {
				bp[i] = rng.Float32()*2 - 1
			}
			const ldc = 7
			c := make([]float32, ldc+4)
			for i := range c {
				c[i] = rng.Float32()*2 - 1
				if beta == 0 {
					c[i] = nan
				}
			}
			c0 := append([]float32(nil), c...)
			const alpha = 1.5
			microGeneric(kc, ap, bp, c, ldc, alpha, beta)
			for i := 0; i < 2; i++ {
				for j := 0; j < 4; j++ {
					var s, sa float64
					for p := 0; p < kc; p++ {
						x := float64(ap[2*p+i]) * float64(bp[4*p+j])
						s += x
						sa += math.Abs(x)
					}
					want, bound := alpha*s, alpha*sa
					if beta != 0 {
						cv := float64(c0[i*ldc+j])
						want += float64(beta) * cv
						bound += math.Abs(float64(beta) * cv)
					}
					if got := float64(c[i*ldc+j]); !(math.Abs(got-want) <= tolerance(kc, bound)) {
						t.Errorf("kc %d beta %v: c[%d][%d] = %v, want %v", kc, beta, i, j, got, want)
					}
				}
			}
			for _, j := range []int{4, 5, 6} { // between the rows: untouched
				if !(c[j] == c0[j] || math.IsNaN(float64(c[j])) && math.IsNaN(float64(c0[j]))) {
					t.Errorf("kc %d: c[%d] changed from %v to %v", kc, j, c0[j], c[j])
				}
			}
		}
	}
}
