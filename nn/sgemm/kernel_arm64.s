//go:build arm64 && !noasm

#include "textflag.h"

// ---------------------------------------------------------------------------
// NEON (ASIMD) 10x8 micro-kernel.
//
// Accumulators V0..V19: row i of the tile is V(2i) (columns 0..3) and
// V(2i+1) (columns 4..7). Each k step loads the 10 packed A values into
// V20 (rows 0..3), V21 (rows 4..7) and the low half of V22 (rows 8, 9), one
// 8-wide row of B into V23, V24, then issues 20 FMLAs by element: row i adds
// V23 and V24 times lane i%4 of V(20+i/4). 3 loads per 20 FMLAs; 25 of the
// 32 vector registers are used. MR=10 divides the batch sizes 10, 100, 300
// and the layer width 1000 exactly, as for the AVX-512 kernel.
//
// Go's assembler has VFMLA only in its vector-by-vector form, so the
// by-element forms are written as WORDs. From the Arm Architecture
// Reference Manual, FMLA (by element) and FMUL (by element), vector, single
// precision (Q=1, U=0, sz=0):
//
//	31 30 29 28..24 23 22 21 20 19..16 15..12 11 10 9..5 4..0
//	 0  Q  0  01111  1 sz  L  M  Rm     opcode  H  0  Rn   Rd
//
// opcode 0001 is FMLA, 1001 is FMUL; the lane index is H:L and the 5-bit
// number of Vm is M:Rm, so Vm<<16 puts its top bit in M. The formula agrees
// with GNU as (aarch64-linux-gnu-as): fmla v0.4s, v1.4s, v2.s[0] = 0x4f821020,
// fmla v14.4s, v23.4s, v21.s[3] = 0x4fb51aee, fmla v19.4s, v24.4s, v22.s[1]
// = 0x4fb61313, fmul v27.4s, v27.4s, v26.s[0] = 0x4f9a937b; and
// aarch64-linux-gnu-objdump -d of the test binary shows each use below as
// the instruction its comment names.

// FMLAE: Vd.4S += Vn.4S * Vm.S[i]   (fmla vd.4s, vn.4s, vm.s[i])
#define FMLAE(d, n, m, i) WORD $(0x4f801000 | (((i)&1)<<21) | ((m)<<16) | (((i)>>1)<<11) | ((n)<<5) | (d))

// FMULE: Vd.4S = Vn.4S * Vm.S[i]    (fmul vd.4s, vn.4s, vm.s[i])
#define FMULE(d, n, m, i) WORD $(0x4f809000 | (((i)&1)<<21) | ((m)<<16) | (((i)>>1)<<11) | ((n)<<5) | (d))

// One k step: R8 walks packed A (40 bytes a step), R9 walks B (R3 bytes a step).
#define STEP \
	VLD1.P 32(R8), [V20.S4, V21.S4]   \
	VLD1.P 8(R8), [V22.S2]            \
	VLD1.P (R9)(R3), [V23.S4, V24.S4] \
	FMLAE(0, 23, 20, 0)               \
	FMLAE(1, 24, 20, 0)               \
	FMLAE(2, 23, 20, 1)               \
	FMLAE(3, 24, 20, 1)               \
	FMLAE(4, 23, 20, 2)               \
	FMLAE(5, 24, 20, 2)               \
	FMLAE(6, 23, 20, 3)               \
	FMLAE(7, 24, 20, 3)               \
	FMLAE(8, 23, 21, 0)               \
	FMLAE(9, 24, 21, 0)               \
	FMLAE(10, 23, 21, 1)              \
	FMLAE(11, 24, 21, 1)              \
	FMLAE(12, 23, 21, 2)              \
	FMLAE(13, 24, 21, 2)              \
	FMLAE(14, 23, 21, 3)              \
	FMLAE(15, 24, 21, 3)              \
	FMLAE(16, 23, 22, 0)              \
	FMLAE(17, 24, 22, 0)              \
	FMLAE(18, 23, 22, 1)              \
	FMLAE(19, 24, 22, 1)

// Row epilogues, R11 = the C row, R6 = ldc in bytes, alpha in V25.S[0] and
// beta in V26.S[0]: c = beta*c + alpha*acc, or c = alpha*acc when beta == 0,
// which must not read c (it may hold NaN).
#define ROWN(r0, r1) \
	VLD1 (R11), [V27.S4, V28.S4]       \
	FMULE(27, 27, 26, 0)               \
	FMULE(28, 28, 26, 0)               \
	FMLAE(27, r0, 25, 0)               \
	FMLAE(28, r1, 25, 0)               \
	VST1.P [V27.S4, V28.S4], (R11)(R6)

#define ROWZ(r0, r1) \
	FMULE(27, r0, 25, 0)               \
	FMULE(28, r1, 25, 0)               \
	VST1.P [V27.S4, V28.S4], (R11)(R6)

// func micro10x8(kc int, a, b *float32, bstride, bpanel int, c *float32, ldc int, alpha, beta float32, ntiles int)
//
// Computes ntiles adjacent 10x8 tiles of C: tile t reads B from b +
// t*bpanel bytes, with bstride bytes between consecutive k, and writes C
// columns 8t..8t+7 (ldc in floats). kc >= 1, ntiles >= 1.
TEXT ·micro10x8(SB), NOSPLIT, $0-72
	MOVD  kc+0(FP), R0
	MOVD  a+8(FP), R1
	MOVD  b+16(FP), R2
	MOVD  bstride+24(FP), R3
	MOVD  bpanel+32(FP), R4
	MOVD  c+40(FP), R5
	MOVD  ldc+48(FP), R6
	LSL   $2, R6, R6            // ldc in bytes
	MOVD  ntiles+64(FP), R7
	FMOVS alpha+56(FP), F25     // V25.S[0] = alpha
	FMOVS beta+60(FP), F26      // V26.S[0] = beta
	MOVWU beta+60(FP), R14
	AND   $0x7fffffff, R14, R14 // +0 and -0 both mean "overwrite"

tile:
	MOVD R1, R8  // A from the start of its panel
	MOVD R2, R9  // this tile's B panel
	MOVD R5, R11 // this tile's C columns

	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	VEOR V10.B16, V10.B16, V10.B16
	VEOR V11.B16, V11.B16, V11.B16
	VEOR V12.B16, V12.B16, V12.B16
	VEOR V13.B16, V13.B16, V13.B16
	VEOR V14.B16, V14.B16, V14.B16
	VEOR V15.B16, V15.B16, V15.B16
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16

	LSR $2, R0, R10 // groups of 4 k steps
	AND $3, R0, R12 // leftover steps
	CBZ R10, tail

loop:
	STEP
	STEP
	STEP
	STEP
	SUB  $1, R10, R10
	CBNZ R10, loop

tail:
	CBZ R12, done

tailloop:
	STEP
	SUB  $1, R12, R12
	CBNZ R12, tailloop

done:
	CBZ R14, storez
	ROWN(0, 1)
	ROWN(2, 3)
	ROWN(4, 5)
	ROWN(6, 7)
	ROWN(8, 9)
	ROWN(10, 11)
	ROWN(12, 13)
	ROWN(14, 15)
	ROWN(16, 17)
	ROWN(18, 19)
	B next

storez:
	ROWZ(0, 1)
	ROWZ(2, 3)
	ROWZ(4, 5)
	ROWZ(6, 7)
	ROWZ(8, 9)
	ROWZ(10, 11)
	ROWZ(12, 13)
	ROWZ(14, 15)
	ROWZ(16, 17)
	ROWZ(18, 19)

next:
	ADD  R4, R2, R2  // next B panel
	ADD  $32, R5, R5 // next 8 columns of C
	SUB  $1, R7, R7
	CBNZ R7, tile
	RET

// func transpose4(dst *float32, ldd int, src *float32, lds int, rb, cb int)
//
// Sets dst[j*ldd+i] = src[i*lds+j] for i < 4*rb, j < 4*cb (rb, cb >= 1),
// one 4x4 block at a time: rows r0..r3 of a block become its columns by
// two rounds of TRN (Go's operand order: VTRN1 Vm, Vn, Vd is
// trn1 vd, vn, vm):
//
//	t0 = trn1.4s(r0, r1) = r0[0] r1[0] r0[2] r1[2]    t1 = trn2.4s(r0, r1) = r0[1] r1[1] r0[3] r1[3]
//	t2 = trn1.4s(r2, r3) = r2[0] r3[0] r2[2] r3[2]    t3 = trn2.4s(r2, r3) = r2[1] r3[1] r2[3] r3[3]
//	c0 = trn1.2d(t0, t2) = r0[0] r1[0] r2[0] r3[0]    c1 = trn1.2d(t1, t3): column 1
//	c2 = trn2.2d(t0, t2): column 2                    c3 = trn2.2d(t1, t3): column 3
TEXT ·transpose4(SB), NOSPLIT, $0-48
	MOVD dst+0(FP), R0
	MOVD ldd+8(FP), R1
	LSL  $2, R1, R1   // ldd in bytes
	MOVD src+16(FP), R2
	MOVD lds+24(FP), R3
	LSL  $2, R3, R3   // lds in bytes
	MOVD rb+32(FP), R4
	MOVD cb+40(FP), R5
	LSL  $2, R1, R11  // 4 rows of dst
	LSL  $2, R3, R12  // 4 rows of src

rowblock:
	MOVD R2, R6 // src: rows 4bi.., column block 0
	MOVD R0, R7 // dst: columns 4bi.., row block 0
	MOVD R5, R8

colblock:
	MOVD   R6, R9
	VLD1.P (R9)(R3), [V0.S4]
	VLD1.P (R9)(R3), [V1.S4]
	VLD1.P (R9)(R3), [V2.S4]
	VLD1   (R9), [V3.S4]
	VTRN1  V1.S4, V0.S4, V4.S4
	VTRN2  V1.S4, V0.S4, V5.S4
	VTRN1  V3.S4, V2.S4, V6.S4
	VTRN2  V3.S4, V2.S4, V7.S4
	VTRN1  V6.D2, V4.D2, V0.D2
	VTRN1  V7.D2, V5.D2, V1.D2
	VTRN2  V6.D2, V4.D2, V2.D2
	VTRN2  V7.D2, V5.D2, V3.D2
	MOVD   R7, R10
	VST1.P [V0.S4], (R10)(R1)
	VST1.P [V1.S4], (R10)(R1)
	VST1.P [V2.S4], (R10)(R1)
	VST1   [V3.S4], (R10)
	ADD    $16, R6, R6 // next 4 columns of src
	ADD    R11, R7, R7 // next 4 rows of dst
	SUB    $1, R8, R8
	CBNZ   R8, colblock

	ADD  R12, R2, R2 // next 4 rows of src
	ADD  $16, R0, R0 // next 4 columns of dst
	SUB  $1, R4, R4
	CBNZ R4, rowblock
	RET

// func copy8(dst, src *float32, lds, rows int)
//
// Sets dst[p*8+j] = src[p*lds+j] for p < rows, j < 8 (rows >= 1): one
// packed B micro-panel, without a memmove call per 32-byte row.
TEXT ·copy8(SB), NOSPLIT, $0-32
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD lds+16(FP), R2
	LSL  $2, R2, R2 // lds in bytes
	MOVD rows+24(FP), R3

copyloop:
	VLD1.P (R1)(R2), [V0.S4, V1.S4]
	VST1.P [V0.S4, V1.S4], 32(R0)
	SUB    $1, R3, R3
	CBNZ   R3, copyloop
	RET

// ---------------------------------------------------------------------------
// The small-m A*W^T kernel (C = A*W^T with at most 10 rows: the forward pass
// at minibatch 10), dot products that stream two rows of W straight from the
// matrix instead of transposing all of W into panels (see gemmDotNT).
//
// A is packed chunk-major (chunk q of row i: a + (q*10+i)*64 bytes). For
// each 16-float chunk, W's two rows go to V20..V23 and V24..V27 and each row
// of A to V28..V31; V(2i+j) holds 4 partial sums of row i times W row j.
// At the end FADDP (pairwise add, WORD-encoded like FMLAE: 0 1 1 01110 0 sz 1
// Rm 110101 Rn Rd; GNU as: faddp v20.4s, v16.4s, v17.4s = 0x6e31d614) folds
// each group of 4 accumulators into one vector of 4 sums, in output order.

// FADDP: Vd.4S = pairwise sums of Vn.4S then Vm.4S   (faddp vd.4s, vn.4s, vm.4s)
#define FADDP(d, n, m) WORD $(0x6e20d400 | ((m)<<16) | ((n)<<5) | (d))

#define DOTROW(c0, c1) \
	VLD1.P 64(R1), [V28.S4, V29.S4, V30.S4, V31.S4] \
	VFMLA  V20.S4, V28.S4, c0.S4                    \
	VFMLA  V24.S4, V28.S4, c1.S4                    \
	VFMLA  V21.S4, V29.S4, c0.S4                    \
	VFMLA  V25.S4, V29.S4, c1.S4                    \
	VFMLA  V22.S4, V30.S4, c0.S4                    \
	VFMLA  V26.S4, V30.S4, c1.S4                    \
	VFMLA  V23.S4, V31.S4, c0.S4                    \
	VFMLA  V27.S4, V31.S4, c1.S4

// Sums of accumulators 4g..4g+3 into Vg (Vg is already consumed).
#define FOLD(g, a0, a1, a2, a3) \
	FADDP(20, a0, a1) \
	FADDP(21, a2, a3) \
	FADDP(g, 20, 21)

// func dot10x2(kq int, a, w *float32, ldw int, sums *float32)
//
// Sets sums[2i+j] = sum over p < 16*kq of a_i[p]*w[j*ldw+p], i < 10, j < 2
// (kq >= 1; ldw 0 repeats row 0).
TEXT ·dot10x2(SB), NOSPLIT, $0-40
	MOVD kq+0(FP), R0
	MOVD a+8(FP), R1
	MOVD w+16(FP), R2
	MOVD ldw+24(FP), R3
	LSL  $2, R3, R3
	ADD  R2, R3, R3     // W row 1
	MOVD sums+32(FP), R4

	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	VEOR V10.B16, V10.B16, V10.B16
	VEOR V11.B16, V11.B16, V11.B16
	VEOR V12.B16, V12.B16, V12.B16
	VEOR V13.B16, V13.B16, V13.B16
	VEOR V14.B16, V14.B16, V14.B16
	VEOR V15.B16, V15.B16, V15.B16
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16

dotchunk:
	VLD1.P 64(R2), [V20.S4, V21.S4, V22.S4, V23.S4]
	VLD1.P 64(R3), [V24.S4, V25.S4, V26.S4, V27.S4]
	DOTROW(V0, V1)
	DOTROW(V2, V3)
	DOTROW(V4, V5)
	DOTROW(V6, V7)
	DOTROW(V8, V9)
	DOTROW(V10, V11)
	DOTROW(V12, V13)
	DOTROW(V14, V15)
	DOTROW(V16, V17)
	DOTROW(V18, V19)
	SUB  $1, R0, R0
	CBNZ R0, dotchunk

	FOLD(0, 0, 1, 2, 3)
	FOLD(1, 4, 5, 6, 7)
	FOLD(2, 8, 9, 10, 11)
	FOLD(3, 12, 13, 14, 15)
	FOLD(4, 16, 17, 18, 19)
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R4)
	VST1   [V4.S4], (R4)
	RET
