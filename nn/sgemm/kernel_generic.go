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
// every k step and ran at 5.0 GFLOP/s; 2x4 (8 accumulators, 6 loads) keeps
// everything in registers and, unrolled 8 times along k to amortise the
// loop and bounds checks, ran at 11.0 (bare tiles, kc 256, best of 40 runs
// on one Sapphire Rapids core; 4x2 did as well, 3x3 10.5, 4x3 and 5x2
// under 9). Without FMA each step is a separate multiply and add, so that
// is near what scalar code can do. MR=2 also divides the batch sizes 10,
// 100 and 300 and NR=4 the layer widths 1000 and 1024, so no lanes are
// spent on padding in the project's shapes.
var genericKernel = &kernel{
	name: "generic",
	mr:   2, nr: 4,
	// A 2x256 A micro-panel (2 KB) sits in L1 beside the 256x4 B micro-panel
	// (4 KB) it meets; the 256x512 B block (512 KB) stays in L2.
	kc: 256, nc: 512, mc: 1024,
	micro:     microGeneric,
	row:       rowGeneric,
	transpose: transposeGo,
	copyPanel: copyPanelGo,
	// No dotNT: at minibatch 10 the scalar kernel is compute bound, and the
	// packed path (transposing W first) ran the forward product at 8.4
	// GFLOP/s against 7.1 for a Go dot-product kernel. For the same reason
	// a second thread pays there (see splitCount).
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
