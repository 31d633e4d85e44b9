package nn

import (
	"context"
	"math"
)

// eigenWork holds the buffers of one symmetric eigenvalue problem of order
// up to n: the matrix in float64 and its float32 copy, its eigenvalues,
// and the derivatives f'(s) of the units kept (idx) with the order k of
// the current problem.
type eigenWork struct {
	a     []float64 // D W W^T D, as loadExample leaves it
	a32   []float32 // a scaled and rounded, for the float32 solve
	w, d  []float64
	idx   []int
	k     int
	tri32 *tridiagWork[float32]
	tri64 *tridiagWork[float64] // made when a problem first needs float64
	// solves64 counts the problems solved again in float64 (for tests).
	solves64 int
}

func newEigenWork(n int) *eigenWork {
	return &eigenWork{
		a: make([]float64, n*n), a32: make([]float32, n*n),
		w: make([]float64, n), d: make([]float64, n), idx: make([]int, n),
		tri32: newTridiagWork[float32](n),
	}
}

// eigenWorkLen is the number of 8-byte values (float64s, ints) an
// eigenWork of order n holds besides a, w and d, the float64 reduction's
// buffers included, which only some problems make.
func eigenWorkLen(n int) int {
	return (n*n+1)/2 + (tridiagWorkLen(n)+1)/2 + n + tridiagWorkLen(n) + 2*n
}

// sqrtTol is the largest relative error the float32 solve's bound may
// allow the mean singular value (the statistic's stated accuracy, which
// TestJacobianAgainstFloat64SVD checks); past it the problem is solved
// again in float64.
const sqrtTol = 1e-4

// f32ErrorUnits is the float32 solve's eigenvalue error, in units of
// u ||A||_2 (u = 2^-24): the input's rounding and the reduction's, about
// 0.8 measured on Jacobian problems of order 200 to 2000 (by ours and by
// LAPACK's ssyevd; TestSymEigenvaluesAgainstDsyev checks it on harder
// ones), with a margin of 4 (LAPACK's Users' Guide takes 1).
const f32ErrorUnits = 4

// meanSV is the mean of the square roots of the rank largest eigenvalues
// of D W W^T D as loadExample left it in ws (the zero eigenvalues of the
// units left out count in the rank), which it overwrites. It returns ctx's
// error if ctx is done before it finishes.
//
// It solves in float32 first: twice as fast, and exact enough unless
// singular values far below the largest count. With every eigenvalue
// within delta = f32ErrorUnits u ||A|| of the truth, each square root is
// within e_i = sqrt(2) delta / sqrt(max(lambda_i, delta)) of its own
// (|sqrt(a) - sqrt(b)| = |a - b| / (sqrt(a) + sqrt(b))). When the e_i sum to
// more than sqrtTol of the square roots' sum (half the units deep in
// saturation, say), the problem is solved again in float64.
func (ws *eigenWork) meanSV(ctx context.Context, rank int) (float64, error) {
	k := ws.k
	if k == 0 {
		return 0, nil
	}
	// Scaled by a power of two so that the largest diagonal entry (which
	// bounds every entry of a positive semi-definite matrix) is about 1:
	// exact, and far from float32's overflow and underflow.
	var big float64
	for p := range k {
		big = math.Max(big, ws.a[p*k+p])
	}
	top := min(rank, k)
	if big > 0 && !math.IsInf(big, 0) && !math.IsNaN(big) {
		_, exp := math.Frexp(big)
		scale := math.Ldexp(1, -exp)
		for p := range k {
			row, row32 := ws.a[p*k:(p+1)*k], ws.a32[p*k:(p+1)*k]
			for q := p; q < k; q++ {
				row32[q] = float32(row[q] * scale)
			}
		}
		ok, err := symEigenvalues(ctx, k, ws.a32[:k*k], k, ws.w[:k], ws.tri32)
		if err != nil {
			return math.NaN(), err
		}
		if ok {
			norm := math.Max(math.Abs(ws.w[0]), math.Abs(ws.w[k-1]))
			delta := f32ErrorUnits * 0x1p-24 * norm
			var sum, bound float64
			for _, v := range ws.w[k-top : k] {
				sum += math.Sqrt(math.Max(v, 0))
				if delta > 0 {
					bound += math.Sqrt2 * delta / math.Sqrt(math.Max(v, delta))
				}
			}
			if bound <= sqrtTol*sum || norm == 0 {
				return sum / math.Sqrt(scale) / float64(rank), nil
			}
		}
	}
	ws.solves64++
	if ws.tri64 == nil {
		ws.tri64 = newTridiagWork[float64](len(ws.w))
	}
	ok, err := symEigenvalues(ctx, k, ws.a[:k*k], k, ws.w[:k], ws.tri64)
	if err != nil {
		return math.NaN(), err
	}
	if !ok {
		return math.NaN(), nil
	}
	var sum float64
	for _, v := range ws.w[k-top : k] { // ascending order
		sum += math.Sqrt(math.Max(v, 0))
	}
	return sum / float64(rank), nil
}
