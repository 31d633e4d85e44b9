package plot

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"strings"
	"testing"

	"initscope/scenarios"
	"initscope/scenarios/batch"
	"initscope/scenarios/preset"
)

// A real tiny run, written as JSON Lines, read back and drawn: every figure
// is a PNG of the expected size, and a run without histograms skips theirs.
func TestWriteFiguresFromARealRun(t *testing.T) {
	for _, hist := range []bool{true, false} {
		run, err := Read(context.Background(), "run.jsonl", bytes.NewReader(tinyRun(t, 60, 20, hist)))
		if err != nil {
			t.Fatal(err)
		}
		if len(run.Snapshots) != 4 || run.Run.Scenario.Name != "tiny" {
			t.Fatalf("read %d snapshots of %q, want 4 of tiny", len(run.Snapshots), run.Run.Scenario.Name)
		}
		dir := t.TempDir()
		files, err := Write(dir, run)
		if err != nil {
			t.Fatal(err)
		}
		want := 4
		if hist {
			want = 6
		}
		if len(files) != want {
			t.Errorf("hist=%v: wrote %v, want %d figures", hist, files, want)
		}
		for _, f := range files {
			data, _ := os.ReadFile(f)
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if b := img.Bounds(); b.Dx() < 500 || b.Dy() < 500 {
				t.Errorf("%s is %v", f, b)
			}
		}
	}
}

// A run measured only at initialization gets the figures that make sense
// for one snapshot: theory and the step-0 histograms.
func TestWriteOneSnapshot(t *testing.T) {
	sc, _ := preset.Lookup("tiny")
	sc.Steps, sc.Hist = 0, true
	runner, _ := scenarios.NewRunner(context.Background(), sc)
	var out bytes.Buffer
	w, _ := batch.NewWriter("jsonl", &out)
	batch.Run(context.Background(), runner, w, batch.Options{})
	run, _ := Read(context.Background(), "run.jsonl", &out)
	files, err := Write(t.TempDir(), run)
	if err != nil || len(files) != 2 || !strings.HasSuffix(files[0], "theory.png") || !strings.HasSuffix(files[1], "hist-first.png") {
		t.Errorf("wrote %v, %v; want theory.png and hist-first.png", files, err)
	}
}

func TestReadErrors(t *testing.T) {
	if _, err := Read(context.Background(), "x.jsonl", strings.NewReader("{\"type\":\"run\"}\nnot json\n")); err == nil || !strings.HasPrefix(err.Error(), "x.jsonl:2: not JSON") {
		t.Errorf("error = %v", err)
	}
	if _, err := Read(context.Background(), "x.jsonl", strings.NewReader("")); err == nil || !strings.Contains(err.Error(), "no snapshot lines") {
		t.Errorf("error = %v", err)
	}
}
