//go:build amd64 && !noasm

#include "textflag.h"

// func tanh16(dst, src *float32, n int, c *[13]float32)
//
// tanh32's rational function, 16 lanes at a time with AVX-512: clamp x to
// +-c[0], then x P(x^2) / Q(x^2) by Horner's rule with FMAs. n is a multiple
// of 16. The clamps keep a NaN input NaN (MINPS/MAXPS return their second
// source operand when either is NaN), so a diverging network stays visible.
TEXT ·tanh16(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ c+24(FP), R8
	VBROADCASTSS 0(R8), Z16  // clamp
	VBROADCASTSS 4(R8), Z17  // -clamp
	VBROADCASTSS 8(R8), Z18  // a13
	VBROADCASTSS 12(R8), Z19 // a11
	VBROADCASTSS 16(R8), Z20 // a9
	VBROADCASTSS 20(R8), Z21 // a7
	VBROADCASTSS 24(R8), Z22 // a5
	VBROADCASTSS 28(R8), Z23 // a3
	VBROADCASTSS 32(R8), Z24 // a1
	VBROADCASTSS 36(R8), Z25 // b6
	VBROADCASTSS 40(R8), Z26 // b4
	VBROADCASTSS 44(R8), Z27 // b2
	VBROADCASTSS 48(R8), Z28 // b0
	SHRQ $4, CX
	JZ   done

loop:
	VMOVUPS     (SI), Z0
	VMINPS      Z0, Z16, Z0 // x = min(clamp, x), NaN stays
	VMAXPS      Z0, Z17, Z0 // x = max(-clamp, x)
	VMULPS      Z0, Z0, Z1  // x2
	VMOVAPS     Z18, Z2     // p = a13
	VFMADD213PS Z19, Z1, Z2 // p = p x2 + a11
	VFMADD213PS Z20, Z1, Z2
	VFMADD213PS Z21, Z1, Z2
	VFMADD213PS Z22, Z1, Z2
	VFMADD213PS Z23, Z1, Z2
	VFMADD213PS Z24, Z1, Z2 // p = p x2 + a1
	VMULPS      Z0, Z2, Z2  // p = p x
	VMOVAPS     Z25, Z3     // q = b6
	VFMADD213PS Z26, Z1, Z3
	VFMADD213PS Z27, Z1, Z3
	VFMADD213PS Z28, Z1, Z3 // q = q x2 + b0
	VDIVPS      Z3, Z2, Z2  // p / q
	VMOVUPS     Z2, (DI)
	ADDQ        $64, SI
	ADDQ        $64, DI
	DECQ        CX
	JNZ         loop

done:
	VZEROUPPER
	RET
