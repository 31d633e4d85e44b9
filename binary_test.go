package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds the real command (this package, at the module root)
// into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "initscope")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Sizes inside the documented ranges that would not fit are refused by the
// real binary with one line before anything is allocated: exit 2, nothing
// on stdout.
func TestMemoryBudgetOnBinary(t *testing.T) {
	bin := buildBinary(t)
	cases := []struct {
		args []string
		want string
	}{
		// The line's parts, largest first, apart from the total and the
		// Jacobian workspaces: those are nn's eigensolver's, which change
		// with its algorithm (and with them the parts' order).
		{[]string{"--probe", "100000", "--width", "4096", "--depth", "4", "--mem-budget", "12GiB"},
			"initscope: configuration needs about 22."},
		{[]string{"--probe", "100000", "--width", "4096", "--depth", "4", "--mem-budget", "12GiB"},
			" GiB (probe passes 21.4 GiB, "},
		{[]string{"--probe", "100000", "--width", "4096", "--depth", "4", "--mem-budget", "12GiB"},
			"probe set 391.0 MiB"},
		{[]string{"--probe", "100000", "--width", "4096", "--depth", "4", "--mem-budget", "12GiB"},
			" MiB, ...), over the memory budget of 12.0 GiB (--mem-budget); lower --probe/--width, or raise --mem-budget\n"},
		{[]string{"--test", "1000000", "--mem-budget", "2GiB"},
			"initscope: configuration needs about 3.8 GiB (test set 3.8 GiB, "},
		{[]string{"--mem-budget", "NaN"}, `initscope: invalid value "NaN" for flag -mem-budget: size "NaN" is not a number of bytes`},
		{[]string{"--mem-budget", "-5GiB"}, `initscope: invalid value "-5GiB" for flag -mem-budget: size "-5GiB" out of range`},
		{[]string{"--mem-budget", "0"}, `size "0" out of range (1 byte to 1PiB`},
		{[]string{"--mem-budget", "lots"}, `size "lots" is not a number of bytes (write e.g. 8GiB, 512MiB)`},
	}
	for _, c := range cases {
		cmd := exec.Command(bin, append([]string{"--batch"}, c.args...)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != ExitUsage || stdout.Len() != 0 ||
			strings.Count(stderr.String(), "\n") != 1 || !strings.HasPrefix(stderr.String(), "initscope: ") ||
			!strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, stdout %d bytes, stderr %q; want exit 2 and the line %q", c.args, code, stdout.Len(), stderr.String(), c.want)
		}
	}
}

// --threads out of its range, or not a whole number, is refused by the real
// binary with one line naming it and its range: exit 2, nothing on stdout.
// In range, it runs.
func TestThreadsOnBinary(t *testing.T) {
	bin := buildBinary(t)
	for _, c := range []struct{ arg, want string }{
		{"65", "initscope: threads 65 out of range (0..64)\n"},
		{"-1", "initscope: threads -1 out of range (0..64)\n"},
		{"auto", `initscope: invalid value "auto" for flag -threads: parse error (see initscope -h)` + "\n"},
		{"1.5", `initscope: invalid value "1.5" for flag -threads: parse error`},
	} {
		cmd := exec.Command(bin, "--batch", "--scenario", "tiny", "--steps", "0", "--threads", c.arg)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != ExitUsage || stdout.Len() != 0 ||
			strings.Count(stderr.String(), "\n") != 1 || !strings.HasPrefix(stderr.String(), c.want) {
			t.Errorf("--threads %s: exit %d, stdout %d bytes, stderr %q; want exit 2 and the line %q", c.arg, code, stdout.Len(), stderr.String(), c.want)
		}
	}
	out, err := exec.Command(bin, "--batch", "--scenario", "tiny", "--steps", "0", "--threads", "1").Output()
	if err != nil || !bytes.Contains(out, []byte(`"type":"summary"`)) {
		t.Errorf("--threads 1: %v, output %q", err, out)
	}
}

// An --out (or --samples-png) that is one of the run's inputs is refused
// with one line, whatever the spelling of its path, and the input is left
// as it was.
func TestOutIsAnInput(t *testing.T) {
	dir := t.TempDir()
	csvFile := filepath.Join(dir, "d.csv")
	var rows strings.Builder
	for i := range 40 {
		rows.WriteString(strings.Join([]string{string(rune('0' + i%2)), "1", "2"}, ",") + "\n")
	}
	os.WriteFile(csvFile, []byte(rows.String()), 0o644)
	toml := filepath.Join(dir, "s.toml")
	os.WriteFile(toml, []byte("dataset = \"tiny\"\nsteps = 1\n"), 0o644)
	mnist := filepath.Join(dir, "mnist")
	os.Mkdir(mnist, 0o755)
	labels := filepath.Join(mnist, "train-labels-idx1-ubyte")
	os.WriteFile(labels, []byte("x"), 0o644)
	link := filepath.Join(dir, "link.csv")
	os.Symlink(csvFile, link)
	from := filepath.Join(dir, "run.jsonl")
	os.WriteFile(from, []byte("{}\n"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--batch", "--dataset", "csv:" + csvFile, "--out", csvFile}, "--out " + csvFile + " is a file of --dataset csv:" + csvFile},
		{[]string{"--batch", "--dataset", "csv:" + csvFile, "--out", link}, "--out " + link + " is a file of --dataset"},
		{[]string{"--batch", "--dataset", "csv:" + filepath.Join(dir, ".", "d.csv"), "--out", csvFile}, "is a file of --dataset"},
		{[]string{"--batch", "--scenario", toml, "--out", toml}, "--out " + toml + " is the --scenario file"},
		{[]string{"--batch", "--dataset", "mnist:" + mnist, "--out", labels}, "is a file of --dataset mnist:"},
		{[]string{"--from", from, "--plots", dir, "--out", from}, "--out " + from + " is the --from file"},
		{[]string{"--samples", "2", "--dataset", "csv:" + csvFile, "--samples-png", csvFile}, "--samples-png " + csvFile + " is a file of --dataset"},
	}
	before, _ := os.ReadFile(csvFile)
	for _, c := range cases {
		out, errOut, code := runMain(t, c.args...)
		if code != ExitUsage || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) ||
			!strings.Contains(errOut, "choose another path") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2, one line containing %q", c.args, code, errOut, c.want)
		}
	}
	if after, _ := os.ReadFile(csvFile); !bytes.Equal(before, after) {
		t.Errorf("the input CSV changed")
	}
	// An output elsewhere is fine.
	if _, errOut, code := runMain(t, "--batch", "--dataset", "csv:"+csvFile, "--steps", "1", "--width", "4", "--depth", "1",
		"--probe", "4", "--test", "4", "--out", filepath.Join(dir, "out.jsonl")); code != 0 {
		t.Errorf("--out elsewhere: exit %d, %s", code, errOut)
	}
}

// Ctrl-C and SIGTERM on the real binary in every phase of a run: building
// the data set, the step-0 Jacobian of a wide network, and training with
// a snapshot (and its Jacobian) every step. The process must exit with
// 128+signal within a few seconds; when the run line was written, the
// output must parse, every line JSON, the last the summary with
// interrupted true. Interrupted while building, it writes nothing and says
// so in one line.
func TestCancellationInEveryPhase(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs wide networks")
	}
	bin := buildBinary(t)
	phases := []struct {
		name string
		args []string
		// wait is how many output lines mark the phase, then how long to
		// sleep into it.
		lines int
		sleep time.Duration
		// records is how many lines the output must hold at least
		// (exactly, for the step-0 snapshot, which must not be written).
		records int
	}{
		{"building the data set", []string{"--dataset", "shapeset", "--test", "1000000", "--probe", "10", "--width", "8", "--depth", "1", "--mem-budget", "8GiB"}, 0, time.Second, 0},
		// The exact solves of 19 layers of width 1024 take seconds (wider
		// layers are estimated, faster).
		{"step-0 Jacobian", []string{"--scenario", "tiny", "--width", "1024", "--depth", "20", "--steps", "0", "--probe", "20", "--test", "20"}, 1, time.Second, 2},
		{"training and snapshots", []string{"--scenario", "tiny", "--width", "1024", "--depth", "3", "--steps", "1000000", "--every", "1", "--jacobian", "--probe", "20"}, 2, 300 * time.Millisecond, 3},
	}
	for _, ph := range phases {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			cmd := exec.Command(bin, append([]string{"--batch"}, ph.args...)...)
			pipe, _ := cmd.StdoutPipe()
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var stdout bytes.Buffer
			r := bufio.NewReader(pipe)
			for range ph.lines {
				line, err := r.ReadString('\n')
				if err != nil {
					t.Fatalf("%s: reading output: %v (stderr %q)", ph.name, err, stderr.String())
				}
				stdout.WriteString(line)
			}
			time.Sleep(ph.sleep)
			cmd.Process.Signal(sig)
			sent := time.Now()
			done := make(chan error, 1)
			go func() {
				io.Copy(&stdout, r)
				done <- cmd.Wait()
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("%s, %v: no exit 10 s after the signal", ph.name, sig)
			}
			took := time.Since(sent)
			t.Logf("%s, %v: exit %d %v after the signal", ph.name, sig, cmd.ProcessState.ExitCode(), took.Round(time.Millisecond))
			if code := cmd.ProcessState.ExitCode(); code != 128+int(sig) {
				t.Errorf("%s, %v: exit %d, want %d (stderr %q)", ph.name, sig, code, 128+int(sig), stderr.String())
			}
			if ph.lines == 0 {
				if stdout.Len() != 0 || stderr.String() != "initscope: interrupted while building the run; nothing was written\n" {
					t.Errorf("%s, %v: stdout %d bytes, stderr %q; want nothing and one line", ph.name, sig, stdout.Len(), stderr.String())
				}
				continue
			}
			recs := parseLines(t, stdout.String())
			if len(recs) < ph.records || ph.lines == 1 && len(recs) != ph.records || recs[0]["type"] != "run" {
				t.Fatalf("%s, %v: %d lines, first %v", ph.name, sig, len(recs), recs)
			}
			sum := recs[len(recs)-1]
			if sum["type"] != "summary" || sum["interrupted"] != true {
				t.Errorf("%s, %v: last line %v, want the summary with interrupted true", ph.name, sig, sum)
			}
			for _, rec := range recs[1 : len(recs)-1] {
				if rec["type"] != "snapshot" {
					t.Errorf("%s, %v: a middle line of type %v", ph.name, sig, rec["type"])
				}
			}
		}
	}
}
