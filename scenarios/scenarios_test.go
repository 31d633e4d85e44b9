package scenarios

import (
	"flag"
	"math"
	"strings"
	"testing"
)

// Flags the user set override; the rest keep the scenario's values.
func TestFlagsOverrideOnlyWhatIsSet(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	f := RegisterFlags(fs, Default())
	if err := fs.Parse([]string{"--width", "77", "--lr", "0.125", "--hist", "--seed", "42"}); err != nil {
		t.Fatal(err)
	}
	base := Default() // not the flags' defaults (fig2-sigmoid's settings)
	base.Name, base.Activation, base.Depth = "fig2-sigmoid", "sigmoid", 4
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
