package dataset

import (
	"context"
	"fmt"
	"math/rand/v2"
)

// table holds a file's examples in their stored type (bytes for images,
// a quarter of the memory of float32) and converts on the way out:
// input = float32(stored) * scale.
type table[T uint8 | float32] struct {
	x     []T // n*dim, row-major
	y     []int32
	dim   int
	scale float32
}

// row writes example i into dst.
func (t *table[T]) row(dst []float32, i int) {
	for j, v := range t.x[i*t.dim : (i+1)*t.dim] {
		dst[j] = float32(v) * t.scale
	}
}

// part is a subset of a table's rows, in a fixed order.
type part[T uint8 | float32] struct {
	t    *table[T]
	rows []int32
	what string // "test", "probe" or "training", for messages
	file string // where the rows come from, for messages
}

// set copies the first n rows (all of them if n <= 0).
func (p part[T]) set(ctx context.Context, spec string, n, classes int) (*Set, error) {
	if n <= 0 {
		n = len(p.rows)
	}
	if n > len(p.rows) {
		return nil, fmt.Errorf("dataset %q: asked for %d %s examples, %s has %d", spec, n, p.what, p.file, len(p.rows))
	}
	s := NewSet(n, p.t.dim, classes)
	for i, r := range p.rows[:n] {
		if i%fillEvery == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		p.t.row(s.Row(i), int(r))
		s.Y[i] = p.t.y[r]
	}
	return s, nil
}

// fileSource is a Source read from files.
type fileSource[T uint8 | float32] struct {
	spec               string
	classes            int
	names              []string
	seed               uint64
	train, test, probe part[T]
}

func (f *fileSource[T]) Name() string         { return f.spec }
func (f *fileSource[T]) Dim() int             { return f.train.t.dim }
func (f *fileSource[T]) Classes() int         { return f.classes }
func (f *fileSource[T]) ClassNames() []string { return append([]string(nil), f.names...) }

func (f *fileSource[T]) Test(ctx context.Context, n int) (*Set, error) {
	return f.test.set(ctx, f.spec, n, f.classes)
}

func (f *fileSource[T]) Probe(ctx context.Context, n int) (*Set, error) {
	return f.probe.set(ctx, f.spec, n, f.classes)
}

// Train returns shuffled epochs over the training rows: every row once per
// epoch, in an order drawn afresh each epoch from the seeded stream.
func (f *fileSource[T]) Train() Stream {
	s := &epochStream[T]{
		t:     f.train.t,
		order: append([]int32(nil), f.train.rows...),
		r:     rand.New(rand.NewPCG(derive(f.seed, trainTag), trainTag)),
	}
	s.shuffle()
	return s
}

type epochStream[T uint8 | float32] struct {
	t     *table[T]
	order []int32
	next  int
	r     *rand.Rand
}

func (s *epochStream[T]) Fill(x []float32, y []int32) {
	checkFill(x, y, s.t.dim)
	for i := range y {
		if s.next == len(s.order) {
			s.shuffle()
		}
		r := s.order[s.next]
		s.next++
		s.t.row(x[i*s.t.dim:(i+1)*s.t.dim], int(r))
		y[i] = s.t.y[r]
	}
}

// shuffle starts a new epoch. Fisher-Yates by hand, because rand.Shuffle's
// swap closure would allocate.
func (s *epochStream[T]) shuffle() {
	for i := len(s.order) - 1; i > 0; i-- {
		j := s.r.IntN(i + 1)
		s.order[i], s.order[j] = s.order[j], s.order[i]
	}
	s.next = 0
}

// span returns the row numbers lo, lo+1, ..., hi-1.
func span(lo, hi int) []int32 {
	rows := make([]int32, hi-lo)
	for i := range rows {
		rows[i] = int32(lo + i)
	}
	return rows
}

// holdout is how many rows at the end of a training file of n rows are kept
// out of training for the probe set: 10000, as in the paper's MNIST
// (50k/10k/10k) and CIFAR-10 (40k/10k/10k) splits, or a sixth of a smaller
// file.
func holdout(n int) int { return min(10000, n/6) }
