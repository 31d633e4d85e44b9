package batch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"initscope/nn"
	"initscope/scenarios"
	"initscope/scenarios/preset"
	"initscope/scenarios/surface"
)

// A run with --surface 5 writes, after the step-0 snapshot, one surface
// record per cost whose values are surface.Compute's on the run's step-0
// network and the seed's random data; the CSV leaves them out.
func TestSurfaceRecords(t *testing.T) {
	sc, _ := preset.Lookup("tiny")
	sc.Steps, sc.Every, sc.Surface = 3, 3, 5
	var out bytes.Buffer
	runner, err := scenarios.NewRunner(context.Background(), sc)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := NewWriter("jsonl", &out)
	if _, err := Run(context.Background(), runner, w, Options{}); err != nil {
		t.Fatal(err)
	}
	var types []string
	var recs []SurfaceRecord
	sc2 := bufio.NewScanner(&out)
	sc2.Buffer(nil, 1<<20)
	for sc2.Scan() {
		var head struct{ Type string }
		json.Unmarshal(sc2.Bytes(), &head)
		types = append(types, head.Type)
		if head.Type == "surface" {
			var r SurfaceRecord
			if err := json.Unmarshal(sc2.Bytes(), &r); err != nil {
				t.Fatal(err)
			}
			recs = append(recs, r)
		}
	}
	if got := strings.Join(types, " "); got != "run snapshot surface surface snapshot summary" {
		t.Fatalf("record types %q", got)
	}
	// The same network at step 0 (same seed), computed directly.
	fresh, _ := scenarios.NewRunner(context.Background(), sc)
	x, y := surface.RandomData(sc.Seed, sc.Probe, fresh.Net.Inputs, fresh.Net.Classes)
	want, err := surface.Compute(context.Background(), fresh.Net, x, y, sc.Probe, 5, nn.Costs())
	if err != nil {
		t.Fatal(err)
	}
	for c, r := range recs {
		if r.Cost != want[c].Cost.String() || r.Data != "random" || r.Examples != sc.Probe || r.Step != 0 ||
			r.W1.Layer != 1 || r.W2.Layer != sc.Depth+1 || r.W1.Init == nil || *r.W1.Init != want[c].At[0] || len(r.X) != 5 || r.X[0] != -4 {
			t.Errorf("record %d: %+v", c, r)
		}
		for i := range want[c].Z {
			for j, v := range want[c].Z[i] {
				if got := r.Values[i][j]; got == nil || *got != v {
					t.Errorf("%s at (%d, %d): %v, want %v", r.Cost, i, j, got, v)
				}
			}
		}
	}

	var csvOut bytes.Buffer
	runner, _ = scenarios.NewRunner(context.Background(), sc)
	cw, _ := NewWriter("csv", &csvOut)
	if _, err := Run(context.Background(), runner, cw, Options{}); err != nil || strings.Contains(csvOut.String(), "surface") {
		t.Errorf("csv: %v, %q", err, csvOut.String())
	}
}

// A surface the network cannot have is refused before the run line, in
// one line naming the size and the limit: a grid out of range (by the
// settings table, when the runner is made), or too much work for the
// network.
func TestSurfaceRefused(t *testing.T) {
	for _, c := range []struct {
		grid, probe, depth, width int
		want                      string
	}{
		{1, 100, 1, 16, "surface 1 out of range (0, or 2..101)"},
		{-5, 100, 1, 16, "surface -5 out of range"},
		{102, 100, 1, 16, "surface 102 out of range"},
		{101, 1000, 2, 1000, "surface of 101 x 101 points over 1000 examples of this 2 x 1000 network is 1e+13 multiply-adds, over the limit of 1e+11 (lower the grid or --probe"},
	} {
		sc, _ := preset.Lookup("tiny")
		sc.Steps, sc.Surface, sc.Probe, sc.Depth, sc.Width = 1, c.grid, c.probe, c.depth, c.width
		runner, err := scenarios.NewRunner(context.Background(), sc)
		if err != nil {
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("grid %d: NewRunner: %v; want %q", c.grid, err, c.want)
			}
			continue
		}
		var out bytes.Buffer
		w, _ := NewWriter("jsonl", &out)
		_, err = Run(context.Background(), runner, w, Options{})
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") || out.Len() != 0 {
			t.Errorf("grid %d: %v, output %q; want %q and no output", c.grid, err, out.String(), c.want)
		}
	}
}

// A non-finite cost is null in the record.
func TestNewSurfaceRecordNull(t *testing.T) {
	s := surface.Surface{Cost: nn.Quadratic, X: []float64{-1, 1}, Y: []float64{-1, 1},
		Z: [][]float64{{math.NaN(), 1}, {math.Inf(1), 2}}, At: [2]float64{math.NaN(), 0.5}}
	r := NewSurfaceRecord(s, 0, 10)
	if r.Values[0][0] != nil || r.Values[1][0] != nil || *r.Values[1][1] != 2 || r.W1.Init != nil || *r.W2.Init != 0.5 {
		t.Errorf("%+v", r)
	}
	data, _ := json.Marshal(r)
	if !bytes.Contains(data, []byte(`"values":[[null,1],[null,2]]`)) {
		t.Errorf("JSON %s", data)
	}
}
