package batch

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"initscope/scenarios"
	"initscope/scenarios/preset"
)

// A --init pretrained run's first line says what pre-training did, layer
// by layer (the reconstruction cost before and after, lower after); other
// runs have "pretraining": null.
func TestRunLinePretraining(t *testing.T) {
	sc, _ := preset.Lookup("tiny")
	sc.Steps = 0
	for _, init := range []string{"pretrained", "normalized"} {
		sc.Init, sc.PretrainUpdates = init, 200
		r, err := scenarios.NewRunner(context.Background(), sc)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		w, _ := NewWriter("jsonl", &out)
		if _, err := Run(context.Background(), r, w, Options{}); err != nil {
			t.Fatal(err)
		}
		line, _, _ := strings.Cut(out.String(), "\n")
		var run struct {
			Pretraining []map[string]any `json:"pretraining"`
		}
		if err := json.Unmarshal([]byte(line), &run); err != nil || !strings.Contains(line, `"pretraining":`) {
			t.Fatalf("%s: run line %s: %v", init, line, err)
		}
		if init != "pretrained" {
			if !strings.Contains(line, `"pretraining":null`) {
				t.Errorf("%s: run line %s, want \"pretraining\":null", init, line)
			}
			continue
		}
		if len(run.Pretraining) != sc.Depth {
			t.Fatalf("pretraining %v, want %d layers", run.Pretraining, sc.Depth)
		}
		for i, p := range run.Pretraining {
			before, _ := p["cost_before"].(float64)
			after, _ := p["cost_after"].(float64)
			if p["layer"] != float64(i+1) || p["cost"] != "squared-error" || !(after < before) || p["updates"] != 200.0 || p["examples"] != 200.0*float64(sc.BatchSize) {
				t.Errorf("layer %d: %v, want a lower squared-error cost after 200 updates", i+1, p)
			}
		}
	}
}
