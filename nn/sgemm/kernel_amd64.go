//go:build amd64 && !noasm

package sgemm

import "golang.org/x/sys/cpu"

// The assembly routines take raw pointers; the Go wrappers below check the
// slice lengths first so that a driver bug panics instead of corrupting memory.

// micro10x32 computes ntiles adjacent 10x32 tiles of C with AVX-512 (see
// kernel_amd64.s): tile t reads B from b + t*bpanel bytes, with bstride
// bytes between consecutive k, and writes C columns 32t..32t+31. Looping
// over the tiles in assembly matters when k is small (the weight update),
// where a Go call per tile would cost as much as the tile.
//
//go:noescape
func micro10x32(kc int, a, b *float32, bstride, bpanel int, c *float32, ldc int, alpha, beta float32, ntiles int)

// micro10x32pf is micro10x32 with software prefetch of B rows, for B read
// in place with a large row stride.
//
//go:noescape
func micro10x32pf(kc int, a, b *float32, bstride, bpanel int, c *float32, ldc int, alpha, beta float32, ntiles int)

// micro6x16 computes a 6x16 tile with AVX2 and FMA.
//
//go:noescape
func micro6x16(kc int, a, b *float32, bstride int, c *float32, ldc int, alpha, beta float32)

// transpose8 sets dst[j*ldd+i] = src[i*lds+j] for i < 8*rb, j < 8*cb (AVX).
//
//go:noescape
func transpose8(dst *float32, ldd int, src *float32, lds int, rb, cb int)

// copyRows sets dst[p*8*w8+j] = src[p*lds+j] for p < rows, j < 8*w8; w8 is 2 or 4.
//
//go:noescape
func copyRows(dst, src *float32, lds, rows, w8 int)

// dot10x2 is the small-m A*W^T kernel (see kernel_amd64.s).
//
//go:noescape
func dot10x2(kq, ktail int, a, w *float32, ldw int, out *float32)

var (
	avx512Kernel = &kernel{
		name: "avx512",
		mr:   10, nr: 32,
		// 10x512 floats of A (20 KB) stay in the 48 KB L1 while 512x32 B
		// micro-panels stream from a 512x512 (1 MB) block held in the 2 MB L2.
		kc: 512, nc: 512, mc: 1200,
		micro:     microAVX512,
		row:       rowAVX512,
		direct:    true,
		dotNT:     dotNTAVX512,
		transpose: transposeAVX,
		copyPanel: copyPanelAVX,
	}
	avx2Kernel = &kernel{
		name: "avx2",
		mr:   6, nr: 16,
		kc: 512, nc: 512, mc: 1200,
		micro:     microAVX2,
		row:       rowAVX2,
		direct:    true,
		transpose: transposeAVX,
		copyPanel: copyPanelAVX,
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
	micro10x32(kc, &ap[0], &bp[0], 32*4, 0, &c[0], ldc, alpha, beta, 1)
}

func rowAVX512(kc int, ap, b []float32, bstride, bpanel int, c []float32, ldc int, alpha, beta float32, ntiles int) {
	_ = ap[10*kc-1]
	_ = b[(ntiles-1)*bpanel+(kc-1)*bstride+31]
	_ = c[9*ldc+32*ntiles-1]
	if bstride == 32 {
		micro10x32(kc, &ap[0], &b[0], 32*4, bpanel*4, &c[0], ldc, alpha, beta, ntiles)
	} else {
		micro10x32pf(kc, &ap[0], &b[0], bstride*4, bpanel*4, &c[0], ldc, alpha, beta, ntiles)
	}
}

func microAVX2(kc int, ap, bp, c []float32, ldc int, alpha, beta float32) {
	_ = ap[6*kc-1]
	_ = bp[16*kc-1]
	_ = c[5*ldc+15]
	micro6x16(kc, &ap[0], &bp[0], 16*4, &c[0], ldc, alpha, beta)
}

func rowAVX2(kc int, ap, b []float32, bstride, bpanel int, c []float32, ldc int, alpha, beta float32, ntiles int) {
	_ = ap[6*kc-1]
	_ = b[(ntiles-1)*bpanel+(kc-1)*bstride+15]
	_ = c[5*ldc+16*ntiles-1]
	for t := 0; t < ntiles; t++ {
		micro6x16(kc, &ap[0], &b[t*bpanel], bstride*4, &c[16*t], ldc, alpha, beta)
	}
}

// dotNTAVX512 adds to out[2i+j] sum_p ap_i[p]*w[j*ldw+p] for i < 10, j < 2
// over k; ap is A packed by packDotA.
func dotNTAVX512(k int, ap, w []float32, ldw int, out *[20]float32) {
	kq, kt := k/16, k%16
	_ = ap[(kq+min(kt, 1))*160-1]
	_ = w[ldw+k-1]
	dot10x2(kq, kt, &ap[0], &w[0], ldw, &out[0])
}

// copyPanelAVX packs a full-width B micro-panel: dst[p*nr+j] = src[p*lds+j].
func copyPanelAVX(dst []float32, nr int, src []float32, lds, rows int) {
	if rows == 0 {
		return
	}
	_ = dst[rows*nr-1]
	_ = src[(rows-1)*lds+nr-1]
	copyRows(&dst[0], &src[0], lds, rows, nr/8)
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
