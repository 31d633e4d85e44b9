package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"initscope/scenarios/batch"
	"initscope/scenarios/plot"
)

// collector passes records through to a writer and keeps them for the plots.
type collector struct {
	batch.Writer
	run plot.Run
}

func (c *collector) Run(r batch.RunRecord) error {
	c.run.Run = r
	return c.Writer.Run(r)
}

// Snapshot keeps s through plot.Run.Add, which thins a long run to at most
// plot.MaxKept snapshots: the plots' memory is bounded however many
// snapshots the run writes.
func (c *collector) Snapshot(s batch.SnapshotRecord) error {
	if err := c.Writer.Snapshot(s); err != nil {
		return err
	}
	c.run.Add(s)
	return nil
}

// writePlots draws the figures and says where they went, on stderr so that
// stdout stays machine-readable.
func writePlots(dir string, run plot.Run, stderr io.Writer) error {
	files, err := plot.Write(dir, run)
	if err != nil {
		return fmt.Errorf("--plots %s: %w", dir, err)
	}
	for _, f := range files {
		fmt.Fprintf(stderr, "initscope: wrote %s\n", f)
	}
	return nil
}

// replot draws the figures of a saved --batch JSON Lines file. It stops
// reading when ctx is done (a --from file may be gigabytes long), writing no
// figure and exiting with the signal's status.
func replot(ctx context.Context, o Options, stderr io.Writer) error {
	f, err := os.Open(o.From)
	if err != nil {
		return usagef("--from: %v", err)
	}
	defer f.Close()
	run, err := plot.Read(ctx, o.From, f)
	if ctx.Err() != nil {
		return errInterrupted{signalStatus(ctx), fmt.Sprintf("interrupted while reading %s; no figure was written", o.From)}
	}
	if err != nil {
		return UsageError{err}
	}
	return writePlots(o.Plots, run, stderr)
}
