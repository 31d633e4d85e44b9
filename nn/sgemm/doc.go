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
// combinations; transposing packs use an 8x8 AVX shuffle transpose, plain
// ones an AVX row copy.
//
// The micro-kernel is picked once at start-up from the CPU features
// (golang.org/x/sys/cpu):
//
//   - "avx512": 10x32 tile, 20 ZMM accumulators (MR=10 divides the batch
//     sizes 10, 100, 300 and the layer width 1000 exactly, so no lanes are
//     wasted on padding rows in the shapes this project uses);
//   - "avx2":   6x16 tile, 12 YMM accumulators, for AVX2+FMA machines;
//   - "neon":   10x8 tile, 20 NEON accumulators (FMLA by element), on every
//     arm64 CPU (kernel_arm64.s);
//   - "generic": a pure Go 2x4 tile unrolled 8 along k (it fits amd64's
//     15 Go float registers), for other CPUs, other architectures and builds
//     with the noasm tag; compute bound even at minibatch 10, so those
//     products use threads too.
//
// Three shapes of the training step get paths of their own, because at
// minibatch 10 they are memory bound and the cost is moving the 1000x1024
// weight matrix, not the arithmetic:
//
//   - A*W^T with at most 10 rows (forward pass) or at most 10 columns (the
//     9-output layer at any batch): a dot-product kernel (AVX-512) streams W
//     straight from the matrix, once, two rows at a time, with A (10 x 512
//     floats per k block) held in L1. Packing would first transpose all of W.
//   - A*W with at most MR rows (backward pass): the micro-kernel reads W in
//     place with its row stride, since a packed copy would be read only once.
//   - A^T*B + C with small k (weight update): the ordinary loop nest already
//     reads and writes every tile of C (the weights) exactly once.
//
// # Threads
//
// Large products are split into column (or row) slabs of C, at most
// Multiplier.Threads of them (runtime.GOMAXPROCS(0) as the process started,
// for Gemm), that run on persistent worker goroutines, created once; each slab packs its own panels
// into buffers taken from a free list, so a warmed-up Gemm allocates
// nothing. Gemm may be called from several goroutines at once.
package sgemm
