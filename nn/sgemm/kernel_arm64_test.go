//go:build arm64 && !noasm

package sgemm

import (
	"math"
	"math/rand/v2"
	"testing"

	"golang.org/x/sys/cpu"
)

// TestNEONChosen: on arm64 Gemm runs the NEON kernel, not the Go one.
func TestNEONChosen(t *testing.T) {
	if !cpu.ARM64.HasASIMD {
		t.Skip("this CPU reports no ASIMD")
	}
	if Kernel() != "neon" {
		t.Errorf("Kernel() = %q on arm64 with ASIMD, want \"neon\"", Kernel())
	}
}

// TestRowNEON checks micro10x8 directly against a float64 loop: every
// remainder of the 4-step unrolled loop (kc 1..9, 255..257), several tiles
// per call with B packed (bstride 8) and read in place (odd strides), and
// beta 0, -0 (C not read: it holds NaN), 1 and 0.5. The columns of C right
// of the tiles hold a sentinel that must survive.
func TestRowNEON(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	nan := float32(math.NaN())
	for _, kc := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 255, 256, 257} {
		for _, ntiles := range []int{1, 2, 3} {
			for _, bstride := range []int{8, 8*ntiles + 5} {
				for _, beta := range []float32{0, float32(math.Copysign(0, -1)), 1, 0.5} {
					bpanel := 8 // B in place: tile t starts 8 columns on
					if bstride == 8 {
						bpanel = 8 * kc // packed panels, one after another
					}
					ap := make([]float32, 10*kc)
					for i := range ap {
						ap[i] = rng.Float32()*2 - 1
					}
					b := make([]float32, (ntiles-1)*bpanel+(kc-1)*bstride+8)
					for i := range b {
						b[i] = rng.Float32()*2 - 1
					}
					ldc := 8*ntiles + 3
					c := make([]float32, 10*ldc)
					for i := range c {
						switch {
						case i%ldc >= 8*ntiles:
							c[i] = sentinel
						case beta == 0:
							c[i] = nan
						default:
							c[i] = rng.Float32()*2 - 1
						}
					}
					c0 := append([]float32(nil), c...)
					const alpha = -1.5
					rowNEON(kc, ap, b, bstride, bpanel, c, ldc, alpha, beta, ntiles)
					for i := 0; i < 10; i++ {
						for j := 0; j < ldc; j++ {
							got := c[i*ldc+j]
							if j >= 8*ntiles {
								if got != sentinel {
									t.Fatalf("kc %d ntiles %d bstride %d beta %v: C[%d][%d] right of the tiles changed to %v", kc, ntiles, bstride, beta, i, j, got)
								}
								continue
							}
							tile, jj := j/8, j%8
							var s, sa float64
							for p := 0; p < kc; p++ {
								x := float64(ap[p*10+i]) * float64(b[tile*bpanel+p*bstride+jj])
								s += x
								sa += math.Abs(x)
							}
							want, bound := alpha*s, math.Abs(alpha)*sa
							if beta != 0 {
								cv := float64(c0[i*ldc+j])
								want += float64(beta) * cv
								bound += math.Abs(float64(beta) * cv)
							}
							if d := math.Abs(float64(got) - want); !(d <= tolerance(kc, bound)) {
								t.Fatalf("kc %d ntiles %d bstride %d beta %v: C[%d][%d] = %v, want %v", kc, ntiles, bstride, beta, i, j, got, want)
							}
						}
					}
				}
			}
		}
	}
}

// TestCopyPanelNEON compares copy8 with the Go loop, and checks it writes
// nothing past rows*8.
func TestCopyPanelNEON(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	for rows := 0; rows <= 20; rows++ {
		for lds := 8; lds <= 13; lds++ {
			src := make([]float32, max(0, (rows-1)*lds+8))
			for i := range src {
				src[i] = rng.Float32()
			}
			want := make([]float32, rows*8+1)
			got := make([]float32, rows*8+1)
			want[rows*8], got[rows*8] = sentinel, sentinel
			copyPanelGo(want, 8, src, lds, rows)
			copyPanelNEON(got, 8, src, lds, rows)
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("rows %d lds %d: dst[%d] = %v, want %v", rows, lds, i, got[i], want[i])
				}
			}
		}
	}
}
