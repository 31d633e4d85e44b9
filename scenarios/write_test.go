package scenarios_test

import (
	"flag"
	"io"
	"math"
	"os/exec"
	"strings"
	"testing"

	"initscope/scenarios"
	"initscope/scenarios/preset"
)

// writeCases are scenarios the writers must carry: every preset, each
// with every panel setting changed, and hostile text.
func writeCases(t *testing.T) []scenarios.Scenario {
	t.Helper()
	var all []scenarios.Scenario
	for _, sc := range preset.Presets() {
		all = append(all, sc)
		c := sc
		c.Name, c.Description = "custom", "modified from "+sc.Name
		c.Dataset = "csv:/tmp/my data's \"file\".csv"
		c.Activation, c.Init, c.Loss = "relu", "orthogonal", "mse"
		c.InitScale, c.Gain, c.LR = 0.30000000000000004, 1.5, 1e-5
		c.Depth, c.Width, c.BatchSize = 7, 333, 1
		c.Steps, c.Every, c.Probe, c.Test = 1<<40, 1, 1, 1000000
		c.Seed, c.Hist, c.Jacobian, c.Threads = math.MaxInt64, !sc.Hist, !sc.Jacobian, 3
		all = append(all, c)
	}
	odd := scenarios.Default()
	odd.Name, odd.Description = `quote " back \ slash`, "two\tlines\nand ünïcödé ☃ '"
	odd.Dataset = "mnist:~/data dir/$HOME/`x`"
	return append(all, odd)
}

// A scenario written as a file reads back (preset.Parse, what --scenario
// FILE calls) to the same Scenario, but for the flag-only memory budget.
func TestTOMLRoundTrip(t *testing.T) {
	for _, sc := range writeCases(t) {
		data, err := sc.TOML()
		if err != nil {
			t.Fatalf("%s: %v", sc.Name, err)
		}
		got, err := preset.Parse("", data)
		if err != nil {
			t.Fatalf("%s: the written file does not load: %v\n%s", sc.Name, err, data)
		}
		if got != sc {
			t.Errorf("%s: read back\n%+v\nwant\n%+v\nfrom\n%s", sc.Name, got, sc, data)
		}
		// Every key of the table is in the file, once: no setting is left
		// to a default that could change.
		for _, k := range scenarios.Keys() {
			if n := strings.Count(string(data), "\n"+k+" = "); n != 1 {
				t.Errorf("%s: key %s written %d times", sc.Name, k, n)
			}
		}
	}
}

// A seed a TOML integer cannot hold is an error naming the flag that can.
func TestTOMLLargeSeed(t *testing.T) {
	sc := scenarios.Default()
	sc.Seed = math.MaxInt64 + 1
	_, err := sc.TOML()
	if err == nil || !strings.Contains(err.Error(), "--seed 9223372036854775808") {
		t.Errorf("seed 2^63: %v, want an error naming --seed", err)
	}
}

// parseArgs reads args as the command line does: the table's flags bound
// to base, and only the set ones applied.
func parseArgs(t *testing.T, base scenarios.Scenario, args []string) scenarios.Scenario {
	t.Helper()
	fs := flag.NewFlagSet("initscope", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := scenarios.RegisterFlags(fs, scenarios.Default())
	if err := fs.Parse(args); err != nil {
		t.Fatalf("%q does not parse: %v", args, err)
	}
	if fs.NArg() != 0 {
		t.Fatalf("%q leaves arguments %q", args, fs.Args())
	}
	return f.Apply(base)
}

// The command line turns its base into the scenario (names aside: they
// have no flag), says only what differs, and a shell splits its quoted
// form back into the same arguments.
func TestCommandLineRoundTrip(t *testing.T) {
	for _, sc := range writeCases(t) {
		for _, base := range []scenarios.Scenario{preset.Presets()[0], scenarios.Default(), sc} {
			args := sc.CommandLine(base)
			got := parseArgs(t, base, args)
			want := sc
			want.Name, want.Description = base.Name, base.Description
			if got != want {
				t.Errorf("%s from %s: %q gives\n%+v\nwant\n%+v", sc.Name, base.Name, args, got, want)
			}
			if base == sc && len(args) != 0 {
				t.Errorf("%s from itself: %q, want no flags", sc.Name, args)
			}
		}
	}
	sc := scenarios.Default()
	sc.LR, sc.Hist = 0.003, true
	if got := scenarios.ShellQuote(sc.CommandLine(scenarios.Default())); got != "--lr 0.003 --hist" {
		t.Errorf("two changes: %q, want \"--lr 0.003 --hist\"", got)
	}
	sc = scenarios.Default()
	sc.Hist = true
	if got := scenarios.ShellQuote(scenarios.Default().CommandLine(sc)); got != "--hist=false" {
		t.Errorf("a switch turned off: %q", got)
	}
}

// ShellQuote's line is split by a real shell into the same words.
func TestShellQuote(t *testing.T) {
	words := []string{"plain", "", "it's", `a "b" c`, "$HOME", "`x`", "~/d", "tab\there", "new\nline", "ü☃", `\`, "--lr", "0.01", "a=b", "*"}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("skipped: needs a POSIX sh")
	}
	out, err := exec.Command(sh, "-c", `for w in `+scenarios.ShellQuote(words)+`; do printf '%s\0' "$w"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if strings.Join(got, "|") != strings.Join(words, "|") {
		t.Errorf("sh split %q into %q", scenarios.ShellQuote(words), got)
	}
}
