package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"initscope/scenarios/dataset"
	"initscope/scenarios/shapeset"
)

// samples shows the first N training examples of the scenario's data set:
// as text in the terminal, or as a PNG contact sheet with --samples-png.
func samples(ctx context.Context, o Options, w io.Writer) error {
	src, err := dataset.Open(ctx, o.Scenario.Dataset, o.Scenario.Seed)
	if err != nil && ctx.Err() != nil {
		return errInterrupted{signalStatus(ctx), "interrupted while opening the data set"}
	}
	if err != nil {
		return UsageError{err}
	}
	if src.Dim() != shapeset.Dim {
		return usagef("--samples draws 32x32 grey images; dataset %q has %d inputs (try --dataset shapeset)", o.Scenario.Dataset, src.Dim())
	}
	set := dataset.NewSet(o.Samples, src.Dim(), src.Classes())
	src.Train().Fill(set.X, set.Y)
	names := src.ClassNames()
	if o.SamplesPNG != "" {
		return writeSheet(o.SamplesPNG, set, w)
	}
	for i := range set.N {
		fmt.Fprintf(w, "sample %d: %s\n%s\n", i+1, names[set.Y[i]], shapeset.Text(set.Row(i)))
	}
	return nil
}

func writeSheet(path string, set *dataset.Set, w io.Writer) error {
	f, err := os.Create(path)
	if err != nil {
		return usagef("--samples-png: %v (choose a writable path)", err)
	}
	imgs := make([][]float32, set.N)
	labels := make([]int, set.N)
	for i := range set.N {
		imgs[i], labels[i] = set.Row(i), int(set.Y[i])
	}
	if err := shapeset.WritePNG(f, imgs, labels, min(set.N, 10), 4); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %d samples to %s\n", set.N, path)
	return nil
}
