package sgemm

import (
	"sync"
	"sync/atomic"
)

// minWorkPerThread is the number of multiply-adds below which another
// goroutine costs more (wake-up, cache warm-up, duplicated packing of the
// shared operand) than it saves: about 20 microseconds of one core's work.
const minWorkPerThread = 1 << 20

// minWorkComputeBound is minWorkPerThread for a computeBound kernel: the
// scalar Go kernel does about a tenth of the AVX-512 one's multiply-adds per
// second, so an eighth of the work is still ~40 microseconds of one core's.
const minWorkComputeBound = minWorkPerThread / 8

// memoryBoundDim: a product with a dimension this small does at most that
// many multiply-adds per element it moves (the minibatch-10 forward,
// backward and update passes), so it runs at memory speed. On the 2-vCPU
// Xeon this was tuned on, a second thread made those 5-15% slower (the
// vCPUs share one core's caches and memory pipeline, and the hand-off costs
// a wake-up), so they run on the calling goroutine.
const memoryBoundDim = 16

// splitCount says how many slabs to cut C into: at most t, no more than
// there are register tiles along the split dimension, and only as many as
// the work justifies.
func splitCount(kn *kernel, m, n, k, t int) int {
	if t <= 1 {
		return 1
	}
	if min(m, n, k) <= memoryBoundDim && !kn.computeBound {
		return 1
	}
	work, minWork := m*n*k, minWorkPerThread
	if kn.computeBound {
		minWork = minWorkComputeBound
	}
	t = min(t, max(1, work/minWork))
	tiles := max((n+kn.nr-1)/kn.nr, (m+kn.mr-1)/kn.mr)
	return max(1, min(t, tiles))
}

// task is one slab of C = alpha*op(A)*op(B) + beta*C.
type task struct {
	kn             *kernel
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
	wg             *sync.WaitGroup
}

func (t *task) run() {
	buf := getBuffers()
	gemmSerial(t.kn, buf, t.transA, t.transB, t.m, t.n, t.k, t.alpha, t.a, t.lda, t.b, t.ldb, t.beta, t.c, t.ldc)
	putBuffers(buf)
}

// call holds the tasks of one parallel Gemm; recycled so Gemm does not allocate.
type call struct {
	wg    sync.WaitGroup
	tasks [maxThreads]task
}

var (
	callMu   sync.Mutex
	callFree []*call

	workMu  sync.Mutex
	workers atomic.Int64 // persistent worker goroutines started so far
	work    chan *task   // their queue

	inflight atomic.Int64 // parallel Gemm calls running now
)

// ensureWorkers starts worker goroutines until there are at least n. They
// live for the rest of the process: creating goroutines per call would cost
// allocations and scheduling latency on every layer of every step.
func ensureWorkers(n int) {
	if workers.Load() >= int64(n) {
		return
	}
	workMu.Lock()
	if work == nil {
		work = make(chan *task, 4*maxThreads)
	}
	for workers.Load() < int64(n) {
		workers.Add(1)
		go func(ch <-chan *task) {
			for t := range ch {
				t.run()
				t.wg.Done()
			}
		}(work)
	}
	workMu.Unlock()
}

func getCall() *call {
	callMu.Lock()
	defer callMu.Unlock()
	if n := len(callFree); n > 0 {
		cl := callFree[n-1]
		callFree = callFree[:n-1]
		return cl
	}
	return new(call)
}

func putCall(cl *call) {
	for i := range cl.tasks {
		cl.tasks[i] = task{} // drop references to the caller's slices
	}
	callMu.Lock()
	callFree = append(callFree, cl)
	callMu.Unlock()
}

// gemmParallel cuts C into t slabs, runs t-1 of them on workers and one on
// the calling goroutine.
//
// Splitting along n means every slab packs all of op(A) (and its own columns
// of op(B)); splitting along m means every slab packs all of op(B). The split
// picks the cheaper duplication: transposing packs cost about three times a
// plain copy.
func gemmParallel(kn *kernel, t int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	costA, costB := 1, 1
	if !transA {
		costA = 3
	}
	if transB {
		costB = 3
	}
	tilesM := (m + kn.mr - 1) / kn.mr
	tilesN := (n + kn.nr - 1) / kn.nr
	// Packing per slab: split n -> all of A + 1/t of B; split m -> 1/t of A + all of B
	// (B is packed once per MC rows, and again per slab).
	splitN := tilesN >= t
	if tilesM >= t && splitN {
		costN := costA*m*k + costB*k*n/t
		costM := costA*m*k/t + costB*k*n
		splitN = costN <= costM
	}
	// One set of t-1 workers per concurrent call: with several trainers
	// calling Gemm at once, a fixed pool of t-1 would run their slabs one
	// after another while every caller waits on its queued slab.
	ensureWorkers(int(inflight.Add(1)) * (t - 1))
	defer inflight.Add(-1)
	cl := getCall()
	cl.wg.Add(t - 1)
	tiles := tilesM
	if splitN {
		tiles = tilesN
	}
	start := 0
	for i := 0; i < t; i++ {
		// Whole register tiles per slab, spread as evenly as possible.
		end := tiles * (i + 1) / t
		tk := &cl.tasks[i]
		*tk = task{kn: kn, transA: transA, transB: transB, k: k, alpha: alpha, beta: beta, lda: lda, ldb: ldb, ldc: ldc, wg: &cl.wg}
		if splitN {
			j0, j1 := start*kn.nr, min(end*kn.nr, n)
			tk.m, tk.n = m, j1-j0
			tk.a = a
			if transB {
				tk.b = b[j0*ldb:]
			} else {
				tk.b = b[j0:]
			}
			tk.c = c[j0:]
		} else {
			i0, i1 := start*kn.mr, min(end*kn.mr, m)
			tk.m, tk.n = i1-i0, n
			if transA {
				tk.a = a[i0:]
			} else {
				tk.a = a[i0*lda:]
			}
			tk.b = b
			tk.c = c[i0*ldc:]
		}
		start = end
		if i > 0 {
			work <- tk
		}
	}
	cl.tasks[0].run()
	cl.wg.Wait()
	putCall(cl)
}
