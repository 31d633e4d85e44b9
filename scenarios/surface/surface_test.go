package surface

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"initscope/nn"
)

// smallNet is the fig5 preset's shape: 16 inputs, one hidden tanh layer
// of 16, 4 classes, standard init.
func smallNet(depth int) *nn.Network {
	cfg := nn.Config{Inputs: 16, Classes: 4, Depth: depth, Width: 16, Activation: nn.Tanh, Init: nn.Init{Kind: nn.Standard, Scale: 1}}
	return nn.New(cfg, rand.New(rand.NewPCG(1, 1)))
}

// slowCost is the mean cost of a tanh network over the examples, with
// w1 and w2 in place of the two weights, in float64 loops: the reference
// Compute's float32 forward pass is checked against.
func slowCost(net *nn.Network, x []float32, y []int32, n int, w1, w2 float64, cost nn.Cost) float64 {
	a, b := Weights(net)
	var total float64
	for r := range n {
		in := make([]float64, net.Inputs)
		for i := range in {
			in[i] = float64(x[r*net.Inputs+i])
		}
		for l, layer := range net.Layers {
			out := make([]float64, layer.Out)
			for u := range out {
				s := float64(layer.B[u])
				for i, v := range in {
					w := float64(layer.W[u*layer.In+i])
					switch {
					case l == a.Layer && u == a.Unit && i == a.Input:
						w = w1
					case l == b.Layer && u == b.Unit && i == b.Input:
						w = w2
					}
					s += w * v
				}
				if l < net.Depth {
					s = math.Tanh(s)
				}
				out[u] = s
			}
			in = out
		}
		total += cost.Loss(in, int(y[r]))
	}
	return total / float64(n)
}

// Every point of a small grid against the float64 loops, both costs, at
// one and two hidden layers (the second weight is then in layer 3).
func TestComputeAgainstSlowLoops(t *testing.T) {
	for _, depth := range []int{1, 2} {
		net := smallNet(depth)
		before := append([]float32(nil), net.Layers[0].W...)
		x, y := RandomData(7, 150, net.Inputs, net.Classes) // 150: three chunks, the last part-full
		surfs, err := Compute(context.Background(), net, x, y, 150, 5, nn.Costs())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range surfs {
			for i, a := range s.X {
				for j, b := range s.Y {
					want := slowCost(net, x, y, 150, a, b, s.Cost)
					// float32 forward pass: scores good to ~1e-6 relative,
					// a cost of order 1 to a few 1e-6.
					if got := s.Z[i][j]; math.Abs(got-want) > 1e-5*math.Max(1, math.Abs(want)) {
						t.Errorf("depth %d %v at (%g, %g): %v, slow loops %v", depth, s.Cost, a, b, got, want)
					}
				}
			}
		}
		for i, w := range net.Layers[0].W {
			if w != before[i] {
				t.Fatalf("depth %d: weight %d is %v after Compute, was %v", depth, i, w, before[i])
			}
		}
		if surfs[0].At[0] != float64(before[0]) {
			t.Errorf("At = %v, want the first weight %v", surfs[0].At, before[0])
		}
	}
}

func TestAxis(t *testing.T) {
	a := Axis(5)
	want := []float64{-4, -2, 0, 2, 4}
	for i := range want {
		if a[i] != want[i] {
			t.Fatalf("Axis(5) = %v, want %v", a, want)
		}
	}
}

// The paper's claim (Fig 5): the cross-entropy surface is steeper than the
// quadratic one, which has plateaus. On the fig5 network: the mean slope
// between neighbouring points is larger for cross-entropy, relative to
// each surface's own range too, and more of the quadratic surface is flat.
func TestCrossEntropySteeperThanQuadratic(t *testing.T) {
	net := smallNet(1)
	x, y := RandomData(1, 300, net.Inputs, net.Classes)
	surfs, err := Compute(context.Background(), net, x, y, 300, 41, nn.Costs())
	if err != nil {
		t.Fatal(err)
	}
	ce, quad := slope(surfs[0]), slope(surfs[1])
	if !(ce > 2*quad) {
		t.Errorf("mean slope: cross-entropy %.4g, quadratic %.4g; want cross-entropy over twice as steep", ce, quad)
	}
	t.Logf("mean |slope|: cross-entropy %.4g, quadratic %.4g (ratio %.2f)", ce, quad, ce/quad)
}

// slope is the mean absolute difference between neighbouring points per
// unit of weight.
func slope(s Surface) float64 {
	var sum float64
	var n int
	h := s.X[1] - s.X[0]
	for i := range s.Z {
		for j := range s.Z[i] {
			if i > 0 {
				sum += math.Abs(s.Z[i][j]-s.Z[i-1][j]) / h
				n++
			}
			if j > 0 {
				sum += math.Abs(s.Z[i][j]-s.Z[i][j-1]) / h
				n++
			}
		}
	}
	return sum / float64(n)
}

// Bad sizes are one line naming the input and the limit, before anything
// is allocated.
func TestCheck(t *testing.T) {
	net := smallNet(1)
	for _, c := range []struct {
		grid, n int
		want    string
	}{
		{1, 10, "surface grid 1 out of range (2..101 points per axis)"},
		{1 << 40, 10, "surface grid 1099511627776 out of range"},
		{-3, 10, "surface grid -3 out of range"},
		{10, 0, "surface over 0 examples out of range (1..100000)"},
		{10, 1 << 30, "surface over 1073741824 examples out of range"},
	} {
		err := Check(net, c.grid, c.n)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Check(%d, %d) = %v, want %q", c.grid, c.n, err, c.want)
		}
	}
	big := nn.New(nn.Config{Inputs: 1024, Classes: 9, Depth: 5, Width: 1000, Activation: nn.Tanh, Init: nn.Init{Kind: nn.Standard, Scale: 1}},
		rand.New(rand.NewPCG(1, 1)))
	if err := Check(big, 101, 10000); err == nil || !strings.Contains(err.Error(), "over the limit of 1e+11 (lower the grid") {
		t.Errorf("a 5 x 1000 network's 101 x 101 surface over 10000 examples: %v", err)
	}
}

func TestComputeCancelled(t *testing.T) {
	net := smallNet(1)
	before := net.Layers[0].W[0]
	x, y := RandomData(1, 10, net.Inputs, net.Classes)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Compute(ctx, net, x, y, 10, 11, nn.Costs()); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if net.Layers[0].W[0] != before {
		t.Errorf("weight not restored after cancellation")
	}
}

func TestRange(t *testing.T) {
	s := Surface{Z: [][]float64{{math.NaN(), 2}, {math.Inf(1), -1}}}
	if lo, hi := s.Range(); lo != -1 || hi != 2 {
		t.Errorf("Range = %v, %v; want -1, 2", lo, hi)
	}
	if lo, _ := (Surface{Z: [][]float64{{math.NaN()}}}).Range(); !math.IsNaN(lo) {
		t.Errorf("Range of no finite value = %v, want NaN", lo)
	}
}
