package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"

	"initscope/scenarios"
	"initscope/scenarios/batch"
	"initscope/scenarios/sweep"
)

// errInterrupted carries the exit status of a run stopped by a signal
// (128 + signal number, as shells report it). A run stopped after its run
// line has completed output and exits quietly; one stopped before says so
// in one line (msg).
type errInterrupted struct {
	status int
	msg    string
}

func (e errInterrupted) Error() string {
	return fmt.Sprintf("interrupted (exit status %d)", e.status)
}

// signalStatus is the exit status for the signal that cancelled ctx:
// 128 + its number, SIGINT's 130 when the cause is not a signal.
func signalStatus(ctx context.Context) int {
	if sc, ok := context.Cause(ctx).(SignalCause); ok {
		return 128 + int(sc.Signal)
	}
	return 130
}

// SignalCause lets main tell which signal cancelled the context.
type SignalCause struct{ Signal syscall.Signal }

func (s SignalCause) Error() string { return s.Signal.String() }

// batchMode builds the run, then trains and writes it. Interrupted while
// building (the data set, the network, the probe pass), it writes nothing,
// creates no --out file, says so in one line and exits with the signal's
// status; interrupted later, the output is completed by batch.Run (its
// summary says interrupted) and the exit status is the signal's.
func batchMode(ctx context.Context, o Options, env Env) error {
	runner, err := build(ctx, o.Scenario, buildWatcher(env))
	if ctx.Err() != nil && (err != nil || runner == nil) {
		return errInterrupted{signalStatus(ctx), "interrupted while building the run; nothing was written"}
	}
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
	if o.lrChoice != nil {
		w = lrRunLine{Writer: w, out: out, choice: o.lrChoice}
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
	sum, err := batch.Run(ctx, runner, w, batch.Options{Progress: progress})
	if err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	if plots != nil {
		if err := writePlots(o.Plots, plots.run, env.Stderr); err != nil {
			return err
		}
	}
	if sum.Interrupted {
		return errInterrupted{status: signalStatus(ctx)}
	}
	return nil
}

// buildWatcher reports the slow part of a build (pre-training) on stderr:
// on a terminal a line rewritten in place, cleared at the end; otherwise
// (a log) one line as each layer finishes.
func buildWatcher(env Env) func(scenarios.Building) {
	return func(b scenarios.Building) {
		last := b.Layer == b.Layers && b.Update == b.Updates
		switch {
		case env.StderrIsTTY && last:
			fmt.Fprint(env.Stderr, "\r\033[K")
		case env.StderrIsTTY:
			fmt.Fprintf(env.Stderr, "\rinitscope: %s\033[K", b)
		case b.Update == b.Updates:
			fmt.Fprintf(env.Stderr, "initscope: %s\n", b)
		}
	}
}

// build is scenarios.NewRunner that returns as soon as ctx is done, even
// from a step that cannot be interrupted (an orthogonal layer's QR
// decomposition): the builder is left to finish in the background, and the
// process exits before it matters.
func build(ctx context.Context, sc scenarios.Scenario, watch func(scenarios.Building)) (*scenarios.Runner, error) {
	type result struct {
		r   *scenarios.Runner
		err error
	}
	done := make(chan result, 1)
	// A builder left behind reports nothing more: the caller has moved on
	// to its own last words on stderr.
	var mu sync.Mutex
	abandoned := false
	guarded := func(b scenarios.Building) {
		mu.Lock()
		defer mu.Unlock()
		if !abandoned {
			watch(b)
		}
	}
	go func() {
		r, err := scenarios.NewRunnerWatched(ctx, sc, guarded)
		done <- result{r, err}
	}()
	select {
	case res := <-done:
		return res.r, res.err
	case <-ctx.Done():
		mu.Lock()
		abandoned = true
		mu.Unlock()
		return nil, ctx.Err()
	}
}

// lrRunLine writes the run line with the --lr-search choice added
// ("lr_search": the grid, each try's budget and validation error, the rate
// chosen); the other records go to the JSON Lines writer underneath, which
// flushes each line, so the order in out is the order written.
type lrRunLine struct {
	batch.Writer
	out    io.Writer
	choice *sweep.Choice
}

func (l lrRunLine) Run(r batch.RunRecord) error {
	data, err := json.Marshal(struct {
		batch.RunRecord
		LRSearch *sweep.Choice `json:"lr_search"`
	}{r, l.choice})
	if err != nil {
		return err
	}
	_, err = l.out.Write(append(data, '\n'))
	return err
}
