package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"initscope/scenarios"
	"initscope/scenarios/batch"
	"initscope/scenarios/dataset"
)

// Options tune Execute.
type Options struct {
	// Parallel is how many runs train at once; 0 picks it from the cores
	// and the memory budget (Plan).
	Parallel int
	// Threads, when not 0, is every run's compute threads; 0 shares the
	// cores out among the parallel runs.
	Threads int
	// MemBudget is every run's memory budget (0: the machine's default).
	MemBudget scenarios.ByteSize
	// Progress receives the sweep's progress: a line per run finished or
	// failed, and, when TTY is set, a line redrawn in place in between.
	Progress io.Writer
	TTY      bool
}

// Result counts what Execute did with the shard's runs.
type Result struct {
	Done, Skipped, Busy, Failed int
	Interrupted                 bool
	Errors                      []error // one per failed run, naming it
}

// Plan is how many runs of runs train at once: at most the cores (as Go
// counts them, GOMAXPROCS, which follows a container's CPU limit), and at
// most as many as fit the memory budget side by side (each run's
// scenarios.Estimate, the largest run's counted for every slot), and at
// least one. parallel, when not 0, is taken as it is. dims gives a data
// set's input size and classes (the memory estimate's inputs).
func Plan(runs []Run, parallel int, budget scenarios.Budget, dims func(string) (int, int, error)) (workers int, perRun int64) {
	if len(runs) == 0 {
		return 0, 0
	}
	for _, r := range runs {
		dim, classes, err := dims(r.Scenario.Dataset)
		if err != nil {
			continue // the run fails with this error when it starts
		}
		perRun = max(perRun, scenarios.Estimate(r.Scenario, dim, classes).Total)
	}
	if parallel > 0 {
		return min(parallel, len(runs)), perRun
	}
	workers = min(runtime.GOMAXPROCS(0), len(runs))
	if perRun > 0 {
		workers = min(workers, int(min(budget.Bytes/perRun, math.MaxInt32)))
	}
	return max(workers, 1), perRun
}

// datasetDims opens each data set once to learn its size (the generated
// ones cost nothing; a file set is read once here).
func datasetDims(ctx context.Context) func(string) (int, int, error) {
	type dims struct {
		dim, classes int
		err          error
	}
	seen := map[string]dims{}
	return func(spec string) (int, int, error) {
		d, ok := seen[spec]
		if !ok {
			src, err := dataset.Open(ctx, spec, 1)
			if err == nil {
				d = dims{src.Dim(), src.Classes(), nil}
			} else {
				d.err = err
			}
			seen[spec] = d
		}
		return d.dim, d.classes, d.err
	}
}

// Execute runs runs (a shard of s) into dir: each run to
// dir/<stem>.jsonl, skipping finished ones and leaving runs that another
// live worker is writing to it (see claim.go). Cancelling ctx stops the
// runs in progress (their temporary files are removed) and starts no
// more; finished files are left as they are. An error is returned only
// when nothing could start (the directory); a run that fails is counted
// and named in Result.Errors, and the others go on.
func Execute(ctx context.Context, s *Sweep, runs []Run, dir string, opt Options) (Result, error) {
	var res Result
	if err := markDir(dir, s); err != nil {
		return res, fmt.Errorf("--out-dir %s: %v", dir, err)
	}
	budget := scenarios.DefaultBudget()
	if opt.MemBudget > 0 {
		budget = scenarios.Budget{Bytes: int64(opt.MemBudget), Source: "--mem-budget"}
	}
	workers, _ := Plan(runs, opt.Parallel, budget, datasetDims(ctx))
	threads := opt.Threads
	if threads == 0 && workers > 0 {
		threads = max(1, runtime.GOMAXPROCS(0)/workers)
	}
	var total int64
	for _, r := range runs {
		total += r.Scenario.Steps
	}
	p := newProgress(opt.Progress, opt.TTY, len(runs), workers, total)
	defer p.stop()
	jobs := make(chan Run)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range jobs {
				r.Scenario.Threads, r.Scenario.MemBudget = threads, opt.MemBudget
				state, sum, err := runOne(ctx, dir, r, p)
				mu.Lock()
				switch {
				case err != nil && ctx.Err() != nil:
					res.Interrupted = true
				case err != nil:
					res.Failed++
					res.Errors = append(res.Errors, fmt.Errorf("run %d (%s): %v", r.Index, r.Name, err))
					p.event(fmt.Sprintf("run %d (%s) failed: %v", r.Index, r.Name, oneLine(err.Error())), 0, r.Scenario.Steps)
				case state == finished && sum == nil:
					res.Skipped++
					p.event(fmt.Sprintf("run %d (%s) finished before; skipped", r.Index, r.Name), 0, r.Scenario.Steps)
				case state == busy:
					res.Busy++
					p.event(fmt.Sprintf("run %d (%s) is being written by another worker; left to it", r.Index, r.Name), 0, r.Scenario.Steps)
				case sum != nil && sum.Interrupted:
					res.Interrupted = true
				default:
					res.Done++
					p.event(fmt.Sprintf("run %d (%s) done: test error %s after %d examples in %s",
						r.Index, r.Name, percent(sum.TestError), sum.Examples, sum.Elapsed.Round(time.Second)), sum.Steps, r.Scenario.Steps)
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, r := range runs {
		select {
		case jobs <- r:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if ctx.Err() != nil {
		res.Interrupted = true
	}
	return res, nil
}

// runOne claims r and trains it into its file. sum is nil when it did not
// train (finished or busy).
func runOne(ctx context.Context, dir string, r Run, p *progress) (claimState, *scenarios.Summary, error) {
	if ctx.Err() != nil {
		return 0, nil, ctx.Err()
	}
	c, state, err := tryClaim(dir, r.Stem)
	if err != nil || state != claimed {
		return state, nil, err
	}
	runner, err := scenarios.NewRunner(ctx, r.Scenario)
	if err != nil {
		c.abandon()
		return state, nil, err
	}
	w, _ := batch.NewWriter("jsonl", c.f)
	e := batch.NewEngine(runner, batch.Recorder{W: w})
	if err := e.Start(ctx); err != nil && e.Err() == nil {
		c.abandon()
		return state, nil, err
	}
	id := p.start(r.Scenario.Steps)
	for !e.Done() {
		if err := e.Advance(ctx, math.MaxInt64, time.Now().Add(200*time.Millisecond)); err != nil && e.Err() == nil {
			p.end(id)
			c.abandon()
			return state, nil, err
		}
		p.set(id, runner.StepCount())
	}
	p.end(id)
	// A finished run (not a diverged one: its network is NaN) is scored on
	// held-out examples, on a line before the summary; the records before
	// it are flushed, so the order in the file is the order written.
	if done, _ := runner.Diverged(); e.Err() == nil && !done {
		v, ok, err := validate(ctx, runner)
		if err == nil && ok {
			err = writeLine(c.f, v)
		}
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		if err != nil {
			c.abandon()
			return state, nil, err
		}
	}
	sum, err := e.End()
	if err != nil {
		c.abandon()
		return state, nil, err
	}
	if sum.Interrupted {
		c.abandon()
		if ctx.Err() != nil {
			return state, &sum, ctx.Err()
		}
		return state, &sum, errors.New("stopped before its steps were done")
	}
	if err := c.finish(); err != nil {
		return state, nil, err
	}
	return state, &sum, nil
}

func percent(x float64) string {
	if math.IsNaN(x) {
		return "none (diverged before a snapshot)"
	}
	return fmt.Sprintf("%.2f%%", 100*x)
}

// progress is the sweep's progress on stderr: a line per event, and on a
// terminal a status line redrawn in place: runs finished of the shard's,
// runs training, and the steps of those.
type progress struct {
	w          io.Writer
	tty        bool
	total      int
	workers    int
	began      time.Time
	mu         sync.Mutex
	handled    int
	totalSteps int64 // of the shard's runs
	leftSteps  int64 // of the runs not yet handled
	steps      int64 // steps of the runs trained to the end
	active     map[int]*atomic.Int64
	activeMax  map[int]int64
	next       int
	stopTicker chan struct{}
	stopped    sync.WaitGroup
}

func newProgress(w io.Writer, tty bool, total, workers int, steps int64) *progress {
	p := &progress{w: w, tty: tty && w != nil, total: total, workers: workers, began: time.Now(), totalSteps: steps, leftSteps: steps,
		active: map[int]*atomic.Int64{}, activeMax: map[int]int64{}, stopTicker: make(chan struct{})}
	if p.w != nil {
		fmt.Fprintf(p.w, "initscope: sweep: %d runs in this shard, %d at once\n", total, workers)
	}
	if p.tty {
		p.stopped.Add(1)
		go func() {
			defer p.stopped.Done()
			t := time.NewTicker(500 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-t.C:
					p.mu.Lock()
					p.draw()
					p.mu.Unlock()
				case <-p.stopTicker:
					return
				}
			}
		}()
	}
	return p
}

func (p *progress) start(steps int64) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	id := p.next
	p.next++
	p.active[id] = new(atomic.Int64)
	p.activeMax[id] = steps
	return id
}

func (p *progress) set(id int, step int64) {
	p.mu.Lock()
	c := p.active[id]
	p.mu.Unlock()
	c.Store(step)
}

func (p *progress) end(id int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.active, id)
	delete(p.activeMax, id)
}

// event counts a run handled (finished, skipped, failed, left to another
// worker) and prints msg, when not empty, as a line of its own.
func (p *progress) event(msg string, steps, of int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.handled++
	p.steps += steps
	p.leftSteps -= of
	if p.w == nil {
		return
	}
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	if msg != "" {
		if _, eta, ok := p.rate(); ok && p.handled < p.total {
			msg += "; sweep ETA " + eta.Round(time.Second).String()
		}
		fmt.Fprintf(p.w, "initscope: sweep %d/%d: %s\n", p.handled, p.total, msg)
	}
	p.draw()
}

// draw redraws the status line (on a terminal); p.mu is held.
func (p *progress) draw() {
	if !p.tty {
		return
	}
	done, of := p.activeSteps()
	line := fmt.Sprintf("sweep: %d/%d runs handled, %d training", p.handled, p.total, len(p.active))
	if of > 0 {
		line += fmt.Sprintf(" (%d%% of their steps)", 100*done/of)
	}
	if rate, eta, ok := p.rate(); ok {
		line += fmt.Sprintf(", %.0f steps/s, ETA %s", rate, eta.Round(time.Second))
	}
	fmt.Fprintf(p.w, "\r%s\033[K", line)
}

// activeSteps sums the training runs' steps done and planned; p.mu is held.
func (p *progress) activeSteps() (done, of int64) {
	for id, c := range p.active {
		done += c.Load()
		of += p.activeMax[id]
	}
	return done, of
}

// rate is the sweep's steps per second so far and the time left: the
// steps of the runs not handled yet, less those the training runs did, at
// that rate (skipped runs cost none); ok is false before any step. p.mu
// is held.
func (p *progress) rate() (perSecond float64, eta time.Duration, ok bool) {
	done, _ := p.activeSteps()
	if p.steps+done == 0 {
		return 0, 0, false
	}
	perSecond = float64(p.steps+done) / time.Since(p.began).Seconds()
	return perSecond, time.Duration(float64(max(p.leftSteps-done, 0)) / perSecond * float64(time.Second)), true
}

func (p *progress) stop() {
	close(p.stopTicker)
	p.stopped.Wait()
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

func oneLine(s string) string {
	var b []byte
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' || c == '\t' || c == '\r' || c == ' ' {
			space = true
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		b = append(b, c)
	}
	return string(b)
}
