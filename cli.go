package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"initscope/scenarios"
	"initscope/scenarios/dataset"
	"initscope/scenarios/preset"
	"initscope/scenarios/sweep"
	"initscope/tui/serve"
)

// Exit statuses.
const (
	ExitOK    = 0
	ExitError = 1 // something failed while running
	ExitUsage = 2 // bad input: flags, names, ranges, files
)

// UsageError is bad input from the user; it exits with status 2.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error { return UsageError{fmt.Errorf(format, args...)} }

// Env is what the command runs against.
type Env struct {
	Stdout, Stderr io.Writer
	StderrIsTTY    bool
	// App opens the interactive app on a scenario.
	App func(ctx context.Context, sc scenarios.Scenario) error
	// Serve runs the SSH server with the parsed server options.
	Serve func(ctx context.Context, sc scenarios.Scenario, opt serve.Options) error
	// Getenv reads the cluster engines' shard variables for --sweep
	// (JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, ...); nil reads none.
	Getenv func(string) string
}

// Options are the parsed command line.
type Options struct {
	Scenario   scenarios.Scenario
	Batch      bool
	List       bool
	Serve      bool
	Out        string
	Format     string
	Samples    int
	SamplesPNG string
	Plots      string
	From       string
	ServeOpts  serve.Options
	Sweep      SweepOptions
	lrChoice   *sweep.Choice // set by --lr-search for the run line
}

// Parse reads the command line. It returns flag.ErrHelp for -h.
func Parse(args []string, stderr io.Writer) (Options, error) {
	var o Options
	fs := flag.NewFlagSet("initscope", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, as one line, by Main
	fs.BoolVar(&o.Batch, "batch", false, "run headless and write results (JSON Lines or CSV)")
	fs.BoolVar(&o.List, "list", false, "list scenarios, activations, initializers, losses and data sets")
	fs.BoolVar(&o.Serve, "serve", false, "serve the app over SSH")
	name := fs.String("scenario", preset.DefaultName, "built-in scenario name or path of a scenario .toml file")
	fs.StringVar(&o.Out, "out", "", "with --batch: write results to `FILE` instead of stdout")
	fs.StringVar(&o.Format, "format", "jsonl", "with --batch: jsonl or csv")
	fs.StringVar(&o.Plots, "plots", "", "with --batch or --from: draw the paper's figures as PNGs into `DIR`")
	fs.StringVar(&o.From, "from", "", "with --plots: draw the figures of a saved --batch JSON Lines `FILE` instead of training")
	fs.IntVar(&o.Samples, "samples", 0, "print `N` samples of the data set as text and exit")
	fs.StringVar(&o.SamplesPNG, "samples-png", "", "with --samples: write them as a PNG contact sheet to `FILE` instead")
	o.ServeOpts.Register(fs)
	o.Sweep.register(fs)
	// -h shows the values of the preset a bare run uses (TestPresets
	// checks that it exists).
	bare, _ := preset.Lookup(preset.DefaultName)
	overrides := scenarios.RegisterFlags(fs, bare)
	fs.Usage = func() {} // the flag package would print it on every error
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(stderr, fs)
			return o, err
		}
		return o, UsageError{fmt.Errorf("%v (see initscope -h)", err)}
	}
	if fs.NArg() > 0 {
		return o, usagef("unexpected argument %q (flags start with --; see initscope -h)", fs.Arg(0))
	}
	base, err := preset.Load(*name)
	if err != nil {
		return o, UsageError{err}
	}
	o.Scenario = overrides.Apply(base)
	if _, err := o.Scenario.Validate(); err != nil {
		return o, UsageError{err}
	}
	if err := o.Sweep.check(fs, &o); err != nil {
		return o, err
	}
	if o.Format != "jsonl" && o.Format != "csv" {
		return o, usagef("unknown --format %q (valid: jsonl, csv)", o.Format)
	}
	modes := 0
	for _, m := range []bool{o.Batch, o.List, o.Serve, o.Samples > 0, o.From != "", o.Sweep.Report != ""} {
		if m {
			modes++
		}
	}
	if modes > 1 {
		return o, usagef("choose one of --batch, --list, --serve, --samples, --from, --report")
	}
	if o.From != "" && o.Plots == "" {
		return o, usagef("--from needs --plots DIR (where to draw the figures)")
	}
	if o.Plots != "" && !o.Batch && o.From == "" && o.Sweep.Report == "" {
		return o, usagef("--plots goes with --batch or --from FILE (or --report DIR)")
	}
	if o.Samples < 0 || o.Samples > 10000 {
		return o, usagef("--samples %d out of range (1..10000)", o.Samples)
	}
	if err := checkOutputs(o, *name); err != nil {
		return o, err
	}
	if err := o.ServeOpts.Validate(); err != nil {
		return o, UsageError{err}
	}
	return o, nil
}

// Main runs the command line and returns the exit status. Errors are one
// line on stderr.
func Main(ctx context.Context, args []string, env Env) int {
	o, err := Parse(args, env.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if err == nil {
		err = dispatch(ctx, o, env)
	}
	if err == nil {
		return ExitOK
	}
	var interrupted errInterrupted
	if errors.As(err, &interrupted) {
		if interrupted.msg != "" {
			fmt.Fprintf(env.Stderr, "initscope: %s\n", interrupted.msg)
		}
		return interrupted.status
	}
	fmt.Fprintf(env.Stderr, "initscope: %s\n", oneLine(err.Error()))
	var ue UsageError
	var fe *serve.FlagError // a key file or --listen address the server could not use
	if errors.As(err, &ue) || errors.As(err, &fe) {
		return ExitUsage
	}
	return ExitError
}

func dispatch(ctx context.Context, o Options, env Env) error {
	switch {
	case o.Sweep.File != "" || o.Sweep.Report != "" || o.Sweep.LRSearch:
		return sweepMode(ctx, o, env)
	case o.List:
		return list(env.Stdout)
	case o.Samples > 0:
		return samples(ctx, o, env.Stdout)
	case o.From != "":
		return replot(ctx, o, env.Stderr)
	case o.Batch:
		limitHeap(o.Scenario)
		return batchMode(ctx, o, env)
	case o.Serve:
		if env.Serve == nil {
			return errors.New("this build has no SSH server")
		}
		return env.Serve(ctx, o.Scenario, o.ServeOpts)
	}
	if env.App == nil {
		return errors.New("this build has no interactive app; use --batch")
	}
	limitHeap(o.Scenario)
	if err := env.App(ctx, o.Scenario); err != nil && ctx.Err() == nil {
		return fmt.Errorf("%w (the app needs a terminal; --batch runs headless)", err)
	}
	return nil
}

// checkOutputs refuses an output file that is one of the run's inputs (the
// scenario file, the data set's files, the --from file): writing it would
// destroy the input before or while it is read. Files are compared with
// os.SameFile, so links and other spellings of the same path are caught;
// an output that does not exist yet cannot be an input.
func checkOutputs(o Options, scenarioArg string) error {
	type input struct{ path, what string }
	var inputs []input
	if fi, err := os.Stat(scenarioArg); err == nil && fi.Mode().IsRegular() {
		inputs = append(inputs, input{scenarioArg, "the --scenario file"})
	}
	for _, f := range dataset.InputFiles(o.Scenario.Dataset) {
		inputs = append(inputs, input{f, "a file of --dataset " + o.Scenario.Dataset})
	}
	if o.From != "" {
		inputs = append(inputs, input{o.From, "the --from file"})
	}
	for _, out := range []struct{ flag, path string }{{"--out", o.Out}, {"--samples-png", o.SamplesPNG}} {
		if out.path == "" {
			continue
		}
		ofi, err := os.Stat(out.path)
		if err != nil {
			continue
		}
		for _, in := range inputs {
			if ifi, err := os.Stat(in.path); err == nil && os.SameFile(ofi, ifi) {
				return usagef("%s %s is %s (%s); writing it would destroy the input, so choose another path", out.flag, out.path, in.what, in.path)
			}
		}
	}
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprint(w, `initscope: a terminal laboratory for weight initialization in deep networks.

Usage:
  initscope [flags]                 open the interactive app
  initscope --batch [flags]         train headless, write JSON Lines (or --format csv)
  initscope --serve [flags]         serve the app over SSH
  initscope --list                  list scenarios, activations, initializers, data sets
  initscope --samples N [--dataset D] [--samples-png FILE]
  initscope --batch --plots DIR [flags]   also draw the paper's figures as PNGs
  initscope --from FILE.jsonl --plots DIR draw the figures of a saved run
  initscope --sweep FILE|NAME --list      list a sweep's runs (index, tab, name)
  initscope --batch --sweep FILE|NAME --out-dir DIR [--shard K/N] [--parallel N]
                                    run a sweep (or one shard of it), a file per run
  initscope --report DIR [--plots DIR]    tables (and figures) of a sweep's finished runs
  initscope --batch --lr-search --out-dir DIR [flags]
                                    choose --lr on validation error, then train with it

Flags (training flags override the scenario; defaults shown are the quick scenario's):
`)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// limitHeap makes the memory budget the Go runtime's soft memory limit too.
// The budget check counts what a run keeps; the garbage it makes on the way
// (an initializer's float64 matrices, say) would otherwise let the heap grow
// to twice that before a collection: width 4096 x depth 20 peaked at 3.7 GB
// of RSS on an estimate of 1.8 GiB. Near the limit the collector runs more
// often instead.
func limitHeap(sc scenarios.Scenario) { debug.SetMemoryLimit(sc.Budget().Bytes) }
