package dataset

import (
	"context"
	"fmt"

	"initscope/scenarios/shapeset"
)

// generated is a Source whose every part is drawn from a seeded stream.
type generated struct {
	spec         string
	dim, classes int
	names        []string
	seed         uint64
	stream       func(seed uint64) Stream // a stream from a derived seed
}

func (g *generated) Name() string         { return g.spec }
func (g *generated) Dim() int             { return g.dim }
func (g *generated) Classes() int         { return g.classes }
func (g *generated) ClassNames() []string { return append([]string(nil), g.names...) }
func (g *generated) Train() Stream        { return g.stream(derive(g.seed, trainTag)) }

func (g *generated) Test(ctx context.Context, n int) (*Set, error) {
	return g.set(ctx, n, testTag, "test")
}

func (g *generated) Probe(ctx context.Context, n int) (*Set, error) {
	return g.set(ctx, n, probeTag, "probe")
}

// set draws n examples from the stream for tag. A fresh stream each time
// makes Test(100) the first 100 examples of Test(1000).
func (g *generated) set(ctx context.Context, n int, tag uint64, what string) (*Set, error) {
	if n <= 0 {
		return nil, fmt.Errorf("dataset %q: generated data has no fixed size; ask for a positive number of %s examples, not %d", g.spec, what, n)
	}
	s := NewSet(n, g.dim, g.classes)
	if err := fillContext(ctx, g.stream(derive(g.seed, tag)), s); err != nil {
		return nil, err
	}
	return s, nil
}

func openShapeset(spec string, seed uint64) Source {
	return &generated{
		spec: spec, dim: shapeset.Dim, classes: shapeset.Classes,
		names: shapeset.ClassNames[:], seed: seed,
		stream: func(seed uint64) Stream { return shapesetStream{shapeset.New(seed)} },
	}
}

type shapesetStream struct{ g *shapeset.Generator }

func (s shapesetStream) Fill(x []float32, y []int32) {
	checkFill(x, y, shapeset.Dim)
	for i := range y {
		y[i] = int32(s.g.Draw(x[i*shapeset.Dim : (i+1)*shapeset.Dim]))
	}
}
