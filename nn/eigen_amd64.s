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
