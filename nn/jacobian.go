package nn

import (
	"context"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
)

// jacobianMeanSV returns the mean singular value of J = dz^{l+1}/dz^l for
// hidden layer l (1-based, l < Depth), averaged over the first few probe
// examples of the last forward pass.
//
// J = diag(f'(s^{l+1})) W^{l+1}, so J J^T = D (W W^T) D with D diagonal:
// W W^T is formed once and each example only rescales it before a symmetric
// eigendecomposition; the singular values are the square roots of the
// min(In, Out) largest eigenvalues.
//
// Cancellation: W W^T is formed in chunks of rows with ctx checked between
// them. gonum's Dsyev cannot be interrupted, so when ctx is done this
// returns ctx's error at once instead of waiting for the solves in flight:
// each worker copies what it needs from the shared buffers (s.dw, the
// pass) into its own workspace under a lock, and after return none of them
// reads or writes shared state again. The solves already started (at most
// one per worker, min(GOMAXPROCS, JacobianExamples)) run on in the
// background with their own workspace, 8*Out^2 bytes each, and their
// results are dropped; no new one starts.
func (s *Stats) jacobianMeanSV(ctx context.Context, l int) (float64, error) {
	layer := s.net.Layers[l] // maps hidden layer l to hidden layer l+1
	out := layer.Out
	wwt := s.dw[:out*out]
	err := s.net.eachChunk(ctx, out, 2*out*layer.In, func(lo, hi int) {
		s.net.gemm(false, true, hi-lo, out, layer.In, 1, layer.W[lo*layer.In:hi*layer.In], layer.In, layer.W, layer.In, 0, wwt[lo*out:hi*out], out)
	})
	if err != nil {
		return math.NaN(), err
	}
	rank := min(out, layer.In)
	examples := min(s.opt.JacobianExamples, s.n)
	// Each example's eigendecomposition is independent: spread them over
	// the cores (they dominate a step-0 snapshot of a wide network), one
	// reusable workspace per worker so memory stays bounded.
	next := make(chan int, examples)
	for r := range examples {
		next <- r
	}
	close(next)
	// Buffered for every example, so a worker whose result is no longer
	// wanted never blocks.
	type result struct {
		r    int
		mean float64
	}
	results := make(chan result, examples)
	var shared sync.Mutex // held while a worker reads s.dw and s.pass
	abandoned := false    // set under shared when the call returns early
	for range jacobianWorkers(s.opt, s.n) {
		go func() {
			ws := newEigenWork(out)
			for r := range next {
				shared.Lock()
				if abandoned || ctx.Err() != nil {
					shared.Unlock()
					return
				}
				s.loadExample(l, r, wwt, ws)
				shared.Unlock()
				results <- result{r, ws.meanSV(rank)}
			}
		}()
	}
	means := make([]float64, examples)
	for range examples {
		select {
		case res := <-results:
			means[res.r] = res.mean
		case <-ctx.Done():
			shared.Lock()
			abandoned = true
			shared.Unlock()
			return math.NaN(), ctx.Err()
		}
	}
	// Summed in example order, so the result does not depend on which
	// worker finished first.
	var total float64
	for _, m := range means {
		total += m
	}
	return total / float64(examples), nil
}

// jacobianWorkers is how many eigendecompositions run at once, each with
// its own workspace.
func jacobianWorkers(opt StatsOptions, n int) int {
	return min(runtime.GOMAXPROCS(0), opt.JacobianExamples, n)
}

// eigenWork holds the buffers of one symmetric eigenvalue problem of order n.
type eigenWork struct {
	a, w, work, d []float64
}

func newEigenWork(n int) *eigenWork {
	return &eigenWork{a: make([]float64, n*n), w: make([]float64, n), d: make([]float64, n), work: make([]float64, eigenWorkLen(n))}
}

// eigenWorkLen is the length of the work array Dsyev asks for at order n.
func eigenWorkLen(n int) int {
	query := []float64{0}
	gonum.Implementation{}.Dsyev(lapack.EVNone, blas.Upper, n, nil, n, nil, query, -1)
	return int(query[0])
}

// loadExample sets ws.a to the upper triangle of D W W^T D for probe
// example r, with D = diag(f'(s^{l+1})).
func (s *Stats) loadExample(l, r int, wwt []float32, ws *eigenWork) {
	act := s.net.Activation
	out := s.net.Layers[l].Out
	pre := s.pass.Pre[l][r*out : (r+1)*out]
	d := ws.d
	for i, v := range pre {
		d[i] = act.Deriv(float64(v))
	}
	for i := range out {
		for j := i; j < out; j++ {
			ws.a[i*out+j] = d[i] * float64(wwt[i*out+j]) * d[j]
		}
	}
}

// meanSV is the mean of the square roots of the rank largest eigenvalues
// of the symmetric matrix in ws.a (upper triangle), which it overwrites.
func (ws *eigenWork) meanSV(rank int) float64 {
	n := len(ws.w)
	if !(gonum.Implementation{}).Dsyev(lapack.EVNone, blas.Upper, n, ws.a, n, ws.w, ws.work, len(ws.work)) {
		return math.NaN()
	}
	var sum float64
	for _, v := range ws.w[n-rank:] { // ascending order
		sum += math.Sqrt(math.Max(v, 0))
	}
	return sum / float64(rank)
}
