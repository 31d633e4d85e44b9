package nn

import (
	"math"
	"runtime"
	"slices"
	"sync"

	"gonum.org/v1/gonum/mat"
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
	net := s.net
	layer := net.Layers[l] // maps hidden layer l to hidden layer l+1
	out := layer.Out
	wwt := s.dw[:out*out]
	gemm(false, true, out, out, layer.In, 1, layer.W, layer.In, layer.W, layer.In, 0, wwt, out)
	rank := min(out, layer.In)
	examples := min(s.opt.JacobianExamples, s.n)
	// Each example's eigendecomposition is independent: spread them over
	// the cores (they dominate a step-0 snapshot of a wide network).
	means := make([]float64, examples)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for r := range examples {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			means[r] = s.exampleMeanSV(l, r, wwt, rank)
		}()
	}
	wg.Wait()
	var total float64
	for _, m := range means {
		total += m
	}
	return total / float64(examples)
}

// exampleMeanSV is the mean of the rank largest singular values of
// D W W^T D for probe example r, with D = diag(f'(s^{l+1})).
func (s *Stats) exampleMeanSV(l, r int, wwt []float32, rank int) float64 {
	act := s.net.Activation
	out := s.net.Layers[l].Out
	pre := s.pass.Pre[l][r*out : (r+1)*out]
	d := make([]float64, out)
	for i, v := range pre {
		d[i] = act.Deriv(float64(v))
	}
	a := mat.NewSymDense(out, nil)
	for i := range out {
		for j := i; j < out; j++ {
			a.SetSym(i, j, d[i]*float64(wwt[i*out+j])*d[j])
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(a, false) {
		return math.NaN()
	}
	vals := eig.Values(nil)
	slices.Sort(vals)
	var sum float64
	for _, v := range vals[len(vals)-rank:] {
		sum += math.Sqrt(math.Max(v, 0))
	}
	return sum / float64(rank)
}
