package nn

import (
	"context"
	"math"
	"sync"
)

// jacobianMeanSV returns the mean singular value of J = dz^{l+1}/dz^l for
// hidden layer l (1-based, l < Depth), averaged over the first few probe
// examples of the last forward pass: exact up to JacobianExactWidth, and
// estimated above it (jacobianSLQ), with relErr the estimate's stated
// relative error (0 when exact).
//
// J = diag(f'(s^{l+1})) W^{l+1}, so J J^T = D (W W^T) D with D diagonal:
// W W^T is formed once and each example only rescales it before a symmetric
// eigendecomposition; the singular values are the square roots of the
// min(In, Out) largest eigenvalues. The solve runs in float32 and again in
// float64 when float32's error bound on the mean exceeds 1e-4 (see
// eigenWork.meanSV).
//
// Cancellation: W W^T is formed in chunks of rows with ctx checked between
// them, and each eigenvalue solve (symEigenvalues) checks ctx between its
// panels of tridiagBlock columns. When ctx is done this returns ctx's error
// at once: each worker copies what it needs from the shared buffers (s.dw,
// the pass) into its own workspace under a lock, and after return none of
// them reads or writes shared state again. A solve in flight (at most one
// per worker, jacobianWorkers of them) stops at its next panel
// with its own workspace, and its result is dropped; no new one starts.
func (s *Stats) jacobianMeanSV(ctx context.Context, l int, works *eigenWorks) (mean, relErr float64, err error) {
	layer := s.net.Layers[l] // maps hidden layer l to hidden layer l+1
	if JacobianEstimated(layer.Out) {
		mean, stated, err := s.jacobianSLQ(ctx, l, &works.slq)
		return mean, stated.bias + 2*stated.stdErr, err
	}
	mean, err = s.jacobianExact(ctx, l, works)
	if math.IsNaN(mean) {
		return mean, math.NaN(), err
	}
	return mean, 0, err
}

// jacobianExact is jacobianMeanSV from the eigenvalues.
func (s *Stats) jacobianExact(ctx context.Context, l int, works *eigenWorks) (float64, error) {
	layer := s.net.Layers[l]
	out := layer.Out
	wwt := s.dw[:out*out]
	in := layer.In
	// Only W W^T's upper triangle (diagonal included) is read, so each
	// block of gramRows rows is formed from its diagonal on: about half
	// the products of the whole matrix.
	err := s.net.eachChunk(ctx, out, out*in, func(lo, hi int) {
		for r := lo; r < hi; r += gramRows {
			e := min(hi, r+gramRows)
			s.net.gemm(false, true, e-r, out-r, in, 1, layer.W[r*in:e*in], in, layer.W[r*in:], in, 0, wwt[r*out+r:], out)
		}
	})
	if err != nil {
		return math.NaN(), err
	}
	rank := min(out, layer.In)
	examples := min(s.opt.JacobianExamples, s.n)
	// Each example's eigendecomposition is independent: spread them over
	// the cores (they dominate a step-0 snapshot of a wide network), one
	// workspace per worker so memory stays bounded, kept in works for the
	// next layer of the same measurement.
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
	for w := range jacobianWorkers(s.opt, s.n) {
		// Taken here, not in the worker: a worker of the previous layer
		// that found no example left may start only now, and it must
		// not touch works.
		ws := works.get(w, out)
		go func() {
			for r := range next {
				shared.Lock()
				if abandoned || ctx.Err() != nil {
					shared.Unlock()
					return
				}
				s.loadExample(l, r, wwt, ws)
				shared.Unlock()
				mean, err := ws.meanSV(ctx, rank)
				if err != nil {
					return // cancelled: the loop below returns ctx's error
				}
				results <- result{r, mean}
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

// gramRows is the height of the row blocks in which W W^T's upper
// triangle is formed: tall enough for the GEMM's tiles, short enough that
// the part left of the diagonal it still computes is small.
const gramRows = 128

// eigenWorks are the Jacobian's workspaces, one per worker, made when a
// measurement first needs them and kept for its other layers: a snapshot
// of a 5 x 1000 network allocated 72 MB in them, layer by layer, and the
// collector's work showed in its profile. A measurement cancelled drops
// them with itself (a solve in flight may still be writing one).
type eigenWorks struct {
	ws  []*eigenWork
	slq slqWork // the estimator's, for layers wider than JacobianExactWidth
}

// get is worker w's workspace for problems of order up to n. Only the
// goroutine that measures calls it, before it starts the workers.
func (e *eigenWorks) get(w, n int) *eigenWork {
	for len(e.ws) <= w {
		e.ws = append(e.ws, nil)
	}
	if ws := e.ws[w]; ws != nil && len(ws.w) >= n {
		return ws
	}
	e.ws[w] = newEigenWork(n)
	return e.ws[w]
}

// jacobianWorkers is how many eigendecompositions run at once, each with
// its own workspace: at most opt.Threads (opt with its defaults applied).
func jacobianWorkers(opt StatsOptions, n int) int {
	return max(1, min(opt.Threads, opt.JacobianExamples, n))
}

// loadExample sets ws.a to the upper triangle (row-major) of D W W^T D for
// probe example r, with D = diag(f'(s^{l+1})), leaving out the units whose
// f' is exactly 0 (inactive relu units): their rows and columns are zero,
// so they only add zero eigenvalues, and the problem shrinks to the order
// ws.k of the others.
func (s *Stats) loadExample(l, r int, wwt []float32, ws *eigenWork) {
	act := s.net.Activation
	out := s.net.Layers[l].Out
	pre := s.pass.Pre[l][r*out : (r+1)*out]
	d, idx := ws.d, ws.idx
	k := 0
	for i, v := range pre {
		if dv := act.Deriv(float64(v)); dv != 0 {
			d[k], idx[k] = dv, i
			k++
		}
	}
	ws.k = k
	for p := range k {
		row := wwt[idx[p]*out : (idx[p]+1)*out]
		ap := ws.a[p*k : (p+1)*k]
		for q := p; q < k; q++ {
			ap[q] = d[p] * float64(row[idx[q]]) * d[q]
		}
	}
}
