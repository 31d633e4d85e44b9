package nn

import (
	"context"
	"math"
)

// eigenWork holds the buffers of one symmetric eigenvalue problem of order
// up to n: the matrix, its eigenvalues, and the derivatives f'(s) of the
// units kept (idx) with the order k of the current problem.
type eigenWork struct {
	a, w, d []float64
	idx     []int
	k       int
	tri     *tridiagWork
}

func newEigenWork(n int) *eigenWork {
	return &eigenWork{a: make([]float64, n*n), w: make([]float64, n), d: make([]float64, n), idx: make([]int, n), tri: newTridiagWork(n)}
}

// eigenWorkLen is the number of float64s (or ints, of the same size) an
// eigenWork of order n holds besides a, w and d.
func eigenWorkLen(n int) int {
	return tridiagWorkLen(n) + n
}

// meanSV is the mean of the square roots of the rank largest eigenvalues
// of D W W^T D as loadExample left it in ws (the zero eigenvalues of the
// units left out count in the rank), which it overwrites. It returns ctx's
// error if ctx is done before it finishes.
func (ws *eigenWork) meanSV(ctx context.Context, rank int) (float64, error) {
	k := ws.k
	ok, err := symEigenvalues(ctx, k, ws.a[:k*k], k, ws.w[:k], ws.tri)
	if err != nil {
		return math.NaN(), err
	}
	if !ok {
		return math.NaN(), nil
	}
	var sum float64
	for _, v := range ws.w[k-min(rank, k) : k] { // ascending order
		sum += math.Sqrt(math.Max(v, 0))
	}
	return sum / float64(rank), nil
}
