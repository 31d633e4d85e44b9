//go:build !amd64 || noasm

package nn

var useTanhAVX512 = false

// tanhSlice sets dst[i] = tanh32(src[i]).
func tanhSlice(dst, src []float32) {
	for i, x := range src {
		dst[i] = tanh32(x)
	}
}
