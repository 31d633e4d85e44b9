//go:build amd64 && !noasm

package nn

import "golang.org/x/sys/cpu"

// useEigenAVX2 is whether the tridiagonal reduction's products run the
// AVX2 assembly (eigen_amd64.s), read once at start-up; the tests compare
// every path with the Go one directly.
var useEigenAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// syr2kTileAVX2 sets out[8j+i] = sum_k x[8k+i] y[4k+j] for k < kc.
//
//go:noescape
func syr2kTileAVX2(kc int, x, y *float64, out *[4 * maxTileRows]float64)

// syr2kTileSubAVX2 does c[j*ldc+i] -= sum_k x[8k+i] y[4k+j], i < 8, j < 4.
//
//go:noescape
func syr2kTileSubAVX2(kc int, x, y *float64, c *float64, ldc int)

// syr2kTileAVX512 sets out[16j+i] = sum_k x[16k+i] y[4k+j] for k < kc.
//
//go:noescape
func syr2kTileAVX512(kc int, x, y *float64, out *[4 * maxTileRows]float64)

// syr2kTileSubAVX512 does c[j*ldc+i] -= sum_k x[16k+i] y[4k+j], i < 16, j < 4.
//
//go:noescape
func syr2kTileSubAVX512(kc int, x, y *float64, c *float64, ldc int)

var (
	tileAVX512 = asmTile("avx512", 16, syr2kTileAVX512, syr2kTileSubAVX512)
	tileAVX2   = asmTile("avx2", 8, syr2kTileAVX2, syr2kTileSubAVX2)
)

// asmTile wraps an assembly tile of rows x 4 so that the slice lengths it
// relies on are checked first: a caller's bug panics instead of
// corrupting memory.
func asmTile(name string, rows int,
	acc func(kc int, x, y *float64, out *[4 * maxTileRows]float64),
	sub func(kc int, x, y *float64, c *float64, ldc int)) *rank2kTile {
	return &rank2kTile{
		name: name, rows: rows,
		acc: func(kc int, x, y []float64, out *[4 * maxTileRows]float64) {
			_, _ = x[rows*kc-1], y[4*kc-1]
			acc(kc, &x[0], &y[0], out)
		},
		sub: func(kc int, x, y, c []float64, ldc int) {
			_, _, _ = x[rows*kc-1], y[4*kc-1], c[3*ldc+rows-1]
			sub(kc, &x[0], &y[0], &c[0], ldc)
		},
	}
}

// rank2kTiles are the rank-2k tiles this CPU runs, fastest first.
func rank2kTiles() []*rank2kTile {
	var ts []*rank2kTile
	if cpu.X86.HasAVX512F && useEigenAVX2 {
		ts = append(ts, tileAVX512)
	}
	if useEigenAVX2 {
		ts = append(ts, tileAVX2)
	}
	return ts
}

// symv4AVX2 sets s[p] = sum_k c_p[k] x[k] and adds sum_p xj[p] c_p[k] to
// y[k], for k < n (a multiple of 4) and the columns c_p = c + p*lda.
//
//go:noescape
func symv4AVX2(n int, c *float64, lda int, x, y *float64, xj, s *[4]float64)

// symv4 is symv4AVX2 with the slice lengths checked; n may be 0.
func symv4(n int, c []float64, lda int, x, y []float64, xj, s *[4]float64) {
	if n == 0 {
		*s = [4]float64{}
		return
	}
	_, _, _ = c[3*lda+n-1], x[n-1], y[n-1]
	symv4AVX2(n, &c[0], lda, &x[0], &y[0], xj, s)
}
