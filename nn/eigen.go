package nn

import (
	"context"
	"math"

	"gonum.org/v1/gonum/lapack/gonum"
)

// This file computes the eigenvalues of a dense symmetric matrix, stored in
// float32 or float64: a blocked Householder reduction to tridiagonal form
// (LAPACK's ssytrd and dsytrd with latrd panels and a syr2k trailing update,
// lower triangle) written for contiguous access, then gonum's Dsterf on the
// tridiagonal matrix in float64. In float32 the reduction streams half the
// bytes and its vectors hold twice the lanes; its error is LAPACK's
// single-precision one (see eigenwork.go for when that is enough).
//
// gonum's own Dsytrd does the same arithmetic, but its matrix-vector
// products walk the Householder vectors with the matrix's row stride and
// its rank-2k update computes each entry as a separate dot product over
// strided rows, so it falls off the cache as the order grows (0.77 s at
// order 1000, 21 s at 2048, about 130 s at 4096 on the machine the issue was
// measured on). Here every vector and every updated column is contiguous,
// and the update runs in register tiles over packed panels.
//
// The matrix is stored column-major in the lower triangle, which is the
// same memory as row-major in the upper triangle: element (r, c), r >= c,
// is a[c*lda+r]. Column c below the diagonal is therefore contiguous.

// tridiagBlock is the panel width of the blocked reduction: the number of
// columns reduced between two rank-2k updates, and between two checks of
// the context.
const tridiagBlock = 32

// float is the element type of a reduction: float32 or float64.
type float interface{ ~float32 | ~float64 }

// tridiagWork holds the buffers of the reduction for matrices up to order n.
type tridiagWork[T float] struct {
	w      []T       // n x tridiagBlock panel of latrd's W, column-major
	xp, yp []T       // packed panels of the rank-2k update
	e, tau []T       // off-diagonal and Householder scalars
	e64    []float64 // the off-diagonal for Dsterf
	k      *eigenKernels[T]
	// sc holds the assembly's small array arguments: passed to a function
	// value they escape, and as locals cost a heap allocation per call.
	sc [2][4]T
}

// tridiagWorkLen is the number of values of T newTridiagWork allocates
// (and n float64s besides).
func tridiagWorkLen(n int) int {
	return n*tridiagBlock + 2*packLen(n) + 2*n
}

// packLen is the length of one packed panel of the rank-2k update: up to n
// rows rounded up to a whole tile (up to maxTileRows rows), 2*tridiagBlock
// values each.
func packLen(n int) int {
	return (n + maxTileRows - 1) / maxTileRows * maxTileRows * 2 * tridiagBlock
}

// newTridiagWork makes the buffers for orders up to n, with the fastest
// kernels this CPU runs for T.
func newTridiagWork[T float](n int) *tridiagWork[T] {
	return &tridiagWork[T]{
		w:  make([]T, n*tridiagBlock),
		xp: make([]T, packLen(n)), yp: make([]T, packLen(n)),
		e: make([]T, n), tau: make([]T, n), e64: make([]float64, n),
		k: bestKernels[T](),
	}
}

// symEigenvalues overwrites d (length n) with the eigenvalues of the
// symmetric n x n matrix whose lower triangle is stored column-major in a
// (equivalently: upper triangle row-major), in ascending order. a is
// destroyed. It checks ctx before every panel of tridiagBlock columns and
// returns ctx's error, leaving d undefined. ok is false if the tridiagonal
// QL/QR iteration did not converge.
func symEigenvalues[T float](ctx context.Context, n int, a []T, lda int, d []float64, ws *tridiagWork[T]) (ok bool, err error) {
	if n == 0 {
		return true, nil
	}
	e, tau := ws.e[:n], ws.tau[:n]
	k := ws.k
	i := 0
	for i < n-1 {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		nb := min(tridiagBlock, n-1-i)
		big := n - i // order of the trailing matrix this panel starts
		base := i*lda + i
		latrd(big, nb, a[base:], lda, e[i:], tau[i:], ws.w, big, k, &ws.sc)
		m := big - nb
		switch {
		case m > 0 && k.tile != nil:
			syr2kLowerTiled(m, nb, a[base+nb:], lda, ws.w[nb:], big, a[base+nb*lda+nb:], ws, k.tile)
		case m > 0:
			syr2kLower(m, nb, a[base+nb:], lda, ws.w[nb:], big, a[base+nb*lda+nb:], ws)
		}
		for j := i; j < i+nb; j++ {
			d[j] = float64(a[j*lda+j])
		}
		i += nb
	}
	d[n-1] = float64(a[(n-1)*lda+n-1])
	e64 := ws.e64[:n]
	for j, v := range e {
		e64[j] = float64(v)
	}
	return gonum.Implementation{}.Dsterf(n, d, e64), nil
}

// latrd reduces the first nb columns of the symmetric matrix of order n in
// a (lower triangle, column-major) to tridiagonal form, as LAPACK's dlatrd
// with uplo = 'L': it returns the Householder vectors in a below the
// subdiagonal (with A(j+1, j) set to 1), their scalars in tau, the
// subdiagonal in e, and in w (column-major, leading dimension ldw) the
// matrix W for the update A - V W^T - W V^T of the trailing matrix.
func latrd[T float](n, nb int, a []T, lda int, e, tau, w []T, ldw int, k *eigenKernels[T], sc *[2][4]T) {
	col := func(c, from int) []T { return a[c*lda+from : c*lda+n] }  // A(from:n, c)
	wcol := func(c, from int) []T { return w[c*ldw+from : c*ldw+n] } // W(from:n, c)
	var coef, t1, t2 [tridiagBlock]T
	for i := range nb {
		// Bring column i up to date with the previous columns' reflectors:
		// A(i:n, i) -= A(i:n, 0:i) W(i, 0:i)^T + W(i:n, 0:i) A(i, 0:i)^T.
		ai := col(i, i)
		for c := range i {
			coef[c] = -w[c*ldw+i]
		}
		gemvAcc(ai, a[i:], lda, i, coef[:i], ai, nil, k, sc)
		for c := range i {
			coef[c] = -a[c*lda+i]
		}
		gemvAcc(ai, w[i:], ldw, i, coef[:i], ai, nil, k, sc)
		// Reflector annihilating A(i+2:n, i).
		beta, t := larfg(ai[1], ai[2:]) // len(ai) >= 2: nb < n
		e[i], tau[i] = beta, t
		ai[1] = 1
		v := ai[1:]
		wi := wcol(i, i+1)
		symvLower(n-i-1, a[(i+1)*lda+i+1:], lda, v, wi, k, sc)
		// W(i+1:n, i) -= A W^T v + W A^T v over the previous columns, the
		// A columns read once for both their product and their update.
		for c := range i {
			t1[c] = -dot(wcol(c, i+1), v)
		}
		gemvAcc(wi, a[i+1:], lda, i, t1[:i], v, t2[:i], k, sc)
		for c := range i {
			t2[c] = -t2[c]
		}
		gemvAcc(wi, w[i+1:], ldw, i, t2[:i], v, nil, k, sc)
		for k := range wi {
			wi[k] *= t
		}
		alpha := -0.5 * t * dot(wi, v)
		axpy(alpha, v, wi)
	}
}

// symvLower sets y = A x for the symmetric matrix A of order n stored in
// the lower triangle of a, column-major: one pass over the triangle, four
// columns at a time, each column used both for a dot product and for an
// update of y, so y is loaded and stored once per four columns (by k's
// assembly where the CPU has it, with sc for its array arguments).
func symvLower[T float](n int, a []T, lda int, x, y []T, k *eigenKernels[T], sc *[2][4]T) {
	x, y = x[:n], y[:n]
	for k := range y {
		y[k] = 0
	}
	xj, sums := &sc[0], &sc[1]
	j := 0
	for ; j+4 <= n; j += 4 {
		x0, x1, x2, x3 := x[j], x[j+1], x[j+2], x[j+3]
		// The 4 x 4 diagonal block: column p holds rows j+p..j+3.
		d0 := a[j*lda+j : j*lda+j+4]
		d1 := a[(j+1)*lda+j+1 : (j+1)*lda+j+4]
		d2 := a[(j+2)*lda+j+2 : (j+2)*lda+j+4]
		a33 := a[(j+3)*lda+j+3]
		a00, a10, a20, a30 := d0[0], d0[1], d0[2], d0[3]
		a11, a21, a31 := d1[0], d1[1], d1[2]
		a22, a32 := d2[0], d2[1]
		s0 := a00*x0 + a10*x1 + a20*x2 + a30*x3
		s1 := a10*x0 + a11*x1 + a21*x2 + a31*x3
		s2 := a20*x0 + a21*x1 + a22*x2 + a32*x3
		s3 := a30*x0 + a31*x1 + a32*x2 + a33*x3
		// The rows below it.
		lo := j + 4
		rest := n - lo
		start := 0
		if k.symv4 != nil {
			start = rest / k.lanes * k.lanes
			*xj = [4]T{x0, x1, x2, x3}
			k.symv4(start, a[j*lda+lo:], lda, x[lo:], y[lo:], xj, sums)
			s0, s1, s2, s3 = s0+sums[0], s1+sums[1], s2+sums[2], s3+sums[3]
		}
		if start < rest {
			c0 := a[j*lda+lo+start : j*lda+n]
			c1 := a[(j+1)*lda+lo+start : (j+1)*lda+n]
			c2 := a[(j+2)*lda+lo+start : (j+2)*lda+n]
			c3 := a[(j+3)*lda+lo+start : (j+3)*lda+n]
			xs, ys := x[lo+start:], y[lo+start:]
			c1, c2, c3, xs, ys = c1[:len(c0)], c2[:len(c0)], c3[:len(c0)], xs[:len(c0)], ys[:len(c0)]
			for k, v0 := range c0 {
				v1, v2, v3, xk := c1[k], c2[k], c3[k], xs[k]
				s0 += v0 * xk
				s1 += v1 * xk
				s2 += v2 * xk
				s3 += v3 * xk
				ys[k] += (x0*v0 + x1*v1) + (x2*v2 + x3*v3)
			}
		}
		y[j] += s0
		y[j+1] += s1
		y[j+2] += s2
		y[j+3] += s3
	}
	for ; j < n; j++ {
		c := a[j*lda+j : j*lda+n]
		xj := x[j]
		sum := c[0] * xj
		cs, xs, ys := c[1:], x[j+1:], y[j+1:]
		xs, ys = xs[:len(cs)], ys[:len(cs)]
		for k, v := range cs {
			sum += v * xs[k]
			ys[k] += xj * v
		}
		y[j] += sum
	}
}

// syr2kLower does C -= V W^T + W V^T on the lower triangle of the m x m
// matrix C (column-major in c, leading dimension lda), with V (in a,
// leading dimension lda) and W (in w, leading dimension ldw) m x nb and
// column-major. With X = [V W] and Y = [W V] this is C -= X Y^T: X is
// packed in tiles of 4 rows, Y row by row, and each 4 x 2 tile of C is
// accumulated in registers over the 2*nb columns.
func syr2kLower[T float](m, nb int, v []T, lda int, w []T, ldw int, c []T, ws *tridiagWork[T]) {
	k2 := 2 * nb
	rows := (m + 3) / 4 * 4
	xp, yp := ws.xp[:rows*k2], ws.yp[:rows*k2]
	for r := range rows {
		tile, lane := r/4, r%4
		xt := xp[tile*4*k2:]
		yr := yp[r*k2 : (r+1)*k2]
		if r >= m {
			for k := range k2 {
				xt[k*4+lane] = 0
				yr[k] = 0
			}
			continue
		}
		for k := range nb {
			vk, wk := v[k*lda+r], w[k*ldw+r]
			xt[k*4+lane] = vk
			xt[(nb+k)*4+lane] = wk
			yr[k] = wk
			yr[nb+k] = vk
		}
	}
	for j := 0; j < m; j += 2 {
		y0 := yp[j*k2 : (j+1)*k2]
		y1 := yp[(j+1)*k2 : (j+2)*k2]
		for r := j / 4 * 4; r < m; r += 4 {
			xt := xp[r*k2 : (r+4)*k2]
			var c00, c10, c20, c30, c01, c11, c21, c31 T
			for k := range k2 {
				x := xt[k*4 : k*4+4]
				b0, b1 := y0[k], y1[k]
				c00 += x[0] * b0
				c10 += x[1] * b0
				c20 += x[2] * b0
				c30 += x[3] * b0
				c01 += x[0] * b1
				c11 += x[1] * b1
				c21 += x[2] * b1
				c31 += x[3] * b1
			}
			acc := [8]T{c00, c10, c20, c30, c01, c11, c21, c31}
			subTile(c, lda, m, r, j, 4, 2, acc[:])
		}
	}
}

// syr2kLowerTiled is syr2kLower with the assembly tiles of tl (tl.rows x
// 4): X packed in tiles of tl.rows rows, Y in tiles of 4 rows (columns of
// C), both k-interleaved. Tiles wholly inside the lower triangle are
// updated in place by the assembly; those on the diagonal or the edge go
// through a buffer and are written entry by entry.
func syr2kLowerTiled[T float](m, nb int, v []T, lda int, w []T, ldw int, c []T, ws *tridiagWork[T], tl *rank2kTile[T]) {
	k2 := 2 * nb
	th := tl.rows
	rows := (m + th - 1) / th * th
	xp, yp := ws.xp[:rows*k2], ws.yp[:rows*k2]
	for r := range rows {
		xt := xp[r/th*th*k2+r%th:]
		yt := yp[r/4*4*k2+r%4:]
		if r >= m {
			for k := range k2 {
				xt[k*th] = 0
				yt[k*4] = 0
			}
			continue
		}
		for k := range nb {
			vk, wk := v[k*lda+r], w[k*ldw+r]
			xt[k*th], xt[(nb+k)*th] = vk, wk
			yt[k*4], yt[(nb+k)*4] = wk, vk
		}
	}
	var out [4 * maxTileRows]T
	for j := 0; j < m; j += 4 {
		yt := yp[j*k2 : (j+4)*k2]
		for r := j / th * th; r < m; r += th {
			xt := xp[r*k2 : (r+th)*k2]
			if r >= j+3 && r+th <= m && j+4 <= m {
				tl.sub(k2, xt, yt, c[j*lda+r:], lda)
				continue
			}
			tl.acc(k2, xt, yt, &out)
			subTile(c, lda, m, r, j, th, 4, out[:4*th])
		}
	}
}

// rank2kTile is an assembly tile of the rank-2k update, rows x 4: acc sets
// out[rows*j+i] = sum_k x[rows*k+i] y[4k+j] for k < kc, and sub subtracts
// the same sums from c[j*ldc+i].
type rank2kTile[T float] struct {
	name string
	rows int
	acc  func(kc int, x, y []T, out *[4 * maxTileRows]T)
	sub  func(kc int, x, y, c []T, ldc int)
}

// maxTileRows is the tallest tile's height (AVX-512's float32 tile).
const maxTileRows = 32

// subTile subtracts a tile of tr rows and tc columns, acc[jj*tr+ii] for
// row r+ii and column j+jj, from the lower triangle of the m x m matrix C
// (column-major, leading dimension lda), leaving out the entries above the
// diagonal or past the edge.
func subTile[T float](c []T, lda, m, r, j, tr, tc int, acc []T) {
	for jj := range tc {
		cj := j + jj
		if cj >= m {
			break
		}
		col := c[cj*lda:]
		for ii := range tr {
			if ri := r + ii; ri >= cj && ri < m {
				col[ri] -= acc[jj*tr+ii]
			}
		}
	}
}

// gemvAcc adds sum_p coef[p] col_p to y over the ncols columns col_p =
// cols[p*ld : p*ld+len(y)], and when dots is not nil sets dots[p] to the
// inner product of col_p with x, four columns at a time (in k's assembly
// where the CPU has it). x may be y when dots is nil.
func gemvAcc[T float](y, cols []T, ld, ncols int, coef, x, dots []T, k *eigenKernels[T], sc *[2][4]T) {
	n := len(y)
	p := 0
	if k.symv4 != nil && ncols >= 4 {
		c, sums := &sc[0], &sc[1]
		n4 := n / k.lanes * k.lanes
		for ; p+4 <= ncols; p += 4 {
			*c = [4]T{coef[p], coef[p+1], coef[p+2], coef[p+3]}
			k.symv4(n4, cols[p*ld:], ld, x, y, c, sums)
			for q := range 4 {
				tail := cols[(p+q)*ld+n4 : (p+q)*ld+n]
				if dots != nil {
					dots[p+q] = sums[q] + dot(tail, x[n4:n])
				}
				axpy(coef[p+q], tail, y[n4:n])
			}
		}
	}
	for ; p < ncols; p++ {
		col := cols[p*ld : p*ld+n]
		if dots != nil {
			dots[p] = dot(col, x)
		}
		axpy(coef[p], col, y)
	}
}

// dot is the inner product of two vectors of equal length.
func dot[T float](x, y []T) T {
	y = y[:len(x)]
	var s0, s1, s2, s3 T
	k := 0
	for ; k+4 <= len(x); k += 4 {
		s0 += x[k] * y[k]
		s1 += x[k+1] * y[k+1]
		s2 += x[k+2] * y[k+2]
		s3 += x[k+3] * y[k+3]
	}
	for ; k < len(x); k++ {
		s0 += x[k] * y[k]
	}
	return (s0 + s1) + (s2 + s3)
}

// axpy does y += alpha x for vectors of equal length.
func axpy[T float](alpha T, x, y []T) {
	y = y[:len(x)]
	for k, v := range x {
		y[k] += alpha * v
	}
}

// larfg is LAPACK's xlarfg with unit stride: the reflector H = I - tau
// [1; v] [1; v]^T with H [alpha; x] = [beta; 0]. It overwrites x with v
// and returns beta and tau. The norm is taken in float64, scaled by the
// largest entry so that neither its squares nor their sum over- or
// underflow.
func larfg[T float](alpha T, x []T) (beta, tau T) {
	var scale float64
	for _, v := range x {
		scale = math.Max(scale, math.Abs(float64(v)))
	}
	if scale == 0 {
		return alpha, 0 // H = I
	}
	var ssq float64
	for _, v := range x {
		r := float64(v) / scale
		ssq += r * r
	}
	b := -math.Copysign(math.Hypot(float64(alpha), scale*math.Sqrt(ssq)), float64(alpha))
	f := 1 / (float64(alpha) - b)
	for i, v := range x {
		x[i] = T(float64(v) * f)
	}
	return T(b), T((b - float64(alpha)) / b)
}

// eigenKernels are the assembly products of a reduction in T: symv4 sets
// s[p] = sum_i c_p[i] x[i] and adds sum_p xj[p] c_p[i] to y[i] over the
// four columns c_p = c[p*lda:] and i < n (a multiple of lanes), and tile
// is the rank-2k update's tile. Nil members run in Go.
type eigenKernels[T float] struct {
	symv4 func(n int, c []T, lda int, x, y []T, xj, s *[4]T)
	lanes int
	tile  *rank2kTile[T]
}

// symv4Kernel is an assembly symv4 (see eigenKernels) and its lanes.
type symv4Kernel[T float] struct {
	name  string
	f     func(n int, c []T, lda int, x, y []T, xj, s *[4]T)
	lanes int
}

// kernelsWith are the kernels symv and tile (each nil for Go's).
func kernelsWith[T float](symv *symv4Kernel[T], tile *rank2kTile[T]) *eigenKernels[T] {
	k := &eigenKernels[T]{tile: tile}
	if symv != nil {
		k.symv4, k.lanes = symv.f, symv.lanes
	}
	return k
}

// bestKernels are T's fastest kernels on this CPU, chosen once at start-up.
func bestKernels[T float]() *eigenKernels[T] {
	var k any
	switch any(T(0)).(type) {
	case float32:
		k = bestKernels32
	case float64:
		k = bestKernels64
	}
	return k.(*eigenKernels[T])
}

// goKernels run everything in Go, for the tests.
func goKernels[T float]() *eigenKernels[T] { return &eigenKernels[T]{} }

var (
	bestKernels32 = kernelsWith(first(symv4s[float32]()), firstPtr(rank2kTiles[float32]()))
	bestKernels64 = kernelsWith(first(symv4s[float64]()), firstPtr(rank2kTiles[float64]()))
)

// first is a pointer to s's first element, nil when s is empty.
func first[E any](s []E) *E {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}

// firstPtr is s's first element, nil when s is empty.
func firstPtr[E any](s []*E) *E {
	if len(s) == 0 {
		return nil
	}
	return s[0]
}
