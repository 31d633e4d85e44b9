package dataset

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// A done context stops Open, Test and Probe with its error; a set filled
// in pieces equals one filled at once.
func TestContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Open(ctx, "shapeset", 1); !errors.Is(err, context.Canceled) {
		t.Errorf("Open on a done context: %v", err)
	}
	for _, spec := range []string{"shapeset", "tiny"} {
		src := mustOpen(t, spec, 3)
		if s, err := src.Test(ctx, 1000); !errors.Is(err, context.Canceled) || s != nil {
			t.Errorf("%s: Test on a done context = %v, %v", spec, s, err)
		}
		if s, err := src.Probe(ctx, 1000); !errors.Is(err, context.Canceled) || s != nil {
			t.Errorf("%s: Probe on a done context = %v, %v", spec, s, err)
		}
		n := 3*fillEvery + 7 // several pieces and a ragged end
		got := testSet(t, src, n)
		want := NewSet(n, src.Dim(), src.Classes())
		src.(*generated).stream(derive(3, testTag)).Fill(want.X, want.Y)
		if !slices.Equal(got.X, want.X) || !slices.Equal(got.Y, want.Y) {
			t.Errorf("%s: the test set filled in pieces differs from one Fill", spec)
		}
	}
}
