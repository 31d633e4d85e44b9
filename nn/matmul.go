package nn

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"initscope/nn/sgemm"
)

// GemmFunc computes C = alpha*op(A)*op(B) + beta*C on row-major float32
// matrices, with the argument order and meaning of BLAS sgemm: op(A) is m x k,
// op(B) is k x n, and lda, ldb, ldc are row strides.
type GemmFunc func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

// Gemm is the matrix multiply a network runs every product through, and
// its name for reports. Each Network holds its own (Network.Gemm), so
// choosing one, or its thread count, changes no other network in the
// process.
type Gemm struct {
	Name string
	Func GemmFunc
}

// FastGemm is sgemm's blocked kernel (AVX-512 or AVX2 where the CPU has
// them, NEON on arm64, chosen once at start-up) using at most threads goroutines per
// product; threads below 1 means runtime.GOMAXPROCS(0) as the process
// started. FastGemm(0) is what a network uses when its Gemm is unset.
func FastGemm(threads int) Gemm {
	return Gemm{Name: "sgemm-" + sgemm.Kernel(), Func: sgemm.Multiplier{Threads: threads}.Gemm}
}

// BlasGemm is gonum's pure-Go blas32, the reference the fast kernel is
// tested against.
func BlasGemm() Gemm { return Gemm{Name: "blas32", Func: blas32Gemm} }

// defaultGemm is FastGemm(0), built once; it is never changed.
var defaultGemm = FastGemm(0)

// gemm is the one matrix-multiply seam: every product of net goes through
// it, so a faster kernel replaces it without touching the rest.
func (net *Network) gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	f := net.Gemm.Func
	if f == nil {
		f = defaultGemm.Func
	}
	f(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Kernel names the matrix multiply net uses, for reports.
func (net *Network) Kernel() string {
	if net.Gemm.Func == nil {
		return defaultGemm.Name
	}
	return net.Gemm.Name
}

func blas32Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	blas32.Implementation().Sgemm(trans(transA), trans(transB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}
