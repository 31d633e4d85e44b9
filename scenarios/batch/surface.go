package batch

import (
	"context"

	"initscope/nn"
	"initscope/scenarios"
	"initscope/scenarios/surface"
)

// SurfaceWriter is a Writer that takes surface records too. The JSON
// Lines writer does; the CSV, a table of snapshots, has no place for them
// (as for the run and summary lines), so a CSV run leaves them out.
type SurfaceWriter interface {
	Surface(SurfaceRecord) error
}

func (j *jsonlWriter) Surface(s SurfaceRecord) error { return j.line(s) }

// SurfaceData says what a surface's costs are averaged over.
const SurfaceData = "random"

// Surfaces computes r's cost surfaces at its current weights when its
// scenario asks for them (Surface > 0): both costs over a Surface x
// Surface grid of the two weights of surface.Weights, averaged over Probe
// random examples (standard normal inputs, uniform targets, from the
// run's seed), as in the paper's Fig 5. It returns nil when the scenario
// asks for none; errors are a bad size (one line naming it) or ctx's.
func Surfaces(ctx context.Context, r *scenarios.Runner) ([]SurfaceRecord, error) {
	grid, n := r.Scenario.Surface, r.Scenario.Probe
	if grid == 0 {
		return nil, nil
	}
	if err := surface.Check(r.Net, grid, n); err != nil {
		return nil, err
	}
	x, y := surface.RandomData(r.Scenario.Seed, n, r.Net.Inputs, r.Net.Classes)
	surfs, err := surface.Compute(ctx, r.Net, x, y, n, grid, nn.Costs())
	if err != nil {
		return nil, err
	}
	recs := make([]SurfaceRecord, len(surfs))
	for i, s := range surfs {
		recs[i] = NewSurfaceRecord(s, r.StepCount(), n)
	}
	return recs, nil
}

// NewSurfaceRecord converts a surface of n examples at step to its JSON
// form.
func NewSurfaceRecord(s surface.Surface, step int64, n int) SurfaceRecord {
	rec := SurfaceRecord{Type: "surface", Step: step, Cost: s.Cost.String(), Data: SurfaceData, Examples: n,
		W1: weightRecord(s.W1, s.At[0]), W2: weightRecord(s.W2, s.At[1]),
		X: s.X, Y: s.Y, Values: make([][]*float64, len(s.Z))}
	for i, row := range s.Z {
		rec.Values[i] = make([]*float64, len(row))
		for j, v := range row {
			rec.Values[i][j] = num(v)
		}
	}
	return rec
}

func weightRecord(w surface.Weight, init float64) WeightRecord {
	return WeightRecord{Layer: w.Layer + 1, Unit: w.Unit + 1, Input: w.Input + 1, Init: num(init)}
}

// writeSurfaces writes r's surfaces (if its scenario asks for them and w
// takes them) at its current weights: Run calls it after the step-0
// snapshot, before any update. A cancellation is not an error here: the
// run goes on to stop and write its summary.
func writeSurfaces(ctx context.Context, r *scenarios.Runner, w Writer) error {
	sw, ok := w.(SurfaceWriter)
	if !ok || r.Scenario.Surface == 0 {
		return nil
	}
	recs, err := Surfaces(ctx, r)
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if err := sw.Surface(rec); err != nil {
			return err
		}
	}
	return nil
}

// checkSurfaces refuses, before the run starts, surfaces too large for
// r's network (surface.Check).
func checkSurfaces(r *scenarios.Runner) error {
	if r.Scenario.Surface == 0 {
		return nil
	}
	return surface.Check(r.Net, r.Scenario.Surface, r.Scenario.Probe)
}
