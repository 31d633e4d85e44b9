package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// e2eSweep is a small sweep: 2 inits x 3 learning rates x 2 seeds of the
// tiny preset, a few dozen milliseconds a run.
const e2eSweep = `[base]
scenario = "tiny"
steps = 40
every = 20
probe = 20
test = 50
[vary]
init = ["standard", "normalized"]
lr = [0.01, 0.03, 0.1]
seed = [1, 2]
`

func writeSweep(t *testing.T, body string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "e2e.toml")
	if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// runs lists the sweep's runs as --list prints them.
func listedRuns(t *testing.T, bin, file string, env ...string) []string {
	t.Helper()
	cmd := exec.Command(bin, "--sweep", file, "--list")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("--list: %v", err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

var trainedRe = regexp.MustCompile(`: (\d+) trained, (\d+) finished before, (\d+) left to other workers, (\d+) failed`)

// Three real processes on one directory, each told its shard a different
// way (--shard, a Kubernetes Indexed Job's variables, a Slurm array's
// starting at 1), then --report; then three unsharded workers at once on
// a fresh directory, which between them train every run exactly once.
func TestSweepThreeProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	file := writeSweep(t, e2eSweep)
	all := listedRuns(t, bin, file)
	if len(all) != 12 || all[0] != "0\tstandard_lr0.01_seed1" || all[11] != "11\tnormalized_lr0.1_seed2" {
		t.Fatalf("--list: %q", all)
	}
	dir := filepath.Join(t.TempDir(), "out")
	ways := [][]string{
		{"--shard", "0/3"},
		{"JOB_COMPLETION_INDEX=1", "INITSCOPE_SHARDS=3"},
		{"SLURM_ARRAY_TASK_ID=3", "SLURM_ARRAY_TASK_COUNT=3", "SLURM_ARRAY_TASK_MIN=1"},
	}
	start := func(dir string, way []string) (*exec.Cmd, *bytes.Buffer) {
		args := []string{"--batch", "--sweep", file, "--out-dir", dir}
		var env []string
		for _, w := range way {
			if strings.Contains(w, "=") {
				env = append(env, w)
			} else {
				args = append(args, w)
			}
		}
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), env...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd, &stderr
	}
	var cmds []*exec.Cmd
	var errs []*bytes.Buffer
	for _, way := range ways {
		c, e := start(dir, way)
		cmds, errs = append(cmds, c), append(errs, e)
	}
	for k, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("shard %d (%v): %v\n%s", k, ways[k], err, errs[k])
		}
		// Each process ran exactly its shard: index mod 3 == k.
		for _, l := range strings.Split(errs[k].String(), "\n") {
			if m := regexp.MustCompile(`: run (\d+) \(`).FindStringSubmatch(l); m != nil {
				if i, _ := strconv.Atoi(m[1]); i%3 != k {
					t.Errorf("shard %d (%v) ran run %d", k, ways[k], i)
				}
			}
		}
		if m := trainedRe.FindStringSubmatch(errs[k].String()); m == nil || m[1] != "4" {
			t.Errorf("shard %d (%v) trained %v runs, want 4:\n%s", k, ways[k], m, errs[k])
		}
		// The engines' variables must match what --list shows for them.
		if k > 0 {
			if got := listedRuns(t, bin, file, ways[k]...); len(got) != 4 || got[0] != all[k] {
				t.Errorf("--list under %v: %q", ways[k], got)
			}
		}
	}
	checkFiles(t, dir, all)
	figs := filepath.Join(t.TempDir(), "figs")
	rep := exec.Command(bin, "--report", dir, "--plots", figs)
	var stdout, stderr bytes.Buffer
	rep.Stdout, rep.Stderr = &stdout, &stderr
	if err := rep.Run(); err != nil {
		t.Fatalf("--report: %v\n%s", err, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"12 of 12 runs finished", "standard  ", "normalized  ", "2/2", "400 ex (40 x 10)"} {
		if !strings.Contains(out, want) {
			t.Errorf("--report lacks %q:\n%s", want, out)
		}
	}
	for f, magic := range map[string]string{"sweep-test-error-tiny.png": "\x89PNG", "sweep-test-error-tiny.svg": "<?xml", "sweep-test-error-tiny.pdf": "%PDF"} {
		data, err := os.ReadFile(filepath.Join(figs, f))
		if err != nil || len(data) < 1000 || !strings.HasPrefix(string(data), magic) || !strings.Contains(stderr.String(), "wrote "+filepath.Join(figs, f)) {
			t.Errorf("--plots: %s: %v, %d bytes (stderr %q)", f, err, len(data), stderr.String())
		}
	}
	if strings.Contains(out, "missing") {
		t.Errorf("--report says runs are missing:\n%s", out)
	}

	// Three workers, no shards, one directory: no run trained twice.
	dir2 := filepath.Join(t.TempDir(), "out")
	cmds, errs = nil, nil
	for range 3 {
		c, e := start(dir2, []string{"--parallel", "1"})
		cmds, errs = append(cmds, c), append(errs, e)
	}
	trained := 0
	for k, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("worker %d: %v\n%s", k, err, errs[k])
		}
		m := trainedRe.FindStringSubmatch(errs[k].String())
		if m == nil {
			t.Fatalf("worker %d said no summary:\n%s", k, errs[k])
		}
		n, _ := strconv.Atoi(m[1])
		trained += n
	}
	if trained != len(all) {
		t.Errorf("three workers trained %d runs between them, want each of the %d once", trained, len(all))
	}
	checkFiles(t, dir2, all)
}

// checkFiles: exactly one final file per run, no temporary files, every
// file ending in its summary line.
func checkFiles(t *testing.T, dir string, runs []string) {
	t.Helper()
	for _, r := range runs {
		idx, name, _ := strings.Cut(r, "\t")
		i, _ := strconv.Atoi(idx)
		path := filepath.Join(dir, fmt.Sprintf("%02d-%s.jsonl", i, name))
		data, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("run %s: %v", r, err)
			continue
		}
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		if !strings.HasPrefix(lines[len(lines)-1], `{"type":"summary"`) || !strings.Contains(lines[0], `"scenario":"`+fmt.Sprintf("%02d-%s", i, name)+`"`) {
			t.Errorf("%s: first line %.80s, last %.80s", path, lines[0], lines[len(lines)-1])
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(runs)+1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("%s holds %v; want the %d runs' files and sweep.toml", dir, names, len(runs))
	}
}

// Ctrl-C stops a sweep cleanly: the finished files stay, no temporary
// file is left, the exit status is the signal's; a rerun finishes the rest.
func TestSweepInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	file := writeSweep(t, strings.Replace(e2eSweep, "seed = [1, 2]", "seed = [1, 2]\nsteps = [40, 4000000]", 1))
	dir := filepath.Join(t.TempDir(), "out")
	cmd := exec.Command(bin, "--batch", "--sweep", file, "--out-dir", dir, "--parallel", "2")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for a short run to be finished and a long one under way.
	deadline := time.Now().Add(60 * time.Second)
	for {
		long, _ := filepath.Glob(filepath.Join(dir, "*steps4000000.jsonl.part"))
		short, _ := filepath.Glob(filepath.Join(dir, "*steps40.jsonl"))
		if len(long) > 0 && len(short) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d, want 130\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted; the finished runs are in") {
		t.Errorf("stderr: %s", stderr.String())
	}
	parts, _ := filepath.Glob(filepath.Join(dir, "*.part"))
	finals, _ := filepath.Glob(filepath.Join(dir, "*steps40.jsonl"))
	if len(parts) != 0 || len(finals) == 0 {
		t.Errorf("after Ctrl-C: temporary files %v, finished short runs %v", parts, finals)
	}
}

// Bad sweep command lines: exit 2, one line.
func TestSweepUsage(t *testing.T) {
	file := writeSweep(t, e2eSweep)
	dir := t.TempDir()
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--batch", "--sweep", file, "--out-dir", dir, "--shard", "3/3"}, nil, `the shard index "3" must be a whole number from 0 to 2`},
		{[]string{"--batch", "--sweep", file, "--out-dir", dir, "--shard", "-1/3"}, nil, `from 0 to 2`},
		{[]string{"--batch", "--sweep", file, "--out-dir", dir}, map[string]string{"JOB_COMPLETION_INDEX": "3", "INITSCOPE_SHARDS": "3"}, "JOB_COMPLETION_INDEX=3 of INITSCOPE_SHARDS=3"},
		{[]string{"--batch", "--sweep", file, "--out-dir", dir}, map[string]string{"JOB_COMPLETION_INDEX": "0"}, "INITSCOPE_SHARDS is not set"},
		{[]string{"--batch", "--sweep", file, "--out-dir", dir}, map[string]string{"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_COUNT": "3"}, "no step"},
		{[]string{"--batch", "--sweep", file}, nil, "--batch --sweep needs --out-dir DIR"},
		{[]string{"--sweep", file}, nil, "--sweep goes with --list"},
		{[]string{"--batch", "--sweep", file, "--out-dir", dir, "--lr", "0.1"}, nil, "--lr does not apply to --sweep runs"},
		{[]string{"--batch", "--sweep", file, "--out-dir", dir, "--scenario", "tiny"}, nil, "--scenario and --sweep do not go together"},
		{[]string{"--batch", "--sweep", file, "--out-dir", dir, "--out", "x"}, nil, "--out, --plots and --format do not apply"},
		{[]string{"--batch", "--out-dir", dir}, nil, "--out-dir goes with --sweep"},
		{[]string{"--sweep", "nope", "--list"}, nil, `unknown sweep "nope" (built in: fig11, table1`},
		{[]string{"--report", dir}, nil, "no sweep.toml there"},
		{[]string{"--report", dir, "--sweep", file}, nil, "--report reads a directory"},
		{[]string{"--batch", "--sweep", file, "--out-dir", dir, "--parallel", "-1"}, nil, "--parallel -1 out of range"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		env := Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(k string) string { return c.env[k] }}
		code := Main(t.Context(), c.args, env)
		if code != ExitUsage || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v %v: exit %d, stderr %q; want exit 2 and one line with %q", c.args, c.env, code, stderr.String(), c.want)
		}
	}
}

// --lr-search: the tries are a sweep in --out-dir, the rate with the
// lowest validation error is chosen (tiny's rates differ by far more than
// noise) and recorded in the run line, and the
// run trains with it; a rerun trains no try again.
func TestLRSearch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "search")
	args := []string{"--batch", "--scenario", "tiny", "--steps", "200", "--lr-search", "--lr-grid", "0.001,0.03,0.3", "--lr-search-steps", "100", "--out-dir", dir}
	stdout, stderr, code := runMain(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recs := parseLines(t, stdout)
	run := recs[0]
	ls, ok := run["lr_search"].(map[string]any)
	if !ok {
		t.Fatalf("run line without lr_search: %v", run)
	}
	errs := ls["validation_errors"].([]any)
	grid := ls["grid"].([]any)
	best := 0
	for i := range errs {
		if errs[i].(float64) < errs[best].(float64) {
			best = i
		}
	}
	if run["lr"] != grid[best] || ls["lr"] != grid[best] || ls["steps"] != 100.0 || run["steps"] != 200.0 {
		t.Errorf("chose %v (run lr %v) of %v with validation errors %v at %v steps", ls["lr"], run["lr"], grid, errs, ls["steps"])
	}
	if last := recs[len(recs)-1]; last["type"] != "summary" || last["steps"] != 200.0 {
		t.Errorf("last line %v", last)
	}
	if !strings.Contains(stderr, "lr-search: lr ") || !strings.Contains(stderr, "held-out examples after 100 steps") {
		t.Errorf("stderr: %s", stderr)
	}
	_, stderr, code = runMain(t, args...)
	if code != 0 || !strings.Contains(stderr, "0 trained, 3 finished before") {
		t.Errorf("rerun: exit %d: %s", code, stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--lr-search", "--out-dir", dir}, "--lr-search goes with --batch"},
		{[]string{"--batch", "--lr-search"}, "--lr-search needs --out-dir DIR"},
		{[]string{"--batch", "--lr-search", "--out-dir", dir, "--lr", "0.1"}, "--lr-search chooses --lr"},
		{[]string{"--batch", "--lr-search", "--out-dir", dir, "--lr-grid", "0.1,x"}, `"x" is not a learning rate`},
		{[]string{"--batch", "--lr-grid", "0.1"}, "--lr-grid goes with --lr-search"},
		{[]string{"--batch", "--lr-search", "--out-dir", dir, "--steps", "100", "--lr-search-steps", "101"}, "--lr-search-steps 101 out of range (0..100"},
		{[]string{"--batch", "--lr-search", "--out-dir", dir, "--format", "csv"}, "JSON Lines only"},
	} {
		_, stderr, code := runMain(t, c.args...)
		if code != ExitUsage || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, %q; want exit 2 and %q", c.args, code, stderr, c.want)
		}
	}
}
