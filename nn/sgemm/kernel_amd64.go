//go:build amd64 && !noasm

package sgemm

import "golang.org/x/sys/cpu"

// The assembly routines take raw pointers; the Go wrappers below check the
// slice lengths first so that a driver bug panics instead of corrupting memory.

// micro10x32 computes a 10x32 tile with AVX-512 (see kernel_amd64.s).
// bstride is the distance in bytes between consecutive p in b.
//
//go:noescape
func micro10x32(kc int, a, b *float32, bstride int, c *float32, ldc int, alpha, beta float32)

// micro6x16 computes a 6x16 tile with AVX2 and FMA.
//
//go:noescape
func micro6x16(kc int, a, b *float32, bstride int, c *float32, ldc int, alpha, beta float32)

// transpose8 sets dst[j*ldd+i] = src[i*lds+j] for i < 8*rb, j < 8*cb (AVX).
//
//go:noescape
func transpose8(dst *float32, ldd int, src *float32, lds int, rb, cb int)

var (
	avx512Kernel = &kernel{
		name: "avx512",
		mr:   10, nr: 32,
		// 10x512 floats of A (20 KB) stay in the 48 KB L1 while 512x32 B
		// micro-panels stream from a 512x512 (1 MB) block held in the 2 MB L2.
		kc: 512, nc: 512, mc: 1200,
		micro:     microAVX512,
		transpose: transposeAVX,
	}
	avx2Kernel = &kernel{
		name: "avx2",
		mr:   6, nr: 16,
		kc: 512, nc: 512, mc: 1200,
		micro:     microAVX2,
		transpose: transposeAVX,
	}
)

func asmKernels() []*kernel {
	var ks []*kernel
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, avx512Kernel)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, avx2Kernel)
	}
	return ks
}

func microAVX512(kc int, ap, bp, c []float32, ldc int, alpha, beta float32) {
	_ = ap[10*kc-1]
	_ = bp[32*kc-1]
	_ = c[9*ldc+31]
	micro10x32(kc, &ap[0], &bp[0], 32*4, &c[0], ldc, alpha, beta)
}

func microAVX2(kc int, ap, bp, c []float32, ldc int, alpha, beta float32) {
	_ = ap[6*kc-1]
	_ = bp[16*kc-1]
	_ = c[5*ldc+15]
	micro6x16(kc, &ap[0], &bp[0], 16*4, &c[0], ldc, alpha, beta)
}

// transposeAVX transposes the 8x8-aligned part in assembly and the ragged
// rest in Go.
func transposeAVX(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	if rows == 0 || cols == 0 {
		return
	}
	_ = src[(rows-1)*lds+cols-1]
	_ = dst[(cols-1)*ldd+rows-1]
	rb, cb := rows/8, cols/8
	if rb > 0 && cb > 0 {
		transpose8(&dst[0], ldd, &src[0], lds, rb, cb)
	}
	if r := rb * 8; r < rows { // bottom rows, all columns
		transposeGo(dst[r:], ldd, src[r*lds:], lds, rows-r, cols)
	}
	if c := cb * 8; c < cols && rb > 0 { // right columns of the aligned rows
		transposeGo(dst[c*ldd:], ldd, src[c:], lds, rb*8, cols-c)
	}
}
