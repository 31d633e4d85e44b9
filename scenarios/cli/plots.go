package cli

import (
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

func (c *collector) Snapshot(s batch.SnapshotRecord) error {
	c.run.Snapshots = append(c.run.Snapshots, s)
	return c.Writer.Snapshot(s)
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

// replot draws the figures of a saved --batch JSON Lines file.
func replot(o Options, stderr io.Writer) error {
	f, err := os.Open(o.From)
	if err != nil {
		return usagef("--from: %v", err)
	}
	defer f.Close()
	run, err := plot.Read(o.From, f)
	if err != nil {
		return UsageError{err}
	}
	return writePlots(o.Plots, run, stderr)
}
