//go:build amd64 && !noasm

package nn

import "golang.org/x/sys/cpu"

// useTanhAVX512 is whether tanhSlice takes the vector path, read once at
// start-up; the tests check the scalar path through tanhScalar.
var useTanhAVX512 = cpu.X86.HasAVX512F

// tanhCoeffs lays the constants out for the vector kernel.
var tanhCoeffs = [13]float32{tanhClamp, -tanhClamp, tanhA13, tanhA11, tanhA9, tanhA7, tanhA5, tanhA3, tanhA1,
	tanhB6, tanhB4, tanhB2, tanhB0}

//go:noescape
func tanh16(dst, src *float32, n int, c *[13]float32)

// tanhSlice sets dst[i] = tanh32(src[i]), 16 at a time where the CPU can.
func tanhSlice(dst, src []float32) {
	n := 0
	if useTanhAVX512 {
		n = len(src) &^ 15
		if n > 0 {
			tanh16(&dst[0], &src[0], n, &tanhCoeffs)
		}
	}
	tanhScalar(dst[n:], src[n:])
}
