//go:build !amd64 || noasm

package nn

// useEigenAVX2 is false without assembly: the rank-2k update runs in Go.
const useEigenAVX2 = false

func tile8x4(kc int, x, y []float64, out *[32]float64) {
	panic("nn: no assembly tile in this build")
}

func tile8x4Sub(kc int, x, y, c []float64, ldc int) {
	panic("nn: no assembly tile in this build")
}

func symv4(n int, c []float64, lda int, x, y []float64, xj, s *[4]float64) {
	panic("nn: no assembly symv in this build")
}
