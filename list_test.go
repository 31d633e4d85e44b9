package main

import (
	"bytes"
	"strings"
	"testing"

	"initscope/scenarios/batch"
)

// --list names every per-layer statistic of the table with its description.
func TestListStatistics(t *testing.T) {
	var out bytes.Buffer
	if err := list(&out); err != nil {
		t.Fatal(err)
	}
	_, stats, ok := strings.Cut(out.String(), "\nSTATISTICS")
	if !ok {
		t.Fatalf("--list has no STATISTICS section:\n%s", out.String())
	}
	for _, s := range batch.Stats() {
		if !strings.Contains(stats, "  "+s.Key()+" ") || !strings.Contains(stats, s.Info().Description) {
			t.Errorf("--list: no line for %q with its description", s.Key())
		}
	}
	for _, h := range batch.Hists() {
		if !strings.Contains(stats, "  "+h.Key()+" ") {
			t.Errorf("--list: no line for %q", h.Key())
		}
	}
}
