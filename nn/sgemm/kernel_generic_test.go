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

// TestDotNTGeneric checks the generic dot-product kernel against a float64
// loop: k around the 16-float chunk (the tail reads W only up to k, so W
// is cut exactly there), two rows of W or one repeated (ldw 0), and sums
// added to what out already holds.
func TestDotNTGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	for _, k := range []int{1, 7, 15, 16, 17, 31, 32, 33, 100, 512} {
		for _, ldw := range []int{0, k, k + 3} {
			nq := (k + 15) / 16
			ap := make([]float32, nq*16*dotRows)
			for q := 0; q < nq; q++ {
				for i := 0; i < dotRows; i++ {
					for r := 0; r < 16 && q*16+r < k; r++ {
						ap[(q*dotRows+i)*16+r] = rng.Float32()*2 - 1
					}
				}
			}
			w := make([]float32, ldw+k)
			for i := range w {
				w[i] = rng.Float32()*2 - 1
			}
			var out [20]float32
			for i := range out {
				out[i] = float32(i)
			}
			dotNTGeneric(k, ap, w, ldw, &out)
			for i := 0; i < dotRows; i++ {
				for j := 0; j < 2; j++ {
					s, sa := float64(2*i+j), float64(2*i+j)
					for p := 0; p < k; p++ {
						x := float64(ap[(p/16*dotRows+i)*16+p%16]) * float64(w[j*ldw+p])
						s += x
						sa += math.Abs(x)
					}
					if got := float64(out[2*i+j]); !(math.Abs(got-s) <= tolerance(k, sa)) {
						t.Errorf("k %d ldw %d: out[%d] = %v, want %v", k, ldw, 2*i+j, got, s)
					}
				}
			}
		}
	}
}
