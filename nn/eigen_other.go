//go:build !amd64 || noasm

package nn

// symv4s is empty without assembly: the reduction's products run in Go.
func symv4s[T float]() []symv4Kernel[T] { return nil }

// rank2kTiles is empty without assembly: the rank-2k update runs in Go.
func rank2kTiles[T float]() []*rank2kTile[T] { return nil }
