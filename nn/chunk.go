package nn

import "context"

// chunkFlops is the work done between two looks at a context: 2^32
// floating-point operations, about 30 ms at the 150 GFLOP/s the kernel
// reaches on two cores (BENCHMARKS.md), so a cancelled pass stops well
// within a second. Passes are chunked layer by layer (a chunk is rows of
// one layer's product, never rows through the whole network, whose
// chunks would be a few rows at width 4096); the probe and test passes of
// the default scenarios fit in one chunk per layer, so their numbers do
// not depend on the split.
const chunkFlops = 1 << 32

// chunkSize is net's work between two looks at a context: chunkFlops,
// unless a test made net's chunks small (Network.chunk).
func (net *Network) chunkSize() int {
	if net.chunk > 0 {
		return net.chunk
	}
	return chunkFlops
}

// rowsPerChunk is how many rows of flopsPerRow operations make a chunk.
func (net *Network) rowsPerChunk(flopsPerRow int) int {
	return max(1, net.chunkSize()/max(1, flopsPerRow))
}

// eachChunk calls f on consecutive row ranges [lo, hi) covering [0, n), of
// about a chunk's work each, and stops with ctx's error when ctx is done
// before a chunk. Work that finished is not reported as cancelled.
func (net *Network) eachChunk(ctx context.Context, n, flopsPerRow int, f func(lo, hi int)) error {
	step := net.rowsPerChunk(flopsPerRow)
	for lo := 0; lo < n; lo += step {
		if err := ctx.Err(); err != nil {
			return err
		}
		f(lo, min(n, lo+step))
	}
	return nil
}
