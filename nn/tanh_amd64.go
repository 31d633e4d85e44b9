//go:build amd64 && !noasm

package nn

import "golang.org/x/sys/cpu"

// useTanhAVX512 is whether tanhSlice takes the vector path; tests turn it
// off to check the scalar one.
var useTanhAVX512 = cpu.X86.HasAVX512F

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
	for i, x := range src[n:] {
		dst[n+i] = tanh32(x)
	}
}
