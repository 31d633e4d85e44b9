package nn

import (
	"math"
	"slices"

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
	d := make([]float64, out)
	a := mat.NewSymDense(out, nil)
	var eig mat.EigenSym
	var total float64
	for r := range examples {
		pre := s.pass.Pre[l][r*out : (r+1)*out]
		for i, v := range pre {
			d[i] = net.Activation.Deriv(float64(v))
		}
		for i := range out {
			for j := i; j < out; j++ {
				a.SetSym(i, j, d[i]*float64(wwt[i*out+j])*d[j])
			}
		}
		if !eig.Factorize(a, false) {
			return math.NaN()
		}
		vals := eig.Values(nil)
		slices.Sort(vals)
		var sum float64
		for _, v := range vals[len(vals)-rank:] {
			sum += math.Sqrt(math.Max(v, 0))
		}
		total += sum / float64(rank)
	}
	return total / float64(examples)
}
