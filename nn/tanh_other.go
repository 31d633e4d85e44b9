//go:build !amd64 || noasm

package nn

// tanhSlice sets dst[i] = tanh32(src[i]).
func tanhSlice(dst, src []float32) { tanhScalar(dst, src) }
