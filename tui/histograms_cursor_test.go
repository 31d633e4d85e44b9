package tui

import (
	"strings"
	"testing"

	"initscope/nn"
)

// The Histograms view draws step 0 beside the shown step: with the cursor
// on a snapshot whose activations all fall in the first bin, the right
// half of every layer has one bar, in its first column, and the left half
// is step 0's bell.
func TestHistogramsAtCursor(t *testing.T) {
	st := NewStyles(asciiRenderer())
	d := fakeRun(goldenScenario(t), 60)
	spike := nn.NewHistogram(-1, 1, 50)
	spike.Counts[0] = 1000
	s := &d.Snaps[30] // step 3,000
	s.Layers = append([]nn.LayerStats(nil), s.Layers...)
	for l := range s.Layers {
		s.Layers[l].ActHist = spike
	}
	d.Cursor = 31
	for _, size := range [][2]int{{80, 19}, {160, 43}} {
		got := renderHistograms(d, size[0], size[1], 0, st)
		checkGolden(t, "histograms-cursor-"+itoa(size[0])+"x"+itoa(size[1]), got)
		lines := strings.Split(got, "\n")
		if !strings.Contains(lines[2], "step 0") || !strings.Contains(lines[2], "│ step 3,000") {
			t.Errorf("%dx%d: steps line %q, want step 0 │ step 3,000", size[0], size[1], lines[2])
		}
		if !strings.Contains(lines[0], "activations z") || strings.Trim(lines[1], " ─┃") != "" {
			t.Errorf("%dx%d: title %q and rule %q", size[0], size[1], lines[0], lines[1])
		}
		bars, bell := 0, 0
		for _, l := range lines[3:] {
			left, right, ok := strings.Cut(l, " │ ")
			if !ok {
				continue
			}
			right, _, _ = strings.Cut(right, " ┃") // the first kind only
			if r := []rune(strings.TrimRight(right, " ")); len(r) > 1 {
				t.Errorf("%dx%d: the shown step's histogram is wider than its one bin: %q", size[0], size[1], right)
			} else if len(r) == 1 {
				bars++
			}
			bell += strings.Count(left, "█")
		}
		// Five layers: at least one full cell each for the spike, and
		// step 0's bells are wide (fakeHist: sd 0.6 x 0.8^l of [-1, 1)).
		if bars < 5 || bell < 5*10 {
			t.Errorf("%dx%d: %d rows with the shown step's bar, %d full cells of step 0's:\n%s", size[0], size[1], bars, bell, got)
		}
	}
}

// No histograms at all (a run from before they were recorded) reads as a
// wait, not as a setting to change.
func TestHistogramsNone(t *testing.T) {
	sc := goldenScenario(t)
	sc.Hist = false
	got := renderHistograms(fakeRun(sc, 3), 80, 19, 0, NewStyles(asciiRenderer()))
	if strings.Contains(got, "settings") || !strings.Contains(got, "no histograms recorded") {
		t.Errorf("got %q", got)
	}
}

// A deep network in few rows: the view says which layers need more rows.
func TestHistogramsDeepSaysWhatIsLeftOut(t *testing.T) {
	sc := goldenScenario(t)
	sc.Depth = 20
	got := renderHistograms(fakeRun(sc, 3), 80, 19, 0, NewStyles(asciiRenderer()))
	if !strings.Contains(got, "layers 1-15 of 20 · pgup/pgdn: scroll") || len(strings.Split(got, "\n")) > 19 {
		t.Errorf("deep network at 80x19:\n%s", got)
	}
	// Scrolled to the end, the last layers show.
	got, first, _ := renderHistogramsAt(fakeRun(sc, 3), 80, 19, 0, 99, NewStyles(asciiRenderer()))
	if first != 5 || !strings.Contains(got, "L20") || !strings.Contains(got, "layers 6-20 of 20") {
		t.Errorf("scrolled to the end: first %d\n%s", first, got)
	}
}

// Theory's table scrolls too: a 20-layer network at 80x19 shows the
// layers that fit, says which, and pgdown's scroll reaches L20.
func TestTheoryDeepScrolls(t *testing.T) {
	sc := goldenScenario(t)
	sc.Depth = 20
	got, first, _ := renderTheoryAt(fakeRun(sc, 3), 80, 19, 0, NewStyles(asciiRenderer()))
	if first != 0 || !strings.Contains(got, "layers 1-15 of 20 · pgup/pgdn: scroll") || strings.Contains(got, "L16 ") || len(strings.Split(got, "\n")) > 19 {
		t.Errorf("deep network at 80x19:\n%s", got)
	}
	got, first, _ = renderTheoryAt(fakeRun(sc, 3), 80, 19, 99, NewStyles(asciiRenderer()))
	if first != 5 || !strings.Contains(got, "L20 ") || !strings.Contains(got, "layers 6-20 of 20") {
		t.Errorf("scrolled to the end: first %d\n%s", first, got)
	}
}
