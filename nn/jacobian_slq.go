package nn

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
)

// This file estimates the Jacobian statistic of wide layers, where the
// exact eigenvalues cost too much (a layer of width 4096 is a problem of
// order 4096 per example, 5e10 flops, seconds each): stochastic Lanczos
// quadrature (Ubaru, Chen and Saad 2017) of
//
//	mean singular value = tr((J J^T)^{1/2}) / rank,
//
// exact as an identity because the zero eigenvalues add nothing to the
// trace. For each example, probes z (random signs on the units with f' != 0,
// k_e of them) give E[z^T A^{1/2} z] = tr(A^{1/2}) with A = D W W^T D, and
// z^T A^{1/2} z is a Gauss quadrature over the Ritz values of slqSteps
// Lanczos steps with A, which only multiply by W and W^T: the products of
// all the examples' probes together are two skinny GEMMs per step, and
// W W^T is never formed.
//
// Its error, stated per measurement (slqError) and tested against the
// exact solve (TestJacobianSLQAgainstExact):
//   - quadrature: sqrt's derivatives alternate in sign on (0, inf), so the
//     Gauss rule overestimates z^T A^{1/2} z and the Gauss-Radau rule with
//     a node fixed at 0 (A is positive semi-definite) underestimates it
//     (Golub and Meurant, "Matrices, Moments and Quadrature", ch. 6): the
//     estimate is their midpoint and its error at most half their gap;
//   - sampling: with the control variate b z^T A z (whose mean b tr(A) is
//     known exactly, tr(A) = sum_i d_i^2 |W_i|^2), the probe's variance is
//     2 sum_{i!=j} B_ij^2 <= 2 ||B - cI||_F^2 for B = g(A) = A^{1/2} - b A
//     and any c (Rademacher probes), that is 2 k_e Var(g(lambda)) over A's
//     spectrum, which the Ritz values and weights estimate; b minimises it.
//
// At width 4096 (3 examples, 3 probes each, 30 steps) the quadrature's
// bound is 0.05% of the mean and the standard error 0.12%; at 1024, 0.05%
// and 0.25% (BenchmarkJacobianLayer reports both).

// JacobianExactWidth is the widest layer whose Jacobian statistic is
// solved exactly (the paper's 1000 included); wider ones are estimated by
// stochastic Lanczos quadrature, to about 0.3% of the mean (a bias bound
// of 0.05% plus two standard errors of 0.12% at width 4096; see
// jacobian_slq.go). Solved exactly, a layer of width 2048 took 6.5 times
// as long as its estimate (BenchmarkJacobianLayer).
const JacobianExactWidth = 1024

// JacobianEstimated says whether the Jacobian statistic of a layer of
// width out is estimated rather than solved exactly.
func JacobianEstimated(out int) bool { return out > JacobianExactWidth }

const (
	slqSteps  = 30 // Lanczos steps per probe: quadrature nodes
	slqProbes = 3  // probes per example
	// slqGroup is how many examples' probes are multiplied together:
	// sgemm streams W in place for up to 10 rows of A (its AVX-512 and
	// NEON tile height, and its dot-product kernel's), and 3 x 3 fit.
	slqGroup = 3
)

// slqWork holds the estimator's buffers, kept across the layers of a
// measurement.
type slqWork struct {
	q       []float64 // Lanczos vectors: (slqSteps+1) x cols x n, each vector contiguous
	x, u, y []float32 // the products' blocks transposed, cols x n, cols x in, cols x n
	d       []float64 // f'(s) per example, examples x n
}

func (w *slqWork) size(n, in, cols, examples int) {
	grow := func(s []float64, l int) []float64 {
		if cap(s) < l {
			return make([]float64, l)
		}
		return s[:l]
	}
	grow32 := func(s []float32, l int) []float32 {
		if cap(s) < l {
			return make([]float32, l)
		}
		return s[:l]
	}
	sz := slqLens(n, in, cols, examples)
	w.q = grow(w.q, sz.q)
	w.x, w.u, w.y = grow32(w.x, sz.x), grow32(w.u, sz.u), grow32(w.y, sz.y)
	w.d = grow(w.d, sz.d)
}

// slqSizes are the lengths of slqWork's buffers.
type slqSizes struct{ q, x, u, y, d int }

// slqLens is what slqWork.size makes for a layer of n units and in inputs,
// cols probes of examples examples; StatsBytes counts the same.
func slqLens(n, in, cols, examples int) slqSizes {
	return slqSizes{q: (slqSteps + 1) * cols * n, x: n * cols, u: in * cols, y: n * cols, d: examples * n}
}

// slqBytes is what the estimator's buffers take for a measurement of a
// layer of n units and in inputs over examples examples: one group of at
// most slqGroup examples at a time, in one slqWork (layers are estimated
// one after another).
func slqBytes(n, in, examples int) int64 {
	group := min(slqGroup, examples)
	sz := slqLens(n, in, group*slqProbes, group)
	return int64(sz.q+sz.d)*bytesF64 + int64(sz.x+sz.u+sz.y)*bytesF32
}

// slqError is the estimate's stated relative error: bias is the
// quadrature's bound, stdErr the sampling standard error's.
type slqError struct {
	bias, stdErr float64
}

// jacobianSLQ estimates jacobianMeanSV of hidden layer l by stochastic
// Lanczos quadrature, slqGroup examples at a time (so its buffers and the
// time between two looks at ctx stay bounded whatever JacobianExamples
// is). It checks ctx before every Lanczos step: two products with W of
// slqGroup x slqProbes columns.
func (s *Stats) jacobianSLQ(ctx context.Context, l int, w *slqWork) (float64, slqError, error) {
	layer := s.net.Layers[l]
	rank := min(layer.Out, layer.In)
	examples := min(s.opt.JacobianExamples, s.n)
	// The probes: random signs on the active units, drawn from a source
	// seeded by the layer, so a measurement is repeatable.
	rng := rand.New(rand.NewPCG(uint64(l), 0x51a))
	var sum, bias, variance float64
	for e0 := 0; e0 < examples; e0 += slqGroup {
		est, err := s.slqExamples(ctx, l, w, e0, min(slqGroup, examples-e0), rng)
		if err != nil {
			return math.NaN(), slqError{}, err
		}
		sum, bias, variance = sum+est.sum, bias+est.bias, variance+est.variance
	}
	mean := sum / float64(examples) / float64(rank)
	if sum <= 0 {
		return mean, slqError{}, nil
	}
	return mean, slqError{bias: bias / sum, stdErr: math.Sqrt(variance) / sum}, nil
}

// slqSums are a group of examples' estimates of tr(A^{1/2}) summed, with
// the sum of their quadrature bounds and of their sampling variances.
type slqSums struct{ sum, bias, variance float64 }

// slqExamples estimates tr(A^{1/2}) for the examples e0 to e0+examples-1
// of layer l, running the Lanczos of all their probes together.
func (s *Stats) slqExamples(ctx context.Context, l int, w *slqWork, e0, examples int, rng *rand.Rand) (slqSums, error) {
	layer := s.net.Layers[l]
	n, in := layer.Out, layer.In
	cols := examples * slqProbes
	w.size(n, in, cols, examples)

	active := make([]int, examples)
	for e := range examples {
		d := w.d[e*n : (e+1)*n]
		pre := s.pass.Pre[l][(e0+e)*n : (e0+e+1)*n]
		for i, v := range pre {
			d[i] = s.net.Activation.Deriv(float64(v))
			if d[i] != 0 {
				active[e]++
			}
		}
		for p := range slqProbes {
			q := w.q[(e*slqProbes+p)*n : (e*slqProbes+p+1)*n]
			scale := 1 / math.Sqrt(float64(max(active[e], 1)))
			for i := range q {
				q[i] = 0
				if d[i] != 0 {
					q[i] = scale
					if rng.Uint64()&1 == 0 {
						q[i] = -scale
					}
				}
			}
		}
	}
	vec := func(j, c int) []float64 { return w.q[(j*cols+c)*n : (j*cols+c+1)*n] }

	alpha := make([]float64, slqSteps*cols)
	beta := make([]float64, slqSteps*cols)
	steps := make([]int, cols)      // Lanczos steps taken per column
	invariant := make([]bool, cols) // the Krylov space closed: Gauss is exact
	live := make([]bool, cols)
	for c := range cols {
		live[c] = active[c/slqProbes] > 0
	}
	for j := range slqSteps {
		if err := ctx.Err(); err != nil {
			return slqSums{}, err
		}
		// Y^T = Q_j^T D W W^T D for every column at once: products with
		// so few rows stream W from memory as it is, where more rows
		// would first copy all of W.
		for c := range cols {
			d, q, x := w.d[c/slqProbes*n:][:n], vec(j, c), w.x[c*n:(c+1)*n]
			for i := range n {
				x[i] = 0
				if live[c] {
					x[i] = float32(d[i] * q[i])
				}
			}
		}
		s.net.gemm(false, false, cols, in, n, 1, w.x, n, layer.W, in, 0, w.u, in)
		s.net.gemm(false, true, cols, n, in, 1, w.u, in, layer.W, in, 0, w.y, n)
		// The probes' Lanczos steps are independent: up to opt.Threads
		// columns at once, between the products (which have the threads
		// to themselves), each column's arithmetic as it is alone.
		s.eachColumn(cols, func(c int) {
			if !live[c] {
				return
			}
			d, q := w.d[c/slqProbes*n:][:n], vec(j, c)
			next := vec(j+1, c)
			y := w.y[c*n : (c+1)*n]
			for i := range n {
				next[i] = d[i] * float64(y[i])
			}
			if j > 0 {
				axpy(-beta[(j-1)*cols+c], vec(j-1, c), next)
			}
			a := dot(q, next)
			axpy(-a, q, next)
			// Full reorthogonalization: the products are float32, and
			// lost orthogonality would repeat Ritz values.
			for k := 0; k <= j; k++ {
				qk := vec(k, c)
				axpy(-dot(qk, next), qk, next)
			}
			b := math.Sqrt(dot(next, next))
			alpha[j*cols+c], beta[j*cols+c] = a, b
			steps[c] = j + 1
			if b <= 1e-10*math.Abs(alpha[c]) {
				live[c], invariant[c] = false, true
				return
			}
			for i := range next {
				next[i] /= b
			}
		})
	}

	// Quadrature per column, then the control variate and the bounds per
	// example.
	var sums slqSums
	for e := range examples {
		if active[e] == 0 {
			continue // D = 0: J = 0, every singular value 0
		}
		k := float64(active[e])
		d := w.d[e*n : (e+1)*n]
		var trA float64 // tr(A) = sum_i d_i^2 |W_i|^2
		for i, di := range d {
			if di != 0 {
				row := layer.W[i*in : (i+1)*in]
				var r float64
				for _, v := range row {
					r += float64(v) * float64(v)
				}
				trA += di * di * r
			}
		}
		var nodes, weights []float64 // the Ritz measure of the example's probes, weights summing to 1
		mids := make([]float64, slqProbes)
		first := make([]float64, slqProbes) // z^T A z / k = alpha_1
		var half float64
		for p := range slqProbes {
			c := e*slqProbes + p
			m := steps[c]
			a := make([]float64, m)
			b := make([]float64, m)
			for j := range m {
				a[j], b[j] = alpha[j*cols+c], beta[j*cols+c]
			}
			th, tau := gaussRule(a, b[:m-1])
			gauss := quadSqrt(th, tau)
			radau := gauss
			if !invariant[c] {
				if r, ok := radauRule(a, b); ok {
					radau = quadSqrt(r.th, r.tau)
				}
			}
			mids[p] = k * (gauss + radau) / 2
			half += k * math.Abs(gauss-radau) / 2
			first[p] = k * a[0]
			for i := range th {
				nodes = append(nodes, th[i])
				weights = append(weights, tau[i]/slqProbes)
			}
		}
		bCV, varG := controlVariate(nodes, weights)
		var est float64
		for p := range slqProbes {
			est += mids[p] - bCV*first[p]
		}
		sums.sum += est/slqProbes + bCV*trA
		sums.bias += half / slqProbes
		sums.variance += 2 * k * varG / slqProbes
	}
	return sums, nil
}

// eachColumn calls f(c) for c in [0, cols), on up to opt.Threads
// goroutines, and returns when every call has.
func (s *Stats) eachColumn(cols int, f func(c int)) {
	workers := min(s.opt.Threads, cols)
	if workers <= 1 {
		for c := range cols {
			f(c)
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := w; c < cols; c += workers {
				f(c)
			}
		}()
	}
	wg.Wait()
}

// gaussRule returns the nodes (eigenvalues) and weights (squared first
// components of the eigenvectors) of the symmetric tridiagonal matrix with
// diagonal a and off-diagonal b: the Gauss quadrature of the Lanczos run.
func gaussRule(a, b []float64) (nodes, weights []float64) {
	m := len(a)
	d := append([]float64(nil), a...)
	e := append(append([]float64(nil), b...), 0)
	z := make([]float64, m*m)
	work := make([]float64, max(1, 2*m-2))
	if !(gonum.Implementation{}).Dsteqr(lapack.EVTridiag, m, d, e, z, m, work) {
		return nil, nil
	}
	weights = make([]float64, m)
	for k := range m {
		weights[k] = z[k] * z[k] // row 0, column k
	}
	return d, weights
}

// radauRule is the Gauss-Radau rule with a node fixed at 0: the Lanczos
// matrix of len(a) steps extended by one row whose diagonal entry puts an
// eigenvalue at 0, b[len(a)-1] its off-diagonal (Golub and Meurant, ch.
// 6.2). ok is false when the Lanczos matrix is numerically singular.
func radauRule(a, b []float64) (r struct{ th, tau []float64 }, ok bool) {
	m := len(a)
	// delta_m of (T - 0 I) delta = b_m^2 e_m, from the LDL^T pivots.
	piv := a[0]
	for j := 1; j < m; j++ {
		if piv <= 0 {
			return r, false
		}
		piv = a[j] - b[j-1]*b[j-1]/piv
	}
	if piv <= 0 {
		return r, false
	}
	ext := append(append([]float64(nil), a...), b[m-1]*b[m-1]/piv)
	r.th, r.tau = gaussRule(ext, b[:m])
	return r, r.th != nil
}

// quadSqrt is sum_k weights_k sqrt(max(nodes_k, 0)).
func quadSqrt(nodes, weights []float64) float64 {
	var s float64
	for k, t := range nodes {
		s += weights[k] * math.Sqrt(math.Max(t, 0))
	}
	return s
}

// controlVariate returns the b minimising the variance of g(t) = sqrt(t) -
// b t under the measure (nodes, weights summing to 1), and that variance.
func controlVariate(nodes, weights []float64) (b, varG float64) {
	var mt, ms float64
	for k, t := range nodes {
		mt += weights[k] * t
		ms += weights[k] * math.Sqrt(math.Max(t, 0))
	}
	var ctt, cst, css float64
	for k, t := range nodes {
		dt, ds := t-mt, math.Sqrt(math.Max(t, 0))-ms
		ctt += weights[k] * dt * dt
		cst += weights[k] * ds * dt
		css += weights[k] * ds * ds
	}
	if ctt > 0 {
		b = cst / ctt
	}
	return b, math.Max(css-b*cst, 0)
}
