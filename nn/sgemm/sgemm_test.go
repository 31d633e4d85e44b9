package sgemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
)

// Tolerance. Any float32 evaluation of s = sum_p a_ip*b_pj, in any order and
// with or without FMA, satisfies |fl(s) - s| <= gamma_k * sum_p |a_ip||b_pj|
// with gamma_k = k*u/(1-k*u), u = 2^-24 (Higham, Accuracy and Stability of
// Numerical Algorithms, 3.1). Scaling by alpha and adding beta*c add at most
// three more roundings, so every element computed in float32 lies within
// (k+3)*u*(|alpha| sum|a||b| + |beta||c|) (to first order) of the exact value,
// which we compute in float64 (exact enough: its own error is ~2^-29 smaller).
// The tests allow twice that, 2*(k+4)*u*bound, and a tiny absolute slack for
// results that underflow. Two float32 results (ours and gonum's, or ours and
// reference) may each be off by the bound in opposite directions, so they are
// compared with twice the tolerance.
const u32 = 1.0 / (1 << 24)

func tolerance(k int, absBound float64) float64 {
	return 2*float64(k+4)*u32*absBound + 1e-35
}

type problem struct {
	tA, tB           bool
	m, n, k          int
	alpha, beta      float32
	padA, padB, padC int
}

func (p problem) String() string {
	t := func(b bool) string {
		if b {
			return "T"
		}
		return "N"
	}
	return fmt.Sprintf("%s%s_m%d_n%d_k%d_a%g_b%g_pad%d.%d.%d", t(p.tA), t(p.tB), p.m, p.n, p.k, p.alpha, p.beta, p.padA, p.padB, p.padC)
}

// instance is a problem with concrete data. Matrix padding (the columns between
// the logical width and the stride) holds NaN in A and B, so reading it would
// poison the result, and a sentinel in C, which must survive.
type instance struct {
	problem
	a, b, c0      []float32
	lda, ldb, ldc int
	want, tol     []float64 // exact result and per-element tolerance, m x n
}

const sentinel = float32(-12345.5)

func newInstance(p problem, rng *rand.Rand) *instance {
	in := &instance{problem: p}
	rowA, colA := p.m, p.k
	if p.tA {
		rowA, colA = p.k, p.m
	}
	rowB, colB := p.k, p.n
	if p.tB {
		rowB, colB = p.n, p.k
	}
	in.lda, in.ldb, in.ldc = max(1, colA+p.padA), max(1, colB+p.padB), max(1, p.n+p.padC)
	nan := float32(math.NaN())
	fill := func(rows, cols, ld int, pad float32) []float32 {
		s := make([]float32, max(0, rows*ld))
		for i := range s {
			if i%ld < cols {
				s[i] = rng.Float32()*2 - 1
			} else {
				s[i] = pad
			}
		}
		return s
	}
	in.a = fill(rowA, colA, in.lda, nan)
	in.b = fill(rowB, colB, in.ldb, nan)
	in.c0 = fill(p.m, p.n, in.ldc, sentinel)
	if p.beta == 0 {
		// beta == 0 must ignore C entirely.
		for i := 0; i < p.m; i++ {
			for j := 0; j < p.n; j++ {
				in.c0[i*in.ldc+j] = nan
			}
		}
	}
	in.want = make([]float64, p.m*p.n)
	in.tol = make([]float64, p.m*p.n)
	av := func(i, q int) float64 {
		if p.tA {
			return float64(in.a[q*in.lda+i])
		}
		return float64(in.a[i*in.lda+q])
	}
	row := make([]float64, p.k)
	for i := 0; i < p.m; i++ {
		for q := range row {
			row[q] = av(i, q)
		}
		for j := 0; j < p.n; j++ {
			var s, sa float64
			if p.alpha != 0 {
				for q, x := range row {
					var y float64
					if p.tB {
						y = float64(in.b[j*in.ldb+q])
					} else {
						y = float64(in.b[q*in.ldb+j])
					}
					s += x * y
					sa += math.Abs(x * y)
				}
			}
			w := float64(p.alpha) * s
			bound := math.Abs(float64(p.alpha)) * sa
			if p.beta != 0 {
				cv := float64(in.c0[i*in.ldc+j])
				w += float64(p.beta) * cv
				bound += math.Abs(float64(p.beta) * cv)
			}
			in.want[i*p.n+j] = w
			in.tol[i*p.n+j] = tolerance(p.k, bound)
		}
	}
	return in
}

// run applies f to a fresh copy of C and returns it.
func (in *instance) run(f func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)) []float32 {
	c := append([]float32(nil), in.c0...)
	f(in.tA, in.tB, in.m, in.n, in.k, in.alpha, in.a, in.lda, in.b, in.ldb, in.beta, c, in.ldc)
	return c
}

func gonumGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	blas32.Implementation().Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// check reports the first few elements of got outside the tolerance, and any
// change to C's padding.
func (in *instance) check(t testing.TB, what string, got []float32) {
	t.Helper()
	bad := 0
	for i := 0; i < in.m; i++ {
		for j := 0; j < in.ldc && i*in.ldc+j < len(got); j++ {
			g := got[i*in.ldc+j]
			if j >= in.n {
				if g != sentinel {
					t.Errorf("%s %v: padding C[%d][%d] changed to %v", what, in.problem, i, j, g)
					return
				}
				continue
			}
			w, tol := in.want[i*in.n+j], in.tol[i*in.n+j]
			if d := math.Abs(float64(g) - w); !(d <= tol) {
				bad++
				if bad <= 3 {
					t.Errorf("%s %v: C[%d][%d] = %v, want %v (|err| %.3g > tol %.3g)", what, in.problem, i, j, g, w, d, tol)
				}
			}
		}
	}
	if bad > 3 {
		t.Errorf("%s %v: %d elements out of tolerance", what, in.problem, bad)
	}
}

// checkClose compares two float32 results with twice the tolerance.
func (in *instance) checkClose(t testing.TB, what string, got, other []float32) {
	t.Helper()
	for i := 0; i < in.m; i++ {
		for j := 0; j < in.n; j++ {
			g, o := got[i*in.ldc+j], other[i*in.ldc+j]
			if d := math.Abs(float64(g) - float64(o)); !(d <= 2*in.tol[i*in.n+j]) {
				t.Errorf("%s %v: C[%d][%d] = %v, other %v", what, in.problem, i, j, g, o)
				return
			}
		}
	}
}

// forEachKernel runs f with each kernel this CPU supports, so the generic
// Go path is tested on AVX-512 machines too; f forces it with
// Multiplier{kn: kn}.
func forEachKernel(t *testing.T, f func(t *testing.T, kn *kernel)) {
	for _, kn := range kernels() {
		t.Run(kn.name, func(t *testing.T) { f(t, kn) })
	}
}

// fullSize runs the big shapes (300 and 1000 rows by 1000 by 1024) at their
// real size: SGEMM_FULL=1 go test. By default they are shrunk (by about 5,
// keeping them odd so ragged edges stay covered), because their float64 and
// gonum references cost seconds and this package runs in every go test ./...;
// the minibatch-10 shapes (and, without -race, one batch-100 shape) always
// run at full size,
// and the block-boundary shapes below cross every KC, NC and MC boundary.
var fullSize = os.Getenv("SGEMM_FULL") != ""

func scale(x int) int {
	if fullSize || x < 200 {
		return x
	}
	return x/5 + 3
}

// projectShapes are the products the trainer makes (1024 -> 1000 x5 -> 9,
// batches 10 and 100, probe batches of 300, W*W^T for Jacobians), plus shapes
// that cross the KC, NC and MC block boundaries.
func projectShapes() []problem {
	var ps []problem
	for _, batch := range []int{10, 100} {
		for _, l := range [][2]int{{1024, 1000}, {1000, 1000}, {1000, 9}} {
			in, out := scale(l[0]), scale(l[1])
			ps = append(ps,
				problem{tA: false, tB: true, m: batch, n: out, k: in, alpha: 1, beta: 0},               // forward
				problem{tA: false, tB: false, m: batch, n: in, k: out, alpha: 1, beta: 0},              // backward data
				problem{tA: true, tB: false, m: out, n: in, k: batch, alpha: -0.01, beta: 1},           // weight update
				problem{tA: false, tB: true, m: batch, n: out, k: in, alpha: 1, beta: 1, padC: 3},      // forward with bias in C
				problem{tA: true, tB: false, m: out, n: in, k: batch, alpha: -0.5, beta: 0.9, padA: 1}, // momentum-style update
			)
		}
	}
	ps = append(ps,
		// Full size always: the minibatch-10 step (memory bound, special paths) and a batch-100 product.
		problem{tA: false, tB: true, m: 10, n: 1000, k: 1024, alpha: 1, beta: 0},
		problem{tA: false, tB: false, m: 10, n: 1024, k: 1000, alpha: 1, beta: 0},
		problem{tA: true, tB: false, m: 1000, n: 1024, k: 10, alpha: -0.01, beta: 1},
		problem{tA: false, tB: true, m: scale(300), n: scale(1000), k: scale(1024), alpha: 1},
		problem{tA: false, tB: true, m: scale(1000), n: scale(1000), k: scale(1000), alpha: 1},
		problem{tA: false, tB: false, m: scale(500), n: scale(1000), k: scale(1000), alpha: 1},
		// Block boundaries: k just past one and two KC blocks, n past NC, m past MC.
		problem{tA: false, tB: false, m: 23, n: 530, k: 513, alpha: 1.5, beta: -2},
		problem{tA: true, tB: true, m: 37, n: 519, k: 1030, alpha: 0.25, beta: 1, padA: 2, padB: 5, padC: 1},
		problem{tA: true, tB: false, m: 1210, n: 45, k: 17, alpha: 1, beta: 0.5},
		problem{tA: false, tB: true, m: 1203, n: 33, k: 9, alpha: -1, beta: 0, padA: 4},
	)
	if !raceEnabled { // 1e8 multiply-adds is seconds of instrumented Go reference
		ps = append(ps, problem{tA: false, tB: true, m: 100, n: 1000, k: 1024, alpha: 1, beta: 0})
	}
	return ps
}

// bigWork bounds the products run through instrumented Go loops under -race.
var bigWork = func() int {
	if raceEnabled {
		return 2e7
	}
	return 1e8
}()

// TestProjectShapes compares Gemm with the float64 truth, reference and
// gonum on the project's shapes, for every kernel and 1..3 threads.
func TestProjectShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var insts []*instance
	for _, p := range projectShapes() {
		insts = append(insts, newInstance(p, rng))
	}
	// gonum and reference once per problem: they do not depend on our knobs.
	gon := make([][]float32, len(insts))
	ref := make([][]float32, len(insts))
	for i, in := range insts {
		gon[i] = in.run(gonumGemm)
		in.check(t, "gonum", gon[i])
		if in.m*in.n*in.k <= bigWork { // gonum already covers the biggest ones
			ref[i] = in.run(reference)
			in.check(t, "reference", ref[i])
		}
	}
	forEachKernel(t, func(t *testing.T, kn *kernel) {
		for _, th := range []int{1, 2, 3} {
			mu := Multiplier{Threads: th, kn: kn}
			for i, in := range insts {
				if raceEnabled && kn.name == "generic" && in.m*in.n*in.k > bigWork {
					continue // instrumented Go kernel: the scaled shapes cover it
				}
				got := in.run(mu.Gemm)
				what := fmt.Sprintf("Gemm[%s,%d threads]", kn.name, th)
				in.check(t, what, got)
				in.checkClose(t, what+" vs gonum", got, gon[i])
				if ref[i] != nil {
					in.checkClose(t, what+" vs reference", got, ref[i])
				}
			}
		}
	})
}

var alphas = []float32{1, -1, 0.5, 0, 2.5, -0.01}
var betas = []float32{0, 1, -1, 0.5, 2}

// TestOddShapes sweeps random sizes 1..67 (and 0), all transposes, strides
// wider than the matrices, and alpha/beta values including 0.
func TestOddShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var insts []*instance
	dim := func() int {
		if rng.IntN(20) == 0 {
			return rng.IntN(2) // 0 and 1 now and then
		}
		return 1 + rng.IntN(67)
	}
	n := 300
	if raceEnabled {
		n = 120
	}
	for i := 0; i < n; i++ {
		p := problem{
			tA: rng.IntN(2) == 1, tB: rng.IntN(2) == 1,
			m: dim(), n: dim(), k: dim(),
			alpha: alphas[rng.IntN(len(alphas))], beta: betas[rng.IntN(len(betas))],
			padA: rng.IntN(4) * rng.IntN(2), padB: rng.IntN(4) * rng.IntN(2), padC: rng.IntN(4) * rng.IntN(2),
		}
		insts = append(insts, newInstance(p, rng))
	}
	// Every (m, n, k) in 1..3 and a few exact tile multiples, all four transposes.
	for _, tA := range []bool{false, true} {
		for _, tB := range []bool{false, true} {
			for _, d := range [][3]int{{1, 1, 1}, {1, 2, 3}, {3, 2, 1}, {2, 3, 1}, {10, 32, 8}, {20, 64, 16}, {6, 16, 4}, {12, 48, 7}, {4, 4, 4}, {11, 33, 9}} {
				insts = append(insts, newInstance(problem{tA: tA, tB: tB, m: d[0], n: d[1], k: d[2], alpha: 1, beta: 0, padA: 1, padC: 2}, rng))
			}
		}
	}
	// The small-m A*B^T dot-product path: every m up to 10 and 11 (just past
	// it), k around the 16-float chunk, odd n, strides, beta != 0.
	for m := 1; m <= 11; m++ {
		for _, k := range []int{1, 15, 16, 17, 40, 530, 1040} {
			for _, n := range []int{1, 2, 3, 33} {
				insts = append(insts, newInstance(problem{tB: true, m: m, n: n, k: k, alpha: -1.5, beta: betas[(m+k+n)%len(betas)], padA: m % 3, padB: k % 4, padC: n % 2}, rng))
				// and its mirror image, few columns (C^T path)
				insts = append(insts, newInstance(problem{tB: true, m: n + 11, n: m, k: k, alpha: 0.5, beta: betas[(m+k)%len(betas)], padA: k % 3, padB: m % 2, padC: n % 3}, rng))
			}
		}
	}
	forEachKernel(t, func(t *testing.T, kn *kernel) {
		for _, th := range []int{1, 2} {
			mu := Multiplier{Threads: th, kn: kn}
			for _, in := range insts {
				got := in.run(mu.Gemm)
				in.check(t, "Gemm", got)
				in.checkClose(t, "Gemm vs reference", got, in.run(reference))
			}
		}
	})
	for _, in := range insts[:60] {
		in.check(t, "gonum", in.run(gonumGemm))
	}
}

// TestSmallParallel forces the parallel path on small products (the work
// threshold normally keeps them serial) so slab splitting is tested on ragged
// shapes under -race.
func TestSmallParallel(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	forEachKernel(t, func(t *testing.T, kn *kernel) {
		for i := 0; i < 60; i++ {
			p := problem{tA: i%2 == 1, tB: i%4 >= 2, m: 1 + rng.IntN(70), n: 1 + rng.IntN(90), k: 1 + rng.IntN(40), alpha: 1.5, beta: betas[i%len(betas)], padC: i % 3}
			in := newInstance(p, rng)
			for _, th := range []int{2, 3, 5} {
				got := append([]float32(nil), in.c0...)
				gemmParallel(kn, min(th, max((p.m+kn.mr-1)/kn.mr, (p.n+kn.nr-1)/kn.nr)), p.tA, p.tB, p.m, p.n, p.k, p.alpha, in.a, in.lda, in.b, in.ldb, p.beta, got, in.ldc)
				in.check(t, fmt.Sprintf("gemmParallel(%d)", th), got)
			}
		}
	})
}

func TestSpecialValues(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	forEachKernel(t, func(t *testing.T, kn *kernel) {
		mu := Multiplier{kn: kn}
		// alpha == 0: A and B are not read (BLAS), so Inf there does not
		// produce NaN; C is only scaled.
		a := []float32{inf, inf, inf, inf}
		c := []float32{1, 2, 3, 4}
		mu.Gemm(false, false, 2, 2, 2, 0, a, 2, a, 2, 2, c, 2)
		if c[0] != 2 || c[3] != 8 {
			t.Errorf("alpha=0: got %v", c)
		}
		// alpha == 0, beta == 0: zeros even over NaN.
		c = []float32{nan, nan, nan, nan}
		mu.Gemm(false, false, 2, 2, 2, 0, a, 2, a, 2, 0, c, 2)
		for _, v := range c {
			if v != 0 {
				t.Errorf("alpha=0 beta=0: got %v", c)
			}
		}
		// k == 0: C = beta*C.
		c = []float32{nan, 1, 2, 3}
		mu.Gemm(true, true, 2, 2, 0, 1, nil, 2, nil, 1, 0, c, 2)
		if c[0] != 0 || c[3] != 0 {
			t.Errorf("k=0 beta=0: got %v", c)
		}
		c = []float32{1, 1, 2, 3}
		mu.Gemm(false, true, 2, 2, 0, 1, nil, 1, nil, 1, -1, c, 2)
		if c[0] != -1 || c[3] != -3 {
			t.Errorf("k=0 beta=-1: got %v", c)
		}
		// m == 0 or n == 0: nothing happens, nil slices are fine.
		mu.Gemm(false, false, 0, 5, 5, 1, nil, 5, make([]float32, 25), 5, 1, nil, 5)
		mu.Gemm(false, false, 5, 0, 5, 1, make([]float32, 25), 5, nil, 1, 1, nil, 1)
		// NaN in A propagates (no silent fast path drops it).
		a = []float32{nan, 1, 1, 1}
		c = make([]float32, 4)
		mu.Gemm(false, false, 2, 2, 2, 1, a, 2, []float32{1, 1, 1, 1}, 2, 0, c, 2)
		if !math.IsNaN(float64(c[0])) || math.IsNaN(float64(c[3])) {
			t.Errorf("NaN in A: got %v", c)
		}
		// beta = -0 counts as zero, like BLAS's beta == 0 test.
		c = []float32{nan, nan, nan, nan}
		mu.Gemm(false, false, 2, 2, 2, 1, []float32{1, 0, 0, 1}, 2, []float32{1, 2, 3, 4}, 2, float32(math.Copysign(0, -1)), c, 2)
		if c[0] != 1 || c[3] != 4 {
			t.Errorf("beta=-0: got %v", c)
		}
	})
}

func TestPanics(t *testing.T) {
	s := make([]float32, 100)
	cases := []struct {
		name string
		f    func()
	}{
		{"m<0", func() { Gemm(false, false, -1, 2, 2, 1, s, 2, s, 2, 0, s, 2) }},
		{"n<0", func() { Gemm(false, false, 2, -1, 2, 1, s, 2, s, 2, 0, s, 2) }},
		{"k<0", func() { Gemm(false, false, 2, 2, -1, 1, s, 2, s, 2, 0, s, 2) }},
		{"lda", func() { Gemm(false, false, 2, 2, 3, 1, s, 2, s, 2, 0, s, 2) }},
		{"ldaT", func() { Gemm(true, false, 3, 2, 2, 1, s, 2, s, 2, 0, s, 2) }},
		{"ldb", func() { Gemm(false, false, 2, 3, 2, 1, s, 2, s, 2, 0, s, 3) }},
		{"ldbT", func() { Gemm(false, true, 2, 2, 3, 1, s, 3, s, 2, 0, s, 2) }},
		{"ldc", func() { Gemm(false, false, 2, 3, 2, 1, s, 2, s, 3, 0, s, 2) }},
		{"shortA", func() { Gemm(false, false, 5, 2, 4, 1, s[:19], 4, s, 2, 0, s, 2) }},
		{"shortB", func() { Gemm(false, true, 2, 5, 4, 1, s, 4, s[:19], 4, 0, s, 5) }},
		{"shortC", func() { Gemm(false, false, 3, 3, 3, 1, s, 3, s, 3, 0, s[:8], 3) }},
		{"RefShortC", func() { reference(false, false, 3, 3, 3, 1, s, 3, s, 3, 0, s[:8], 3) }},
	}
	for _, tc := range cases {
		func() {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.HasPrefix(msg, "sgemm: ") {
					t.Errorf("%s: recovered %v, want an \"sgemm: ...\" panic", tc.name, r)
				}
			}()
			tc.f()
		}()
	}
}

// TestTranspose checks the packing transpose against the Go loop on ragged
// sizes and strides.
func TestTranspose(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, kn := range kernels() {
		for i := 0; i < 200; i++ {
			rows, cols := 1+rng.IntN(40), 1+rng.IntN(40)
			lds, ldd := cols+rng.IntN(5), rows+rng.IntN(5)
			src := make([]float32, (rows-1)*lds+cols)
			for j := range src {
				src[j] = rng.Float32()
			}
			want := make([]float32, (cols-1)*ldd+rows)
			got := make([]float32, len(want))
			transposeGo(want, ldd, src, lds, rows, cols)
			kn.transpose(got, ldd, src, lds, rows, cols)
			for j := range want {
				if want[j] != got[j] {
					t.Fatalf("%s transpose %dx%d lds %d ldd %d: dst[%d] = %v, want %v", kn.name, rows, cols, lds, ldd, j, got[j], want[j])
				}
			}
		}
	}
}

// TestNoAllocs: once buffers and workers exist, Gemm allocates nothing, on the
// serial path and on the parallel one.
func TestNoAllocs(t *testing.T) {
	shapes := []problem{
		{tA: false, tB: true, m: 10, n: 1000, k: 1024, alpha: 1},
		{tA: true, tB: false, m: 1000, n: 1024, k: 10, alpha: -0.01, beta: 1},
		{tA: false, tB: true, m: 100, n: 1000, k: 1024, alpha: 1}, // parallel when threads > 1
		{tA: true, tB: true, m: 45, n: 300, k: 200, alpha: 1, beta: 2},
		{tA: false, tB: false, m: 7, n: 9, k: 5, alpha: 1},
		{tA: false, tB: false, m: 0, n: 9, k: 5, alpha: 1},
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for _, p := range shapes {
		in := newInstance(p, rng)
		c := append([]float32(nil), in.c0...)
		for _, th := range []int{1, 2} {
			mu := Multiplier{Threads: th}
			f := func() { mu.Gemm(p.tA, p.tB, p.m, p.n, p.k, p.alpha, in.a, in.lda, in.b, in.ldb, p.beta, c, in.ldc) }
			f()
			if got := testing.AllocsPerRun(20, f); got != 0 {
				t.Errorf("%v threads %d: %v allocs per Gemm, want 0", p, th, got)
			}
		}
	}
}

// TestConcurrent: several goroutines (several trainers) call Gemm at once, on
// shared inputs and their own outputs, with the parallel path active.
func TestConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	ps := []problem{
		{tA: false, tB: true, m: 10, n: scale(1000), k: scale(1024), alpha: 1},
		{tA: false, tB: false, m: 100, n: scale(1024), k: scale(1000), alpha: 1},
		{tA: true, tB: false, m: scale(1000), n: scale(1024), k: 10, alpha: -0.01, beta: 1},
		{tA: false, tB: false, m: 13, n: 17, k: 19, alpha: 2, beta: 0.5},
	}
	var insts []*instance
	for _, p := range ps {
		insts = append(insts, newInstance(p, rng))
	}
	mu := Multiplier{Threads: 2}
	var wg sync.WaitGroup
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < 4; r++ {
				in := insts[(g+r)%len(insts)]
				in.check(t, fmt.Sprintf("goroutine %d", g), in.run(mu.Gemm))
			}
		}()
	}
	wg.Wait()
}

// TestKernelParams: the driver steps through MC rows and NC columns in whole
// register tiles, so the blocks must be multiples of the tile.
func TestKernelParams(t *testing.T) {
	for _, kn := range kernels() {
		if kn.mc%kn.mr != 0 || kn.nc%kn.nr != 0 || kn.kc%8 != 0 {
			t.Errorf("%s: mc %d nc %d kc %d not multiples of mr %d, nr %d, 8", kn.name, kn.mc, kn.nc, kn.kc, kn.mr, kn.nr)
		}
		if kn.name != "generic" && kn.nr%8 != 0 { // copyRows moves 8 floats at a time
			t.Errorf("%s: nr %d not a multiple of 8", kn.name, kn.nr)
		}
	}
}

// TestThreads: Multiplier.Threads below 1 is the start-up default
// (GOMAXPROCS, at least 1), above maxThreads is maxThreads; and the chosen
// kernel is one of the three.
func TestThreads(t *testing.T) {
	want := min(max(1, runtime.GOMAXPROCS(0)), maxThreads)
	for _, tc := range []struct{ threads, want int }{
		{0, want}, {-3, want}, {1, 1}, {3, 3}, {maxThreads, maxThreads}, {1000, maxThreads},
	} {
		if got := (Multiplier{Threads: tc.threads}).threads(); got != tc.want {
			t.Errorf("Multiplier{Threads: %d} uses %d threads, want %d", tc.threads, got, tc.want)
		}
	}
	switch Kernel() {
	case "avx512", "avx2", "neon", "generic":
	default:
		t.Errorf("Kernel() = %q", Kernel())
	}
	t.Logf("kernel %s, threads %d", Kernel(), want)
}

// FuzzGemm compares Gemm with reference on fuzzed shapes, strides, scalars and
// kernels.
func FuzzGemm(f *testing.F) {
	f.Add(false, false, uint8(3), uint8(5), uint8(7), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint8(0), uint64(1))
	f.Add(true, true, uint8(33), uint8(65), uint8(17), uint8(1), uint8(2), uint8(3), uint8(1), uint8(2), uint8(1), uint64(2))
	f.Add(false, true, uint8(10), uint8(100), uint8(64), uint8(0), uint8(3), uint8(0), uint8(4), uint8(1), uint8(2), uint64(3))
	f.Add(true, false, uint8(99), uint8(31), uint8(10), uint8(2), uint8(0), uint8(1), uint8(5), uint8(3), uint8(0), uint64(4))
	f.Fuzz(func(t *testing.T, tA, tB bool, m, n, k, padA, padB, padC, ai, bi, ki uint8, seed uint64) {
		p := problem{
			tA: tA, tB: tB, m: int(m) % 100, n: int(n) % 130, k: int(k) % 80,
			alpha: alphas[int(ai)%len(alphas)], beta: betas[int(bi)%len(betas)],
			padA: int(padA) % 5, padB: int(padB) % 5, padC: int(padC) % 5,
		}
		in := newInstance(p, rand.New(rand.NewPCG(seed, 99)))
		ks := kernels()
		kn := ks[int(ki)%len(ks)]
		got := in.run(Multiplier{kn: kn}.Gemm)
		in.check(t, "Gemm "+kn.name, got)
		in.checkClose(t, "Gemm vs reference", got, in.run(reference))
	})
}
