package scenarios

import (
	"context"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every preset parses, validates and has a description; the figures the
// issue names are all there.
func TestPresets(t *testing.T) {
	all := Presets()
	names := map[string]bool{}
	for _, sc := range all {
		if _, err := sc.Validate(); err != nil {
			t.Errorf("preset %s: %v", sc.Name, err)
		}
		if sc.Description == "" || strings.Contains(sc.Description, "\n") {
			t.Errorf("preset %s: description must be one line", sc.Name)
		}
		names[sc.Name] = true
	}
	for _, want := range []string{DefaultName, "fig2-sigmoid", "fig3-tanh", "fig3-softsign", "fig6-standard",
		"fig6-normalized", "fig10-tanh-normalized", "table1-tanh-n", "table1-sigmoid"} {
		if !names[want] {
			t.Errorf("missing preset %s", want)
		}
	}
	fig2, _ := Lookup("fig2-sigmoid")
	if fig2.Activation != "sigmoid" || fig2.Depth != 4 || fig2.Init != "standard" {
		t.Errorf("fig2-sigmoid = %+v, want sigmoid, depth 4, standard", fig2)
	}
}

func TestParseFileDefaultsAndName(t *testing.T) {
	sc, err := Parse("dir/mine.toml", []byte("# comment\ndepth = 3\nactivation = \"softsign\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.Name, want.Depth, want.Activation = "mine", 3, "softsign"
	if sc != want {
		t.Errorf("got %+v\nwant %+v", sc, want)
	}
}

// Malformed files: the file, the line and the problem in one line.
func TestParseErrors(t *testing.T) {
	cases := []struct{ text, want string }{
		{"depth = 3\nwidth = \n", "bad.toml:2:"},
		{"depth = 3\nwidht = 10\n", `bad.toml:2: unknown key "widht"`},
		{"depth = 300\n", "bad.toml:1: depth 300 out of range (1..20)"},
		{"name = \"x\"\nactivation = \"swish\"\n", `bad.toml:2: unknown activation "swish" (valid: sigmoid, tanh`},
		{"lr = -1\n", "bad.toml:1: lr -1 out of range"},
		{"init_scale = 0\n", "bad.toml:1: init-scale 0 must be above 0"},
		{"depth = \"deep\"\n", "bad.toml:1:"},
	}
	for _, c := range cases {
		_, err := Parse("bad.toml", []byte(c.text))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q) error = %v, want a line starting %q", c.text, err, c.want)
		}
	}
}

func TestLoad(t *testing.T) {
	if sc, err := Load("fig3-tanh"); err != nil || sc.Activation != "tanh" {
		t.Errorf("Load(fig3-tanh) = %+v, %v", sc, err)
	}
	_, err := Load("fig99")
	if err == nil || !strings.Contains(err.Error(), `unknown scenario "fig99" (valid: fig10-tanh-normalized`) {
		t.Errorf("Load(fig99) error = %v", err)
	}
	path := filepath.Join(t.TempDir(), "exp.toml")
	os.WriteFile(path, []byte("width = 64\n"), 0o644)
	if sc, err := Load(path); err != nil || sc.Width != 64 || sc.Name != "exp" {
		t.Errorf("Load(file) = %+v, %v", sc, err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.toml")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("Load(missing) error = %v", err)
	}
}

// Flags the user set override; the rest keep the scenario's values.
func TestFlagsOverrideOnlyWhatIsSet(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	f := RegisterFlags(fs)
	if err := fs.Parse([]string{"--width", "77", "--lr", "0.125", "--hist", "--seed", "42"}); err != nil {
		t.Fatal(err)
	}
	base, _ := Lookup("fig2-sigmoid")
	got := f.Apply(base)
	want := base
	want.Width, want.LR, want.Hist, want.Seed = 77, 0.125, true, 42
	if got != want {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestValidateRanges(t *testing.T) {
	bad := map[string]func(*Scenario){
		"width 0 out of range (1..4096)":                      func(s *Scenario) { s.Width = 0 },
		"batch-size 0 out of range (1..10000)":                func(s *Scenario) { s.BatchSize = 0 },
		"every 0 out of range":                                func(s *Scenario) { s.Every = 0 },
		"probe 0 out of range":                                func(s *Scenario) { s.Probe = 0 },
		`unknown loss "l1" (valid: cross-entropy, quadratic)`: func(s *Scenario) { s.Loss = "l1" },
		`unknown init "he" (valid: standard`:                  func(s *Scenario) { s.Init = "he" },
		"lr NaN out of range":                                 func(s *Scenario) { s.LR = math.NaN() },
	}
	for want, mutate := range bad {
		sc := Default()
		mutate(&sc)
		if _, err := sc.Validate(); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error = %v, want prefix %q", err, want)
		}
	}
}

// A runner is deterministic from its seed and reports divergence.
func TestRunnerDeterminismAndDivergence(t *testing.T) {
	sc, _ := Lookup("tiny")
	run := func(sc Scenario) []float64 {
		r, err := NewRunner(context.Background(), sc)
		if err != nil {
			t.Fatal(err)
		}
		var losses []float64
		for !r.Done() {
			losses = append(losses, r.Step())
		}
		return losses
	}
	sc.Steps = 50
	a, b := run(sc), run(sc)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("step %d: loss %v vs %v with the same seed", i+1, a[i], b[i])
		}
	}
	sc.Seed = 2
	if c := run(sc); c[0] == a[0] {
		t.Errorf("a different seed gave the same first loss %v", c[0])
	}
	// A huge learning rate with relu and a large init explodes.
	sc.Activation, sc.Init, sc.InitScale, sc.LR, sc.Steps = "relu", "he-normal", 10, 50, 1000
	r, _ := NewRunner(context.Background(), sc)
	for !r.Done() {
		r.Step()
	}
	if d, step := r.Diverged(); !d || step < 1 || step >= 1000 {
		t.Errorf("diverged = %v at step %d, want divergence before step 1000", d, step)
	}
}
