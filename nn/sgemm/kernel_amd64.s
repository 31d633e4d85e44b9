//go:build amd64 && !noasm

#include "textflag.h"

// ---------------------------------------------------------------------------
// AVX-512 10x32 micro-kernel.
//
// Accumulators Z0..Z19: row i of the tile is Z(2i) (columns 0..15) and
// Z(2i+1) (columns 16..31). Each k step loads one 32-wide row of packed B
// into Z20,Z21 and broadcasts the 10 packed A values into Z22..Z31, then
// issues 20 FMAs: 12 loads per 20 FMAs keeps both FMA ports busy while the
// loads fit in two of the load ports.

#define STEP512(aoff, bmem0, bmem1) \
	VMOVUPS      bmem0, Z20       \
	VMOVUPS      bmem1, Z21       \
	VBROADCASTSS aoff+0(AX), Z22  \
	VBROADCASTSS aoff+4(AX), Z23  \
	VFMADD231PS  Z22, Z20, Z0     \
	VFMADD231PS  Z22, Z21, Z1     \
	VFMADD231PS  Z23, Z20, Z2     \
	VFMADD231PS  Z23, Z21, Z3     \
	VBROADCASTSS aoff+8(AX), Z24  \
	VBROADCASTSS aoff+12(AX), Z25 \
	VFMADD231PS  Z24, Z20, Z4     \
	VFMADD231PS  Z24, Z21, Z5     \
	VFMADD231PS  Z25, Z20, Z6     \
	VFMADD231PS  Z25, Z21, Z7     \
	VBROADCASTSS aoff+16(AX), Z26 \
	VBROADCASTSS aoff+20(AX), Z27 \
	VFMADD231PS  Z26, Z20, Z8     \
	VFMADD231PS  Z26, Z21, Z9     \
	VFMADD231PS  Z27, Z20, Z10    \
	VFMADD231PS  Z27, Z21, Z11    \
	VBROADCASTSS aoff+24(AX), Z28 \
	VBROADCASTSS aoff+28(AX), Z29 \
	VFMADD231PS  Z28, Z20, Z12    \
	VFMADD231PS  Z28, Z21, Z13    \
	VFMADD231PS  Z29, Z20, Z14    \
	VFMADD231PS  Z29, Z21, Z15    \
	VBROADCASTSS aoff+32(AX), Z30 \
	VBROADCASTSS aoff+36(AX), Z31 \
	VFMADD231PS  Z30, Z20, Z16    \
	VFMADD231PS  Z30, Z21, Z17    \
	VFMADD231PS  Z31, Z20, Z18    \
	VFMADD231PS  Z31, Z21, Z19

// Row epilogues: c = alpha*acc + beta*c (Z20 = alpha, Z21 = beta) or
// c = alpha*acc when beta == 0, which must not read c.
#define ROW512(r0, r1) \
	VMULPS      Z20, r0, r0    \
	VMULPS      Z20, r1, r1    \
	VFMADD231PS (DI), Z21, r0  \
	VFMADD231PS 64(DI), Z21, r1 \
	VMOVUPS     r0, (DI)       \
	VMOVUPS     r1, 64(DI)     \
	ADDQ        R8, DI

#define ROW512Z(r0, r1) \
	VMULPS  Z20, r0, r0 \
	VMULPS  Z20, r1, r1 \
	VMOVUPS r0, (DI)    \
	VMOVUPS r1, 64(DI)  \
	ADDQ    R8, DI

// func micro10x32(kc int, a, b *float32, bstride, bpanel int, c *float32, ldc int, alpha, beta float32, ntiles int)
TEXT ·micro10x32(SB), NOSPLIT, $0-72
	MOVQ bstride+24(FP), DX
	MOVQ ldc+48(FP), R8
	SHLQ $2, R8
	LEAQ (DX)(DX*2), R9 // 3*bstride
	LEAQ (DX*4), R10    // 4*bstride
	XORQ R12, R12       // tile index

tile512:
	// Tile R12 uses B panel b + R12*bpanel and C columns c + 32*R12.
	MOVQ  R12, BX
	IMULQ bpanel+32(FP), BX
	ADDQ  b+16(FP), BX
	MOVQ  R12, DI
	SHLQ  $7, DI
	ADDQ  c+40(FP), DI
	MOVQ  kc+0(FP), CX
	MOVQ  a+8(FP), AX

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19

	MOVQ  CX, R11
	SHRQ  $2, R11 // groups of 4 k steps
	ANDQ  $3, CX  // leftover steps
	TESTQ R11, R11
	JZ    tail512

loop512:
	STEP512(0, (BX), 64(BX))
	STEP512(40, (BX)(DX*1), 64(BX)(DX*1))
	STEP512(80, (BX)(DX*2), 64(BX)(DX*2))
	STEP512(120, (BX)(R9*1), 64(BX)(R9*1))
	ADDQ $160, AX
	ADDQ R10, BX
	DECQ R11
	JNZ  loop512

tail512:
	TESTQ CX, CX
	JZ    done512

tailloop512:
	STEP512(0, (BX), 64(BX))
	ADDQ $40, AX
	ADDQ DX, BX
	DECQ CX
	JNZ  tailloop512

done512:
	VBROADCASTSS alpha+56(FP), Z20
	VBROADCASTSS beta+60(FP), Z21
	MOVL beta+60(FP), R11
	ANDL $0x7fffffff, R11 // +0 and -0 both mean "overwrite"
	JZ   store512z

	ROW512(Z0, Z1)
	ROW512(Z2, Z3)
	ROW512(Z4, Z5)
	ROW512(Z6, Z7)
	ROW512(Z8, Z9)
	ROW512(Z10, Z11)
	ROW512(Z12, Z13)
	ROW512(Z14, Z15)
	ROW512(Z16, Z17)
	ROW512(Z18, Z19)
	JMP next512

store512z:
	ROW512Z(Z0, Z1)
	ROW512Z(Z2, Z3)
	ROW512Z(Z4, Z5)
	ROW512Z(Z6, Z7)
	ROW512Z(Z8, Z9)
	ROW512Z(Z10, Z11)
	ROW512Z(Z12, Z13)
	ROW512Z(Z14, Z15)
	ROW512Z(Z16, Z17)
	ROW512Z(Z18, Z19)

next512:
	INCQ R12
	CMPQ R12, ntiles+64(FP)
	JLT  tile512
	VZEROUPPER
	RET

// micro10x32pf is micro10x32 for B read in place from the matrix (the
// backward pass at minibatch 10): consecutive k steps are a row stride
// apart, often a page or more, which the hardware prefetchers do not follow,
// so each group of 4 steps prefetches the rows PFG groups (8 rows) ahead.
#define PFG 2

// func micro10x32pf(kc int, a, b *float32, bstride, bpanel int, c *float32, ldc int, alpha, beta float32, ntiles int)
TEXT ·micro10x32pf(SB), NOSPLIT, $0-72
	MOVQ bstride+24(FP), DX
	MOVQ ldc+48(FP), R8
	SHLQ $2, R8
	LEAQ (DX)(DX*2), R9 // 3*bstride
	LEAQ (DX*4), R10    // 4*bstride
	XORQ R12, R12       // tile index

tilepf:
	// Tile R12 uses B panel b + R12*bpanel and C columns c + 32*R12.
	MOVQ  R12, BX
	IMULQ bpanel+32(FP), BX
	ADDQ  b+16(FP), BX
	MOVQ  R12, DI
	SHLQ  $7, DI
	ADDQ  c+40(FP), DI
	MOVQ  kc+0(FP), CX
	MOVQ  a+8(FP), AX

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19

	MOVQ  CX, R11
	SHRQ  $2, R11 // groups of 4 k steps
	ANDQ  $3, CX  // leftover steps
	TESTQ R11, R11
	JZ    tailpf

looppf:
	LEAQ       (BX)(R10*PFG), R13
	PREFETCHT0 (R13)
	PREFETCHT0 64(R13)
	PREFETCHT0 (R13)(DX*1)
	PREFETCHT0 64(R13)(DX*1)
	PREFETCHT0 (R13)(DX*2)
	PREFETCHT0 64(R13)(DX*2)
	PREFETCHT0 (R13)(R9*1)
	PREFETCHT0 64(R13)(R9*1)
	STEP512(0, (BX), 64(BX))
	STEP512(40, (BX)(DX*1), 64(BX)(DX*1))
	STEP512(80, (BX)(DX*2), 64(BX)(DX*2))
	STEP512(120, (BX)(R9*1), 64(BX)(R9*1))
	ADDQ $160, AX
	ADDQ R10, BX
	DECQ R11
	JNZ  looppf

tailpf:
	TESTQ CX, CX
	JZ    donepf

taillooppf:
	STEP512(0, (BX), 64(BX))
	ADDQ $40, AX
	ADDQ DX, BX
	DECQ CX
	JNZ  taillooppf

donepf:
	VBROADCASTSS alpha+56(FP), Z20
	VBROADCASTSS beta+60(FP), Z21
	MOVL beta+60(FP), R11
	ANDL $0x7fffffff, R11 // +0 and -0 both mean "overwrite"
	JZ   storepfz

	ROW512(Z0, Z1)
	ROW512(Z2, Z3)
	ROW512(Z4, Z5)
	ROW512(Z6, Z7)
	ROW512(Z8, Z9)
	ROW512(Z10, Z11)
	ROW512(Z12, Z13)
	ROW512(Z14, Z15)
	ROW512(Z16, Z17)
	ROW512(Z18, Z19)
	JMP nextpf

storepfz:
	ROW512Z(Z0, Z1)
	ROW512Z(Z2, Z3)
	ROW512Z(Z4, Z5)
	ROW512Z(Z6, Z7)
	ROW512Z(Z8, Z9)
	ROW512Z(Z10, Z11)
	ROW512Z(Z12, Z13)
	ROW512Z(Z14, Z15)
	ROW512Z(Z16, Z17)
	ROW512Z(Z18, Z19)

nextpf:
	INCQ R12
	CMPQ R12, ntiles+64(FP)
	JLT  tilepf
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// AVX2 6x16 micro-kernel: accumulators Y0..Y11 (row i in Y(2i), Y(2i+1)),
// B row in Y12,Y13, A broadcasts alternate Y14,Y15: all 16 YMM registers.

#define STEP256(aoff, bmem0, bmem1) \
	VMOVUPS      bmem0, Y12       \
	VMOVUPS      bmem1, Y13       \
	VBROADCASTSS aoff+0(AX), Y14  \
	VFMADD231PS  Y14, Y12, Y0     \
	VFMADD231PS  Y14, Y13, Y1     \
	VBROADCASTSS aoff+4(AX), Y15  \
	VFMADD231PS  Y15, Y12, Y2     \
	VFMADD231PS  Y15, Y13, Y3     \
	VBROADCASTSS aoff+8(AX), Y14  \
	VFMADD231PS  Y14, Y12, Y4     \
	VFMADD231PS  Y14, Y13, Y5     \
	VBROADCASTSS aoff+12(AX), Y15 \
	VFMADD231PS  Y15, Y12, Y6     \
	VFMADD231PS  Y15, Y13, Y7     \
	VBROADCASTSS aoff+16(AX), Y14 \
	VFMADD231PS  Y14, Y12, Y8     \
	VFMADD231PS  Y14, Y13, Y9     \
	VBROADCASTSS aoff+20(AX), Y15 \
	VFMADD231PS  Y15, Y12, Y10    \
	VFMADD231PS  Y15, Y13, Y11

#define ROW256(r0, r1) \
	VMULPS      Y14, r0, r0     \
	VMULPS      Y14, r1, r1     \
	VFMADD231PS (DI), Y15, r0   \
	VFMADD231PS 32(DI), Y15, r1 \
	VMOVUPS     r0, (DI)        \
	VMOVUPS     r1, 32(DI)      \
	ADDQ        R8, DI

#define ROW256Z(r0, r1) \
	VMULPS  Y14, r0, r0 \
	VMULPS  Y14, r1, r1 \
	VMOVUPS r0, (DI)    \
	VMOVUPS r1, 32(DI)  \
	ADDQ    R8, DI

// func micro6x16(kc int, a, b *float32, bstride int, c *float32, ldc int, alpha, beta float32)
TEXT ·micro6x16(SB), NOSPLIT, $0-56
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ b+16(FP), BX
	MOVQ bstride+24(FP), DX
	MOVQ c+32(FP), DI
	MOVQ ldc+40(FP), R8
	SHLQ $2, R8
	LEAQ (DX)(DX*2), R9
	LEAQ (DX*4), R10

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

	MOVQ  CX, R11
	SHRQ  $2, R11
	ANDQ  $3, CX
	TESTQ R11, R11
	JZ    tail256

loop256:
	STEP256(0, (BX), 32(BX))
	STEP256(24, (BX)(DX*1), 32(BX)(DX*1))
	STEP256(48, (BX)(DX*2), 32(BX)(DX*2))
	STEP256(72, (BX)(R9*1), 32(BX)(R9*1))
	ADDQ $96, AX
	ADDQ R10, BX
	DECQ R11
	JNZ  loop256

tail256:
	TESTQ CX, CX
	JZ    done256

tailloop256:
	STEP256(0, (BX), 32(BX))
	ADDQ $24, AX
	ADDQ DX, BX
	DECQ CX
	JNZ  tailloop256

done256:
	VBROADCASTSS alpha+48(FP), Y14
	VBROADCASTSS beta+52(FP), Y15
	MOVL beta+52(FP), R11
	ANDL $0x7fffffff, R11
	JZ   store256z

	ROW256(Y0, Y1)
	ROW256(Y2, Y3)
	ROW256(Y4, Y5)
	ROW256(Y6, Y7)
	ROW256(Y8, Y9)
	ROW256(Y10, Y11)
	VZEROUPPER
	RET

store256z:
	ROW256Z(Y0, Y1)
	ROW256Z(Y2, Y3)
	ROW256Z(Y4, Y5)
	ROW256Z(Y6, Y7)
	ROW256Z(Y8, Y9)
	ROW256Z(Y10, Y11)
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// func transpose8(dst *float32, ldd int, src *float32, lds int, rb, cb int)
//
// dst[j*ldd+i] = src[i*lds+j] for i < 8*rb, j < 8*cb, in 8x8 blocks. Each
// block is loaded as four YMM registers whose low lane comes from rows 0..3
// and high lane from rows 4..7 (VINSERTF128), so two rounds of in-lane
// shuffles finish the transpose with no cross-lane permutes.
TEXT ·transpose8(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), DX
	SHLQ $2, DX
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R8
	SHLQ $2, R8
	MOVQ rb+32(FP), CX
	LEAQ (R8)(R8*2), R9 // 3*lds
	LEAQ (DX)(DX*2), R12 // 3*ldd

rowblock:
	MOVQ SI, R11
	MOVQ DI, AX
	MOVQ cb+40(FP), BX

colblock:
	LEAQ (R11)(R8*4), R10
	LEAQ (AX)(DX*4), R13

	VMOVUPS     (R11), X0
	VINSERTF128 $1, (R10), Y0, Y0
	VMOVUPS     (R11)(R8*1), X1
	VINSERTF128 $1, (R10)(R8*1), Y1, Y1
	VMOVUPS     (R11)(R8*2), X2
	VINSERTF128 $1, (R10)(R8*2), Y2, Y2
	VMOVUPS     (R11)(R9*1), X3
	VINSERTF128 $1, (R10)(R9*1), Y3, Y3
	VMOVUPS     16(R11), X4
	VINSERTF128 $1, 16(R10), Y4, Y4
	VMOVUPS     16(R11)(R8*1), X5
	VINSERTF128 $1, 16(R10)(R8*1), Y5, Y5
	VMOVUPS     16(R11)(R8*2), X6
	VINSERTF128 $1, 16(R10)(R8*2), Y6, Y6
	VMOVUPS     16(R11)(R9*1), X7
	VINSERTF128 $1, 16(R10)(R9*1), Y7, Y7

	// Columns 0..3 from Y0..Y3.
	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VSHUFPS   $0x44, Y10, Y8, Y12
	VSHUFPS   $0xEE, Y10, Y8, Y13
	VSHUFPS   $0x44, Y11, Y9, Y14
	VSHUFPS   $0xEE, Y11, Y9, Y15
	VMOVUPS   Y12, (AX)
	VMOVUPS   Y13, (AX)(DX*1)
	VMOVUPS   Y14, (AX)(DX*2)
	VMOVUPS   Y15, (AX)(R12*1)

	// Columns 4..7 from Y4..Y7.
	VUNPCKLPS Y5, Y4, Y8
	VUNPCKHPS Y5, Y4, Y9
	VUNPCKLPS Y7, Y6, Y10
	VUNPCKHPS Y7, Y6, Y11
	VSHUFPS   $0x44, Y10, Y8, Y12
	VSHUFPS   $0xEE, Y10, Y8, Y13
	VSHUFPS   $0x44, Y11, Y9, Y14
	VSHUFPS   $0xEE, Y11, Y9, Y15
	VMOVUPS   Y12, (R13)
	VMOVUPS   Y13, (R13)(DX*1)
	VMOVUPS   Y14, (R13)(DX*2)
	VMOVUPS   Y15, (R13)(R12*1)

	ADDQ $32, R11
	LEAQ (AX)(DX*8), AX
	DECQ BX
	JNZ  colblock

	LEAQ (SI)(R8*8), SI
	ADDQ $32, DI
	DECQ CX
	JNZ  rowblock

	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// func copyRows(dst, src *float32, lds, rows, w8 int)
//
// dst[p*8*w8 + j] = src[p*lds + j] for p < rows, j < 8*w8, w8 in {2, 4}:
// packs a B micro-panel (NR = 16 or 32) without a memmove call per row.
TEXT ·copyRows(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), DX
	SHLQ $2, DX
	MOVQ rows+24(FP), CX
	MOVQ w8+32(FP), AX
	CMPQ AX, $4
	JEQ  copy32

copy16:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    DX, SI
	ADDQ    $64, DI
	DECQ    CX
	JNZ     copy16
	VZEROUPPER
	RET

copy32:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    DX, SI
	ADDQ    $128, DI
	DECQ    CX
	JNZ     copy32
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// func dot10x2(kq, ktail int, a, w *float32, ldw int, out *float32)
//
// Dot-product kernel for C = A*W^T with at most 10 rows of A (the forward pass
// at minibatch 10): out[2i+j] += sum_p a_i[p]*w_j[p] for i < 10, j < 2, where
// row j of W is at w + j*ldw floats and A is packed in 16-float chunks,
// chunk-major (a[(q*10+i)*16+r]), zero-padded to a whole chunk. W is read
// exactly once, straight from the matrix, two rows at a time: the loop does
// 12 loads per 20 FMAs, so it runs at memory speed. The last ktail (< 16)
// elements of each W row are loaded under a mask so nothing past the row is
// read. Accumulators are Z12..Z31 (row i, column j in Z(12+2i+j)).
TEXT ·dot10x2(SB), NOSPLIT, $0-48
	MOVQ kq+0(FP), CX
	MOVQ a+16(FP), AX
	MOVQ w+24(FP), BX
	MOVQ ldw+32(FP), R8
	SHLQ $2, R8
	MOVQ out+40(FP), DI
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	VPXORD Z24, Z24, Z24
	VPXORD Z25, Z25, Z25
	VPXORD Z26, Z26, Z26
	VPXORD Z27, Z27, Z27
	VPXORD Z28, Z28, Z28
	VPXORD Z29, Z29, Z29
	VPXORD Z30, Z30, Z30
	VPXORD Z31, Z31, Z31
	TESTQ CX, CX
	JZ    dottail

dotloop:
	VMOVUPS (BX), Z0
	VMOVUPS (BX)(R8*1), Z1
	VMOVUPS 0(AX), Z2
	VMOVUPS 64(AX), Z3
	VMOVUPS 128(AX), Z4
	VMOVUPS 192(AX), Z5
	VMOVUPS 256(AX), Z6
	VMOVUPS 320(AX), Z7
	VMOVUPS 384(AX), Z8
	VMOVUPS 448(AX), Z9
	VMOVUPS 512(AX), Z10
	VMOVUPS 576(AX), Z11
	VFMADD231PS Z2, Z0, Z12
	VFMADD231PS Z2, Z1, Z13
	VFMADD231PS Z3, Z0, Z14
	VFMADD231PS Z3, Z1, Z15
	VFMADD231PS Z4, Z0, Z16
	VFMADD231PS Z4, Z1, Z17
	VFMADD231PS Z5, Z0, Z18
	VFMADD231PS Z5, Z1, Z19
	VFMADD231PS Z6, Z0, Z20
	VFMADD231PS Z6, Z1, Z21
	VFMADD231PS Z7, Z0, Z22
	VFMADD231PS Z7, Z1, Z23
	VFMADD231PS Z8, Z0, Z24
	VFMADD231PS Z8, Z1, Z25
	VFMADD231PS Z9, Z0, Z26
	VFMADD231PS Z9, Z1, Z27
	VFMADD231PS Z10, Z0, Z28
	VFMADD231PS Z10, Z1, Z29
	VFMADD231PS Z11, Z0, Z30
	VFMADD231PS Z11, Z1, Z31
	ADDQ $640, AX
	ADDQ $64, BX
	DECQ CX
	JNZ  dotloop

dottail:
	MOVQ  ktail+8(FP), CX
	TESTQ CX, CX
	JZ    dotreduce
	MOVL  $1, DX
	SHLL  CX, DX
	DECL  DX
	KMOVW DX, K1
	VMOVUPS.Z (BX), K1, Z0
	VMOVUPS.Z (BX)(R8*1), K1, Z1
	VMOVUPS 0(AX), Z2
	VMOVUPS 64(AX), Z3
	VMOVUPS 128(AX), Z4
	VMOVUPS 192(AX), Z5
	VMOVUPS 256(AX), Z6
	VMOVUPS 320(AX), Z7
	VMOVUPS 384(AX), Z8
	VMOVUPS 448(AX), Z9
	VMOVUPS 512(AX), Z10
	VMOVUPS 576(AX), Z11
	VFMADD231PS Z2, Z0, Z12
	VFMADD231PS Z2, Z1, Z13
	VFMADD231PS Z3, Z0, Z14
	VFMADD231PS Z3, Z1, Z15
	VFMADD231PS Z4, Z0, Z16
	VFMADD231PS Z4, Z1, Z17
	VFMADD231PS Z5, Z0, Z18
	VFMADD231PS Z5, Z1, Z19
	VFMADD231PS Z6, Z0, Z20
	VFMADD231PS Z6, Z1, Z21
	VFMADD231PS Z7, Z0, Z22
	VFMADD231PS Z7, Z1, Z23
	VFMADD231PS Z8, Z0, Z24
	VFMADD231PS Z8, Z1, Z25
	VFMADD231PS Z9, Z0, Z26
	VFMADD231PS Z9, Z1, Z27
	VFMADD231PS Z10, Z0, Z28
	VFMADD231PS Z10, Z1, Z29
	VFMADD231PS Z11, Z0, Z30
	VFMADD231PS Z11, Z1, Z31

dotreduce:
	// Horizontal sums by a shuffle tree: pairs of accumulators are folded
	// 512->256 bits (VSHUFF32X4), then 256->128, then within 128-bit lanes
	// (VSHUFPS), so 16 sums come out in one register after 45 instructions
	// instead of 16 separate extract/hadd chains.
	VSHUFF32X4 $0x44, Z13, Z12, Z0
	VSHUFF32X4 $0xEE, Z13, Z12, Z1
	VADDPS     Z1, Z0, Z12
	VSHUFF32X4 $0x44, Z15, Z14, Z0
	VSHUFF32X4 $0xEE, Z15, Z14, Z1
	VADDPS     Z1, Z0, Z14
	VSHUFF32X4 $0x44, Z17, Z16, Z0
	VSHUFF32X4 $0xEE, Z17, Z16, Z1
	VADDPS     Z1, Z0, Z16
	VSHUFF32X4 $0x44, Z19, Z18, Z0
	VSHUFF32X4 $0xEE, Z19, Z18, Z1
	VADDPS     Z1, Z0, Z18
	VSHUFF32X4 $0x44, Z21, Z20, Z0
	VSHUFF32X4 $0xEE, Z21, Z20, Z1
	VADDPS     Z1, Z0, Z20
	VSHUFF32X4 $0x44, Z23, Z22, Z0
	VSHUFF32X4 $0xEE, Z23, Z22, Z1
	VADDPS     Z1, Z0, Z22
	VSHUFF32X4 $0x44, Z25, Z24, Z0
	VSHUFF32X4 $0xEE, Z25, Z24, Z1
	VADDPS     Z1, Z0, Z24
	VSHUFF32X4 $0x44, Z27, Z26, Z0
	VSHUFF32X4 $0xEE, Z27, Z26, Z1
	VADDPS     Z1, Z0, Z26
	VSHUFF32X4 $0x44, Z29, Z28, Z0
	VSHUFF32X4 $0xEE, Z29, Z28, Z1
	VADDPS     Z1, Z0, Z28
	VSHUFF32X4 $0x44, Z31, Z30, Z0
	VSHUFF32X4 $0xEE, Z31, Z30, Z1
	VADDPS     Z1, Z0, Z30
	VSHUFF32X4 $0x88, Z14, Z12, Z0
	VSHUFF32X4 $0xDD, Z14, Z12, Z1
	VADDPS     Z1, Z0, Z12
	VSHUFF32X4 $0x88, Z18, Z16, Z0
	VSHUFF32X4 $0xDD, Z18, Z16, Z1
	VADDPS     Z1, Z0, Z16
	VSHUFF32X4 $0x88, Z22, Z20, Z0
	VSHUFF32X4 $0xDD, Z22, Z20, Z1
	VADDPS     Z1, Z0, Z20
	VSHUFF32X4 $0x88, Z26, Z24, Z0
	VSHUFF32X4 $0xDD, Z26, Z24, Z1
	VADDPS     Z1, Z0, Z24
	VSHUFF32X4 $0x88, Z30, Z28, Z0
	VSHUFF32X4 $0xDD, Z30, Z28, Z1
	VADDPS     Z1, Z0, Z28
	VSHUFPS    $0x88, Z16, Z12, Z0
	VSHUFPS    $0xDD, Z16, Z12, Z1
	VADDPS     Z1, Z0, Z12
	VSHUFPS    $0x88, Z24, Z20, Z0
	VSHUFPS    $0xDD, Z24, Z20, Z1
	VADDPS     Z1, Z0, Z20
	VSHUFPS    $0x88, Z28, Z28, Z0
	VSHUFPS    $0xDD, Z28, Z28, Z1
	VADDPS     Z1, Z0, Z28
	VSHUFPS    $0x88, Z20, Z12, Z0
	VSHUFPS    $0xDD, Z20, Z12, Z1
	VADDPS     Z1, Z0, Z12
	VSHUFPS    $0x88, Z28, Z28, Z0
	VSHUFPS    $0xDD, Z28, Z28, Z1
	VADDPS     Z1, Z0, Z28
	// Z12 element 4l+s holds the sum for out[4s+l]; Z28 lanes hold out[16..19].
	VMOVUPS    dotperm<>(SB), Z2
	VPERMPS    Z12, Z2, Z12
	VADDPS     (DI), Z12, Z12
	VMOVUPS    Z12, (DI)
	VMOVUPS    dotperm4<>(SB), Z3
	VPERMPS    Z28, Z3, Z4
	VADDPS     64(DI), X4, X4
	VMOVUPS    X4, 64(DI)
	VZEROUPPER
	RET

// dotperm undoes the 4x4 transpose the reduction tree leaves; dotperm4
// gathers element 0 of each 128-bit lane.
DATA dotperm<>+0(SB)/4, $0
DATA dotperm<>+4(SB)/4, $4
DATA dotperm<>+8(SB)/4, $8
DATA dotperm<>+12(SB)/4, $12
DATA dotperm<>+16(SB)/4, $1
DATA dotperm<>+20(SB)/4, $5
DATA dotperm<>+24(SB)/4, $9
DATA dotperm<>+28(SB)/4, $13
DATA dotperm<>+32(SB)/4, $2
DATA dotperm<>+36(SB)/4, $6
DATA dotperm<>+40(SB)/4, $10
DATA dotperm<>+44(SB)/4, $14
DATA dotperm<>+48(SB)/4, $3
DATA dotperm<>+52(SB)/4, $7
DATA dotperm<>+56(SB)/4, $11
DATA dotperm<>+60(SB)/4, $15
GLOBL dotperm<>(SB), RODATA|NOPTR, $64
DATA dotperm4<>+0(SB)/4, $0
DATA dotperm4<>+4(SB)/4, $4
DATA dotperm4<>+8(SB)/4, $8
DATA dotperm4<>+12(SB)/4, $12
DATA dotperm4<>+16(SB)/4, $0
DATA dotperm4<>+20(SB)/4, $0
DATA dotperm4<>+24(SB)/4, $0
DATA dotperm4<>+28(SB)/4, $0
DATA dotperm4<>+32(SB)/4, $0
DATA dotperm4<>+36(SB)/4, $0
DATA dotperm4<>+40(SB)/4, $0
DATA dotperm4<>+44(SB)/4, $0
DATA dotperm4<>+48(SB)/4, $0
DATA dotperm4<>+52(SB)/4, $0
DATA dotperm4<>+56(SB)/4, $0
DATA dotperm4<>+60(SB)/4, $0
GLOBL dotperm4<>(SB), RODATA|NOPTR, $64
