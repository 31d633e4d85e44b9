//go:build !amd64 || noasm

package nn

// useEigenAVX2 is false without assembly: the products run in Go.
const useEigenAVX2 = false

// rank2kTiles is empty without assembly: the rank-2k update runs in Go.
func rank2kTiles() []*rank2kTile { return nil }

func symv4(n int, c []float64, lda int, x, y []float64, xj, s *[4]float64) {
	panic("nn: no assembly symv in this build")
}
