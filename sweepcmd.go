package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"initscope/scenarios"
	"initscope/scenarios/sweep"
)

// SweepOptions are the flags of --sweep and --report.
type SweepOptions struct {
	File     string // --sweep: a built-in sweep's name or a file
	OutDir   string
	Shard    string // --shard K/N, "" for the engine's variables or the whole sweep
	Parallel int
	Report   string // --report DIR
	// --lr-search: choose the scenario's learning rate on validation error
	// over LRGrid at LRSteps steps each (a sweep into OutDir), then train.
	LRSearch bool
	LRGrid   string
	LRSteps  int64

	plan    *sweep.Sweep
	threads bool // --threads was given: it overrides every run's
}

func (s *SweepOptions) register(fs *flag.FlagSet) {
	fs.StringVar(&s.File, "sweep", "", "with --list or --batch: a sweep, the `NAME` of a built-in one ("+strings.Join(sweep.Names(), ", ")+") or a .toml file")
	fs.StringVar(&s.OutDir, "out-dir", "", "with --batch --sweep: write one JSON Lines file per run into `DIR` (shared by every worker)")
	fs.StringVar(&s.Shard, "shard", "", "with --sweep: run only shard `K/N`, the runs whose index mod N is K (default: the engine's JOB_COMPLETION_INDEX with INITSCOPE_SHARDS, or SLURM_ARRAY_TASK_ID; else every run)")
	fs.IntVar(&s.Parallel, "parallel", 0, "with --batch --sweep: `N` runs at once (0: as many as the cores and the memory budget allow)")
	fs.BoolVar(&s.LRSearch, "lr-search", false, "with --batch --out-dir DIR: first choose --lr on validation error over --lr-grid (a sweep of short runs into DIR), then train the scenario with it")
	fs.StringVar(&s.LRGrid, "lr-grid", joinGrid(sweep.DefaultLRGrid), "with --lr-search: the learning rates to try, comma-separated `LIST`")
	fs.Int64Var(&s.LRSteps, "lr-search-steps", 0, "with --lr-search: `N` steps for each try (0: a tenth of --steps, at least 1000)")
	fs.StringVar(&s.Report, "report", "", "print the tables of the sweep whose finished runs are in `DIR` (with --plots: its figures)")
}

// sweepMachineFlags are the training flags that may go with --sweep: they
// change how fast a run goes or how much memory it may plan, not its
// numbers, so they apply to every run of the sweep.
var sweepMachineFlags = []string{"threads", "mem-budget"}

// check validates the sweep flags against the rest of the command line
// and loads the sweep.
func (s *SweepOptions) check(fs *flag.FlagSet, o *Options) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	s.threads = set["threads"]
	if s.LRSearch {
		return s.checkLRSearch(set, o)
	}
	for _, f := range []string{"lr-grid", "lr-search-steps"} {
		if set[f] {
			return usagef("--%s goes with --lr-search (see initscope -h)", f)
		}
	}
	if s.File == "" {
		for _, f := range []string{"out-dir", "shard", "parallel"} {
			if set[f] {
				return usagef("--%s goes with --sweep (see initscope -h)", f)
			}
		}
		return nil
	}
	if s.Report != "" {
		return usagef("--report reads a directory of finished runs; it takes no --sweep (the directory holds its sweep.toml)")
	}
	if set["scenario"] {
		return usagef("--scenario and --sweep do not go together: start the sweep from a preset with scenario = \"NAME\" in its [base] table")
	}
	for _, st := range scenarios.Settings() {
		if st.Flag != "" && set[st.Flag] && !slices.Contains(sweepMachineFlags, st.Flag) {
			return usagef("--%s does not apply to --sweep runs: write %s in the sweep file's [base] (or [vary]) table; only --threads and --mem-budget apply to every run", st.Flag, st.Key)
		}
	}
	switch {
	case o.List:
		if set["out-dir"] || set["parallel"] {
			return usagef("--sweep --list prints the runs; --out-dir and --parallel go with --batch --sweep")
		}
	case o.Batch:
		if s.OutDir == "" {
			return usagef("--batch --sweep needs --out-dir DIR (where each run's file goes)")
		}
		if o.Out != "" || o.Plots != "" || set["format"] {
			return usagef("--batch --sweep writes JSON Lines files into --out-dir; --out, --plots and --format do not apply (draw figures with --report DIR --plots DIR)")
		}
	default:
		return usagef("--sweep goes with --list (print its runs) or --batch --out-dir DIR (run them)")
	}
	if err := s.checkRun(); err != nil {
		return err
	}
	plan, err := sweep.Load(s.File)
	if err != nil {
		return UsageError{err}
	}
	s.plan = plan
	return nil
}

// checkRun checks --parallel and --shard, which any sweep run takes.
func (s *SweepOptions) checkRun() error {
	if s.Parallel < 0 || s.Parallel > scenarios.MaxThreads {
		return usagef("--parallel %d out of range (0..%d; 0 picks from the cores and the memory budget)", s.Parallel, scenarios.MaxThreads)
	}
	if s.Shard != "" {
		if _, err := sweep.ParseShard(s.Shard); err != nil {
			return UsageError{err}
		}
	}
	return nil
}

func joinGrid(g []float64) string {
	var parts []string
	for _, x := range g {
		parts = append(parts, strconv.FormatFloat(x, 'g', -1, 64))
	}
	return strings.Join(parts, ",")
}

// checkLRSearch validates --lr-search's flags and builds its sweep.
func (s *SweepOptions) checkLRSearch(set map[string]bool, o *Options) error {
	switch {
	case !o.Batch:
		return usagef("--lr-search goes with --batch --out-dir DIR (the tries are a sweep written there)")
	case s.File != "" || s.Report != "":
		return usagef("--lr-search searches the --scenario's rate; it takes no --sweep or --report (vary lr in a sweep file instead)")
	case s.OutDir == "":
		return usagef("--lr-search needs --out-dir DIR, where its tries are written (a rerun skips the finished ones)")
	case set["lr"]:
		return usagef("--lr-search chooses --lr; give the rates to try with --lr-grid")
	case s.LRSteps < 0 || s.LRSteps > o.Scenario.Steps:
		return usagef("--lr-search-steps %d out of range (0..%d, the run's --steps; 0 picks a tenth of them)", s.LRSteps, o.Scenario.Steps)
	case o.Scenario.Steps == 0:
		return usagef("--lr-search needs training: --steps is 0")
	case o.Format != "jsonl":
		return usagef("--lr-search records the chosen rate in the run line: it writes JSON Lines only")
	}
	if err := s.checkRun(); err != nil {
		return err
	}
	grid, err := sweep.ParseGrid(s.LRGrid)
	if err != nil {
		return UsageError{err}
	}
	steps := s.LRSteps
	if steps == 0 {
		steps = sweep.SearchSteps(o.Scenario)
	}
	plan, err := sweep.LRSearch(o.Scenario, grid, steps)
	if err != nil {
		return UsageError{err}
	}
	s.plan = plan
	return nil
}

// shard is --shard, else the engine's variables, else the whole sweep.
func (s *SweepOptions) shard(getenv func(string) string) (sweep.Shard, error) {
	if s.Shard != "" {
		sh, err := sweep.ParseShard(s.Shard)
		if err != nil {
			return sh, UsageError{err}
		}
		return sh, nil
	}
	if getenv == nil {
		return sweep.All, nil
	}
	sh, _, _, err := sweep.ShardFromEnv(getenv)
	if err != nil {
		return sh, UsageError{err}
	}
	return sh, nil
}

func sweepMode(ctx context.Context, o Options, env Env) error {
	s := o.Sweep
	if s.Report != "" {
		return report(ctx, o, env)
	}
	if s.LRSearch {
		return lrSearch(ctx, o, env)
	}
	sh, err := s.shard(env.Getenv)
	if err != nil {
		return err
	}
	runs := sh.Select(s.plan.Runs())
	if o.List {
		return listRuns(env.Stdout, runs)
	}
	return runSweep(ctx, o, env, sh, runs)
}

// listRuns prints "index TAB name" per run.
func listRuns(w io.Writer, runs []sweep.Run) error {
	for _, r := range runs {
		if _, err := fmt.Fprintf(w, "%d\t%s\n", r.Index, r.Name); err != nil {
			return err
		}
	}
	return nil
}

func runSweep(ctx context.Context, o Options, env Env, sh sweep.Shard, runs []sweep.Run) error {
	s := o.Sweep
	limitHeap(o.Scenario)
	opt := sweep.Options{Parallel: s.Parallel, MemBudget: o.Scenario.MemBudget, Progress: env.Stderr, TTY: env.StderrIsTTY}
	if s.threads {
		opt.Threads = o.Scenario.Threads
	}
	fmt.Fprintf(env.Stderr, "initscope: sweep %s, shard %s: %d of its %d runs, into %s\n", s.plan.File, sh, len(runs), len(s.plan.Runs()), s.OutDir)
	res, err := sweep.Execute(ctx, s.plan, runs, s.OutDir, opt)
	if err != nil {
		return UsageError{err}
	}
	fmt.Fprintf(env.Stderr, "initscope: sweep shard %s: %d trained, %d finished before, %d left to other workers, %d failed\n",
		sh, res.Done, res.Skipped, res.Busy, res.Failed)
	if res.Interrupted {
		return errInterrupted{signalStatus(ctx), fmt.Sprintf("interrupted; the finished runs are in %s, and the same command finishes the rest", s.OutDir)}
	}
	if res.Failed > 0 {
		return fmt.Errorf("%d of the shard's runs failed; the first: %v", res.Failed, res.Errors[0])
	}
	return nil
}

// report prints the tables of the sweep in --report DIR and, with
// --plots, draws its figures.
func report(ctx context.Context, o Options, env Env) error {
	rep, err := sweep.ReadReport(ctx, o.Sweep.Report)
	if ctx.Err() != nil {
		return errInterrupted{signalStatus(ctx), "interrupted while reading " + o.Sweep.Report}
	}
	if err != nil {
		return UsageError{err}
	}
	if err := rep.Write(env.Stdout); err != nil {
		return err
	}
	if o.Plots == "" {
		return nil
	}
	files, err := rep.WriteFigures(ctx, o.Plots)
	if ctx.Err() != nil {
		return errInterrupted{signalStatus(ctx), "interrupted while drawing the figures"}
	}
	if err != nil {
		return fmt.Errorf("--plots %s: %w", o.Plots, err)
	}
	for _, f := range files {
		fmt.Fprintf(env.Stderr, "initscope: wrote %s\n", f)
	}
	return nil
}

// lrSearch runs the search's shard, and when every try has finished
// (this worker's or others'), chooses the rate with the lowest validation
// error, says so, and trains the scenario with it, the choice recorded in
// the run line ("lr_search"). While tries are missing it says how many
// and exits 0: rerun it (or let the other shards finish) to go on.
func lrSearch(ctx context.Context, o Options, env Env) error {
	s := o.Sweep
	sh, err := s.shard(env.Getenv)
	if err != nil {
		return err
	}
	if err := runSweep(ctx, o, env, sh, sh.Select(s.plan.Runs())); err != nil {
		return err
	}
	rep, err := sweep.ReadReport(ctx, s.OutDir)
	if err != nil {
		return err
	}
	choice, ok := sweep.Choose(rep)
	if !ok {
		fmt.Fprintf(env.Stderr, "initscope: lr-search: %d of %d tries finished in %s; the rate is chosen when all are (rerun this command, or let the other shards finish)\n",
			rep.Finished(), len(s.plan.Runs()), s.OutDir)
		return nil
	}
	var tried []string
	for i, lr := range choice.Grid {
		v := "diverged"
		if e := choice.Errors[i]; e != nil {
			v = fmt.Sprintf("%.1f%%", 100**e)
		}
		tried = append(tried, fmt.Sprintf("%s: %s", strconv.FormatFloat(lr, 'g', -1, 64), v))
	}
	fmt.Fprintf(env.Stderr, "initscope: lr-search: lr %s, chosen on %d held-out examples after %d steps by validation error (%s), and among errors within two standard errors of the lowest (noise) by validation cost; training %s with it\n",
		strconv.FormatFloat(choice.LR, 'g', -1, 64), choice.Validation, choice.Steps, strings.Join(tried, ", "), o.Scenario.Name)
	o.Scenario.LR = choice.LR
	o.lrChoice = &choice
	return batchMode(ctx, o, env)
}
