package plot

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
)

// A cancelled context stops WriteContext before the next figure: it
// returns the files written so far (none here) and the context's error.
func TestWriteContextCancelled(t *testing.T) {
	run, err := Read(context.Background(), "run.jsonl", bytes.NewReader(tinyRun(t, 60, 20, true)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	files, err := WriteContext(ctx, dir, run)
	if !errors.Is(err, context.Canceled) || len(files) != 0 {
		t.Errorf("got %v, %v; want no file and context.Canceled", files, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files in %s, want none", len(entries), dir)
	}
}
