package main

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"

	"initscope/scenarios"
	"initscope/scenarios/preset"
)

// A bare run is the default preset, and -h shows that preset's values as
// the training flags' defaults: each flag's entry is the one the flag
// package prints for flags bound to the preset.
func TestHelpShowsTheDefaultPreset(t *testing.T) {
	bare, ok := preset.Lookup(preset.DefaultName)
	if !ok {
		t.Fatalf("no preset %q", preset.DefaultName)
	}
	if o, err := Parse(nil, nil); err != nil || o.Scenario != bare {
		t.Errorf("a bare run is %+v, %v; want the %s preset %+v", o.Scenario, err, preset.DefaultName, bare)
	}
	var help bytes.Buffer
	if _, err := Parse([]string{"-h"}, &help); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("Parse(-h) = %v, want flag.ErrHelp", err)
	}
	ref := flag.NewFlagSet("ref", flag.ContinueOnError)
	scenarios.RegisterFlags(ref, bare)
	var want strings.Builder
	ref.SetOutput(&want)
	ref.PrintDefaults()
	entries := strings.Split(strings.TrimPrefix(want.String(), "  -"), "\n  -")
	if len(entries) < 10 {
		t.Fatalf("only %d training flags", len(entries))
	}
	for _, e := range entries {
		if !strings.Contains(help.String(), "\n  -"+strings.TrimSuffix(e, "\n")+"\n") {
			t.Errorf("-h lacks the entry\n  -%s", e)
		}
	}
}
