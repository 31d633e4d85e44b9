package nn

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// A done context stops every slow path with its error, before any work.
func TestCancelledContext(t *testing.T) {
	cfg := Config{Inputs: 8, Classes: 3, Depth: 3, Width: 16, Activation: Tanh, Init: Init{Kind: Normalized}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if net, err := Build(ctx, cfg, rand.New(rand.NewPCG(1, 1))); !errors.Is(err, context.Canceled) || net != nil {
		t.Errorf("Build = %v, %v; want nil, context.Canceled", net, err)
	}
	net := New(cfg, rand.New(rand.NewPCG(1, 1)))
	x, y := randomBatch(rand.New(rand.NewPCG(2, 2)), 10, 8, 3)
	if st, err := NewStats(ctx, net, x, y, 10, CrossEntropy, StatsOptions{}); !errors.Is(err, context.Canceled) || st != nil {
		t.Errorf("NewStats = %v, %v; want nil, context.Canceled", st, err)
	}
	st := mustStats(t, net, x, y, 10, CrossEntropy, StatsOptions{})
	if layers, _, err := st.Measure(ctx, true); !errors.Is(err, context.Canceled) || layers != nil {
		t.Errorf("Measure = %v, %v; want nil, context.Canceled", layers, err)
	}
	if _, _, err := st.Evaluate(ctx, x, y, 10); !errors.Is(err, context.Canceled) {
		t.Errorf("Evaluate error %v, want context.Canceled", err)
	}
	// The Stats still works after a cancelled measurement.
	if layers, _ := st.measure(t, true); len(layers) != 3 {
		t.Errorf("measure after a cancellation gave %d layers", len(layers))
	}
}

// Cancelled while the eigendecompositions run, Measure returns, and the
// next Measure on the same Stats (which rewrites the pass and the W W^T
// buffer) races with nothing: run with -race, the abandoned solves only
// touch their own workspaces. The cancel comes from inside the Jacobian,
// through a context whose Err turns on after a number of checks, so the
// test does not depend on timing.
func TestJacobianAbandonedSolvesTouchNothingShared(t *testing.T) {
	cfg := Config{Inputs: 32, Classes: 3, Depth: 3, Width: 48, Activation: Tanh, Init: Init{Kind: Normalized}}
	net := New(cfg, rand.New(rand.NewPCG(1, 1)))
	x, y := randomBatch(rand.New(rand.NewPCG(2, 2)), 12, 32, 3)
	st := mustStats(t, net, x, y, 12, CrossEntropy, StatsOptions{JacobianExamples: 6})
	want, _ := st.measure(t, true)
	for checks := range 40 {
		ctx := &countdown{Context: context.Background(), left: checks, done: make(chan struct{})}
		if _, _, err := st.Measure(ctx, true); err == nil {
			if checks < 10 {
				t.Errorf("Measure finished after %d checks of its context; want checks in every phase", checks)
			}
			break // enough checks to finish: every cut point was tried
		} else if !errors.Is(err, context.Canceled) {
			t.Fatalf("after %d checks: %v", checks, err)
		}
		got, _ := st.measure(t, true)
		for l := range got {
			if got[l].JacSVMean != want[l].JacSVMean && !(math.IsNaN(got[l].JacSVMean) && math.IsNaN(want[l].JacSVMean)) {
				t.Fatalf("after a cancellation at check %d, layer %d: %g, want %g", checks, l+1, got[l].JacSVMean, want[l].JacSVMean)
			}
		}
	}
}

// countdown is a context whose Err becomes Canceled after left calls; its
// Done channel closes at that moment, as a real context's does.
type countdown struct {
	context.Context
	mu   sync.Mutex
	left int
	once sync.Once
	done chan struct{}
}

func (c *countdown) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.left <= 0 {
		c.once.Do(func() { close(c.done) })
		return context.Canceled
	}
	c.left--
	return nil
}

func (c *countdown) Done() <-chan struct{} { return c.done }

// A step too large for one chunk is split over chunks of rows: it equals
// TrainStep up to the order of float32 sums (one chunk's K-sum against
// several), and a context that turns done inside it stops it with the error.
func TestTrainStepContextChunked(t *testing.T) {
	cfg := Config{Inputs: 64, Classes: 3, Depth: 2, Width: 128, Activation: Tanh, Init: Init{Kind: Normalized}}
	a, b := New(cfg, rand.New(rand.NewPCG(1, 1))), New(cfg, rand.New(rand.NewPCG(1, 1)))
	b.chunk = 1 << 20                       // chunks of a few rows, so a small network splits
	n := 2*b.rowsPerChunk(b.rowFlops()) + 5 // three chunks
	x, y := randomBatch(rand.New(rand.NewPCG(2, 2)), n, 64, 3)
	p := a.NewPass(n)
	want := a.TrainStep(p, x, y, n, CrossEntropy, 0.1)
	got, err := b.TrainStepContext(context.Background(), p, x, y, n, CrossEntropy, 0.1)
	if err != nil || math.Abs(got-want) > 1e-6*math.Abs(want) {
		t.Fatalf("TrainStepContext = %g, %v; TrainStep %g", got, err, want)
	}
	for l := range a.Layers {
		for i, w := range a.Layers[l].W {
			// Each entry moved by lr times a sum of n products; float32
			// sums in another order differ by about n*eps of their size.
			if d := math.Abs(float64(b.Layers[l].W[i] - w)); d > 1e-5 {
				t.Fatalf("layer %d weight %d: %g chunked, %g in one pass", l, i, b.Layers[l].W[i], w)
			}
		}
	}
	for checks := range 12 {
		ctx := &countdown{Context: context.Background(), left: checks, done: make(chan struct{})}
		if _, err := b.TrainStepContext(ctx, p, x, y, n, CrossEntropy, 0.1); err == nil {
			if checks < 8 {
				t.Errorf("the step finished after %d checks; want a check per chunk", checks)
			}
			break
		} else if !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
	}
}

// The probe statistics and the test pass of a network whose layers are
// each split into several chunks (as a wide network's are: 128 rows per
// chunk at width 4096) agree with one chunk's: rows are independent, so
// only the order of float32 sums inside the products may differ.
func TestChunkedPassesAgree(t *testing.T) {
	cfg := Config{Inputs: 16, Classes: 3, Depth: 3, Width: 32, Activation: Tanh, Init: Init{Kind: Normalized}}
	one, split := New(cfg, rand.New(rand.NewPCG(7, 7))), New(cfg, rand.New(rand.NewPCG(7, 7)))
	split.chunk = 4 * 2 * cfg.Width * cfg.Width // 4 rows of a hidden layer per chunk
	const n, tests = 13, 29                     // 4 chunks per hidden layer; the test pass in 3 blocks of n
	x, y := randomBatch(rand.New(rand.NewPCG(8, 8)), n, cfg.Inputs, cfg.Classes)
	tx, ty := randomBatch(rand.New(rand.NewPCG(9, 9)), tests, cfg.Inputs, cfg.Classes)
	var stats [2][]LayerStats
	var loss, errRate, cost [2]float64
	for i, net := range []*Network{one, split} {
		st := mustStats(t, net, x, y, n, CrossEntropy, StatsOptions{})
		stats[i], loss[i] = st.measure(t, false)
		var err error
		if errRate[i], cost[i], err = st.Evaluate(context.Background(), tx, ty, tests); err != nil {
			t.Fatal(err)
		}
	}
	// Float32 sums of at most 32 terms in another order: a few units in
	// the last place, which the float64 statistics carry through.
	const tol = 1e-5
	near := func(a, b float64) bool { return math.Abs(a-b) <= tol*max(math.Abs(a), math.Abs(b), 1e-30) }
	if !near(loss[0], loss[1]) || errRate[0] != errRate[1] || !near(cost[0], cost[1]) {
		t.Errorf("probe loss %g, test error %g, test cost %g in one chunk; %g, %g, %g in chunks",
			loss[0], errRate[0], cost[0], loss[1], errRate[1], cost[1])
	}
	for l := range stats[0] {
		a, b := stats[0][l], stats[1][l]
		for _, f := range []struct {
			name string
			a, b float64
		}{
			{"act std", a.ActStd, b.ActStd}, {"act p98", a.ActP98, b.ActP98}, {"grad var", a.GradVar, b.GradVar},
			{"wgrad var", a.WGradVar, b.WGradVar}, {"wgrad var ex", a.WGradVarEx, b.WGradVarEx},
		} {
			if !near(f.a, f.b) {
				t.Errorf("layer %d %s: %g in one chunk, %g in chunks", l+1, f.name, f.a, f.b)
			}
		}
	}
}

// A probe pass split into chunks looks at its context before each chunk
// of each layer, forward and backward, so a done context stops it within
// one chunk of one layer.
func TestChunkedPassChecksEachChunk(t *testing.T) {
	cfg := Config{Inputs: 16, Classes: 3, Depth: 3, Width: 32, Activation: Tanh, Init: Init{Kind: Normalized}}
	net := New(cfg, rand.New(rand.NewPCG(7, 7)))
	net.chunk = 4 * 2 * cfg.Width * cfg.Width
	const n = 13
	x, y := randomBatch(rand.New(rand.NewPCG(8, 8)), n, cfg.Inputs, cfg.Classes)
	p := net.NewPass(n)
	// Chunks per pass: forward, every layer; backward, every layer but
	// the first (which sends nothing down).
	want := 0
	for l, layer := range net.Layers {
		chunks := (n + net.rowsPerChunk(2*layer.In*layer.Out) - 1) / net.rowsPerChunk(2*layer.In*layer.Out)
		want += chunks
		if l > 0 {
			want += chunks
		}
	}
	for checks := 0; ; checks++ {
		ctx := &countdown{Context: context.Background(), left: checks, done: make(chan struct{})}
		err := net.forwardContext(ctx, p, x, n)
		if err == nil {
			_, err = net.backward(ctx, p, y, CrossEntropy, 1)
		}
		if err == nil {
			if checks != want {
				t.Errorf("the passes finished after %d checks; want %d, one per chunk of each layer", checks, want)
			}
			return
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
		if checks > want {
			t.Fatalf("still cancelled after %d checks; want %d", checks, want)
		}
	}
}

// rowFlops is the multiply-adds, counted twice, of one example's forward
// pass through every layer: more than any one layer's, so a step of
// 2*rowsPerChunk(rowFlops())+5 rows splits into chunks in its widest layer.
func (net *Network) rowFlops() int {
	f := 0
	for _, l := range net.Layers {
		f += 2 * l.In * l.Out
	}
	return f
}
