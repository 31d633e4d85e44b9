package sweep

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"initscope/scenarios"
)

const tinySweep = `[base]
scenario = "tiny"
steps = 30
every = 10
probe = 20
test = 40
[vary]
lr = [0.01, 0.1]
seed = [1, 2]
`

func execute(t *testing.T, s *Sweep, dir string) Result {
	t.Helper()
	res, err := Execute(context.Background(), s, s.Runs(), dir, Options{Parallel: 2})
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	return res
}

// A finished file is skipped; a missing one is trained; a partial one (a
// .part with no live owner, as a killed worker leaves) is trained again
// from the start; the final files are whole runs.
func TestSkipAndRedo(t *testing.T) {
	s := mustParse(t, tinySweep)
	dir := t.TempDir()
	if res := execute(t, s, dir); res.Done != 4 || res.Skipped != 0 || res.Failed != 0 {
		t.Fatalf("first pass: %+v", res)
	}
	runs := s.Runs()
	final := func(i int) string { return filepath.Join(dir, runs[i].Stem+".jsonl") }
	before, _ := os.ReadFile(final(0))
	stamp := time.Now().Add(-time.Hour)
	os.Chtimes(final(0), stamp, stamp)
	// Run 1: lost. Run 2: a killed worker's partial file, no summary.
	os.Remove(final(1))
	whole, _ := os.ReadFile(final(2))
	os.Remove(final(2))
	lines := strings.SplitAfter(string(whole), "\n")
	os.WriteFile(final(2)+partSuffix, []byte(strings.Join(lines[:2], "")), 0o644)

	res := execute(t, s, dir)
	if res.Done != 2 || res.Skipped != 2 || res.Busy != 0 {
		t.Fatalf("second pass: %+v, want 2 trained (the lost and the partial), 2 skipped", res)
	}
	if after, _ := os.ReadFile(final(0)); !bytes.Equal(after, before) {
		t.Error("a finished file was rewritten")
	}
	if st, _ := os.Stat(final(0)); !st.ModTime().Equal(stamp) {
		t.Error("a finished file was touched")
	}
	redone, _ := os.ReadFile(final(2))
	if !bytes.Equal(stripTimes(redone), stripTimes(whole)) {
		t.Errorf("the redone run differs from the first (beyond timings):\n%s\nvs\n%s", redone, whole)
	}
	if _, err := os.Stat(final(2) + partSuffix); err == nil {
		t.Error("the .part file is still there")
	}
	rep, err := ReadReport(context.Background(), dir)
	if err != nil || rep.Finished() != 4 || len(rep.Errors) != 0 {
		t.Fatalf("report: %v, %+v", err, rep)
	}
}

// stripTimes drops the timing fields of a run's lines (they differ
// between two runs of the same seed) so the rest can be compared.
func stripTimes(data []byte) []byte {
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		for _, k := range []string{"elapsed_s", "train_s", "examples_per_s", "snapshot_s", "cores"} {
			for {
				i := strings.Index(l, `"`+k+`":`)
				if i < 0 {
					break
				}
				j := i + len(k) + 3
				for j < len(l) && l[j] != ',' && l[j] != '}' {
					j++
				}
				l = l[:i] + l[j:]
			}
		}
		out = append(out, l)
	}
	return []byte(strings.Join(out, "\n"))
}

// A .part locked by a live worker is left to it; once the lock is gone
// (the worker died), the next worker takes the run over.
func TestLiveAndStaleClaims(t *testing.T) {
	s := mustParse(t, tinySweep)
	dir := t.TempDir()
	if err := markDir(dir, s); err != nil {
		t.Fatal(err)
	}
	stem := s.Runs()[0].Stem
	c, state, err := tryClaim(dir, stem)
	if err != nil || state != claimed {
		t.Fatalf("first claim: %v %v", state, err)
	}
	// Another open file description, as another process has: flock
	// conflicts between them.
	if _, state, err := tryClaim(dir, stem); err != nil || state != busy {
		t.Fatalf("claim of a locked run: %v %v, want busy", state, err)
	}
	res := execute(t, s, dir)
	if res.Busy != 1 || res.Done != 3 {
		t.Fatalf("with a live claim: %+v, want 1 busy, 3 trained", res)
	}
	// The owner dies: the kernel drops its lock, the file stays.
	c.f.Close()
	res = execute(t, s, dir)
	if res.Done != 1 || res.Skipped != 3 {
		t.Fatalf("after the owner died: %+v, want the run taken over", res)
	}
	// A claim finished while another worker held it open: that worker
	// must not start over in the finished file.
	if _, state, _ := tryClaim(dir, stem); state != finished {
		t.Errorf("claim of a finished run: %v", state)
	}
}

// Another sweep's directory is refused; the same sweep's is shared.
func TestMarkDir(t *testing.T) {
	dir := t.TempDir()
	a, b := mustParse(t, tinySweep), mustParse(t, tinySweep+"# changed\n")
	if err := markDir(dir, a); err != nil {
		t.Fatal(err)
	}
	if err := markDir(dir, a); err != nil {
		t.Errorf("the same sweep again: %v", err)
	}
	if err := markDir(dir, b); err == nil || !strings.Contains(err.Error(), "another sweep") {
		t.Errorf("another sweep: %v", err)
	}
	if st, _ := os.Stat(filepath.Join(dir, SweepFile)); st.Mode().Perm() != 0o644 {
		t.Errorf("sweep.toml mode %v", st.Mode())
	}
}

// Cancelled, Execute stops, leaves finished files and removes the
// temporary ones.
func TestExecuteCancelled(t *testing.T) {
	s := mustParse(t, strings.Replace(tinySweep, "steps = 30", "steps = 100000000", 1))
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for {
			m, _ := filepath.Glob(filepath.Join(dir, "*"+partSuffix))
			if len(m) > 0 {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	res, err := Execute(ctx, s, s.Runs(), dir, Options{Parallel: 2})
	if err != nil || !res.Interrupted || res.Done != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(left) != 1 || filepath.Base(left[0]) != SweepFile {
		t.Errorf("left behind: %v", left)
	}
}

func TestPlan(t *testing.T) {
	s := mustParse(t, tinySweep)
	dims := func(string) (int, int, error) { return 16, 4, nil }
	w, per := Plan(s.Runs(), 0, scenariosBudget(1<<40), dims)
	if w < 1 || w > 4 || per <= 0 {
		t.Errorf("Plan = %d workers, %d bytes", w, per)
	}
	if w, _ := Plan(s.Runs(), 0, scenariosBudget(per), dims); w != 1 {
		t.Errorf("a budget of one run's estimate: %d workers, want 1", w)
	}
	if w, _ := Plan(s.Runs(), 3, scenariosBudget(1), dims); w != 3 {
		t.Errorf("--parallel 3: %d workers", w)
	}
}

func scenariosBudget(b int64) scenarios.Budget { return scenarios.Budget{Bytes: b, Source: "test"} }

// The figure's curve is the mean over the finished seeds, at the
// snapshots they all have.
func TestMeanCurve(t *testing.T) {
	rep := &Report{Files: []*RunFile{
		{Points: []Point{{0, 0.9}, {10, 0.5}, {20, 0.3}}},
		{Points: []Point{{0, 0.7}, {10, 0.3}}},
		nil,
	}}
	got := rep.meanCurve([]int{0, 1, 2})
	want := []float64{80, 40} // (90+70)/2, (50+30)/2; 20 is in one run only
	if len(got) != len(want) {
		t.Fatalf("curve %v, want %v", got, want)
	}
	for i, w := range want {
		if math.Abs(got[i].Y-w) > 1e-9 || got[i].X != float64(10*i) {
			t.Errorf("point %d = %v, want (%d, %v)", i, got[i], 10*i, w)
		}
	}
}

// Thinning keeps at most MaxPoints, evenly, first point included.
func TestRunFileThins(t *testing.T) {
	var f RunFile
	for i := range 10 * MaxPoints {
		f.add(Point{Examples: int64(i)})
	}
	if len(f.Points) > MaxPoints || len(f.Points) < MaxPoints/2 || f.Points[0].Examples != 0 {
		t.Errorf("%d points kept, first %v", len(f.Points), f.Points[0])
	}
	for i := 1; i < len(f.Points); i++ {
		if d := f.Points[i].Examples - f.Points[i-1].Examples; d != f.Points[1].Examples-f.Points[0].Examples {
			t.Fatalf("uneven spacing at %d: %d", i, d)
		}
	}
}

// FuzzReadRun: a damaged or hostile run file is one line of error or a
// bounded RunFile, never a panic.
func FuzzReadRun(f *testing.F) {
	f.Add(`{"type":"run","scenario":"0-x","lr":0.1}` + "\n" + `{"type":"snapshot","examples":10,"test_error":0.5}` + "\n" + `{"type":"summary","steps":1,"examples":10,"test_error":0.5}` + "\n")
	f.Add(`{"type":"run"}` + "\n" + `{"type":"run"}` + "\n")
	f.Add(`{"type":"snapshot","test_error":"x"}` + "\n")
	f.Add(`{"type":"summary","diverged_step":1e400}` + "\n")
	f.Add(strings.Repeat("[", 10000))
	f.Add(`{"type":"snapshot","examples":-1,"test_error":null}` + "\n")
	f.Fuzz(func(t *testing.T, data string) {
		rf, err := readRun(context.Background(), "f.jsonl", strings.NewReader(data))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error %q", err)
			}
			return
		}
		if len(rf.Points) > MaxPoints {
			t.Fatalf("%d points", len(rf.Points))
		}
	})
}

// A finished run's file has a validation line just before its summary;
// the report chooses the rate on it, not on the test error.
func TestValidationChoosesTheRate(t *testing.T) {
	s := mustParse(t, tinySweep)
	dir := t.TempDir()
	execute(t, s, dir)
	data, err := os.ReadFile(filepath.Join(dir, s.Runs()[0].Stem+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if !strings.HasPrefix(lines[len(lines)-2], `{"type":"validation","examples":`) {
		t.Fatalf("the line before the summary is %.100s", lines[len(lines)-2])
	}
	rep, err := ReadReport(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Configs[0]
	if !c.OnValidation || len(c.Rates) != 2 || math.IsNaN(c.Rates[0].ValMean) {
		t.Fatalf("config %+v", c)
	}
	// Make the rate with the worse validation error the better on test:
	// the choice must follow validation.
	worse := 1 - c.Selected
	for _, i := range c.Rates[worse].Runs {
		zero := 0.0
		rep.Files[i].Summary.TestError = &zero
	}
	rep.Configs = nil
	rep.group()
	if got := rep.Configs[0].Selected; got != c.Selected {
		t.Errorf("the choice moved to rate %d with the test error; validation chose %d", got, c.Selected)
	}
	// Equal validation errors (short tries all at the majority class):
	// the lower validation cost chooses, whichever rate comes first.
	for k, rr := range rep.Configs[0].Rates {
		for _, i := range rr.Runs {
			e, l := 0.828, 2.0+float64(1-k) // the second rate has the lower cost
			rep.Files[i].Validation, rep.Files[i].ValidationLoss = &e, &l
		}
	}
	rep.Configs = nil
	rep.group()
	if got := rep.Configs[0].Selected; got != 1 {
		t.Errorf("with equal validation errors the choice is rate %d, want 1, the lower cost", got)
	}
	// Without validation lines, the test error chooses, and says so.
	for _, f := range rep.Files {
		f.Validation = nil
	}
	rep.Configs = nil
	rep.group()
	var out strings.Builder
	rep.Write(&out)
	if c := rep.Configs[0]; c.OnValidation || c.Selected != worse || !strings.Contains(out.String(), " *") {
		t.Errorf("without validation: %+v\n%s", c, out.String())
	}
}

// The progress lines: one per run handled, with the sweep's ETA while
// runs are left; a skipped run costs no time.
func TestProgressLines(t *testing.T) {
	var out strings.Builder
	p := newProgress(&out, false, 3, 1, 300)
	id := p.start(100)
	p.set(id, 100)
	p.end(id)
	p.event("run 0 done", 100, 100)
	p.event("run 1 finished before; skipped", 0, 100)
	p.event("run 2 done", 100, 100)
	p.stop()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 || !strings.Contains(lines[1], "sweep 1/3: run 0 done; sweep ETA ") ||
		!strings.Contains(lines[2], "sweep 2/3: run 1 finished before; skipped; sweep ETA") || strings.Contains(lines[3], "ETA") {
		t.Errorf("progress:\n%s", out.String())
	}
}

// A hostile output directory: a FIFO or a directory where a run's file or
// sweep.toml should be is reported, not waited on.
func TestReportHostileFiles(t *testing.T) {
	s := mustParse(t, tinySweep)
	dir := t.TempDir()
	execute(t, s, dir)
	runs := s.Runs()
	os.Remove(filepath.Join(dir, runs[0].Stem+".jsonl"))
	if err := mkfifo(filepath.Join(dir, runs[0].Stem+".jsonl")); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	os.Remove(filepath.Join(dir, runs[1].Stem+".jsonl"))
	os.Mkdir(filepath.Join(dir, runs[1].Stem+".jsonl"), 0o755)
	os.WriteFile(filepath.Join(dir, runs[2].Stem+".jsonl"), []byte(strings.Repeat("x", MaxLineBytes+1)), 0o644)
	rep, err := ReadReport(context.Background(), dir)
	if err != nil || rep.Finished() != 1 || len(rep.Errors) != 3 {
		t.Fatalf("%v: %d finished, errors %v", err, rep.Finished(), rep.Errors)
	}
	os.Remove(filepath.Join(dir, SweepFile))
	mkfifo(filepath.Join(dir, SweepFile))
	if _, err := ReadReport(context.Background(), dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("a FIFO sweep.toml: %v", err)
	}
}

// Where the file system has no flock (ENOLCK), a .part is another
// worker's until it has not been written for StaleAfter.
func TestClaimsWithoutLocks(t *testing.T) {
	defer func(f func(int) error) { flock = f }(flock)
	flock = func(int) error { return syscall.ENOLCK }
	dir := t.TempDir()
	c, state, err := tryClaim(dir, "0-x")
	if err != nil || state != claimed {
		t.Fatalf("a new run: %v %v", state, err)
	}
	if _, state, _ := tryClaim(dir, "0-x"); state != busy {
		t.Errorf("a fresh .part of another worker: %v, want busy", state)
	}
	old := time.Now().Add(-StaleAfter - time.Minute)
	os.Chtimes(c.part, old, old)
	c2, state, err := tryClaim(dir, "0-x")
	if err != nil || state != claimed {
		t.Errorf("a stale .part: %v %v, want it taken over", state, err)
	} else {
		c2.abandon()
	}
	c.f.Close()
}
