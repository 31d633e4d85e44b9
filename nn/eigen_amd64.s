//go:build amd64 && !noasm

#include "textflag.h"

// The rank-2k update's 8x4 tile (AVX2 and FMA): for k < kc,
// acc(i, j) += x[8k+i] * y[4k+j], with x packed in 8-row tiles and y in
// 4-column tiles, both k-interleaved. Y0..Y7 hold the tile, column j in
// Y(2j) (rows 0..3) and Y(2j+1) (rows 4..7).
#define TILELOOP \
	VXORPD       Y0, Y0, Y0   \
	VXORPD       Y1, Y1, Y1   \
	VXORPD       Y2, Y2, Y2   \
	VXORPD       Y3, Y3, Y3   \
	VXORPD       Y4, Y4, Y4   \
	VXORPD       Y5, Y5, Y5   \
	VXORPD       Y6, Y6, Y6   \
	VXORPD       Y7, Y7, Y7   \
	TESTQ        CX, CX       \
	JZ           done         \
loop:                         \
	VMOVUPD      0(AX), Y8    \
	VMOVUPD      32(AX), Y9   \
	VBROADCASTSD 0(BX), Y10   \
	VBROADCASTSD 8(BX), Y11   \
	VFMADD231PD  Y8, Y10, Y0  \
	VFMADD231PD  Y9, Y10, Y1  \
	VFMADD231PD  Y8, Y11, Y2  \
	VFMADD231PD  Y9, Y11, Y3  \
	VBROADCASTSD 16(BX), Y12  \
	VBROADCASTSD 24(BX), Y13  \
	VFMADD231PD  Y8, Y12, Y4  \
	VFMADD231PD  Y9, Y12, Y5  \
	VFMADD231PD  Y8, Y13, Y6  \
	VFMADD231PD  Y9, Y13, Y7  \
	ADDQ         $64, AX      \
	ADDQ         $32, BX      \
	DECQ         CX           \
	JNZ          loop         \
done:

// func syr2kTileAVX2(kc int, x, y *float64, out *[32]float64)
// out[8j+i] = acc(i, j).
TEXT ·syr2kTileAVX2(SB), NOSPLIT, $0-32
	MOVQ kc+0(FP), CX
	MOVQ x+8(FP), AX
	MOVQ y+16(FP), BX
	MOVQ out+24(FP), DI
	TILELOOP
	VMOVUPD Y0, 0(DI)
	VMOVUPD Y1, 32(DI)
	VMOVUPD Y2, 64(DI)
	VMOVUPD Y3, 96(DI)
	VMOVUPD Y4, 128(DI)
	VMOVUPD Y5, 160(DI)
	VMOVUPD Y6, 192(DI)
	VMOVUPD Y7, 224(DI)
	VZEROUPPER
	RET

// func syr2kTileSubAVX2(kc int, x, y *float64, c *float64, ldc int)
// c[j*ldc+i] -= acc(i, j) for the whole tile.
TEXT ·syr2kTileSubAVX2(SB), NOSPLIT, $0-40
	MOVQ kc+0(FP), CX
	MOVQ x+8(FP), AX
	MOVQ y+16(FP), BX
	MOVQ c+24(FP), DI
	MOVQ ldc+32(FP), DX
	SHLQ $3, DX
	TILELOOP
	VMOVUPD 0(DI), Y8
	VMOVUPD 32(DI), Y9
	VSUBPD  Y0, Y8, Y8
	VSUBPD  Y1, Y9, Y9
	VMOVUPD Y8, 0(DI)
	VMOVUPD Y9, 32(DI)
	ADDQ    DX, DI
	VMOVUPD 0(DI), Y8
	VMOVUPD 32(DI), Y9
	VSUBPD  Y2, Y8, Y8
	VSUBPD  Y3, Y9, Y9
	VMOVUPD Y8, 0(DI)
	VMOVUPD Y9, 32(DI)
	ADDQ    DX, DI
	VMOVUPD 0(DI), Y8
	VMOVUPD 32(DI), Y9
	VSUBPD  Y4, Y8, Y8
	VSUBPD  Y5, Y9, Y9
	VMOVUPD Y8, 0(DI)
	VMOVUPD Y9, 32(DI)
	ADDQ    DX, DI
	VMOVUPD 0(DI), Y8
	VMOVUPD 32(DI), Y9
	VSUBPD  Y6, Y8, Y8
	VSUBPD  Y7, Y9, Y9
	VMOVUPD Y8, 0(DI)
	VMOVUPD Y9, 32(DI)
	VZEROUPPER
	RET

// func symv4AVX2(n int, c *float64, lda int, x, y *float64, xj, s *[4]float64)
// For the four columns c, c+lda, c+2lda, c+3lda of n entries (n a multiple
// of 4): s[p] = sum_k c_p[k] x[k], and y[k] += sum_p xj[p] c_p[k].
TEXT ·symv4AVX2(SB), NOSPLIT, $0-56
	MOVQ         n+0(FP), CX
	MOVQ         c+8(FP), R8
	MOVQ         lda+16(FP), DX
	MOVQ         x+24(FP), SI
	MOVQ         y+32(FP), DI
	MOVQ         xj+40(FP), AX
	MOVQ         s+48(FP), BX
	SHLQ         $3, DX
	LEAQ         (R8)(DX*1), R9
	LEAQ         (R9)(DX*1), R10
	LEAQ         (R10)(DX*1), R11
	VBROADCASTSD 0(AX), Y4
	VBROADCASTSD 8(AX), Y5
	VBROADCASTSD 16(AX), Y6
	VBROADCASTSD 24(AX), Y7
	VXORPD       Y0, Y0, Y0
	VXORPD       Y1, Y1, Y1
	VXORPD       Y2, Y2, Y2
	VXORPD       Y3, Y3, Y3
	SHRQ         $2, CX
	JZ           sums

symvloop:
	VMOVUPD     (R8), Y8
	VMOVUPD     (R9), Y9
	VMOVUPD     (R10), Y10
	VMOVUPD     (R11), Y11
	VMOVUPD     (SI), Y12
	VFMADD231PD Y8, Y12, Y0
	VFMADD231PD Y9, Y12, Y1
	VFMADD231PD Y10, Y12, Y2
	VFMADD231PD Y11, Y12, Y3
	VMULPD      Y8, Y4, Y13
	VFMADD231PD Y9, Y5, Y13
	VMULPD      Y10, Y6, Y14
	VFMADD231PD Y11, Y7, Y14
	VADDPD      Y13, Y14, Y14
	VADDPD      (DI), Y14, Y14
	VMOVUPD     Y14, (DI)
	ADDQ        $32, R8
	ADDQ        $32, R9
	ADDQ        $32, R10
	ADDQ        $32, R11
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         symvloop

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

// The AVX-512 rank-2k tile, 16x4: x packed in 16-row tiles, y in 4-column
// tiles, both k-interleaved; column j of the tile is in Z(2j) (rows 0..7)
// and Z(2j+1) (rows 8..15). Per k: two loads of x, four broadcasts of y,
// eight FMAs of eight lanes (twice the AVX2 tile's work per load).
#define TILELOOP16 \
	VXORPD       Z0, Z0, Z0   \
	VXORPD       Z1, Z1, Z1   \
	VXORPD       Z2, Z2, Z2   \
	VXORPD       Z3, Z3, Z3   \
	VXORPD       Z4, Z4, Z4   \
	VXORPD       Z5, Z5, Z5   \
	VXORPD       Z6, Z6, Z6   \
	VXORPD       Z7, Z7, Z7   \
	TESTQ        CX, CX       \
	JZ           done16       \
loop16:                       \
	VMOVUPD      0(AX), Z8    \
	VMOVUPD      64(AX), Z9   \
	VBROADCASTSD 0(BX), Z10   \
	VBROADCASTSD 8(BX), Z11   \
	VFMADD231PD  Z8, Z10, Z0  \
	VFMADD231PD  Z9, Z10, Z1  \
	VFMADD231PD  Z8, Z11, Z2  \
	VFMADD231PD  Z9, Z11, Z3  \
	VBROADCASTSD 16(BX), Z12  \
	VBROADCASTSD 24(BX), Z13  \
	VFMADD231PD  Z8, Z12, Z4  \
	VFMADD231PD  Z9, Z12, Z5  \
	VFMADD231PD  Z8, Z13, Z6  \
	VFMADD231PD  Z9, Z13, Z7  \
	ADDQ         $128, AX     \
	ADDQ         $32, BX      \
	DECQ         CX           \
	JNZ          loop16       \
done16:

// func syr2kTileAVX512(kc int, x, y *float64, out *[64]float64)
// out[16j+i] = acc(i, j).
TEXT ·syr2kTileAVX512(SB), NOSPLIT, $0-32
	MOVQ    kc+0(FP), CX
	MOVQ    x+8(FP), AX
	MOVQ    y+16(FP), BX
	MOVQ    out+24(FP), DI
	TILELOOP16
	VMOVUPD Z0, 0(DI)
	VMOVUPD Z1, 64(DI)
	VMOVUPD Z2, 128(DI)
	VMOVUPD Z3, 192(DI)
	VMOVUPD Z4, 256(DI)
	VMOVUPD Z5, 320(DI)
	VMOVUPD Z6, 384(DI)
	VMOVUPD Z7, 448(DI)
	VZEROUPPER
	RET

// func syr2kTileSubAVX512(kc int, x, y *float64, c *float64, ldc int)
// c[j*ldc+i] -= acc(i, j) for the whole 16x4 tile.
TEXT ·syr2kTileSubAVX512(SB), NOSPLIT, $0-40
	MOVQ    kc+0(FP), CX
	MOVQ    x+8(FP), AX
	MOVQ    y+16(FP), BX
	MOVQ    c+24(FP), DI
	MOVQ    ldc+32(FP), DX
	SHLQ    $3, DX
	TILELOOP16
	VMOVUPD 0(DI), Z8
	VMOVUPD 64(DI), Z9
	VSUBPD  Z0, Z8, Z8
	VSUBPD  Z1, Z9, Z9
	VMOVUPD Z8, 0(DI)
	VMOVUPD Z9, 64(DI)
	ADDQ    DX, DI
	VMOVUPD 0(DI), Z8
	VMOVUPD 64(DI), Z9
	VSUBPD  Z2, Z8, Z8
	VSUBPD  Z3, Z9, Z9
	VMOVUPD Z8, 0(DI)
	VMOVUPD Z9, 64(DI)
	ADDQ    DX, DI
	VMOVUPD 0(DI), Z8
	VMOVUPD 64(DI), Z9
	VSUBPD  Z4, Z8, Z8
	VSUBPD  Z5, Z9, Z9
	VMOVUPD Z8, 0(DI)
	VMOVUPD Z9, 64(DI)
	ADDQ    DX, DI
	VMOVUPD 0(DI), Z8
	VMOVUPD 64(DI), Z9
	VSUBPD  Z6, Z8, Z8
	VSUBPD  Z7, Z9, Z9
	VMOVUPD Z8, 0(DI)
	VMOVUPD Z9, 64(DI)
	VZEROUPPER
	RET

// The float32 tiles are the float64 ones with twice the rows: AVX2's is
// 16x4, column j in Y(2j) (rows 0..7) and Y(2j+1) (rows 8..15).
#define TILELOOPF32 \
	VXORPS       Y0, Y0, Y0   \
	VXORPS       Y1, Y1, Y1   \
	VXORPS       Y2, Y2, Y2   \
	VXORPS       Y3, Y3, Y3   \
	VXORPS       Y4, Y4, Y4   \
	VXORPS       Y5, Y5, Y5   \
	VXORPS       Y6, Y6, Y6   \
	VXORPS       Y7, Y7, Y7   \
	TESTQ        CX, CX       \
	JZ           donef32        \
loopf32:                         \
	VMOVUPS      0(AX), Y8    \
	VMOVUPS      32(AX), Y9   \
	VBROADCASTSS 0(BX), Y10   \
	VBROADCASTSS 4(BX), Y11   \
	VFMADD231PS  Y8, Y10, Y0  \
	VFMADD231PS  Y9, Y10, Y1  \
	VFMADD231PS  Y8, Y11, Y2  \
	VFMADD231PS  Y9, Y11, Y3  \
	VBROADCASTSS 8(BX), Y12  \
	VBROADCASTSS 12(BX), Y13  \
	VFMADD231PS  Y8, Y12, Y4  \
	VFMADD231PS  Y9, Y12, Y5  \
	VFMADD231PS  Y8, Y13, Y6  \
	VFMADD231PS  Y9, Y13, Y7  \
	ADDQ         $64, AX      \
	ADDQ         $16, BX      \
	DECQ         CX           \
	JNZ          loopf32        \
donef32:

// func syr2kTileAVX2F32(kc int, x, y *float32, out *[64]float32)
// out[16j+i] = acc(i, j).
TEXT ·syr2kTileAVX2F32(SB), NOSPLIT, $0-32
	MOVQ kc+0(FP), CX
	MOVQ x+8(FP), AX
	MOVQ y+16(FP), BX
	MOVQ out+24(FP), DI
	TILELOOPF32
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	VZEROUPPER
	RET

// func syr2kTileSubAVX2F32(kc int, x, y *float32, c *float32, ldc int)
// c[j*ldc+i] -= acc(i, j) for the whole tile.
TEXT ·syr2kTileSubAVX2F32(SB), NOSPLIT, $0-40
	MOVQ kc+0(FP), CX
	MOVQ x+8(FP), AX
	MOVQ y+16(FP), BX
	MOVQ c+24(FP), DI
	MOVQ ldc+32(FP), DX
	SHLQ $2, DX
	TILELOOPF32
	VMOVUPS 0(DI), Y8
	VMOVUPS 32(DI), Y9
	VSUBPS  Y0, Y8, Y8
	VSUBPS  Y1, Y9, Y9
	VMOVUPS Y8, 0(DI)
	VMOVUPS Y9, 32(DI)
	ADDQ    DX, DI
	VMOVUPS 0(DI), Y8
	VMOVUPS 32(DI), Y9
	VSUBPS  Y2, Y8, Y8
	VSUBPS  Y3, Y9, Y9
	VMOVUPS Y8, 0(DI)
	VMOVUPS Y9, 32(DI)
	ADDQ    DX, DI
	VMOVUPS 0(DI), Y8
	VMOVUPS 32(DI), Y9
	VSUBPS  Y4, Y8, Y8
	VSUBPS  Y5, Y9, Y9
	VMOVUPS Y8, 0(DI)
	VMOVUPS Y9, 32(DI)
	ADDQ    DX, DI
	VMOVUPS 0(DI), Y8
	VMOVUPS 32(DI), Y9
	VSUBPS  Y6, Y8, Y8
	VSUBPS  Y7, Y9, Y9
	VMOVUPS Y8, 0(DI)
	VMOVUPS Y9, 32(DI)
	VZEROUPPER
	RET

// func symv4AVX2F32(n int, c *float32, lda int, x, y *float32, xj, s *[4]float32)
// For the four columns c, c+lda, c+2lda, c+3lda of n entries (n a multiple
// of 8): s[p] = sum_k c_p[k] x[k], and y[k] += sum_p xj[p] c_p[k].
TEXT ·symv4AVX2F32(SB), NOSPLIT, $0-56
	MOVQ         n+0(FP), CX
	MOVQ         c+8(FP), R8
	MOVQ         lda+16(FP), DX
	MOVQ         x+24(FP), SI
	MOVQ         y+32(FP), DI
	MOVQ         xj+40(FP), AX
	MOVQ         s+48(FP), BX
	SHLQ         $2, DX
	LEAQ         (R8)(DX*1), R9
	LEAQ         (R9)(DX*1), R10
	LEAQ         (R10)(DX*1), R11
	VBROADCASTSS 0(AX), Y4
	VBROADCASTSS 4(AX), Y5
	VBROADCASTSS 8(AX), Y6
	VBROADCASTSS 12(AX), Y7
	VXORPS       Y0, Y0, Y0
	VXORPS       Y1, Y1, Y1
	VXORPS       Y2, Y2, Y2
	VXORPS       Y3, Y3, Y3
	SHRQ         $3, CX
	JZ           sumsf32

symvloopf32:
	VMOVUPS     (R8), Y8
	VMOVUPS     (R9), Y9
	VMOVUPS     (R10), Y10
	VMOVUPS     (R11), Y11
	VMOVUPS     (SI), Y12
	VFMADD231PS Y8, Y12, Y0
	VFMADD231PS Y9, Y12, Y1
	VFMADD231PS Y10, Y12, Y2
	VFMADD231PS Y11, Y12, Y3
	VMULPS      Y8, Y4, Y13
	VFMADD231PS Y9, Y5, Y13
	VMULPS      Y10, Y6, Y14
	VFMADD231PS Y11, Y7, Y14
	VADDPS      Y13, Y14, Y14
	VADDPS      (DI), Y14, Y14
	VMOVUPS     Y14, (DI)
	ADDQ        $32, R8
	ADDQ        $32, R9
	ADDQ        $32, R10
	ADDQ        $32, R11
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         symvloopf32

sumsf32:
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

// The AVX-512 float32 tile, 32x4: column j in Z(2j) (rows 0..15) and
// Z(2j+1) (rows 16..31).
#define TILELOOP32 \
	VXORPS       Z0, Z0, Z0   \
	VXORPS       Z1, Z1, Z1   \
	VXORPS       Z2, Z2, Z2   \
	VXORPS       Z3, Z3, Z3   \
	VXORPS       Z4, Z4, Z4   \
	VXORPS       Z5, Z5, Z5   \
	VXORPS       Z6, Z6, Z6   \
	VXORPS       Z7, Z7, Z7   \
	TESTQ        CX, CX       \
	JZ           done32       \
loop32:                       \
	VMOVUPS      0(AX), Z8    \
	VMOVUPS      64(AX), Z9   \
	VBROADCASTSS 0(BX), Z10   \
	VBROADCASTSS 4(BX), Z11   \
	VFMADD231PS  Z8, Z10, Z0  \
	VFMADD231PS  Z9, Z10, Z1  \
	VFMADD231PS  Z8, Z11, Z2  \
	VFMADD231PS  Z9, Z11, Z3  \
	VBROADCASTSS 8(BX), Z12  \
	VBROADCASTSS 12(BX), Z13  \
	VFMADD231PS  Z8, Z12, Z4  \
	VFMADD231PS  Z9, Z12, Z5  \
	VFMADD231PS  Z8, Z13, Z6  \
	VFMADD231PS  Z9, Z13, Z7  \
	ADDQ         $128, AX     \
	ADDQ         $16, BX      \
	DECQ         CX           \
	JNZ          loop32       \
done32:

// func syr2kTileAVX512F32(kc int, x, y *float32, out *[128]float32)
// out[32j+i] = acc(i, j).
TEXT ·syr2kTileAVX512F32(SB), NOSPLIT, $0-32
	MOVQ    kc+0(FP), CX
	MOVQ    x+8(FP), AX
	MOVQ    y+16(FP), BX
	MOVQ    out+24(FP), DI
	TILELOOP32
	VMOVUPS Z0, 0(DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	VMOVUPS Z4, 256(DI)
	VMOVUPS Z5, 320(DI)
	VMOVUPS Z6, 384(DI)
	VMOVUPS Z7, 448(DI)
	VZEROUPPER
	RET

// func syr2kTileSubAVX512F32(kc int, x, y *float32, c *float32, ldc int)
// c[j*ldc+i] -= acc(i, j) for the whole 32x4 tile.
TEXT ·syr2kTileSubAVX512F32(SB), NOSPLIT, $0-40
	MOVQ    kc+0(FP), CX
	MOVQ    x+8(FP), AX
	MOVQ    y+16(FP), BX
	MOVQ    c+24(FP), DI
	MOVQ    ldc+32(FP), DX
	SHLQ    $2, DX
	TILELOOP32
	VMOVUPS 0(DI), Z8
	VMOVUPS 64(DI), Z9
	VSUBPS  Z0, Z8, Z8
	VSUBPS  Z1, Z9, Z9
	VMOVUPS Z8, 0(DI)
	VMOVUPS Z9, 64(DI)
	ADDQ    DX, DI
	VMOVUPS 0(DI), Z8
	VMOVUPS 64(DI), Z9
	VSUBPS  Z2, Z8, Z8
	VSUBPS  Z3, Z9, Z9
	VMOVUPS Z8, 0(DI)
	VMOVUPS Z9, 64(DI)
	ADDQ    DX, DI
	VMOVUPS 0(DI), Z8
	VMOVUPS 64(DI), Z9
	VSUBPS  Z4, Z8, Z8
	VSUBPS  Z5, Z9, Z9
	VMOVUPS Z8, 0(DI)
	VMOVUPS Z9, 64(DI)
	ADDQ    DX, DI
	VMOVUPS 0(DI), Z8
	VMOVUPS 64(DI), Z9
	VSUBPS  Z6, Z8, Z8
	VSUBPS  Z7, Z9, Z9
	VMOVUPS Z8, 0(DI)
	VMOVUPS Z9, 64(DI)
	VZEROUPPER
	RET
