package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"syscall"

	"initscope/scenarios"
	"initscope/scenarios/batch"
)

// errInterrupted carries the exit status of a run stopped by a signal
// (128 + signal number, as shells report it) after its output was
// completed.
type errInterrupted int

func (e errInterrupted) Error() string { return fmt.Sprintf("interrupted (exit status %d)", int(e)) }

// SignalCause lets main tell which signal cancelled the context.
type SignalCause struct{ Signal syscall.Signal }

func (s SignalCause) Error() string { return s.Signal.String() }

func batchMode(ctx context.Context, o Options, env Env) error {
	runner, err := scenarios.NewRunner(o.Scenario)
	if err != nil {
		return UsageError{err}
	}
	out := env.Stdout
	if o.Out != "" {
		// Created before training starts, so an unwritable path costs nothing.
		f, err := os.Create(o.Out)
		if err != nil {
			return usagef("--out: %v (choose a writable path)", err)
		}
		defer f.Close()
		out = f
	}
	w, err := batch.NewWriter(o.Format, out)
	if err != nil {
		return UsageError{err}
	}
	var plots *collector
	if o.Plots != "" {
		plots = &collector{Writer: w}
		w = plots
	}
	var progress io.Writer
	if env.StderrIsTTY {
		progress = env.Stderr
	}
	res, err := batch.Run(ctx, runner, w, batch.Options{Progress: progress})
	if err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	if plots != nil {
		if err := writePlots(o.Plots, plots.run, env.Stderr); err != nil {
			return err
		}
	}
	if res.Interrupted {
		status := 130 // SIGINT
		if sc, ok := context.Cause(ctx).(SignalCause); ok {
			status = 128 + int(sc.Signal)
		}
		return errInterrupted(status)
	}
	return nil
}
