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

// gemm is the one matrix-multiply seam: every product in this package goes
// through it, so a faster kernel replaces it without touching the rest. The
// default is sgemm's blocked kernel (AVX-512 or AVX2 where the CPU has them);
// gonum's blas32 stays as the reference it is tested against.
var (
	gemm       GemmFunc = sgemm.Gemm
	kernelName          = "sgemm-" + sgemm.Kernel()
)

// SetGemm replaces the matrix multiply used by every network and returns the
// previous one and its name. It is meant for start-up, tests and benchmarks,
// not for use while networks train.
func SetGemm(name string, f GemmFunc) (string, GemmFunc) {
	oldName, old := kernelName, gemm
	kernelName, gemm = name, f
	return oldName, old
}

// KernelName names the matrix multiply in use, for reports.
func KernelName() string { return kernelName }

// BlasGemm is the seam's first implementation: gonum's pure-Go blas32.
func BlasGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
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
