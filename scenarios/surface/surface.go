package surface

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"initscope/nn"
)

// Limits on a surface, checked before anything is allocated.
const (
	// MinGrid and MaxGrid bound the points per axis: 2 is the least that
	// spans a range; 101 x 101 is more points than a terminal shows, and
	// its record (10,201 numbers of up to 24 bytes) stays well inside the
	// 1 MB a --from line may take.
	MinGrid = 2
	MaxGrid = 101
	// MaxExamples bounds the examples each point's cost is averaged over.
	MaxExamples = 100000
	// MaxMultiplyAdds bounds a surface's work: one forward pass over the
	// examples per grid point (a 41 x 41 grid over 300 examples of the
	// fig5 preset's 16-16-4 network is 1.6e8; 1e11 is minutes here).
	MaxMultiplyAdds = 1e11
)

// chunkRows is the examples one forward pass takes: the pass's buffers
// are chunkRows rows of every layer, whatever the number of examples (a
// 20 x 4096 network's are 64 MB).
const chunkRows = 64

// Span is how far each weight goes either side of 0: the grid of each
// axis is Grid points evenly spaced over [-Span, +Span]. Fig 5's axes are
// of this order, and past |w| = 4 a tanh unit fed unit-variance inputs is
// saturated, so the surfaces are flat there anyway.
const Span = 4.0

// Weight names one weight: Layers[Layer].W[Unit*In+Input] of an
// nn.Network, 0-based (Layer Depth is the output layer).
type Weight struct{ Layer, Unit, Input int }

// Surface is one cost over the grid: Z[i][j] is the mean cost over the
// examples with the first weight at X[i] and the second at Y[j], every
// other weight as the network has it. At is where the network's own
// weights sit on the grid's axes.
type Surface struct {
	Cost   nn.Cost
	W1, W2 Weight
	X, Y   []float64
	Z      [][]float64
	At     [2]float64
}

// Axis is the grid's values on one axis: n points evenly spaced over
// [-Span, +Span], the ends exact.
func Axis(n int) []float64 {
	a := make([]float64, n)
	for i := range a {
		a[i] = float64(2*i-(n-1)) * Span / float64(n-1) // exact integers, one rounding: -1.8, not -1.7999999999999998
	}
	return a
}

// Weights are the two weights Fig 5 varies: the first hidden layer's
// weight from input 0 to unit 0, and the output layer's from the last
// hidden layer's unit 0 to class 0. For a network of one hidden layer
// they are the two ends of one path, input 0 -> unit 0 -> class 0.
func Weights(net *nn.Network) (w1, w2 Weight) {
	return Weight{}, Weight{Layer: net.Depth}
}

// Check reports why a surface of grid x grid points over n examples of net
// would be refused: a grid or a count out of range, or too much work. The
// message names the input, the limit and what to do.
func Check(net *nn.Network, grid, n int) error {
	if grid < MinGrid || grid > MaxGrid {
		return fmt.Errorf("surface grid %d out of range (%d..%d points per axis)", grid, MinGrid, MaxGrid)
	}
	if n < 1 || n > MaxExamples {
		return fmt.Errorf("surface over %d examples out of range (1..%d)", n, MaxExamples)
	}
	if work := float64(grid) * float64(grid) * float64(n) * rowMultiplyAdds(net); work > MaxMultiplyAdds {
		return fmt.Errorf("surface of %d x %d points over %d examples of this %d x %d network is %.2g multiply-adds, over the limit of %.0g (lower the grid or --probe, or use a smaller network)",
			grid, grid, n, net.Depth, net.Width, work, float64(MaxMultiplyAdds))
	}
	return nil
}

// rowMultiplyAdds is one example's forward pass.
func rowMultiplyAdds(net *nn.Network) float64 {
	var s float64
	for _, l := range net.Layers {
		s += float64(l.In) * float64(l.Out)
	}
	return s
}

// Compute evaluates every cost of costs over a grid x grid grid of the
// two weights of Weights(net), on the n examples of x (n x net.Inputs,
// row-major) with targets y. The network's weights are put back as they
// were before it returns. It checks ctx before each grid row and returns
// ctx's error when it is done. Costs of a point whose scores are not
// finite are NaN.
func Compute(ctx context.Context, net *nn.Network, x []float32, y []int32, n, grid int, costs []nn.Cost) ([]Surface, error) {
	if err := Check(net, grid, n); err != nil {
		return nil, err
	}
	if len(x) < n*net.Inputs || len(y) < n {
		panic("surface: x or y shorter than n examples")
	}
	w1, w2 := Weights(net)
	p1, p2 := ptr(net, w1), ptr(net, w2)
	at := [2]float64{float64(*p1), float64(*p2)}
	defer func(a, b float32) { *p1, *p2 = a, b }(*p1, *p2)

	axis := Axis(grid)
	out := make([]Surface, len(costs))
	for c, cost := range costs {
		out[c] = Surface{Cost: cost, W1: w1, W2: w2, X: axis, Y: axis, At: at, Z: make([][]float64, grid)}
		for i := range grid {
			out[c].Z[i] = make([]float64, grid)
		}
	}
	pass := net.NewPass(min(n, chunkRows))
	scores := make([]float64, net.Classes)
	sums := make([]float64, len(costs))
	for i, a := range axis {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		*p1 = float32(a)
		for j, b := range axis {
			*p2 = float32(b)
			clear(sums)
			for lo := 0; lo < n; lo += pass.Cap {
				m := min(pass.Cap, n-lo)
				net.Forward(pass, x[lo*net.Inputs:], m)
				s := pass.Pre[net.Depth] // the output layer's scores, m x Classes
				for r := range m {
					for k := range scores {
						scores[k] = float64(s[r*net.Classes+k])
					}
					for c, cost := range costs {
						sums[c] += cost.Loss(scores, int(y[lo+r]))
					}
				}
			}
			for c := range costs {
				out[c].Z[i][j] = sums[c] / float64(n)
			}
		}
	}
	return out, nil
}

func ptr(net *nn.Network, w Weight) *float32 {
	l := net.Layers[w.Layer]
	return &l.W[w.Unit*l.In+w.Input]
}

// RandomData draws the paper's data for Fig 5: n inputs of dim independent
// standard normal components and uniformly random targets among classes,
// from the PCG stream (seed, 5) (the weights use stream 1).
func RandomData(seed uint64, n, dim, classes int) (x []float32, y []int32) {
	rng := rand.New(rand.NewPCG(seed, 5))
	x = make([]float32, n*dim)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	y = make([]int32, n)
	for i := range y {
		y[i] = int32(rng.IntN(classes))
	}
	return x, y
}

// Range is the least and greatest finite value of s, NaN both when
// there is none.
func (s Surface) Range() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range s.Z {
		for _, v := range row {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if lo > hi {
		return math.NaN(), math.NaN()
	}
	return lo, hi
}
