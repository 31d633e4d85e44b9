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

// Cancelled before the step-0 snapshot is measured, a run still writes a
// complete output: the run line and the summary with interrupted true in
// JSON Lines, the header in CSV.
func TestRunCancelledInTheFirstSnapshot(t *testing.T) {
	sc, _ := preset.Lookup("tiny")
	for _, format := range Formats {
		r, err := scenarios.NewRunner(context.Background(), sc)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var out bytes.Buffer
		w, _ := NewWriter(format, &out)
		sum, err := Run(ctx, r, w, Options{})
		if err != nil || !sum.Interrupted || sum.Steps != 0 {
			t.Fatalf("%s: Run = %+v, %v; want interrupted at step 0", format, sum, err)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if format == "csv" {
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "step,examples,") {
				t.Errorf("csv: %q, want the header alone", out.String())
			}
			continue
		}
		var first, last map[string]any
		if len(lines) != 2 || json.Unmarshal([]byte(lines[0]), &first) != nil || json.Unmarshal([]byte(lines[1]), &last) != nil ||
			first["type"] != "run" || last["type"] != "summary" || last["interrupted"] != true || last["test_error"] != nil {
			t.Errorf("jsonl: %q, want the run line and an interrupted summary", out.String())
		}
	}
}
