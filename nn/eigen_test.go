package nn

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"
	"gonum.org/v1/gonum/mat"
)

// randomSym returns a random symmetric n x n matrix, stored full row-major,
// whose spectrum spans several orders of magnitude when graded is true.
func randomSym(rng *rand.Rand, n int, graded bool) []float64 {
	a := make([]float64, n*n)
	for i := range n {
		for j := i; j < n; j++ {
			v := rng.NormFloat64()
			if graded {
				v *= math.Pow(10, -3*float64(i+j)/float64(2*n))
			}
			a[i*n+j], a[j*n+i] = v, v
		}
	}
	return a
}

// gonumEigenvalues is the reference: gonum's Dsyev, eigenvalues only.
func gonumEigenvalues(n int, a []float64) []float64 {
	a = append([]float64(nil), a...)
	w := make([]float64, n)
	query := []float64{0}
	impl := gonum.Implementation{}
	impl.Dsyev(lapack.EVNone, blas.Upper, n, nil, n, nil, query, -1)
	work := make([]float64, int(query[0]))
	if !impl.Dsyev(lapack.EVNone, blas.Upper, n, a, n, w, work, len(work)) {
		panic("Dsyev did not converge")
	}
	return w
}

// The blocked reduction gives gonum's eigenvalues on orders around the
// panel width and the tile sizes (one panel, a partial last panel, several
// panels, odd trailing orders), within a backward-stable error bound: in
// float64 1e-13 n ||A||, in float32 the f32ErrorUnits u ||A|| that
// eigenWork.meanSV's error bound assumes. Each with this CPU's kernels and
// with Go's.
func TestSymEigenvaluesAgainstDsyev(t *testing.T) {
	for _, forceGo := range []bool{false, true} {
		testSymEigenvalues[float64](t, forceGo, func(n int) float64 { return 1e-13 * float64(n) })
		testSymEigenvalues[float32](t, forceGo, func(int) float64 { return f32ErrorUnits * 0x1p-24 })
	}
}

func testSymEigenvalues[T float](t *testing.T, forceGo bool, tol func(n int) float64) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, n := range []int{1, 2, 3, 4, 5, 31, 32, 33, 34, 63, 64, 65, 97, 130, 200} {
		for _, graded := range []bool{false, true} {
			a := randomSym(rng, n, graded)
			a32 := make([]T, len(a))
			for i, v := range a {
				a32[i] = T(v)
				a[i] = float64(a32[i]) // the problem solved is the rounded one
			}
			want := gonumEigenvalues(n, a)
			norm := math.Max(math.Abs(want[0]), math.Abs(want[n-1]))
			got := make([]float64, n)
			ws := newTridiagWork[T](n)
			if forceGo {
				ws.k = goKernels[T]()
			}
			ok, err := symEigenvalues(context.Background(), n, a32, n, got, ws)
			if !ok || err != nil {
				t.Fatalf("n=%d: ok %v, err %v", n, ok, err)
			}
			for i := range n {
				if d := math.Abs(got[i] - want[i]); d > tol(n)*norm {
					t.Fatalf("%T go=%v n=%d graded=%v: eigenvalue %d is %g, Dsyev says %g (error %.2g u ||A||)",
						T(0), forceGo, n, graded, i, got[i], want[i], d/norm/0x1p-24)
				}
			}
		}
	}
}

// A done context stops a solve before its first panel, and one that turns
// done after k checks stops it after k panels.
func TestSymEigenvaluesCancel(t *testing.T) {
	n := 5*tridiagBlock + 3
	a := randomSym(rand.New(rand.NewPCG(6, 6)), n, false)
	for checks := range 6 {
		ctx := &countdown{Context: context.Background(), left: checks, done: make(chan struct{})}
		_, err := symEigenvalues(ctx, n, append([]float64(nil), a...), n, make([]float64, n), newTridiagWork[float64](n))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("after %d checks of %d panels: error %v, want context.Canceled", checks, 6, err)
		}
	}
}

// The Jacobian statistic of random networks, widths 64 to 512, agrees with
// the mean singular value of J = diag(f'(s)) W built in float64 and
// factorized by gonum's SVD, to 1e-4 relative, on every layer.
func TestJacobianAgainstFloat64SVD(t *testing.T) {
	cases := []struct {
		width, depth int
		act          Activation
		init         InitKind
		saturate     bool // half the units of layer 2 saturated (relu: 3 in 4 off, or all with width 72)
	}{
		{96, 3, ReLU, Normalized, true},
		{72, 3, ReLU, Normalized, true},
		{64, 3, Tanh, Normalized, false},
		{200, 3, Tanh, Normalized, true},
		{150, 3, Sigmoid, Standard, true},
		{100, 3, ReLU, Standard, false},
		{129, 4, Sigmoid, Normalized, false},
		{256, 3, Tanh, Standard, false},
		{512, 3, Tanh, Normalized, false},
	}
	if testing.Short() {
		cases = cases[:6]
	}
	for ci, tc := range cases {
		cfg := Config{Inputs: 20, Classes: 4, Depth: tc.depth, Width: tc.width, Activation: tc.act, Init: Init{Kind: tc.init}}
		rng := rand.New(rand.NewPCG(uint64(ci), 7))
		net := New(cfg, rng)
		if tc.saturate && tc.act == ReLU {
			// Units of layer 2 off on every example: exact zeros in D,
			// which the solve leaves out of the problem.
			for a := range net.Layers[1].B {
				if a%4 != 0 || tc.width == 72 {
					net.Layers[1].B[a] = -100
				}
			}
		} else if tc.saturate {
			// Rows of W^2 scaled up: those units of layer 2 sit deep in
			// saturation, f' ~ 1e-8, and J has singular values ~1e-7 of
			// the largest, which an error of float32 size in J J^T would
			// turn into ~1e-4.
			w := net.Layers[1]
			for a := 0; a < w.Out; a += 2 {
				for b := range w.In {
					w.W[a*w.In+b] *= 40
				}
			}
		}
		const n, examples = 6, 3
		x, y := randomBatch(rng, n, cfg.Inputs, cfg.Classes)
		st := mustStats(t, net, x, y, n, CrossEntropy, StatsOptions{JacobianExamples: examples})
		layers, _ := st.measure(t, true)
		p := net.NewPass(n)
		net.Forward(p, x, n)
		for l := 1; l < net.Depth; l++ {
			want := svdMeanSV(net, p, l, examples)
			got := layers[l-1].JacSVMean
			t.Logf("width %d %v, layer %d: %.9g, SVD %.9g", tc.width, tc.act, l, got, want)
			if !(math.Abs(got-want) <= 1e-4*want) && !(got == 0 && want == 0) {
				t.Errorf("width %d %v, layer %d: mean singular value %.9g, float64 SVD says %.9g (relative %.2g)",
					tc.width, tc.act, l, got, want, math.Abs(got-want)/want)
			}
		}
	}
}

// svdMeanSV is the mean singular value of J = diag(f'(s^{l+1})) W^{l+1}
// averaged over the first examples of pass p, from gonum's SVD.
func svdMeanSV(net *Network, p *Pass, l, examples int) float64 {
	w := net.Layers[l]
	var mean float64
	for r := range examples {
		j := mat.NewDense(w.Out, w.In, nil)
		for a := range w.Out {
			d := net.Activation.Deriv(float64(p.Pre[l][r*w.Out+a]))
			for b := range w.In {
				j.Set(a, b, d*float64(w.W[a*w.In+b]))
			}
		}
		var svd mat.SVD
		if !svd.Factorize(j, mat.SVDNone) {
			panic("SVD did not converge")
		}
		var sum float64
		for _, v := range svd.Values(nil) {
			sum += v
		}
		mean += sum / float64(min(w.Out, w.In)) / float64(examples)
	}
	return mean
}

// Every assembly rank-2k update this CPU runs equals the Go one on every
// order around the tile sizes, entry by entry of the lower triangle, and
// leaves the upper triangle alone.
func TestSyr2kTilesMatchGo(t *testing.T) {
	if len(rank2kTiles[float64]()) == 0 {
		t.Skip("no AVX2 and FMA, or a noasm build")
	}
	for _, tl := range rank2kTiles[float64]() {
		t.Run(tl.name+"/float64", func(t *testing.T) { testSyr2kTile(t, tl, 1e-12) })
	}
	for _, tl := range rank2kTiles[float32]() {
		t.Run(tl.name+"/float32", func(t *testing.T) { testSyr2kTile(t, tl, 1e-5) })
	}
}

// testSyr2kTile's tolerance per term of the 2nb-term sums is a few units
// of T's roundoff on entries of size 1.
func testSyr2kTile[T float](t *testing.T, tl *rank2kTile[T], tol float64) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, m := range []int{1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 19, 31, 32, 33, 47, 70} {
		for _, nb := range []int{1, 3, tridiagBlock} {
			lda := m + 3
			v, w, c := make([]T, nb*lda), make([]T, nb*m), make([]T, m*lda)
			for _, s := range [][]T{v, w, c} {
				for i := range s {
					s[i] = T(rng.NormFloat64())
				}
			}
			want, got := append([]T(nil), c...), append([]T(nil), c...)
			ws := newTridiagWork[T](m)
			syr2kLower(m, nb, v, lda, w, m, want, ws)
			syr2kLowerTiled(m, nb, v, lda, w, m, got, ws, tl)
			for i := range c {
				if math.Abs(float64(got[i]-want[i])) > tol*float64(nb) {
					t.Fatalf("m=%d nb=%d: entry %d (column %d, row %d) is %g, Go says %g", m, nb, i, i/lda, i%lda, got[i], want[i])
				}
			}
		}
	}
}

// symvLower (four columns at a time, in assembly where the CPU has it)
// equals the plain product with the symmetric matrix on orders around the
// block and vector widths, with this CPU's kernels and with Go's.
func TestSymvLower(t *testing.T) {
	testSymvLower(t, "go", goKernels[float64](), 1e-12)
	testSymvLower(t, "go", goKernels[float32](), 1e-5)
	for _, sk := range symv4s[float64]() {
		testSymvLower(t, sk.name, kernelsWith(&sk, nil), 1e-12)
	}
	for _, sk := range symv4s[float32]() {
		testSymvLower(t, sk.name, kernelsWith(&sk, nil), 1e-5)
	}
}

func testSymvLower[T float](t *testing.T, name string, k *eigenKernels[T], tol float64) {
	rng := rand.New(rand.NewPCG(9, 9))
	for n := range 70 {
		lda := n + 2
		a := make([]T, max(n*lda, 1))
		for i := range a {
			a[i] = T(rng.NormFloat64())
		}
		x, y := make([]T, n), make([]T, n)
		for i := range x {
			x[i], y[i] = T(rng.NormFloat64()), T(math.NaN()) // y is overwritten, not read
		}
		symvLower(n, a, lda, x, y, k, new([2][4]T))
		for r := range n {
			var want float64
			for c := range n {
				want += float64(a[min(r, c)*lda+max(r, c)]) * float64(x[c]) // (r, c) of the lower triangle, column-major
			}
			if math.Abs(float64(y[r])-want) > tol*float64(n) {
				t.Fatalf("%T %s n=%d: y[%d] = %g, want %g", T(0), name, n, r, y[r], want)
			}
		}
	}
}

// meanSV solves in float32 when its error bound allows and in float64 when
// it does not: an ordinary Jacobian problem stays in float32 and agrees
// with the float64 solve far inside sqrtTol; with half the units deep in
// saturation (f' ~ 1e-8, so half the singular values ~1e-8 of the rest,
// which float32's roundoff in J J^T would turn into ~1e-4) it is solved
// again in float64.
func TestMeanSVFloat32OrFloat64(t *testing.T) {
	const n = 150
	for _, saturated := range []bool{false, true} {
		sym := jacobianGram(rand.New(rand.NewPCG(11, 11)), n)
		if saturated {
			for i := 0; i < n; i += 2 {
				for j := range n {
					sym[i*n+j] *= 1e-8
					sym[j*n+i] *= 1e-8
				}
			}
		}
		ws := newEigenWork(n)
		ws.k = n
		copy(ws.a, sym)
		got, err := ws.meanSV(context.Background(), n)
		if err != nil {
			t.Fatal(err)
		}
		want := 0.0
		for _, v := range gonumEigenvalues(n, sym) {
			want += math.Sqrt(math.Max(v, 0)) / n
		}
		// meanSV's bound here is ~3e-5, for errors all of one sign; they
		// are not, and measure 2e-6 with the Go kernels (float32 sums in
		// column order), 1e-9 with the assembly's eight lanes.
		tol, solves64 := 1e-5, 0
		if saturated {
			// Singular values ~1e-8 of the largest carry float64's
			// roundoff too: sqrt(u ||A||) ~ 1e-8 each, 1e-9 measured.
			tol, solves64 = 1e-7, 1
		}
		if ws.solves64 != solves64 || !(math.Abs(got-want) <= tol*want) {
			t.Errorf("saturated=%v: mean %.12g (%d float64 solves), float64 Dsyev %.12g (want %d float64 solves, relative error <= %g)",
				saturated, got, ws.solves64, want, solves64, tol)
		}
	}
}
