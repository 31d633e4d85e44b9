package batch

import (
	"bytes"
	"context"
	"testing"

	"initscope/nn"
	"initscope/scenarios"
)

// TestWriteRunMatchesRun checks that writing a run's snapshots from memory
// gives the same lines as Run, except for the timings in the summary.
func TestWriteRunMatchesRun(t *testing.T) {
	sc, err := scenarios.Load("tiny")
	if err != nil {
		t.Fatal(err)
	}
	sc.Steps, sc.Every = 20, 10
	var want bytes.Buffer
	r, err := scenarios.NewRunner(context.Background(), sc)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := NewWriter("jsonl", &want)
	if _, err := Run(context.Background(), r, w, Options{}); err != nil {
		t.Fatal(err)
	}

	r2, err := scenarios.NewRunner(context.Background(), sc)
	if err != nil {
		t.Fatal(err)
	}
	run := NewRunRecord(r2)
	var snaps []nn.Snapshot
	snaps = append(snaps, mustSnapshot(t, r2))
	for !r2.Done() {
		r2.Step()
		if r2.StepCount()%sc.Every == 0 {
			snaps = append(snaps, mustSnapshot(t, r2))
		}
	}
	var got bytes.Buffer
	w2, _ := NewWriter("jsonl", &got)
	if err := WriteRun(w2, run, snaps, r2.Summary(snaps[len(snaps)-1].TestError, 0), false); err != nil {
		t.Fatal(err)
	}
	wantLines := bytes.Split(bytes.TrimSpace(want.Bytes()), []byte("\n"))
	gotLines := bytes.Split(bytes.TrimSpace(got.Bytes()), []byte("\n"))
	if len(gotLines) != len(wantLines) {
		t.Fatalf("got %d lines, want %d", len(gotLines), len(wantLines))
	}
	// Every line but the summary (which carries wall-clock times) matches.
	for i := 0; i < len(wantLines)-1; i++ {
		if !bytes.Equal(gotLines[i], wantLines[i]) {
			t.Errorf("line %d:\ngot  %s\nwant %s", i+1, gotLines[i], wantLines[i])
		}
	}
	if !bytes.Contains(gotLines[len(gotLines)-1], []byte(`"type":"summary"`)) {
		t.Errorf("last line is not the summary: %s", gotLines[len(gotLines)-1])
	}
}

func mustSnapshot(t *testing.T, r *scenarios.Runner) nn.Snapshot {
	t.Helper()
	s, err := r.Snapshot(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
