package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"initscope/scenarios"
)

// runMain runs the command line in-process and returns stdout, stderr and
// the exit status.
func runMain(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, Env{Stdout: &stdout, Stderr: &stderr})
	return stdout.String(), stderr.String(), code
}

// parseLines decodes JSON Lines into generic maps, failing on any bad line.
func parseLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v: %.200s", len(recs)+1, err, sc.Text())
		}
		recs = append(recs, m)
	}
	return recs
}

// The JSON Lines contract, on a real run: names, types, order, nulls.
func TestBatchJSONLinesContract(t *testing.T) {
	out, errOut, code := runMain(t, "--batch", "--scenario", "tiny", "--steps", "100", "--every", "25", "--hist")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	recs := parseLines(t, out)
	if len(recs) != 1+5+1 {
		t.Fatalf("%d lines, want run + 5 snapshots (steps 0,25,50,75,100) + summary", len(recs))
	}
	run := recs[0]
	if run["type"] != "run" {
		t.Fatalf("first line type %v", run["type"])
	}
	for _, key := range []string{"scenario", "dataset", "activation", "init", "init_scale", "depth", "width", "loss", "lr",
		"batch_size", "steps", "seed", "every", "probe", "hist", "jacobian", "inputs", "classes", "params"} {
		if _, ok := run[key]; !ok {
			t.Errorf("run line lacks %q", key)
		}
	}
	layerKeys := []string{"layer", "act_mean", "act_std", "act_p2", "act_p98", "saturated", "grad_var", "wgrad_var",
		"jac_sv_mean", "theory_act_var", "theory_grad_var", "act_hist", "grad_hist", "wgrad_hist"}
	for i, snap := range recs[1:6] {
		if snap["type"] != "snapshot" || snap["step"] != float64(25*i) || snap["examples"] != float64(250*i) {
			t.Fatalf("snapshot %d: type %v step %v examples %v", i, snap["type"], snap["step"], snap["examples"])
		}
		for _, key := range []string{"train_loss", "test_error"} {
			if _, ok := snap[key]; !ok {
				t.Errorf("snapshot %d lacks %q", i, key)
			}
		}
		if (snap["train_loss"] == nil) != (i == 0) {
			t.Errorf("snapshot %d train_loss %v: must be null exactly at step 0", i, snap["train_loss"])
		}
		layers := snap["layers"].([]any)
		if len(layers) != 3 {
			t.Fatalf("snapshot %d has %d layers, want 3", i, len(layers))
		}
		for j, l := range layers {
			layer := l.(map[string]any)
			for _, key := range layerKeys {
				if _, ok := layer[key]; !ok {
					t.Errorf("snapshot %d layer %d lacks %q", i, j+1, key)
				}
			}
			if layer["layer"] != float64(j+1) {
				t.Errorf("layer numbered %v, want %d", layer["layer"], j+1)
			}
			// The Jacobian is required at step 0 below the top layer, null otherwise here.
			hasJac := layer["jac_sv_mean"] != nil
			if hasJac != (i == 0 && j < 2) {
				t.Errorf("snapshot %d layer %d jac_sv_mean = %v", i, j+1, layer["jac_sv_mean"])
			}
			if h, ok := layer["act_hist"].(map[string]any); !ok || len(h["counts"].([]any)) != 50 {
				t.Errorf("snapshot %d layer %d act_hist = %v", i, j+1, layer["act_hist"])
			}
		}
	}
	sum := recs[6]
	if sum["type"] != "summary" || sum["steps"] != float64(100) || sum["examples"] != float64(1000) ||
		sum["diverged"] != false || sum["diverged_step"] != nil {
		t.Errorf("summary %v", sum)
	}
	for _, key := range []string{"test_error", "elapsed_s", "examples_per_s"} {
		if v, ok := sum[key].(float64); !ok || v < 0 {
			t.Errorf("summary %s = %v", key, sum[key])
		}
	}
}

func TestBatchStepsZero(t *testing.T) {
	out, _, code := runMain(t, "--batch", "--scenario", "tiny", "--steps", "0")
	recs := parseLines(t, out)
	if code != 0 || len(recs) != 3 || recs[1]["step"] != float64(0) || recs[2]["steps"] != float64(0) {
		t.Fatalf("exit %d, %d lines: want run, step-0 snapshot, summary", code, len(recs))
	}
}

func TestBatchCSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.csv")
	_, _, code := runMain(t, "--batch", "--scenario", "tiny", "--steps", "20", "--every", "10", "--format", "csv", "--out", path)
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if code != 0 || len(lines) != 1+3*3 {
		t.Fatalf("exit %d, %d lines, want header + 3 snapshots x 3 layers:\n%s", code, len(lines), data)
	}
	if !strings.HasPrefix(lines[0], "step,examples,train_loss,test_error,") {
		t.Errorf("header %q", lines[0])
	}
	col := slices.Index(strings.Split(lines[0], ","), "layer")
	if f := strings.Split(lines[1], ","); col < 0 || f[0] != "0" || f[2] != "" || f[col] != "1" {
		t.Errorf("first row %q: want step 0, empty train_loss, layer 1", lines[1])
	}
}

// A diverging run is a result: exit 0, diverged true with its step.
func TestBatchDivergence(t *testing.T) {
	out, _, code := runMain(t, "--batch", "--scenario", "tiny", "--activation", "relu", "--init", "he-normal",
		"--init-scale", "10", "--lr", "50", "--steps", "1000")
	recs := parseLines(t, out)
	sum := recs[len(recs)-1]
	if code != 0 || sum["diverged"] != true || sum["diverged_step"] == nil {
		t.Fatalf("exit %d, summary %v", code, sum)
	}
	last := recs[len(recs)-2]
	if last["step"] != sum["diverged_step"] {
		t.Errorf("last snapshot at step %v, diverged at %v", last["step"], sum["diverged_step"])
	}
}

// Every bad input: one line on stderr naming the input and the fix, exit 2.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("depth = 4\nwidth = -3\n"), 0o644)
	cases := []usageCase{
		{[]string{"--batch", "--activation", "swish"}, `unknown activation "swish" (valid: sigmoid, tanh, softsign`},
		{[]string{"--batch", "--init", "he"}, `unknown init "he" (valid: standard, normalized`},
		{[]string{"--batch", "--loss", "hinge"}, `unknown loss "hinge" (valid: cross-entropy, quadratic)`},
		{[]string{"--batch", "--dataset", "imagenet"}, `unknown dataset "imagenet" (valid: shapeset, tiny, mnist:DIR`},
		{[]string{"--batch", "--dataset", "mnist:" + dir}, "train-images-idx3-ubyte"},
		{[]string{"--batch", "--scenario", "fig99"}, `unknown scenario "fig99" (valid: `},
		{[]string{"--batch", "--format", "xml"}, `unknown --format "xml" (valid: jsonl, csv)`},
		{[]string{"--batch", "--depth", "21"}, "depth 21 out of range (1..20)"},
		{[]string{"--batch", "--width", "0"}, "width 0 out of range (1..4096)"},
		{[]string{"--batch", "--lr", "0"}, "lr 0 must be above 0"},
		{[]string{"--batch", "--batch-size", "0"}, "batch-size 0 out of range (1..10000)"},
		{[]string{"--batch", "--steps", "-1"}, "steps -1 out of range"},
		{[]string{"--batch", "--depth", "two"}, `invalid value "two" for flag -depth`},
		{[]string{"--batch", "--scenario", bad}, bad + ":2: width -3 out of range (1..4096)"},
		{[]string{"--batch", "--scenario", "tiny", "--out", filepath.Join(dir, "no", "such", "dir.jsonl")}, "--out: open "},
		{[]string{"--batch", "stray"}, `unexpected argument "stray"`},
		{[]string{"--batch", "--list"}, "choose one of --batch, --list, --serve, --samples"},
		{[]string{"--from", bad}, "--from needs --plots DIR"},
		{[]string{"--plots", dir}, "--plots goes with --batch or --from FILE"},
		{[]string{"--from", bad, "--plots", dir}, bad + ":1: not JSON"},
		{[]string{"--from", filepath.Join(dir, "none.jsonl"), "--plots", dir}, "--from: open "},
		{[]string{"--nosuchflag"}, "flag provided but not defined: -nosuchflag"},
	}
	wantUsageLines(t, cases)
}

func TestListAndSamples(t *testing.T) {
	out, _, code := runMain(t, "--list")
	for _, want := range []string{"fig2-sigmoid", "leaky-relu", "orthogonal", "quadratic", "mnist:DIR"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("--list lacks %q", want)
		}
	}
	out, _, code = runMain(t, "--samples", "2")
	if code != 0 || strings.Count(out, "sample ") != 2 || strings.Count(out, "\n") < 64 {
		t.Errorf("--samples 2: exit %d\n%s", code, out)
	}
	png := filepath.Join(t.TempDir(), "s.png")
	if _, _, code = runMain(t, "--samples", "12", "--samples-png", png); code != 0 {
		t.Fatalf("--samples-png exit %d", code)
	}
	if data, _ := os.ReadFile(png); !bytes.HasPrefix(data, []byte("\x89PNG")) {
		t.Errorf("--samples-png did not write a PNG")
	}
}

// With a terminal on stderr a progress line goes there; stdout stays JSON.
func TestProgressOnStderrOnly(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"--batch", "--scenario", "tiny", "--steps", "300"},
		Env{Stdout: &stdout, Stderr: &stderr, StderrIsTTY: true})
	parseLines(t, stdout.String())
	if code != 0 || !strings.Contains(stderr.String(), "ex/s") || !strings.Contains(stderr.String(), "step 300/300") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

// Pre-training (minutes for the paper's network) says how far it has got:
// in a log one line as each layer finishes; on a terminal a line rewritten
// in place and cleared before the training's progress.
func TestPretrainingProgress(t *testing.T) {
	args := []string{"--batch", "--scenario", "tiny", "--steps", "10", "--init", "pretrained", "--pretrain-updates", "150"}
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), args, Env{Stdout: &stdout, Stderr: &stderr}); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	want := ""
	for l := 1; l <= 3; l++ {
		want += fmt.Sprintf("initscope: pre-training layer %d of 3 as a denoising autoencoder: 150 of 150 updates\n", l)
	}
	if stderr.String() != want {
		t.Errorf("stderr of a log:\n%s\nwant:\n%s", stderr.String(), want)
	}
	stderr.Reset()
	if code := Main(context.Background(), args, Env{Stdout: &stdout, Stderr: &stderr, StderrIsTTY: true}); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	tty := stderr.String()
	layer3 := "\rinitscope: pre-training layer 3 of 3 as a denoising autoencoder: 100 of 150 updates\033[K"
	if !strings.Contains(tty, layer3) || !strings.Contains(tty, "\r\033[K\r[") || strings.Contains(tty, "\n") {
		t.Errorf("stderr of a terminal: %q", tty)
	}
}

// Ctrl-C on the real binary: it stops at the next step, writes the summary,
// keeps every snapshot, and the output parses.
func TestInterruptKeepsCompleteOutput(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "initscope")
	build := exec.Command("go", "build", "-o", bin, "initscope")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		cmd := exec.Command(bin, "--batch", "--scenario", "tiny", "--steps", "100000000", "--every", "200")
		var stdout bytes.Buffer
		pipe, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait for two snapshots, then interrupt.
		r := bufio.NewReader(pipe)
		for range 3 {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("reading output: %v", err)
			}
			stdout.WriteString(line)
		}
		cmd.Process.Signal(sig)
		done := make(chan struct{})
		go func() { stdout.ReadFrom(r); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatal("no exit 30 s after the signal")
		}
		err := cmd.Wait()
		recs := parseLines(t, stdout.String())
		sum := recs[len(recs)-1]
		if sum["type"] != "summary" || sum["interrupted"] != true || len(recs) < 4 {
			t.Fatalf("%v: last line %v after %d lines", sig, sum, len(recs))
		}
		if code := cmd.ProcessState.ExitCode(); code != 128+int(sig) {
			t.Errorf("%v: exit %d (%v), want %d", sig, code, err, 128+int(sig))
		}
	}
}

// --plots draws the figures after a run, and --from redraws them from the
// saved file.
func TestPlots(t *testing.T) {
	dir := t.TempDir()
	results := filepath.Join(dir, "run.jsonl")
	_, errOut, code := runMain(t, "--batch", "--scenario", "tiny", "--steps", "40", "--every", "10", "--hist",
		"--out", results, "--plots", filepath.Join(dir, "a"))
	if code != 0 || strings.Count(errOut, "initscope: wrote ") != 6 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	_, errOut, code = runMain(t, "--from", results, "--plots", filepath.Join(dir, "b"))
	if code != 0 || strings.Count(errOut, "initscope: wrote ") != 6 {
		t.Fatalf("--from: exit %d, stderr %q", code, errOut)
	}
	for _, name := range []string{"activations.png", "gradients.png", "learning.png", "theory.png", "hist-first.png", "hist-last.png"} {
		a, _ := os.ReadFile(filepath.Join(dir, "a", name))
		b, _ := os.ReadFile(filepath.Join(dir, "b", name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s: %d bytes after the run, %d redrawn; want the same figure", name, len(a), len(b))
		}
	}
}

// An app that cannot start (no terminal) says so in one line with the way
// out; the scenario flags reach it resolved.
func TestAppErrorHint(t *testing.T) {
	var stderr bytes.Buffer
	var got string
	app := func(ctx context.Context, sc scenarios.Scenario) error {
		got = sc.Activation
		return errors.New("could not open a new TTY")
	}
	code := Main(context.Background(), []string{"--activation", "softsign"}, Env{Stdout: io.Discard, Stderr: &stderr, App: app})
	want := "initscope: could not open a new TTY (the app needs a terminal; --batch runs headless)\n"
	if code != ExitError || stderr.String() != want || got != "softsign" {
		t.Errorf("exit %d, stderr %q, activation %q", code, stderr.String(), got)
	}
}

// usageCase is a command line that must be refused as bad usage, with a
// line on stderr that contains want.
type usageCase struct {
	args []string
	want string
}

// wantUsageLines checks each case: exit status 2, nothing on stdout, and one
// line on stderr, starting "initscope: " and containing the case's want.
func wantUsageLines(t *testing.T, cases []usageCase) {
	t.Helper()
	for _, c := range cases {
		out, errOut, code := runMain(t, c.args...)
		if code != ExitUsage || out != "" || strings.Count(errOut, "\n") != 1 ||
			!strings.HasPrefix(errOut, "initscope: ") || !strings.Contains(errOut, c.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2, one line containing %q", c.args, code, out, errOut, c.want)
		}
	}
}

// A batch run makes its memory budget the runtime's soft memory limit, so
// the garbage a run makes cannot take the heap past the budget (measured on
// width 4096 x depth 5 with a 720 MiB budget: 1016 MiB peak RSS without the
// limit, 707 MiB with it).
func TestBatchLimitsTheHeap(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	if _, errOut, code := runMain(t, "--batch", "--scenario", "tiny", "--steps", "1", "--mem-budget", "512MiB"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := debug.SetMemoryLimit(-1); got != 512<<20 {
		t.Errorf("memory limit %d, want the budget %d", got, 512<<20)
	}
}
