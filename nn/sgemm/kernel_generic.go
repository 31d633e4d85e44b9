package sgemm

// The generic kernel is pure Go: it serves CPUs without AVX2+FMA, builds
// with the noasm tag, and architectures without an assembly kernel.
//
// Its shape comes from the register files Go's compiler has to work with.
// amd64 offers 15 scalar float registers to Go code (X15 is reserved as
// zero), and the compiler's scheduler computes every product of a loop body
// before the first accumulating add (values used in their own block go
// first), so a body holds its accumulators, its loaded operands and all its
// products at once. A 4x4 tile (16 accumulators) spilled to the stack on
// every k step and ran at 5 GFLOP/s; 2x4 (8 accumulators, 6 loads) keeps
// everything in registers and, unrolled 8 times along k to amortise the
// loop and bounds checks, ran at 11 GFLOP/s on the same core (a scalar
// multiply and add per step, no FMA: see BENCHMARKS.md). MR=2 also divides
// the batch sizes 10, 100 and 300 and NR=4 the layer widths 1000 and 1024,
// so no lanes are spent on padding in the project's shapes.
var genericKernel = &kernel{
	name: "generic",
	mr:   2, nr: 4,
	// A 2x256 A micro-panel (2 KB) sits in L1 beside the 256x4 B micro-panel
	// (4 KB) it meets; the 256x512 B block (512 KB) stays in L2.
	kc: 256, nc: 512, mc: 1024,
	micro:     microGeneric,
	row:       rowGeneric,
	dotNT:     dotNTGeneric,
	transpose: transposeGo,
	copyPanel: copyPanelGo,
	// Scalar Go is compute bound even at minibatch 10, so a second thread
	// pays there (see splitCount).
	computeBound: true,
}

// rowGeneric runs the 2x4 tile over ntiles packed B micro-panels (bstride
// must be 4: the generic kernel does not read B in place).
func rowGeneric(kc int, ap, b []float32, bstride, bpanel int, c []float32, ldc int, alpha, beta float32, ntiles int) {
	if bstride != 4 {
		panic("sgemm: generic kernel reads packed B only")
	}
	for t := 0; t < ntiles; t++ {
		microGeneric(kc, ap, b[t*bpanel:], c[4*t:], ldc, alpha, beta)
	}
}

// microGeneric computes the 2x4 tile c = alpha*ap*bp + beta*c from packed
// panels; beta == 0 does not read c.
func microGeneric(kc int, ap, bp, c []float32, ldc int, alpha, beta float32) {
	c00, c01, c02, c03, c10, c11, c12, c13 := tile2x4(kc, ap, bp)
	r0 := c[0:4:4]
	r1 := c[ldc : ldc+4 : ldc+4]
	if beta == 0 {
		r0[0], r0[1], r0[2], r0[3] = alpha*c00, alpha*c01, alpha*c02, alpha*c03
		r1[0], r1[1], r1[2], r1[3] = alpha*c10, alpha*c11, alpha*c12, alpha*c13
		return
	}
	r0[0], r0[1], r0[2], r0[3] = alpha*c00+beta*r0[0], alpha*c01+beta*r0[1], alpha*c02+beta*r0[2], alpha*c03+beta*r0[3]
	r1[0], r1[1], r1[2], r1[3] = alpha*c10+beta*r1[0], alpha*c11+beta*r1[1], alpha*c12+beta*r1[2], alpha*c13+beta*r1[3]
}

// tile2x4 returns sum_p ap[2p+i]*bp[4p+j] for i < 2, j < 4, p < kc. The
// main loop takes 8 steps of k per iteration, with one bounds check per
// operand; the remainder runs one step at a time.
func tile2x4(kc int, ap, bp []float32) (c00, c01, c02, c03, c10, c11, c12, c13 float32) {
	ap = ap[:2*kc]
	bp = bp[:4*kc]
	for len(ap) >= 16 {
		a := (*[16]float32)(ap)
		b := (*[32]float32)(bp)
		c00, c01, c02, c03, c10, c11, c12, c13 = step2x4(c00, c01, c02, c03, c10, c11, c12, c13, a[0], a[1], (*[4]float32)(b[0:]))
		c00, c01, c02, c03, c10, c11, c12, c13 = step2x4(c00, c01, c02, c03, c10, c11, c12, c13, a[2], a[3], (*[4]float32)(b[4:]))
		c00, c01, c02, c03, c10, c11, c12, c13 = step2x4(c00, c01, c02, c03, c10, c11, c12, c13, a[4], a[5], (*[4]float32)(b[8:]))
		c00, c01, c02, c03, c10, c11, c12, c13 = step2x4(c00, c01, c02, c03, c10, c11, c12, c13, a[6], a[7], (*[4]float32)(b[12:]))
		c00, c01, c02, c03, c10, c11, c12, c13 = step2x4(c00, c01, c02, c03, c10, c11, c12, c13, a[8], a[9], (*[4]float32)(b[16:]))
		c00, c01, c02, c03, c10, c11, c12, c13 = step2x4(c00, c01, c02, c03, c10, c11, c12, c13, a[10], a[11], (*[4]float32)(b[20:]))
		c00, c01, c02, c03, c10, c11, c12, c13 = step2x4(c00, c01, c02, c03, c10, c11, c12, c13, a[12], a[13], (*[4]float32)(b[24:]))
		c00, c01, c02, c03, c10, c11, c12, c13 = step2x4(c00, c01, c02, c03, c10, c11, c12, c13, a[14], a[15], (*[4]float32)(b[28:]))
		ap, bp = ap[16:], bp[32:]
	}
	for len(ap) >= 2 && len(bp) >= 4 {
		c00, c01, c02, c03, c10, c11, c12, c13 = step2x4(c00, c01, c02, c03, c10, c11, c12, c13, ap[0], ap[1], (*[4]float32)(bp))
		ap, bp = ap[2:], bp[4:]
	}
	return
}

// step2x4 is one step of k: c_ij += a_i*b_j. It is inlined, so the
// accumulators stay in registers.
func step2x4(c00, c01, c02, c03, c10, c11, c12, c13, a0, a1 float32, b *[4]float32) (float32, float32, float32, float32, float32, float32, float32, float32) {
	b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
	return c00 + a0*b0, c01 + a0*b1, c02 + a0*b2, c03 + a0*b3,
		c10 + a1*b0, c11 + a1*b1, c12 + a1*b2, c13 + a1*b3
}

// dotNTGeneric adds to out[2i+j] sum_p a_i[p]*w[j*ldw+p] for i < 10, j < 2,
// p < k, where row i of A is packed chunk-major (ap[(q*10+i)*16+r] holds
// p = 16q+r, zero past k; see gemmDotNT). The two rows of W are read from
// memory once, by the first group of rows; the later groups find them in L1.
func dotNTGeneric(k int, ap, w []float32, ldw int, out *[20]float32) {
	w0, w1 := w[:k], w[ldw:ldw+k]
	for i := 0; i < dotRows; i += 2 {
		c00, c01, c10, c11 := dot2x2(k, ap[i*16:], w0, w1)
		out[2*i] += c00
		out[2*i+1] += c01
		out[2*i+2] += c10
		out[2*i+3] += c11
	}
}

// dot2x2 returns the four dot products of rows a_0, a_1 (packed as in
// dotNTGeneric, starting at ap[0] and ap[16]) with w0 and w1 over k. Even
// and odd p accumulate separately, eight sums in all, so that the adds of
// one step do not wait for the previous step's.
func dot2x2(k int, ap, w0, w1 []float32) (c00, c01, c10, c11 float32) {
	var e00, e01, e10, e11 float32
	nq := k / 16
	for q := 0; q < nq; q++ {
		a0 := (*[16]float32)(ap[q*10*16:])
		a1 := (*[16]float32)(ap[q*10*16+16:])
		x := (*[16]float32)(w0[q*16:])
		y := (*[16]float32)(w1[q*16:])
		for r := 0; r < 16; r += 2 {
			c00 += a0[r] * x[r]
			c01 += a0[r] * y[r]
			c10 += a1[r] * x[r]
			c11 += a1[r] * y[r]
			e00 += a0[r+1] * x[r+1]
			e01 += a0[r+1] * y[r+1]
			e10 += a1[r+1] * x[r+1]
			e11 += a1[r+1] * y[r+1]
		}
	}
	if p0 := nq * 16; p0 < k {
		a0 := ap[nq*10*16:][:k-p0]
		a1 := ap[nq*10*16+16:][:k-p0]
		x, y := w0[p0:k], w1[p0:k]
		for r := range a0 {
			c00 += a0[r] * x[r]
			c01 += a0[r] * y[r]
			c10 += a1[r] * x[r]
			c11 += a1[r] * y[r]
		}
	}
	return c00 + e00, c01 + e01, c10 + e10, c11 + e11
}
