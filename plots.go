package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

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

// Surface passes a surface record through to the writer, if it takes
// them (the CSV does not), and keeps it for the plots.
func (c *collector) Surface(s batch.SurfaceRecord) error {
	if sw, ok := c.Writer.(batch.SurfaceWriter); ok {
		if err := sw.Surface(s); err != nil {
			return err
		}
	}
	c.run.Surfaces = append(c.run.Surfaces, s)
	return nil
}

// writePlots draws the figures in every format (PNG, SVG, PDF) and says
// where they went, one line a figure, on stderr so that stdout stays
// machine-readable: "initscope: wrote DIR/theory.png (and .svg, .pdf)".
func writePlots(dir string, run plot.Run, stderr io.Writer) error {
	files, err := plot.WriteFormats(context.Background(), dir, run, plot.Formats...)
	if err != nil {
		return fmt.Errorf("--plots %s: %w", dir, err)
	}
	n := len(plot.Formats)
	for i := 0; i+n <= len(files); i += n {
		others := ""
		for _, f := range files[i+1 : i+n] {
			others += ", " + filepath.Ext(f)
		}
		fmt.Fprintf(stderr, "initscope: wrote %s (and %s)\n", files[i], others[2:])
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
