//go:build arm64 && !noasm

package sgemm

import "golang.org/x/sys/cpu"

// micro10x8 computes ntiles adjacent 10x8 tiles of C with NEON (see
// kernel_arm64.s): tile t reads B from b + t*bpanel bytes, with bstride
// bytes between consecutive k, and writes C columns 8t..8t+7. As for the
// AVX-512 kernel, looping over the tiles in assembly saves a Go call per
// tile when k is small (the weight update).
//
//go:noescape
func micro10x8(kc int, a, b *float32, bstride, bpanel int, c *float32, ldc int, alpha, beta float32, ntiles int)

// dot10x2 sets sums[2i+j] to the dot products of row i of A (packed by
// gemmDotNT) with row j of W over 16*kq floats (see kernel_arm64.s).
//
//go:noescape
func dot10x2(kq int, a, w *float32, ldw int, sums *float32)

// transpose4 sets dst[j*ldd+i] = src[i*lds+j] for i < 4*rb, j < 4*cb.
//
//go:noescape
func transpose4(dst *float32, ldd int, src *float32, lds int, rb, cb int)

// copy8 sets dst[p*8+j] = src[p*lds+j] for p < rows, j < 8.
//
//go:noescape
func copy8(dst, src *float32, lds, rows int)

// neonKernel is the arm64 kernel. Its blocking is chosen from the caches
// of common arm64 cores, not measured (no arm64 machine was at hand):
// a 10x256 A micro-panel (10 KB) and a 256x8 B micro-panel (8 KB) fit
// together in a 32 KB L1 (Cortex-A72; Neoverse cores have 64 KB), and the 256x512 B block
// (512 KB) in a 1 MB L2 (Neoverse N1, Graviton2).
var neonKernel = &kernel{
	name: "neon",
	mr:   10, nr: 8,
	kc: 256, nc: 512, mc: 1200,
	micro:     microNEON,
	row:       rowNEON,
	direct:    true,
	dotNT:     dotNTNEON,
	transpose: transposeNEON,
	copyPanel: copyPanelNEON,
}

// asmKernels returns the NEON kernel. ASIMD is part of every ARMv8-A
// application core, and Go's own runtime uses it unconditionally
// (internal/bytealg), so the check is a formality that keeps the choice
// honest rather than assumed.
func asmKernels() []*kernel {
	if cpu.ARM64.HasASIMD {
		return []*kernel{neonKernel}
	}
	return nil
}

// The Go wrappers check the slice lengths before the assembly takes raw
// pointers, so that a driver bug panics instead of corrupting memory.

func microNEON(kc int, ap, bp, c []float32, ldc int, alpha, beta float32) {
	_ = ap[10*kc-1]
	_ = bp[8*kc-1]
	_ = c[9*ldc+7]
	micro10x8(kc, &ap[0], &bp[0], 8*4, 0, &c[0], ldc, alpha, beta, 1)
}

func rowNEON(kc int, ap, b []float32, bstride, bpanel int, c []float32, ldc int, alpha, beta float32, ntiles int) {
	_ = ap[10*kc-1]
	_ = b[(ntiles-1)*bpanel+(kc-1)*bstride+7]
	_ = c[9*ldc+8*ntiles-1]
	micro10x8(kc, &ap[0], &b[0], bstride*4, bpanel*4, &c[0], ldc, alpha, beta, ntiles)
}

// dotNTNEON adds to out[2i+j] sum_p ap_i[p]*w[j*ldw+p] for i < 10, j < 2
// over k; ap is A packed by gemmDotNT (16-float chunks, zero-padded). The
// assembly takes whole chunks; the last k%16 floats of W's rows are first
// copied into a zero-padded chunk, since reading W past k could run off
// the slice or meet NaN in a matrix's padding (0*NaN is NaN).
func dotNTNEON(k int, ap, w []float32, ldw int, out *[20]float32) {
	kq, kt := k/16, k%16
	_ = ap[(kq+min(kt, 1))*160-1]
	_ = w[ldw+k-1]
	var sums [20]float32
	if kq > 0 {
		dot10x2(kq, &ap[0], &w[0], ldw, &sums[0])
		for i, s := range sums {
			out[i] += s
		}
	}
	if kt > 0 {
		var wt [32]float32
		copy(wt[:kt], w[kq*16:k])
		copy(wt[16:16+kt], w[ldw+kq*16:ldw+k])
		dot10x2(1, &ap[kq*160], &wt[0], 16, &sums[0])
		for i, s := range sums {
			out[i] += s
		}
	}
}

// copyPanelNEON packs a full-width B micro-panel: dst[p*8+j] = src[p*lds+j].
func copyPanelNEON(dst []float32, nr int, src []float32, lds, rows int) {
	if rows == 0 {
		return
	}
	if nr != 8 {
		panic("sgemm: copyPanelNEON needs nr == 8")
	}
	_ = dst[rows*8-1]
	_ = src[(rows-1)*lds+7]
	copy8(&dst[0], &src[0], lds, rows)
}

// transposeNEON transposes the 4x4-aligned part in assembly and the ragged
// rest in Go.
func transposeNEON(dst []float32, ldd int, src []float32, lds, rows, cols int) {
	if rows == 0 || cols == 0 {
		return
	}
	_ = src[(rows-1)*lds+cols-1]
	_ = dst[(cols-1)*ldd+rows-1]
	rb, cb := rows/4, cols/4
	if rb > 0 && cb > 0 {
		transpose4(&dst[0], ldd, &src[0], lds, rb, cb)
	}
	if r := rb * 4; r < rows { // bottom rows, all columns
		transposeGo(dst[r:], ldd, src[r*lds:], lds, rows-r, cols)
	}
	if c := cb * 4; c < cols && rb > 0 { // right columns of the aligned rows
		transposeGo(dst[c*ldd:], ldd, src[c:], lds, rb*4, cols-c)
	}
}
