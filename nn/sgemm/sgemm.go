package sgemm

import (
	"runtime"
	"sync"
)

// Gemm computes C = alpha*op(A)*op(B) + beta*C where op(X) is X or X^T (transA/transB),
// op(A) is m x k, op(B) is k x n, C is m x n; lda, ldb, ldc are row strides (row-major), like blas32.
// beta == 0 means C is overwritten (its old contents, even NaN, are ignored), as in BLAS.
// It is the zero Multiplier's Gemm: the best kernel this CPU runs, and at
// most runtime.GOMAXPROCS(0) goroutines (as the process started) per call.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	Multiplier{}.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Multiplier is Gemm with its own bound on the goroutines one call may
// use, so each network (each trainer, each SSH visitor) chooses its own and
// nothing is set for the whole process. The zero value is Gemm's default.
type Multiplier struct {
	// Threads is the most goroutines one call may use: below 1 means
	// runtime.GOMAXPROCS(0) as the process started, above 64 means 64.
	Threads int

	kn *kernel // nil: the best kernel this CPU runs; tests force each one
}

// Gemm computes what the package's Gemm computes, with mu's thread bound.
func (mu Multiplier) Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if alpha == 0 || k == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	kn := mu.kn
	if kn == nil {
		kn = best
	}
	t := splitCount(kn, m, n, k, mu.threads())
	if t <= 1 {
		buf := getBuffers()
		gemmSerial(kn, buf, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		putBuffers(buf)
		return
	}
	gemmParallel(kn, t, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// threads is Threads with its default and bound applied.
func (mu Multiplier) threads() int {
	if mu.Threads < 1 {
		return defaultThreads
	}
	return min(mu.Threads, maxThreads)
}

// Kernel reports which micro-kernel was chosen at start-up ("avx512", "avx2", "generic").
func Kernel() string { return best.name }

// defaultThreads is the zero Multiplier's bound, read once at start-up.
var defaultThreads = min(max(1, runtime.GOMAXPROCS(0)), maxThreads)

// maxThreads bounds Threads so that a per-call task array can be fixed size.
const maxThreads = 64

func checkArgs(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 {
		panic("sgemm: m < 0")
	}
	if n < 0 {
		panic("sgemm: n < 0")
	}
	if k < 0 {
		panic("sgemm: k < 0")
	}
	rowA, colA := m, k
	if transA {
		rowA, colA = k, m
	}
	rowB, colB := k, n
	if transB {
		rowB, colB = n, k
	}
	if lda < max(1, colA) {
		panic("sgemm: bad lda")
	}
	if ldb < max(1, colB) {
		panic("sgemm: bad ldb")
	}
	if ldc < max(1, n) {
		panic("sgemm: bad ldc")
	}
	if m == 0 || n == 0 {
		return
	}
	// A and B are not touched when k == 0, so their lengths do not matter then.
	if k > 0 {
		if len(a) < (rowA-1)*lda+colA {
			panic("sgemm: insufficient length of a")
		}
		if len(b) < (rowB-1)*ldb+colB {
			panic("sgemm: insufficient length of b")
		}
	}
	if len(c) < (m-1)*ldc+n {
		panic("sgemm: insufficient length of c")
	}
}

// scaleC sets C = beta*C, writing zeros (not 0*C, which keeps NaN) when beta == 0.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// buffers holds one goroutine's packing space. The slices only grow.
type buffers struct {
	a, b []float32
	tmp  []float32 // one MR x NR tile for ragged edges
}

// free list of buffers. A mutex-guarded stack rather than sync.Pool because a
// GC may empty a sync.Pool, and refilling it would allocate megabytes on the
// next call; the list never holds more buffers than were ever in use at once.
var (
	bufMu   sync.Mutex
	bufFree []*buffers
)

func getBuffers() *buffers {
	bufMu.Lock()
	if n := len(bufFree); n > 0 {
		buf := bufFree[n-1]
		bufFree = bufFree[:n-1]
		bufMu.Unlock()
		return buf
	}
	bufMu.Unlock()
	return new(buffers)
}

func putBuffers(buf *buffers) {
	bufMu.Lock()
	bufFree = append(bufFree, buf)
	bufMu.Unlock()
}

func grow(s []float32, n int) []float32 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float32, n)
}

// gemmSerial runs the blocked algorithm on one goroutine. alpha != 0, k > 0.
func gemmSerial(kn *kernel, buf *buffers, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if transB && !transA && kn.dotNT != nil {
		if m <= dotRows {
			gemmDotNT(kn, buf, false, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
			return
		}
		if n <= dotRows {
			// C^T = B*A^T is the same kind of product with few rows (the
			// 9-output layer): stream A instead and write C transposed.
			gemmDotNT(kn, buf, true, n, m, k, alpha, b, ldb, a, lda, beta, c, ldc)
			return
		}
	}
	mr, nr := kn.mr, kn.nr
	// Balance the k blocks: k = 1000 with KC = 512 gives two blocks of 500
	// rather than 512 + 488; rounded up to 8 so transposes run in full 8x8 blocks.
	nkb := (k + kn.kc - 1) / kn.kc
	kcMax := roundUp((k+nkb-1)/nkb, 8)
	mcMax := min(roundUp(m, mr), kn.mc)
	ncMax := min(roundUp(n, nr), kn.nc)
	buf.a = grow(buf.a, mcMax*kcMax)
	buf.b = grow(buf.b, ncMax*kcMax)
	buf.tmp = grow(buf.tmp, mr*nr)

	// With a single row panel every B micro-panel would be packed and then
	// read once, so read B in place instead: the copy would only add a store
	// and a reload of every element of B (the weights, in the backward pass).
	directB := !transB && m <= mr && kn.direct

	for ic := 0; ic < m; ic += kn.mc {
		mc := min(kn.mc, m-ic)
		for pc := 0; pc < k; pc += kcMax {
			kc := min(kcMax, k-pc)
			packA(kn, buf.a, transA, a, lda, ic, mc, pc, kc)
			// Later k blocks accumulate onto what the first one wrote.
			be := beta
			if pc > 0 {
				be = 1
			}
			for jc := 0; jc < n; jc += kn.nc {
				nc := min(kn.nc, n-jc)
				if !directB {
					packB(kn, buf.b, transB, b, ldb, pc, kc, jc, nc)
				}
				for ir := 0; ir < mc; ir += mr {
					mrv := min(mr, mc-ir)
					ap := buf.a[ir*kc : (ir+mr)*kc]
					off := (ic+ir)*ldc + jc
					jr := 0
					if nfull := nc / nr; mrv == mr && nfull > 0 {
						if directB {
							kn.row(kc, ap, b[pc*ldb+jc:], ldb, nr, c[off:], ldc, alpha, be, nfull)
						} else {
							kn.row(kc, ap, buf.b, nr, nr*kc, c[off:], ldc, alpha, be, nfull)
						}
						jr = nfull * nr
					}
					// Ragged tiles: compute the whole padded tile into tmp, then
					// merge the valid part.
					for ; jr < nc; jr += nr {
						nrv := min(nr, nc-jr)
						if directB && nrv == nr {
							kn.row(kc, ap, b[pc*ldb+jc+jr:], ldb, nr, buf.tmp, nr, 1, 0, 1)
						} else {
							bp := buf.b[jr*kc : (jr+nr)*kc]
							if directB { // ragged last panel: pack just it
								packB(kn, bp, transB, b, ldb, pc, kc, jc+jr, nrv)
							}
							kn.micro(kc, ap, bp, buf.tmp, nr, 1, 0)
						}
						mergeTile(c[off+jr:], ldc, buf.tmp, nr, mrv, nrv, alpha, be)
					}
				}
			}
		}
	}
}

// dotRows is the most rows of A the dot-product kernel handles.
const dotRows = 10

// gemmDotNT computes C = alpha*A*B^T + beta*C for m <= 10 with dot
// products: B (the weights, n x k) is streamed once, two rows at a time,
// straight from the matrix. The packed algorithm would have to transpose all
// of B into panels first, and at minibatch 10 that transpose, not the
// arithmetic, is the cost. k is cut into blocks of dotKC so that the block of
// A (10 x 512 floats, 20 KB) stays in L1 while B streams past; the partial
// sums of each block are added into buf.tmp (n/2 groups of 20).
//
// With transC it computes C^T instead: element (i, j) of the product goes to
// c[j*ldc+i].
func gemmDotNT(kn *kernel, buf *buffers, transC bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	// Pack A chunk-major in 16-float chunks, zero-padded in rows and in k:
	// chunk q of row i is ap[(q*10+i)*16 : +16].
	nq := (k + 15) / 16
	buf.a = grow(buf.a, nq*16*dotRows)
	ap := buf.a
	for q := 0; q < nq; q++ {
		p0, p1 := q*16, min(q*16+16, k)
		for i := 0; i < dotRows; i++ {
			d := ap[(q*dotRows+i)*16 : (q*dotRows+i)*16+16]
			if i < m {
				copy(d, a[i*lda+p0:i*lda+p1])
				clear(d[p1-p0:])
			} else {
				clear(d)
			}
		}
	}
	npair := (n + 1) / 2
	buf.tmp = grow(buf.tmp, npair*20)
	acc := buf.tmp
	clear(acc)
	for p0 := 0; p0 < k; p0 += dotKC {
		kc := min(dotKC, k-p0)
		apk := ap[p0/16*16*dotRows:]
		for jp := 0; jp < npair; jp++ {
			j := 2 * jp
			ldw := ldb
			if j+1 == n {
				ldw = 0 // odd n: the second row repeats the first and is dropped
			}
			kn.dotNT(kc, apk, b[j*ldb+p0:], ldw, (*[20]float32)(acc[jp*20:jp*20+20]))
		}
	}
	if transC {
		for j := 0; j < n; j++ {
			cr := c[j*ldc : j*ldc+m]
			for i := range cr {
				v := alpha * acc[j/2*20+2*i+j%2]
				if beta != 0 {
					v += beta * cr[i]
				}
				cr[i] = v
			}
		}
		return
	}
	for i := 0; i < m; i++ {
		cr := c[i*ldc : i*ldc+n]
		for j := range cr {
			v := alpha * acc[j/2*20+2*i+j%2]
			if beta != 0 {
				v += beta * cr[j]
			}
			cr[j] = v
		}
	}
}

// dotKC is the k block of gemmDotNT, a multiple of 16.
const dotKC = 512

// mergeTile sets c = alpha*tmp + beta*c on an mrv x nrv corner (beta == 0: c = alpha*tmp).
func mergeTile(c []float32, ldc int, tmp []float32, ldt, mrv, nrv int, alpha, beta float32) {
	for i := 0; i < mrv; i++ {
		cr := c[i*ldc : i*ldc+nrv]
		tr := tmp[i*ldt : i*ldt+nrv]
		if beta == 0 {
			for j, v := range tr {
				cr[j] = alpha * v
			}
		} else {
			for j, v := range tr {
				cr[j] = alpha*v + beta*cr[j]
			}
		}
	}
}

func roundUp(x, m int) int { return (x + m - 1) / m * m }
