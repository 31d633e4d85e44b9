package batch

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"initscope/nn"
	"initscope/scenarios"
	"initscope/scenarios/preset"
)

// tee writes every record to several writers.
type tee []Writer

func (t tee) Run(r RunRecord) error {
	for _, w := range t {
		if err := w.Run(r); err != nil {
			return err
		}
	}
	return nil
}

func (t tee) Snapshot(s SnapshotRecord) error {
	for _, w := range t {
		if err := w.Snapshot(s); err != nil {
			return err
		}
	}
	return nil
}

func (t tee) Summary(s SummaryRecord) error {
	for _, w := range t {
		if err := w.Summary(s); err != nil {
			return err
		}
	}
	return nil
}

// TestCSVMatchesJSON runs the tiny preset with histograms and the Jacobian
// at every snapshot, writing JSON Lines and CSV from the same records, and
// checks every CSV cell against the JSON value of the same snapshot and
// layer: a shifted or missing column fails, and so does a JSON key of a
// statistic that the CSV lacks.
func TestCSVMatchesJSON(t *testing.T) {
	sc, err := preset.Load("tiny")
	if err != nil {
		t.Fatal(err)
	}
	sc.Steps, sc.Every, sc.Hist, sc.Jacobian = 20, 10, true, true
	r, err := scenarios.NewRunner(context.Background(), sc)
	if err != nil {
		t.Fatal(err)
	}
	var jl, cv bytes.Buffer
	jw, _ := NewWriter("jsonl", &jl)
	cw, _ := NewWriter("csv", &cv)
	if _, err := Run(context.Background(), r, tee{jw, cw}, Options{}); err != nil {
		t.Fatal(err)
	}

	// The JSON side: snapshot and layer objects by (step, layer).
	type key struct{ step, layer string }
	snaps := map[string]map[string]any{}
	layers := map[key]map[string]any{}
	sawHist, sawJac, sawNull := false, false, false
	for line := range strings.SplitSeq(strings.TrimSpace(jl.String()), "\n") {
		var rec map[string]any
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&rec); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if rec["type"] != "snapshot" {
			continue
		}
		step := rec["step"].(json.Number).String()
		snaps[step] = rec
		for _, l := range rec["layers"].([]any) {
			lm := l.(map[string]any)
			layers[key{step, lm["layer"].(json.Number).String()}] = lm
			for _, h := range Hists() {
				if _, ok := lm[h.Key()].(map[string]any); ok {
					sawHist = true
				}
			}
			if _, ok := lm[JacSVMean.Key()].(json.Number); ok {
				sawJac = true
			}
			for _, s := range Stats() {
				if v, ok := lm[s.Key()]; !ok {
					t.Errorf("step %s: layer without %q", step, s.Key())
				} else if v == nil {
					sawNull = true
				}
			}
		}
	}
	if len(snaps) != 3 || !sawHist || !sawJac || !sawNull {
		t.Fatalf("%d snapshots, histograms %v, a Jacobian %v, a null %v: want 3 snapshots and each of these",
			len(snaps), sawHist, sawJac, sawNull)
	}

	// The CSV side: every column of every row.
	rows, err := csv.NewReader(&cv).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], CSVHeader) {
		t.Fatalf("header %q, want %q", rows[0], CSVHeader)
	}
	if len(rows)-1 != len(layers) {
		t.Fatalf("%d CSV rows, want one per snapshot and layer (%d)", len(rows)-1, len(layers))
	}
	col := func(name string) int { return slices.Index(rows[0], name) }
	for i, row := range rows[1:] {
		k := key{row[col("step")], row[col("layer")]}
		snap, layer := snaps[k.step], layers[k]
		if snap == nil || layer == nil {
			t.Fatalf("row %d: no JSON snapshot %s layer %s", i+2, k.step, k.layer)
		}
		for c, name := range rows[0] {
			want, ok := layer[name]
			if !ok {
				want, ok = snap[name]
			}
			if !ok {
				t.Errorf("row %d: column %q is in neither JSON object", i+2, name)
				continue
			}
			if err := sameValue(row[c], want); err != nil {
				t.Errorf("row %d (step %s, layer %s), column %q: %v", i+2, k.step, k.layer, name, err)
			}
		}
	}
	// Every scalar of a layer object has its column.
	for _, layer := range layers {
		for name, v := range layer {
			if _, obj := v.(map[string]any); !obj && col(name) < 0 && !slices.ContainsFunc(Hists(), func(h Hist) bool { return h.Key() == name }) {
				t.Errorf("JSON layer key %q has no CSV column", name)
			}
		}
		break
	}
}

// sameValue compares a CSV cell with a JSON value: null is empty, numbers
// equal as float64 (both formats print the shortest exact form).
func sameValue(cell string, v any) error {
	if v == nil {
		if cell != "" {
			return fmt.Errorf("CSV %q, JSON null", cell)
		}
		return nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return fmt.Errorf("JSON value %v is not a number", v)
	}
	want, err1 := strconv.ParseFloat(n.String(), 64)
	got, err2 := strconv.ParseFloat(cell, 64)
	if err1 != nil || err2 != nil || got != want {
		return fmt.Errorf("CSV %q, JSON %s", cell, n)
	}
	return nil
}

// The JSON form of a layer keeps the bytes the struct with one field per
// key wrote before the table (the contract): "layer", the statistics in
// table order with null for NaN and Inf, then the histograms. It reads
// back to the same record.
func TestLayerRecordJSON(t *testing.T) {
	st := nn.LayerStats{Layer: 3, ActMean: 0.5, ActStd: 1e-7, ActP2: -2, ActP98: 1e21, Saturated: math.NaN(),
		GradVar: math.Inf(1), WGradVar: 0, JacSVMean: 0.125, TheoryActVar: 123456789, TheoryGradVar: math.Inf(-1),
		GradHist: &nn.Histogram{Lo: -1, Hi: 1, Counts: []int{1, 2}, Over: 3}}
	rec := NewLayerRecord(st)
	got, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	// Each key's bytes, in order; a statistic added to the table adds a
	// key between these without changing them.
	want := []string{`{"layer":3,`, `"act_mean":0.5,`, `"act_std":1e-7,`, `"act_p2":-2,`, `"act_p98":1e+21,`,
		`"saturated":null,`, `"grad_var":null,`, `"wgrad_var":0,`, `"jac_sv_mean":0.125,`, `"theory_act_var":123456789,`,
		`"theory_grad_var":null,`, `"act_hist":null,`, `"grad_hist":{"lo":-1,"hi":1,"counts":[1,2],"under":0,"over":3,"nan":0},`,
		`"wgrad_hist":null}`}
	rest := string(got)
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 || w[0] == '{' && i != 0 || w[len(w)-1] == '}' && i+len(w) != len(rest) {
			t.Errorf("JSON %s: no %s after the previous key (or not where it belongs)", got, w)
			break
		}
		rest = rest[i+len(w):]
	}
	var back LayerRecord
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if !bytes.Equal(again, got) {
		t.Errorf("read back and written again:\n got %s\nwant %s", again, got)
	}
	// Keys in any order, unknown keys skipped, null as missing.
	var r LayerRecord
	if err := json.Unmarshal([]byte(`{"extra":[1,{"a":2}],"grad_var":2,"layer":4,"act_mean":null}`), &r); err != nil {
		t.Fatal(err)
	}
	if r.Layer != 4 || r.Stats[GradVar] == nil || *r.Stats[GradVar] != 2 || r.Stats[ActMean] != nil {
		t.Errorf("decoded %+v", r)
	}
}

// Every key is unique, named once, and every row can be read.
func TestStatTable(t *testing.T) {
	seen := map[string]bool{"layer": true}
	for _, s := range Stats() {
		i := s.Info()
		if i.Key == "" || seen[i.Key] || i.Title == "" || i.Unit == "" || i.Description == "" || i.Get == nil {
			t.Errorf("stat %d: %+v: want a new key, a title, a unit, a description and a getter", s, i)
		}
		seen[i.Key] = true
	}
	for _, h := range Hists() {
		i := h.Info()
		if i.Key == "" || seen[i.Key] || i.Title == "" || i.Description == "" || i.Get == nil {
			t.Errorf("histogram %d: %+v: want a new key, a title, a description and a getter", h, i)
		}
		seen[i.Key] = true
	}
}

// FuzzLayerRecord: any input decodes to a record or an error, never a
// panic, and a decoded record written and read again is the same record.
func FuzzLayerRecord(f *testing.F) {
	for _, s := range []string{`{}`, `null`, `[]`, `"x"`, `{"layer":1,"act_mean":1e308,"act_hist":{"lo":0,"hi":1,"counts":[1]}}`,
		`{"act_mean":"x"}`, `{"act_mean":1e999}`, `{"layer":null,"act_mean":null,"act_hist":null}`, `{"a":{"b":[{}]},"layer":-1}`,
		`{"act_mean":1,"act_mean":2}`, `{"grad_hist":{"counts":[-1]},"layer":9223372036854775807}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var r LayerRecord
		if json.Unmarshal(data, &r) != nil {
			return
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("%s: written again: %v", data, err)
		}
		var back LayerRecord
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%s: written as %s, read back: %v", data, out, err)
		}
		if again, _ := json.Marshal(back); !bytes.Equal(again, out) {
			t.Fatalf("%s: written as %s, then as %s", data, out, again)
		}
	})
}
