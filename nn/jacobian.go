package nn

import (
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
func (s *Stats) jacobianMeanSV(l int) float64 {
	layer := s.net.Layers[l] // maps hidden layer l to hidden layer l+1
	out := layer.Out
	wwt := s.dw[:out*out]
	gemm(false, true, out, out, layer.In, 1, layer.W, layer.In, layer.W, layer.In, 0, wwt, out)
	rank := min(out, layer.In)
	examples := min(s.opt.JacobianExamples, s.n)
	// Each example's eigendecomposition is independent: spread them over
	// the cores (they dominate a step-0 snapshot of a wide network), one
	// reusable workspace per worker so memory stays bounded.
	means := make([]float64, examples)
	next := make(chan int, examples)
	for r := range examples {
		next <- r
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), examples) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws := newEigenWork(out)
			for r := range next {
				means[r] = s.exampleMeanSV(l, r, wwt, rank, ws)
			}
		}()
	}
	wg.Wait()
	var total float64
	for _, m := range means {
		total += m
	}
	return total / float64(examples)
}

// eigenWork holds the buffers of one symmetric eigenvalue problem of order n.
type eigenWork struct {
	a, w, work, d []float64
}

func newEigenWork(n int) *eigenWork {
	ws := &eigenWork{a: make([]float64, n*n), w: make([]float64, n), d: make([]float64, n)}
	query := []float64{0}
	gonum.Implementation{}.Dsyev(lapack.EVNone, blas.Upper, n, ws.a, n, ws.w, query, -1)
	ws.work = make([]float64, int(query[0]))
	return ws
}

// exampleMeanSV is the mean of the rank largest singular values of
// D W W^T D for probe example r, with D = diag(f'(s^{l+1})).
func (s *Stats) exampleMeanSV(l, r int, wwt []float32, rank int, ws *eigenWork) float64 {
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
	if !(gonum.Implementation{}).Dsyev(lapack.EVNone, blas.Upper, out, ws.a, out, ws.w, ws.work, len(ws.work)) {
		return math.NaN()
	}
	var sum float64
	for _, v := range ws.w[out-rank:] { // ascending order
		sum += math.Sqrt(math.Max(v, 0))
	}
	return sum / float64(rank)
}
