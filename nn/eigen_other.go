//go:build !amd64 || noasm

package nn

// Without assembly the reduction's products run in Go.
var symv4F64 func(n int, c []float64, lda int, x, y []float64, xj, s *[4]float64)
var symv4F32 func(n int, c []float32, lda int, x, y []float32, xj, s *[4]float32)

// rank2kTiles is empty without assembly: the rank-2k update runs in Go.
func rank2kTiles[T float]() []*rank2kTile[T] { return nil }
