//go:build amd64 && !noasm

#include "textflag.h"

// Every kernel here exists in float64 and in float32 with the same
// registers and steps: one macro takes the type's instructions (PD and SD,
// or PS and SS) and byte offsets. A float32 vector holds twice the lanes,
// so its tiles have twice the rows and its symv twice the entries per step.

// The rank-2k update's tiles: for k < kc (CX), acc(i, j) += x[R*k+i] *
// y[4k+j] with x (AX) packed in tiles of R rows, two vectors, and y (BX)
// in tiles of 4 columns, both k-interleaved. The accumulators 0..7 hold
// the tile, column j in vector 2j (its first rows) and 2j+1 (the others).
// B1..B3 are the offsets of y's entries 1..3 and YSTEP its bytes per k.
// TILE_Y is AVX2's (R = 8 float64s or 16 float32s), TILE_Z AVX-512's
// (R = 16 or 32).
#define TILE_Y(XOR, MOVU, BCAST, FMA, B1, B2, B3, YSTEP, LOOP, DONE) \
	XOR   Y0, Y0, Y0 \
	XOR   Y1, Y1, Y1 \
	XOR   Y2, Y2, Y2 \
	XOR   Y3, Y3, Y3 \
	XOR   Y4, Y4, Y4 \
	XOR   Y5, Y5, Y5 \
	XOR   Y6, Y6, Y6 \
	XOR   Y7, Y7, Y7 \
	TESTQ CX, CX \
	JZ    DONE \
LOOP: \
	MOVU  0(AX), Y8 \
	MOVU  32(AX), Y9 \
	BCAST 0(BX), Y10 \
	BCAST B1(BX), Y11 \
	FMA   Y8, Y10, Y0 \
	FMA   Y9, Y10, Y1 \
	FMA   Y8, Y11, Y2 \
	FMA   Y9, Y11, Y3 \
	BCAST B2(BX), Y12 \
	BCAST B3(BX), Y13 \
	FMA   Y8, Y12, Y4 \
	FMA   Y9, Y12, Y5 \
	FMA   Y8, Y13, Y6 \
	FMA   Y9, Y13, Y7 \
	ADDQ  $64, AX \
	ADDQ  YSTEP, BX \
	DECQ  CX \
	JNZ   LOOP \
DONE:

#define TILE_Z(XOR, MOVU, BCAST, FMA, B1, B2, B3, YSTEP, LOOP, DONE) \
	XOR   Z0, Z0, Z0 \
	XOR   Z1, Z1, Z1 \
	XOR   Z2, Z2, Z2 \
	XOR   Z3, Z3, Z3 \
	XOR   Z4, Z4, Z4 \
	XOR   Z5, Z5, Z5 \
	XOR   Z6, Z6, Z6 \
	XOR   Z7, Z7, Z7 \
	TESTQ CX, CX \
	JZ    DONE \
LOOP: \
	MOVU  0(AX), Z8 \
	MOVU  64(AX), Z9 \
	BCAST 0(BX), Z10 \
	BCAST B1(BX), Z11 \
	FMA   Z8, Z10, Z0 \
	FMA   Z9, Z10, Z1 \
	FMA   Z8, Z11, Z2 \
	FMA   Z9, Z11, Z3 \
	BCAST B2(BX), Z12 \
	BCAST B3(BX), Z13 \
	FMA   Z8, Z12, Z4 \
	FMA   Z9, Z12, Z5 \
	FMA   Z8, Z13, Z6 \
	FMA   Z9, Z13, Z7 \
	ADDQ  $128, AX \
	ADDQ  YSTEP, BX \
	DECQ  CX \
	JNZ   LOOP \
DONE:

// out[R*j+i] = acc(i, j) (DI: out).
#define TILE_Y_OUT(MOVU) \
	MOVU Y0, 0(DI) \
	MOVU Y1, 32(DI) \
	MOVU Y2, 64(DI) \
	MOVU Y3, 96(DI) \
	MOVU Y4, 128(DI) \
	MOVU Y5, 160(DI) \
	MOVU Y6, 192(DI) \
	MOVU Y7, 224(DI)

#define TILE_Z_OUT(MOVU) \
	MOVU Z0, 0(DI) \
	MOVU Z1, 64(DI) \
	MOVU Z2, 128(DI) \
	MOVU Z3, 192(DI) \
	MOVU Z4, 256(DI) \
	MOVU Z5, 320(DI) \
	MOVU Z6, 384(DI) \
	MOVU Z7, 448(DI)

// c[j*ldc+i] -= acc(i, j) (DI: c, DX: ldc in bytes).
#define TILE_Y_SUB(MOVU, SUB) \
	MOVU 0(DI), Y8 \
	MOVU 32(DI), Y9 \
	SUB  Y0, Y8, Y8 \
	SUB  Y1, Y9, Y9 \
	MOVU Y8, 0(DI) \
	MOVU Y9, 32(DI) \
	ADDQ DX, DI \
	MOVU 0(DI), Y8 \
	MOVU 32(DI), Y9 \
	SUB  Y2, Y8, Y8 \
	SUB  Y3, Y9, Y9 \
	MOVU Y8, 0(DI) \
	MOVU Y9, 32(DI) \
	ADDQ DX, DI \
	MOVU 0(DI), Y8 \
	MOVU 32(DI), Y9 \
	SUB  Y4, Y8, Y8 \
	SUB  Y5, Y9, Y9 \
	MOVU Y8, 0(DI) \
	MOVU Y9, 32(DI) \
	ADDQ DX, DI \
	MOVU 0(DI), Y8 \
	MOVU 32(DI), Y9 \
	SUB  Y6, Y8, Y8 \
	SUB  Y7, Y9, Y9 \
	MOVU Y8, 0(DI) \
	MOVU Y9, 32(DI)

#define TILE_Z_SUB(MOVU, SUB) \
	MOVU 0(DI), Z8 \
	MOVU 64(DI), Z9 \
	SUB  Z0, Z8, Z8 \
	SUB  Z1, Z9, Z9 \
	MOVU Z8, 0(DI) \
	MOVU Z9, 64(DI) \
	ADDQ DX, DI \
	MOVU 0(DI), Z8 \
	MOVU 64(DI), Z9 \
	SUB  Z2, Z8, Z8 \
	SUB  Z3, Z9, Z9 \
	MOVU Z8, 0(DI) \
	MOVU Z9, 64(DI) \
	ADDQ DX, DI \
	MOVU 0(DI), Z8 \
	MOVU 64(DI), Z9 \
	SUB  Z4, Z8, Z8 \
	SUB  Z5, Z9, Z9 \
	MOVU Z8, 0(DI) \
	MOVU Z9, 64(DI) \
	ADDQ DX, DI \
	MOVU 0(DI), Z8 \
	MOVU 64(DI), Z9 \
	SUB  Z6, Z8, Z8 \
	SUB  Z7, Z9, Z9 \
	MOVU Z8, 0(DI) \
	MOVU Z9, 64(DI)

#define TILE_ARGS \
	MOVQ kc+0(FP), CX \
	MOVQ x+8(FP), AX  \
	MOVQ y+16(FP), BX

// The symv's four columns c_p = c + p*lda (R8..R11), one vector of
// entries per step for CX steps: s_p (Y0..Y3) += c_p x (x: SI), and
// y (DI) += sum_p xj[p] c_p (xj broadcast in Y4..Y7).
#define SYMV_LOOP(MOVU, FMA, MUL, ADD, LOOP) \
LOOP: \
	MOVU (R8), Y8       \
	MOVU (R9), Y9       \
	MOVU (R10), Y10     \
	MOVU (R11), Y11     \
	MOVU (SI), Y12      \
	FMA  Y8, Y12, Y0    \
	FMA  Y9, Y12, Y1    \
	FMA  Y10, Y12, Y2   \
	FMA  Y11, Y12, Y3   \
	MUL  Y8, Y4, Y13    \
	FMA  Y9, Y5, Y13    \
	MUL  Y10, Y6, Y14   \
	FMA  Y11, Y7, Y14   \
	ADD  Y13, Y14, Y14  \
	ADD  (DI), Y14, Y14 \
	MOVU Y14, (DI)      \
	ADDQ $32, R8        \
	ADDQ $32, R9        \
	ADDQ $32, R10       \
	ADDQ $32, R11       \
	ADDQ $32, SI        \
	ADDQ $32, DI        \
	DECQ CX             \
	JNZ  LOOP

// The symv's arguments, with lda in bytes (SHIFT: log2 of the element
// size) and s's address in BX, and the sums cleared.
#define SYMV_ARGS(XOR, SHIFT) \
	MOVQ n+0(FP), CX      \
	MOVQ c+8(FP), R8      \
	MOVQ lda+16(FP), DX   \
	MOVQ x+24(FP), SI     \
	MOVQ y+32(FP), DI     \
	MOVQ xj+40(FP), AX    \
	MOVQ s+48(FP), BX     \
	SHLQ SHIFT, DX        \
	LEAQ (R8)(DX*1), R9   \
	LEAQ (R9)(DX*1), R10  \
	LEAQ (R10)(DX*1), R11 \
	XOR  Y0, Y0, Y0       \
	XOR  Y1, Y1, Y1       \
	XOR  Y2, Y2, Y2       \
	XOR  Y3, Y3, Y3

#define TILE64_Y TILE_Y(VXORPD, VMOVUPD, VBROADCASTSD, VFMADD231PD, 8, 16, 24, $32, loop, done)
#define TILE32_Y TILE_Y(VXORPS, VMOVUPS, VBROADCASTSS, VFMADD231PS, 4, 8, 12, $16, loop, done)
#define TILE64_Z TILE_Z(VXORPD, VMOVUPD, VBROADCASTSD, VFMADD231PD, 8, 16, 24, $32, loop, done)
#define TILE32_Z TILE_Z(VXORPS, VMOVUPS, VBROADCASTSS, VFMADD231PS, 4, 8, 12, $16, loop, done)

// func syr2kTileAVX2(kc int, x, y *float64, out *[128]float64): 8x4.
TEXT ·syr2kTileAVX2(SB), NOSPLIT, $0-32
	TILE_ARGS
	MOVQ out+24(FP), DI
	TILE64_Y
	TILE_Y_OUT(VMOVUPD)
	VZEROUPPER
	RET

// func syr2kTileSubAVX2(kc int, x, y *float64, c *float64, ldc int)
TEXT ·syr2kTileSubAVX2(SB), NOSPLIT, $0-40
	TILE_ARGS
	MOVQ c+24(FP), DI
	MOVQ ldc+32(FP), DX
	SHLQ $3, DX
	TILE64_Y
	TILE_Y_SUB(VMOVUPD, VSUBPD)
	VZEROUPPER
	RET

// func syr2kTileAVX512(kc int, x, y *float64, out *[128]float64): 16x4.
TEXT ·syr2kTileAVX512(SB), NOSPLIT, $0-32
	TILE_ARGS
	MOVQ out+24(FP), DI
	TILE64_Z
	TILE_Z_OUT(VMOVUPD)
	VZEROUPPER
	RET

// func syr2kTileSubAVX512(kc int, x, y *float64, c *float64, ldc int)
TEXT ·syr2kTileSubAVX512(SB), NOSPLIT, $0-40
	TILE_ARGS
	MOVQ c+24(FP), DI
	MOVQ ldc+32(FP), DX
	SHLQ $3, DX
	TILE64_Z
	TILE_Z_SUB(VMOVUPD, VSUBPD)
	VZEROUPPER
	RET

// func syr2kTileAVX2F32(kc int, x, y *float32, out *[128]float32): 16x4.
TEXT ·syr2kTileAVX2F32(SB), NOSPLIT, $0-32
	TILE_ARGS
	MOVQ out+24(FP), DI
	TILE32_Y
	TILE_Y_OUT(VMOVUPS)
	VZEROUPPER
	RET

// func syr2kTileSubAVX2F32(kc int, x, y *float32, c *float32, ldc int)
TEXT ·syr2kTileSubAVX2F32(SB), NOSPLIT, $0-40
	TILE_ARGS
	MOVQ c+24(FP), DI
	MOVQ ldc+32(FP), DX
	SHLQ $2, DX
	TILE32_Y
	TILE_Y_SUB(VMOVUPS, VSUBPS)
	VZEROUPPER
	RET

// func syr2kTileAVX512F32(kc int, x, y *float32, out *[128]float32): 32x4.
TEXT ·syr2kTileAVX512F32(SB), NOSPLIT, $0-32
	TILE_ARGS
	MOVQ out+24(FP), DI
	TILE32_Z
	TILE_Z_OUT(VMOVUPS)
	VZEROUPPER
	RET

// func syr2kTileSubAVX512F32(kc int, x, y *float32, c *float32, ldc int)
TEXT ·syr2kTileSubAVX512F32(SB), NOSPLIT, $0-40
	TILE_ARGS
	MOVQ c+24(FP), DI
	MOVQ ldc+32(FP), DX
	SHLQ $2, DX
	TILE32_Z
	TILE_Z_SUB(VMOVUPS, VSUBPS)
	VZEROUPPER
	RET

// func symv4AVX2(n int, c *float64, lda int, x, y *float64, xj, s *[4]float64)
// For the four columns c, c+lda, c+2lda, c+3lda of n entries (n a multiple
// of 4): s[p] = sum_k c_p[k] x[k], and y[k] += sum_p xj[p] c_p[k].
TEXT ·symv4AVX2(SB), NOSPLIT, $0-56
	SYMV_ARGS(VXORPD, $3)
	VBROADCASTSD 0(AX), Y4
	VBROADCASTSD 8(AX), Y5
	VBROADCASTSD 16(AX), Y6
	VBROADCASTSD 24(AX), Y7
	SHRQ         $2, CX
	JZ           sums
	SYMV_LOOP(VMOVUPD, VFMADD231PD, VMULPD, VADDPD, loop)

sums:
	VEXTRACTF128 $1, Y0, X8
	VADDPD       X8, X0, X0
	VHADDPD      X0, X0, X0
	VMOVSD       X0, 0(BX)
	VEXTRACTF128 $1, Y1, X8
	VADDPD       X8, X1, X1
	VHADDPD      X1, X1, X1
	VMOVSD       X1, 8(BX)
	VEXTRACTF128 $1, Y2, X8
	VADDPD       X8, X2, X2
	VHADDPD      X2, X2, X2
	VMOVSD       X2, 16(BX)
	VEXTRACTF128 $1, Y3, X8
	VADDPD       X8, X3, X3
	VHADDPD      X3, X3, X3
	VMOVSD       X3, 24(BX)
	VZEROUPPER
	RET

// func symv4AVX2F32(n int, c *float32, lda int, x, y *float32, xj, s *[4]float32)
// symv4AVX2 in float32, n a multiple of 8.
TEXT ·symv4AVX2F32(SB), NOSPLIT, $0-56
	SYMV_ARGS(VXORPS, $2)
	VBROADCASTSS 0(AX), Y4
	VBROADCASTSS 4(AX), Y5
	VBROADCASTSS 8(AX), Y6
	VBROADCASTSS 12(AX), Y7
	SHRQ         $3, CX
	JZ           sums
	SYMV_LOOP(VMOVUPS, VFMADD231PS, VMULPS, VADDPS, loop)

sums:
	VEXTRACTF128 $1, Y0, X8
	VADDPS       X8, X0, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0
	VMOVSS       X0, 0(BX)
	VEXTRACTF128 $1, Y1, X8
	VADDPS       X8, X1, X1
	VHADDPS      X1, X1, X1
	VHADDPS      X1, X1, X1
	VMOVSS       X1, 4(BX)
	VEXTRACTF128 $1, Y2, X8
	VADDPS       X8, X2, X2
	VHADDPS      X2, X2, X2
	VHADDPS      X2, X2, X2
	VMOVSS       X2, 8(BX)
	VEXTRACTF128 $1, Y3, X8
	VADDPS       X8, X3, X3
	VHADDPS      X3, X3, X3
	VHADDPS      X3, X3, X3
	VMOVSS       X3, 12(BX)
	VZEROUPPER
	RET
