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
	// computeBound says the micro-kernel is slow enough that the
	// minibatch-10 products are limited by arithmetic, not memory, so they
	// are worth splitting over threads (the scalar Go kernel). False, the
	// zero value, keeps them on one goroutine (see memoryBoundDim).
	computeBound bool
}

// best is the kernel Gemm uses: the first this CPU runs, chosen once at
// start-up and never changed (tests force others through Multiplier.kn).
var best = kernels()[0]

// kernels lists the kernels this CPU can run, best first.
func kernels() []*kernel {
	return append(asmKernels(), genericKernel)
}
