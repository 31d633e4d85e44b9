// Package sgemm multiplies float32 matrices fast: C = alpha*op(A)*op(B) + beta*C, row-major.
//
// The semantics are those of gonum's blas32.Implementation().Sgemm with
// row-major storage: op(X) is X or X^T, op(A) is m x k, op(B) is k x n, C is
// m x n, and lda, ldb, ldc are row strides. beta == 0 means C is overwritten
// without being read, so NaN or Inf left in C does not leak into the result.
//
// # Algorithm
//
// Gemm is a Goto/BLIS style blocked multiply. For each block of k (KC deep)
// the rows of op(A) are packed into MR-row micro-panels and a block of
// columns of op(B) (NC wide, sized to stay in the L2 cache) into NR-column
// micro-panels; a register-blocked micro-kernel then computes each MR x NR
// tile of C with the A micro-panel held in L1 and the B micro-panel streamed
// from L2. Packing turns every access pattern (either transpose) into the
// same unit-stride streams, so one micro-kernel serves all four transpose
// combinations; transposing packs use an 8x8 AVX2 shuffle transpose.
//
// The micro-kernel is picked once at start-up from the CPU features
// (golang.org/x/sys/cpu):
//
//   - "avx512": 10x32 tile, 20 ZMM accumulators (MR=10 divides the batch
//     sizes 10, 100, 300 and the layer width 1000 exactly, so no lanes are
//     wasted on padding rows in the shapes this project uses);
//   - "avx2":   6x16 tile, 12 YMM accumulators, for AVX2+FMA machines;
//   - "generic": a pure Go 4x4 tile, for other CPUs, other architectures and
//     builds with the noasm tag.
//
// When k is small (a minibatch of 10 in the weight update) the same loop
// nest degenerates into a single pass over C: every tile of C is read and
// written exactly once, so the memory-bound update streams the weights once.
//
// # Threads
//
// Large products are split into column (or row) slabs of C that run on
// persistent worker goroutines, created once; each slab packs its own panels
// into buffers taken from a free list, so a warmed-up Gemm allocates
// nothing. Gemm may be called from several goroutines at once.
package sgemm
