package sgemm

// kernel describes one micro-kernel and the cache blocking tuned for it.
type kernel struct {
	name   string
	mr, nr int // register tile of C
	kc     int // depth of a k block: an MR x KC A micro-panel stays in L1
	nc     int // width of a packed B block: KC x NC stays in L2
	mc     int // height of a packed A block (L3); usually all of m

	// micro computes the mr x nr tile c = alpha*ap*bp + beta*c over kc steps
	// from packed panels (see pack.go); beta == 0 must not read c. It may
	// assume len(c) >= (mr-1)*ldc+nr.
	micro func(kc int, ap, bp, c []float32, ldc int, alpha, beta float32)
	// row computes ntiles adjacent full tiles of C, one row panel: tile t
	// reads B at b[t*bpanel:] with bstride floats between consecutive k
	// (packed panels: bstride nr, bpanel nr*kc; B in place: ldb and nr).
	row func(kc int, ap, b []float32, bstride, bpanel int, c []float32, ldc int, alpha, beta float32, ntiles int)
	// direct reports that row accepts any bstride, so B can be read in place.
	direct bool
	// dotNT, if not nil, adds 10x2 dot products of length k to out, for
	// C = A*B^T with m <= 10 (see gemmDotNT).
	dotNT func(k int, ap, w []float32, ldw int, out *[20]float32)
	// copyPanel sets dst[p*nr+j] = src[p*lds+j] for p < rows, j < nr.
	copyPanel func(dst []float32, nr int, src []float32, lds, rows int)
	// transpose sets dst[j*ldd+i] = src[i*lds+j] for i < rows, j < cols.
	transpose func(dst []float32, ldd int, src []float32, lds, rows, cols int)
}

var genericKernel = &kernel{
	name: "generic",
	mr:   4, nr: 4,
	kc: 256, nc: 512, mc: 1024,
	micro:     microGeneric,
	row:       rowGeneric,
	transpose: transposeGo,
	copyPanel: copyPanelGo,
}

// best is the kernel Gemm uses: the first this CPU runs, chosen once at
// start-up and never changed (tests force others through Multiplier.kn).
var best = kernels()[0]

// kernels lists the kernels this CPU can run, best first.
func kernels() []*kernel {
	return append(asmKernels(), genericKernel)
}

// rowGeneric runs microGeneric over packed panels (bstride must be 4).
func rowGeneric(kc int, ap, b []float32, bstride, bpanel int, c []float32, ldc int, alpha, beta float32, ntiles int) {
	for t := 0; t < ntiles; t++ {
		microGeneric(kc, ap, b[t*bpanel:], c[4*t:], ldc, alpha, beta)
	}
}

// microGeneric is the portable 4x4 micro-kernel. Sixteen scalar accumulators
// fit the register files of arm64 (32 FP registers); on amd64 it is only the
// fallback for CPUs without AVX2+FMA.
func microGeneric(kc int, ap, bp, c []float32, ldc int, alpha, beta float32) {
	var c00, c01, c02, c03 float32
	var c10, c11, c12, c13 float32
	var c20, c21, c22, c23 float32
	var c30, c31, c32, c33 float32
	ap = ap[:kc*4]
	bp = bp[:kc*4]
	for p := 0; p < len(ap); p += 4 {
		a := ap[p : p+4 : p+4]
		b := bp[p : p+4 : p+4]
		a0, a1, a2, a3 := a[0], a[1], a[2], a[3]
		b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	r0 := c[0:4:4]
	r1 := c[ldc : ldc+4 : ldc+4]
	r2 := c[2*ldc : 2*ldc+4 : 2*ldc+4]
	r3 := c[3*ldc : 3*ldc+4 : 3*ldc+4]
	if beta == 0 {
		r0[0], r0[1], r0[2], r0[3] = alpha*c00, alpha*c01, alpha*c02, alpha*c03
		r1[0], r1[1], r1[2], r1[3] = alpha*c10, alpha*c11, alpha*c12, alpha*c13
		r2[0], r2[1], r2[2], r2[3] = alpha*c20, alpha*c21, alpha*c22, alpha*c23
		r3[0], r3[1], r3[2], r3[3] = alpha*c30, alpha*c31, alpha*c32, alpha*c33
		return
	}
	r0[0], r0[1], r0[2], r0[3] = alpha*c00+beta*r0[0], alpha*c01+beta*r0[1], alpha*c02+beta*r0[2], alpha*c03+beta*r0[3]
	r1[0], r1[1], r1[2], r1[3] = alpha*c10+beta*r1[0], alpha*c11+beta*r1[1], alpha*c12+beta*r1[2], alpha*c13+beta*r1[3]
	r2[0], r2[1], r2[2], r2[3] = alpha*c20+beta*r2[0], alpha*c21+beta*r2[1], alpha*c22+beta*r2[2], alpha*c23+beta*r2[3]
	r3[0], r3[1], r3[2], r3[3] = alpha*c30+beta*r3[0], alpha*c31+beta*r3[1], alpha*c32+beta*r3[2], alpha*c33+beta*r3[3]
}
