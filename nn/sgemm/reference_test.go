package sgemm

// reference is the plain triple loop, the slow version the tests compare Gemm against.
// It checks its arguments like Gemm and accumulates each element in float32
// in k order, like a naive BLAS; alpha == 0 leaves A and B unread, as in BLAS.
func reference(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkArgs(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			if alpha != 0 {
				for p := 0; p < k; p++ {
					var av, bv float32
					if transA {
						av = a[p*lda+i]
					} else {
						av = a[i*lda+p]
					}
					if transB {
						bv = b[j*ldb+p]
					} else {
						bv = b[p*ldb+j]
					}
					s += av * bv
				}
			}
			cij := &c[i*ldc+j]
			if beta == 0 {
				*cij = alpha * s
			} else {
				*cij = alpha*s + beta**cij
			}
		}
	}
}
