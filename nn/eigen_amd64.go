//go:build amd64 && !noasm

package nn

import "golang.org/x/sys/cpu"

// useEigenAVX2 is whether the tridiagonal reduction's products run the
// AVX2 assembly (eigen_amd64.s), read once at start-up; the tests compare
// every path with the Go one directly.
var useEigenAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// The rank-2k tiles: syr2kTile<ISA><type> sets out[R*j+i] = sum_k
// x[R*k+i] y[4k+j] for k < kc, R the tile's rows, and the Sub variant
// does c[j*ldc+i] -= the same sums, i < R, j < 4.

//go:noescape
func syr2kTileAVX2(kc int, x, y *float64, out *[4 * maxTileRows]float64)

//go:noescape
func syr2kTileSubAVX2(kc int, x, y *float64, c *float64, ldc int)

//go:noescape
func syr2kTileAVX512(kc int, x, y *float64, out *[4 * maxTileRows]float64)

//go:noescape
func syr2kTileSubAVX512(kc int, x, y *float64, c *float64, ldc int)

//go:noescape
func syr2kTileAVX2F32(kc int, x, y *float32, out *[4 * maxTileRows]float32)

//go:noescape
func syr2kTileSubAVX2F32(kc int, x, y *float32, c *float32, ldc int)

//go:noescape
func syr2kTileAVX512F32(kc int, x, y *float32, out *[4 * maxTileRows]float32)

//go:noescape
func syr2kTileSubAVX512F32(kc int, x, y *float32, c *float32, ldc int)

var (
	tileAVX512    = asmTile("avx512", 16, syr2kTileAVX512, syr2kTileSubAVX512)
	tileAVX2      = asmTile("avx2", 8, syr2kTileAVX2, syr2kTileSubAVX2)
	tileAVX512F32 = asmTile("avx512", 32, syr2kTileAVX512F32, syr2kTileSubAVX512F32)
	tileAVX2F32   = asmTile("avx2", 16, syr2kTileAVX2F32, syr2kTileSubAVX2F32)
)

// asmTile wraps an assembly tile of rows x 4 so that the slice lengths it
// relies on are checked first: a caller's bug panics instead of
// corrupting memory.
func asmTile[T float](name string, rows int,
	acc func(kc int, x, y *T, out *[4 * maxTileRows]T),
	sub func(kc int, x, y *T, c *T, ldc int)) *rank2kTile[T] {
	return &rank2kTile[T]{
		name: name, rows: rows,
		acc: func(kc int, x, y []T, out *[4 * maxTileRows]T) {
			_, _ = x[rows*kc-1], y[4*kc-1]
			acc(kc, &x[0], &y[0], out)
		},
		sub: func(kc int, x, y, c []T, ldc int) {
			_, _, _ = x[rows*kc-1], y[4*kc-1], c[3*ldc+rows-1]
			sub(kc, &x[0], &y[0], &c[0], ldc)
		},
	}
}

// rank2kTiles are the rank-2k tiles in T this CPU runs, fastest first.
func rank2kTiles[T float]() []*rank2kTile[T] {
	var t512, t2 any = tileAVX512, tileAVX2
	if _, ok := any(T(0)).(float32); ok {
		t512, t2 = tileAVX512F32, tileAVX2F32
	}
	var ts []*rank2kTile[T]
	if cpu.X86.HasAVX512F && useEigenAVX2 {
		ts = append(ts, t512.(*rank2kTile[T]))
	}
	if useEigenAVX2 {
		ts = append(ts, t2.(*rank2kTile[T]))
	}
	return ts
}

// symv4AVX2 sets s[p] = sum_k c_p[k] x[k] and adds sum_p xj[p] c_p[k] to
// y[k], for k < n (a multiple of 4) and the columns c_p = c + p*lda.
//
//go:noescape
func symv4AVX2(n int, c *float64, lda int, x, y *float64, xj, s *[4]float64)

// symv4AVX2F32 is symv4AVX2 in float32, n a multiple of 8.
//
//go:noescape
func symv4AVX2F32(n int, c *float32, lda int, x, y *float32, xj, s *[4]float32)

// symv4s are the assembly symv4s in T this CPU runs, fastest first. An
// AVX-512 one (16 float32 lanes) measured no faster: the symv waits on
// memory, not on arithmetic.
func symv4s[T float]() []symv4Kernel[T] {
	if !useEigenAVX2 {
		return nil
	}
	var k any = symv4Kernel[float64]{"avx2", symv4Checked(symv4AVX2), 4}
	if _, ok := any(T(0)).(float32); ok {
		k = symv4Kernel[float32]{"avx2", symv4Checked(symv4AVX2F32), 8}
	}
	return []symv4Kernel[T]{k.(symv4Kernel[T])}
}

// symv4Checked wraps an assembly symv4 so that the slice lengths it relies
// on are checked first; n may be 0.
func symv4Checked[T float](f func(n int, c *T, lda int, x, y *T, xj, s *[4]T)) func(n int, c []T, lda int, x, y []T, xj, s *[4]T) {
	return func(n int, c []T, lda int, x, y []T, xj, s *[4]T) {
		if n == 0 {
			*s = [4]T{}
			return
		}
		_, _, _ = c[3*lda+n-1], x[n-1], y[n-1]
		f(n, &c[0], lda, &x[0], &y[0], xj, s)
	}
}
