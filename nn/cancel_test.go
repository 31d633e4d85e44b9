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
