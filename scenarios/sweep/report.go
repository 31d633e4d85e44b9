package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"initscope/scenarios"
	"initscope/scenarios/preset"
)

// Report is what a sweep's output directory holds.
type Report struct {
	Sweep   *Sweep
	Dir     string
	Files   []*RunFile // by run index; nil when not finished
	Errors  []error    // finished files that could not be read
	Partial []int      // runs with a temporary file (being written, or left by a killed worker)
	Configs []ConfigResult
}

// ConfigResult is one configuration: its runs grouped by learning rate.
type ConfigResult struct {
	Name     string
	Kind     string // the data set's kind: shapeset, mnist, ...
	Row      *table1Entry
	Rates    []RateResult // in the sweep's order of learning rates
	Selected int          // index in Rates chosen (see group), -1 if none finished
	// OnValidation says the rate was chosen on validation error; false:
	// on the final test error, for runs without a validation line.
	OnValidation bool
}

// RateResult is one configuration at one learning rate, over seeds.
type RateResult struct {
	LR        float64
	Runs      []int // run indices
	Finished  int
	Diverged  int
	Mean, Std float64 // of the final test error over finished runs (fraction); NaN if none
	// ValMean is the mean validation error over the finished runs, NaN
	// unless every one has it (diverged runs count as 1, as for Mean).
	ValMean float64
	// ValLoss is the mean validation cost, NaN unless every finished run
	// has one (a diverged run counts as +Inf): it chooses among the rates
	// whose ValMean cannot be told apart (chooseRate).
	ValLoss float64
	// ValN is the held-out examples behind ValMean, over its runs.
	ValN           int
	Examples       int64 // the least examples any finished run reached
	Steps          int64
	BatchSize      int
	MinExamplesSet bool
}

// ReadReport reads dir: its sweep.toml, then the finished file of every
// run the sweep names (nothing else in dir is opened).
func ReadReport(ctx context.Context, dir string) (*Report, error) {
	file := filepath.Join(dir, SweepFile)
	data, err := readBounded(file, maxSweepFileBytes())
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("--report %s: no %s there (the directory a --batch --sweep wrote into has one)", dir, SweepFile)
		}
		return nil, fmt.Errorf("--report: %v", err)
	}
	s, err := Parse(file, data)
	if err != nil {
		return nil, err
	}
	rep := &Report{Sweep: s, Dir: dir, Files: make([]*RunFile, len(s.runs))}
	for _, r := range s.runs {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		path := filepath.Join(dir, r.Stem+".jsonl")
		if _, err := os.Lstat(path); err != nil {
			if _, perr := os.Lstat(path + partSuffix); perr == nil {
				rep.Partial = append(rep.Partial, r.Index)
			}
			continue
		}
		var f *os.File
		err := regular(path) // before opening: a FIFO would block the open
		if err == nil {
			f, err = os.Open(path)
		}
		if err != nil {
			rep.Errors = append(rep.Errors, err)
			continue
		}
		rf, err := readRun(ctx, path, f)
		f.Close()
		if err == nil && rf.Scenario != r.Scenario.Name {
			err = fmt.Errorf("%s: its run line is %q, not this sweep's %q", path, rf.Scenario, r.Scenario.Name)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			rep.Errors = append(rep.Errors, err)
			continue
		}
		rep.Files[r.Index] = rf
	}
	rep.group()
	return rep, nil
}

func maxSweepFileBytes() int64 { return preset.MaxFileBytes }

// group fills Configs: runs grouped by everything varied but the seed and
// the learning rate, each group's runs by learning rate.
func (rep *Report) group() {
	for _, c := range rep.Sweep.Configs("seed", "lr") {
		first := rep.Sweep.runs[c.Runs[0]].Scenario
		cr := ConfigResult{Name: c.Name, Kind: kindOf(first.Dataset), Selected: -1}
		if e, ok := table1Row(first); ok {
			cr.Row = &e
		}
		for _, i := range c.Runs {
			r := rep.Sweep.runs[i]
			k := slices.IndexFunc(cr.Rates, func(x RateResult) bool { return x.LR == r.Scenario.LR })
			if k < 0 {
				k = len(cr.Rates)
				cr.Rates = append(cr.Rates, RateResult{LR: r.Scenario.LR, BatchSize: r.Scenario.BatchSize})
			}
			cr.Rates[k].Runs = append(cr.Rates[k].Runs, i)
		}
		// The rate is chosen on the mean validation error when every rate
		// that finished a run has one, as the paper chose on validation
		// error; else on the final test error, and the report says which.
		cr.OnValidation = true
		for k := range cr.Rates {
			rep.summarize(&cr.Rates[k])
			if rr := cr.Rates[k]; rr.Finished > 0 && math.IsNaN(rr.ValMean) {
				cr.OnValidation = false
			}
		}
		cr.Selected = chooseRate(cr.Rates, cr.OnValidation)
		if cr.Selected < 0 {
			cr.OnValidation = false
		}
		rep.Configs = append(rep.Configs, cr)
	}
}

// chooseRate is the index of the rate a configuration keeps, -1 if none
// finished. On test error (no validation lines) the lowest mean. On
// validation, errors closer to the lowest than two standard errors of it
// (binomial, sqrt(e(1-e)/n) over the held-out examples of its runs) are
// noise, not a difference: among those rates the lowest validation cost
// chooses, a measure with far less noise. When no rate learns (every one
// at the majority class, as tanh with standard init for its first 50,000
// updates on Shapeset) the errors differ only by noise and the lowest
// error would be a draw; the cost still says which rate went furthest.
func chooseRate(rates []RateResult, onValidation bool) int {
	best := -1
	score := func(rr RateResult) float64 {
		if onValidation {
			return rr.ValMean
		}
		return rr.Mean
	}
	for k, rr := range rates {
		if m := score(rr); !math.IsNaN(m) && (best < 0 || m < score(rates[best])) {
			best = k
		}
	}
	if best < 0 || !onValidation {
		return best
	}
	e := rates[best].ValMean
	tol := 2 * math.Sqrt(e*(1-e)/float64(max(rates[best].ValN, 1)))
	chosen := best
	for k, rr := range rates {
		if rr.ValMean <= e+tol && rr.ValLoss < rates[chosen].ValLoss {
			chosen = k
		}
	}
	return chosen
}

// summarize computes a rate's mean and sample standard deviation of the
// final test error over its finished runs; a diverged run counts as 100%
// error (it learnt nothing usable) and is counted apart.
func (rep *Report) summarize(rr *RateResult) {
	var errs, vals, losses []float64
	for _, i := range rr.Runs {
		f := rep.Files[i]
		if f == nil {
			continue
		}
		rr.Finished++
		e, v, l := 1.0, math.NaN(), math.NaN()
		if f.Summary.Diverged {
			rr.Diverged++
			v, l = 1, math.Inf(1)
		} else if f.Summary.TestError != nil {
			e = *f.Summary.TestError
		}
		if f.Validation != nil {
			v = *f.Validation
			rr.ValN += f.ValidationN
		}
		if f.ValidationLoss != nil {
			l = *f.ValidationLoss
		}
		errs, vals, losses = append(errs, e), append(vals, v), append(losses, l)
		if !rr.MinExamplesSet || f.Summary.Examples < rr.Examples {
			rr.Examples, rr.Steps, rr.MinExamplesSet = f.Summary.Examples, f.Summary.Steps, true
		}
	}
	rr.Mean, rr.Std = meanStd(errs)
	rr.ValMean, _ = meanStd(vals) // NaN when any run lacks it
	rr.ValLoss, _ = meanStd(losses)
}

// meanStd is the mean and the sample standard deviation (n-1; NaN for
// one value) of xs; both NaN for none.
func meanStd(xs []float64) (float64, float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(len(xs))
	if len(xs) == 1 {
		return mean, math.NaN()
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1))
}

func kindOf(spec string) string {
	k, _, _ := strings.Cut(strings.TrimSpace(spec), ":")
	return strings.ToLower(k)
}

// Finished counts the runs whose files were read.
func (rep *Report) Finished() int {
	n := 0
	for _, f := range rep.Files {
		if f != nil {
			n++
		}
	}
	return n
}

// maxListed bounds the missing runs the report names one by one.
const maxListed = 20

// Write prints the report: a heading, one row per configuration, Table 1
// when the sweep's configurations are its rows, and the missing runs.
func (rep *Report) Write(w io.Writer) error {
	s := rep.Sweep
	fmt.Fprintf(w, "sweep in %s: %d of %d runs finished\n", rep.Dir, rep.Finished(), len(s.runs))
	lrNote := ""
	if s.Varies("lr") {
		lrNote = fmt.Sprintf("; lr: the learning rate with the lowest mean validation error (%d examples held out from training, never the test set), or where errors lie within two standard errors of the lowest (noise), the lowest validation cost among them; its error in parentheses (* where a run lacks it and the final test error chose), the other rates' in brackets", ValidationExamples)
	}
	fmt.Fprintf(w, "final test error %%, mean ± sample std over seeds (n finished of the seeds); budget: examples seen (updates x batch)%s\n\n", lrNote)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "configuration\tdata set\ttest error %\tn\tbudget\tlr\tdiverged\n")
	for _, c := range rep.Configs {
		first := s.runs[c.Rates[0].Runs[0]].Scenario
		if c.Selected < 0 {
			fmt.Fprintf(tw, "%s\t%s\t-\t0/%d\t-\t-\t-\n", c.Name, first.Dataset, runsOf(c))
			continue
		}
		sel := c.Rates[c.Selected]
		lr := "-"
		if s.Varies("lr") {
			lr = fmtG(sel.LR)
			if c.OnValidation {
				lr += fmt.Sprintf(" (val %.1f)", 100*sel.ValMean)
			} else {
				lr += " *"
			}
			lr += otherRates(c)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t%s\t%s\t%d\n", c.Name, first.Dataset, meanPM(sel.Mean, sel.Std), sel.Finished, len(sel.Runs),
			budget(sel), lr, sel.Diverged)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	rep.writeTable1(w)
	rep.writeMissing(w)
	return nil
}

func runsOf(c ConfigResult) int {
	n := 0
	for _, r := range c.Rates {
		n += len(r.Runs)
	}
	return n
}

// otherRates lists the rates not selected with their mean errors:
// " [0.01: 71.2, 0.1: -]".
func otherRates(c ConfigResult) string {
	var parts []string
	for k, r := range c.Rates {
		if k == c.Selected {
			continue
		}
		v, m := "-", r.ValMean
		if !c.OnValidation {
			m = r.Mean
		}
		if !math.IsNaN(m) {
			v = strconv.FormatFloat(100*m, 'f', 1, 64)
		}
		parts = append(parts, fmtG(r.LR)+": "+v)
	}
	if len(parts) == 0 {
		return ""
	}
	return " [" + strings.Join(parts, ", ") + "]"
}

func meanPM(mean, std float64) string {
	if math.IsNaN(mean) {
		return "-"
	}
	if math.IsNaN(std) {
		return fmt.Sprintf("%.2f", 100*mean)
	}
	return fmt.Sprintf("%.2f ± %.2f", 100*mean, 100*std)
}

// budget writes a rate's budget: "250,000 ex (25,000 x 10)".
func budget(r RateResult) string {
	return fmt.Sprintf("%s ex (%s x %d)", scenarios.Thousands(r.Examples), scenarios.Thousands(r.Steps), r.BatchSize)
}

func fmtG(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// writeTable1 lays the configurations that are Table 1's rows out as
// Table 1: a row per activation and init, for each data set of the sweep
// our number (with its budget) beside the paper's.
func (rep *Report) writeTable1(w io.Writer) {
	var kinds []string
	for _, c := range rep.Configs {
		if c.Row != nil && !slices.Contains(kinds, c.Kind) {
			kinds = append(kinds, c.Kind)
		}
	}
	if len(kinds) == 0 {
		return
	}
	fmt.Fprintf(w, "\nTable 1 (Glorot & Bengio 2010): test error %%, 5 hidden layers; ours at the budget in brackets, the paper's after millions of updates\n")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	head := "model"
	for _, k := range kinds {
		head += "\t" + k + " (ours)\tpaper"
	}
	fmt.Fprintln(tw, head)
	for _, e := range table1 {
		line := e.Row
		any := false
		for _, k := range kinds {
			cell := "-"
			for _, c := range rep.Configs {
				if c.Row != nil && c.Row.Row == e.Row && c.Kind == k && c.Selected >= 0 {
					sel := c.Rates[c.Selected]
					cell = fmt.Sprintf("%s [%s ex, lr %s, n=%d]", meanPM(sel.Mean, sel.Std), shortCount(sel.Examples), fmtG(sel.LR), sel.Finished)
					any = true
				}
			}
			paper := "-"
			if v, ok := paperNumber(e, k); ok {
				paper = strconv.FormatFloat(v, 'f', 2, 64)
			}
			line += "\t" + cell + "\t" + paper
		}
		if any {
			fmt.Fprintln(tw, line)
		}
	}
	tw.Flush()
	for _, k := range kinds {
		if _, ok := paperNumber(table1[0], k); !ok {
			fmt.Fprintf(w, "(the paper has no %s column; its data sets: Shapeset, MNIST, CIFAR-10, Small-ImageNet)\n", k)
		}
	}
}

// shortCount writes 250000 as 250k and 2000000 as 2M.
func shortCount(n int64) string {
	switch {
	case n >= 1e6 && n%1e5 == 0:
		return strconv.FormatFloat(float64(n)/1e6, 'f', -1, 64) + "M"
	case n >= 1e3 && n%100 == 0:
		return strconv.FormatFloat(float64(n)/1e3, 'f', -1, 64) + "k"
	}
	return strconv.FormatInt(n, 10)
}

// writeMissing names the runs not finished, at most maxListed, and the
// files that could not be read.
func (rep *Report) writeMissing(w io.Writer) {
	var missing []string
	for _, r := range rep.Sweep.runs {
		if rep.Files[r.Index] == nil {
			name := r.Stem
			if slices.Contains(rep.Partial, r.Index) {
				name += " (started: " + partSuffix + " file)"
			}
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		more := ""
		if len(missing) > maxListed {
			more = fmt.Sprintf(", and %d more", len(missing)-maxListed)
			missing = missing[:maxListed]
		}
		fmt.Fprintf(w, "\nmissing %d runs: %s%s\n", len(rep.Sweep.runs)-rep.Finished(), strings.Join(missing, ", "), more)
		fmt.Fprintf(w, "(run them with: initscope --batch --sweep %s --out-dir %s)\n", filepath.Join(rep.Dir, SweepFile), rep.Dir)
	}
	for _, err := range rep.Errors {
		fmt.Fprintf(w, "unreadable: %s\n", oneLine(err.Error()))
	}
}
