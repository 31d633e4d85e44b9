package batch

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"initscope/scenarios"
	"initscope/scenarios/preset"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from this build")

// goldenRuns are fixed-seed runs of the tiny scenario whose output is kept
// in testdata: an off-cadence last snapshot, histograms with the Jacobian
// at every snapshot, and a run that diverges at step 3.
var goldenRuns = []struct {
	name string
	edit func(*scenarios.Scenario)
}{
	{"tiny", func(sc *scenarios.Scenario) { sc.Steps, sc.Every = 25, 10 }},
	{"hist-jacobian", func(sc *scenarios.Scenario) { sc.Steps, sc.Every, sc.Hist, sc.Jacobian = 6, 3, true, true }},
	{"diverged", func(sc *scenarios.Scenario) {
		sc.Steps, sc.Every, sc.LR, sc.InitScale, sc.Activation = 30, 10, 100, 10, "relu"
	}},
}

// timing matches the wall-clock fields, which differ from run to run.
var timing = regexp.MustCompile(`"(` + strings.Join(TimingKeys, "|") + `)":[^,}]*`)

// maskTiming replaces the wall-clock values with "*": the JSON fields
// above, and the CSV's snapshot_s column.
func maskTiming(format string, b []byte) []byte {
	if format != "csv" {
		return timing.ReplaceAll(b, []byte(`"$1":"*"`))
	}
	lines := strings.Split(string(b), "\n")
	col := slices.Index(strings.Split(lines[0], ","), "snapshot_s")
	for i := 1; i < len(lines) && col >= 0; i++ {
		if fields := strings.Split(lines[i], ","); len(fields) > col {
			fields[col] = "*"
			lines[i] = strings.Join(fields, ",")
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

// TestGolden checks that a fixed-seed run writes the same bytes as the
// files in testdata, timings masked. The files were written by the batch
// loop before the engine took it over (scenarios.Engine), so this is the
// test that the engine changed nothing in the output. The numbers depend
// on the matrix kernel and on the number of cores (the order of sums
// split between threads): on a machine where either differs from the
// file's, the test compares every record and field, with numbers to a
// relative 1e-4 instead of byte for byte.
func TestGolden(t *testing.T) {
	for _, g := range goldenRuns {
		for _, format := range Formats {
			t.Run(g.name+"."+format, func(t *testing.T) {
				sc, err := preset.Load("tiny")
				if err != nil {
					t.Fatal(err)
				}
				g.edit(&sc)
				r, err := scenarios.NewRunner(context.Background(), sc)
				if err != nil {
					t.Fatal(err)
				}
				var out bytes.Buffer
				w, _ := NewWriter(format, &out)
				if _, err := Run(context.Background(), r, w, Options{}); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", g.name+"."+format+".golden")
				if *update {
					if err := os.WriteFile(path, maskTiming(format, out.Bytes()), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				compareGolden(t, format, maskTiming(format, out.Bytes()), want, sameMachine(t, g.name, NewRunRecord(r)))
			})
		}
	}
}

// compareGolden compares got with want byte for byte when both come from
// the same kernel and core count, and field by field with a tolerance
// otherwise.
func compareGolden(t *testing.T, format string, got, want []byte, exact bool) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := bytes.Split(bytes.TrimSpace(got), []byte("\n")), bytes.Split(bytes.TrimSpace(want), []byte("\n"))
	if len(gl) != len(wl) {
		t.Fatalf("%d lines, want %d:\n%s", len(gl), len(wl), got)
	}
	if !exact {
		t.Logf("the golden comes from another kernel or core count: comparing numbers to a relative 1e-4")
	}
	for i := range gl {
		if exact && !bytes.Equal(gl[i], wl[i]) || !exact && !closeLine(format, gl[i], wl[i]) {
			t.Errorf("line %d differs:\ngot  %s\nwant %s", i+1, gl[i], wl[i])
		}
	}
}

// sameMachine reports whether the run's golden JSON Lines name the kernel
// and core count of this run (its run line, run).
func sameMachine(t *testing.T, name string, run RunRecord) bool {
	golden, err := os.ReadFile(filepath.Join("testdata", name+".jsonl.golden"))
	if err != nil {
		t.Fatal(err)
	}
	var want RunRecord
	line, _, _ := bytes.Cut(golden, []byte("\n"))
	return json.Unmarshal(line, &want) == nil && want.Kernel == run.Kernel && want.Cores == run.Cores
}

// closeLine compares two lines field by field, numbers to a relative 1e-4.
func closeLine(format string, got, want []byte) bool {
	if format == "csv" {
		g, w := strings.Split(string(got), ","), strings.Split(string(want), ",")
		if len(g) != len(w) {
			return false
		}
		for i := range g {
			a, errA := strconv.ParseFloat(g[i], 64)
			b, errB := strconv.ParseFloat(w[i], 64)
			if g[i] != w[i] && (errA != nil || errB != nil || !close(a, b)) {
				return false
			}
		}
		return true
	}
	var g, w any
	return json.Unmarshal(got, &g) == nil && json.Unmarshal(want, &w) == nil && close(g, w)
}

// close compares decoded JSON values, numbers to a relative 1e-4 (and the
// kernel and core count not at all).
func close(a, b any) bool {
	switch a := a.(type) {
	case float64:
		b, ok := b.(float64)
		return ok && (a == b || abs(a-b) <= 1e-4*max(abs(a), abs(b)))
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, v := range a {
			if w, ok := b[k]; !ok || k != "kernel" && k != "cores" && !close(v, w) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !close(a[i], b[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
