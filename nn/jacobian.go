package nn

import (
	"context"
	"math"
	"sync"
)

// jacobianMeanSV returns jacobianMeans's values for hidden layer l
// (1-based, l < Depth). The first call of a measurement (works empty)
// computes every layer's, so that the eigenproblems of all the layers
// share one queue, and keeps them in works for the calls that follow.
func (s *Stats) jacobianMeanSV(ctx context.Context, l int, works *eigenWorks) (mean, relErr float64, err error) {
	if works.means == nil {
		means, relErrs, err := s.jacobianMeans(ctx, works)
		if err != nil {
			return math.NaN(), math.NaN(), err
		}
		works.means, works.relErrs = means, relErrs
	}
	return works.means[l-1], works.relErrs[l-1], nil
}

// jacobianMeans returns, for each hidden layer l below the top (1-based,
// at index l-1), the mean singular value of J = dz^{l+1}/dz^l averaged
// over the first few probe examples of the last forward pass, and its
// stated relative error: exact up to JacobianExactWidth (error 0), and
// estimated above it (jacobianSLQ).
//
// J = diag(f'(s^{l+1})) W^{l+1}, so J J^T = D (W W^T) D with D diagonal:
// W W^T is formed once per layer and each example only rescales it before
// a symmetric eigendecomposition; the singular values are the square roots
// of the min(In, Out) largest eigenvalues. The solve runs in float32 and
// again in float64 when float32's error bound on the mean exceeds 1e-4
// (see eigenWork.meanSV).
func (s *Stats) jacobianMeans(ctx context.Context, works *eigenWorks) (means, relErrs []float64, err error) {
	means, relErrs = make([]float64, s.net.Depth-1), make([]float64, s.net.Depth-1)
	var exact []int
	for l := 1; l < s.net.Depth; l++ {
		if !JacobianEstimated(s.net.Layers[l].Out) {
			exact = append(exact, l)
			continue
		}
		mean, stated, err := s.jacobianSLQ(ctx, l, &works.slq)
		if err != nil {
			return nil, nil, err
		}
		means[l-1], relErrs[l-1] = mean, stated.bias+2*stated.stdErr
	}
	exactMeans, err := s.jacobianExact(ctx, exact, works)
	if err != nil {
		return nil, nil, err
	}
	for i, l := range exact {
		means[l-1] = exactMeans[i]
		if math.IsNaN(means[l-1]) {
			relErrs[l-1] = math.NaN()
		}
	}
	return means, relErrs, nil
}

// jacobianExact is jacobianMeans's exact value for each of the layers.
//
// The eigenproblems of every layer and example are independent: workers
// (jacobianWorkers of them, one workspace each) take them in turn from one
// queue across the layers, so none idles at the end of a layer while
// another finishes its last problem (3 examples on 2 cores left one core
// idle a third of the time). One buffer, s.dw, holds W W^T: the next
// layer's is formed once every example of the current one has been copied
// out of it.
//
// Cancellation: W W^T is formed in chunks of rows with ctx checked between
// them, and each eigenvalue solve (symEigenvalues) checks ctx between its
// panels of tridiagBlock columns. When ctx is done this returns ctx's error
// at once: each worker copies what it needs from the shared buffers (s.dw,
// the pass) into its own workspace under a lock, and after return none of
// them reads or writes shared state again. A solve in flight (at most one
// per worker) stops at its next panel with its own workspace, and its
// result is dropped; no new one starts.
func (s *Stats) jacobianExact(ctx context.Context, layers []int, works *eigenWorks) ([]float64, error) {
	if len(layers) == 0 {
		return nil, nil
	}
	examples := min(s.opt.JacobianExamples, s.n)
	type job struct{ i, r int } // layers[i], example r
	jobs := make(chan job, len(layers)*examples)
	// Buffered for every problem, so a worker whose result is no longer
	// wanted never blocks.
	type result struct {
		job
		mean float64
	}
	results := make(chan result, len(layers)*examples)
	loaded := make(chan struct{}, len(layers)*examples) // one per problem copied out of s.dw
	var shared sync.Mutex                               // held while a worker reads s.dw and s.pass
	abandoned := false                                  // set under shared when the call returns early
	abandon := func() {
		shared.Lock()
		abandoned = true
		shared.Unlock()
	}
	order := 0
	for _, l := range layers {
		order = max(order, s.net.Layers[l].Out)
	}
	for w := range jacobianWorkers(s.opt, s.n) {
		// Taken here, not in the worker: a worker of a previous
		// measurement that found no problem left may start only now,
		// and it must not touch works.
		ws := works.get(w, order)
		go func() {
			for jb := range jobs {
				shared.Lock()
				if abandoned || ctx.Err() != nil {
					shared.Unlock()
					return
				}
				l := layers[jb.i]
				s.loadExample(l, jb.r, s.dw[:s.net.Layers[l].Out*s.net.Layers[l].Out], ws)
				shared.Unlock()
				loaded <- struct{}{}
				mean, err := ws.meanSV(ctx, min(s.net.Layers[l].Out, s.net.Layers[l].In))
				if err != nil {
					return // cancelled: the caller returns ctx's error
				}
				results <- result{jb, mean}
			}
		}()
	}
	defer close(jobs)
	means := make([][]float64, len(layers))
	for i := range means {
		means[i] = make([]float64, examples)
	}
	// Layer i's W W^T is formed once every example of layer i-1 is
	// copied out of s.dw and a worker is free: with one thread the
	// products and the solves still take turns, and with more the
	// product (whose threads the network's Gemm bounds) overlaps with at
	// most workers-1 solves.
	workers := jacobianWorkers(s.opt, s.n)
	next, copied, done := 0, 0, 0
	for done < len(layers)*examples {
		if next < len(layers) && copied == next*examples && copied-done < workers {
			if err := s.gram(ctx, layers[next]); err != nil {
				abandon()
				return nil, err
			}
			for r := range examples {
				jobs <- job{next, r}
			}
			next++
			continue
		}
		select {
		case <-loaded:
			copied++
		case res := <-results:
			means[res.i][res.r] = res.mean
			done++
		case <-ctx.Done():
			abandon()
			return nil, ctx.Err()
		}
	}
	// Summed in example order, so the result does not depend on which
	// worker finished first.
	out := make([]float64, len(layers))
	for i, m := range means {
		var total float64
		for _, v := range m {
			total += v
		}
		out[i] = total / float64(examples)
	}
	return out, nil
}

// gram sets s.dw to the upper triangle of W W^T (row-major) for the
// weights W of layer l. Only the upper triangle (diagonal included) is
// read, so each block of gramRows rows is formed from its diagonal on:
// about half the products of the whole matrix.
func (s *Stats) gram(ctx context.Context, l int) error {
	layer := s.net.Layers[l]
	out, in := layer.Out, layer.In
	wwt := s.dw[:out*out]
	return s.net.eachChunk(ctx, out, out*in, func(lo, hi int) {
		for r := lo; r < hi; r += gramRows {
			e := min(hi, r+gramRows)
			s.net.gemm(false, true, e-r, out-r, in, 1, layer.W[r*in:e*in], in, layer.W[r*in:], in, 0, wwt[r*out+r:], out)
		}
	})
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
	// means and relErrs are the measurement's results (jacobianMeanSV).
	means, relErrs []float64
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
