package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"

	"initscope/nn"
)

// theoryRun is the goldens' fake run (60 snapshots, every 100 steps) with
// a Jacobian recorded at step 2,000 too (σ̄ = 0.7 + 0.01 l).
func theoryRun(t *testing.T) runData {
	d := fakeRun(goldenScenario(t), 60)
	for l := range d.Snaps[20].Layers[:len(d.Snaps[20].Layers)-1] {
		d.Snaps[20].Layers[l].JacSVMean = 0.7 + 0.01*float64(l)
	}
	return d
}

// row is the fields of the line of s that starts with first.
func row(t *testing.T, s, first string) []string {
	t.Helper()
	for _, l := range strings.Split(s, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == first {
			return f
		}
	}
	t.Fatalf("no line starts with %q:\n%s", first, s)
	return nil
}

// At a past snapshot Theory shows that snapshot's variances and the
// Jacobian recorded before it, says whose, and every layer in the table
// and the dot plot at 80x24 (19 rows for the view).
func TestTheoryAtCursor(t *testing.T) {
	st := NewStyles(asciiRenderer())
	d := theoryRun(t)
	d.Cursor = 31 // step 3,000: no Jacobian of its own
	for _, size := range [][2]int{{80, 19}, {160, 43}} {
		got := renderTheory(d, size[0], size[1], st)
		name := "theory-cursor-" + itoa(size[0]) + "x" + itoa(size[1])
		checkGolden(t, name, got)
		// At 160 columns the rows left over hold measured ÷ predicted:
		// L1's Var[z] at step 0 is 0.36 against 0.4/3, 2.7x.
		if ratios := strings.Contains(got, "Var[z] measured ÷ predicted"); ratios != (size[0] == 160) || ratios && !strings.Contains(got, " 2.7x ") {
			t.Errorf("%s: ratios shown %v:\n%s", name, ratios, got)
		}
		recorded := "σ̄ of step 2,000: none recorded at 3,000"
		if size[0] == 80 {
			recorded = "σ̄ of step 2,000, none at 3,000 (weights: latest only)" // shortened to fit
		}
		if !strings.Contains(got, "step 3,000 shown") || !strings.Contains(got, recorded) {
			t.Errorf("%s: the first line does not say which steps are shown:\n%s", name, got)
		}
		// L1 at step 3,000: Var[z] = ActStd², ActStd = 0.6 (1 + 0.5 t), t =
		// 30/59 (fakeRun); Var[∂C/∂s] = 1e-6 (1 + 2t); σ̄ 0.5 at step 0 and
		// 0.7 at step 2,000.
		tt := 30.0 / 59
		want := []string{"L1", fmtNum(0.4 / 3), fmtNum(0.36), fmtNum(math.Pow(0.6*(1+0.5*tt), 2)),
			fmtNum(1e-6 / 81), fmtNum(1e-6), fmtNum(1e-6 * (1 + 2*tt)), "0.5", "0.7"}
		if got := row(t, got, "L1"); strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: L1 row %q, want %q", name, got, want)
		}
		// Every layer twice: the table's row and the dot plot's (and the
		// ratios' where they fit).
		for l := 1; l <= 5; l++ {
			want := 2 + btoi(size[0] == 160)
			if n := strings.Count(got, "\nL"+itoa(l)+" "); n != want {
				t.Errorf("%s: L%d shown %d times, want %d (table, dot plot, ratios at 160)", name, l, n, want)
			}
		}
	}
}

func itoa(n int) string { return fmtCount(int64(n)) }

// At step 0 the step-0 columns are not repeated (the header read "step 0
// step 0" before the first re-measure).
func TestTheoryAtStepZero(t *testing.T) {
	st := NewStyles(asciiRenderer())
	d := theoryRun(t)
	d.Snaps = d.Snaps[:1]
	d.State = statePaused
	got := renderTheory(d, 160, 43, st)
	head := strings.Join(row(t, got, "layer"), " ")
	if head != "layer predicted step 0 predicted step 0 step 0" {
		t.Errorf("header at step 0: %q", head)
	}
	if l1 := row(t, got, "L1"); len(l1) != 6 {
		t.Errorf("L1 at step 0 has %d fields, want 6: %q", len(l1), l1)
	}
}

// Theory says what the trainer is doing with the Jacobian.
func TestTheoryStatus(t *testing.T) {
	st := NewStyles(asciiRenderer())
	d := theoryRun(t) // the latest snapshot has its Jacobian
	for _, c := range []struct {
		state     runState
		measuring bool
		drop      bool // the latest without a Jacobian
		want      string
	}{
		{statePaused, false, false, "step 5,900, paused: σ̄ measured at this step"},
		{stateDone, false, false, "step 5,900, done: σ̄ measured at this step"},
		{statePaused, true, true, "⟳ measuring the Jacobian at step 5,900…"},
		{stateRunning, false, true, "training: σ̄ is measured every few seconds while this view is open (latest: step 2,000)"},
		{stateDiverged, false, true, "step 5,900, diverged: a diverged network's Jacobian is not measured"},
	} {
		e := d
		e.State, e.Measuring = c.state, c.measuring
		if c.drop {
			e.Snaps = append([]nn.Snapshot(nil), d.Snaps...)
			last := &e.Snaps[len(e.Snaps)-1]
			last.Layers = append([]nn.LayerStats(nil), last.Layers...)
			for l := range last.Layers {
				last.Layers[l].JacSVMean = math.NaN()
			}
		}
		if got := renderTheory(e, 160, 43, st); !strings.Contains(strings.Split(got, "\n")[0], c.want) {
			t.Errorf("%v measuring %v: first line %q, want %q", c.state, c.measuring, strings.Split(got, "\n")[0], c.want)
		}
	}
}

// A network deeper than the rows: the table keeps every layer and the dot
// plot says what it needs instead of dropping layers.
func TestTheoryDeepAtSmallSize(t *testing.T) {
	sc := goldenScenario(t)
	sc.Depth = 12
	got := renderTheory(fakeRun(sc, 3), 80, 19, NewStyles(asciiRenderer()))
	for l := 1; l <= 12; l++ {
		row(t, got, "L"+itoa(l))
	}
	if !strings.Contains(got, "the dot plot of log10 variances needs") {
		t.Errorf("no word on the dot plot:\n%s", got)
	}
	if n := len(strings.Split(got, "\n")); n > 19 {
		t.Errorf("%d lines in 19 rows", n)
	}
}

// Paused at step 0, the step-0 Jacobian is the shown state's.
func TestTheoryStatusAtStepZero(t *testing.T) {
	d := theoryRun(t)
	d.Snaps = d.Snaps[:1]
	got := strings.Split(renderTheory(d, 160, 43, NewStyles(asciiRenderer())), "\n")[0]
	if !strings.Contains(got, "step 0, paused: σ̄ measured at this step") {
		t.Errorf("first line %q", got)
	}
}

// The dot plot's marks land where their values are on the axis it
// labels: for every layer, ○ at the predicted Var[z], ● at step 0's and ◆
// at the shown step's (fakeRun's formulas), on the decades the axis line
// names.
func TestTheoryDotPlotPositions(t *testing.T) {
	d := theoryRun(t)
	d.Cursor = 31 // step 3,000, t = 30/59
	const w = 80
	got := strings.Split(renderTheory(d, w, 19, NewStyles(asciiRenderer())), "\n")
	var axis int
	for i, l := range got {
		if strings.HasPrefix(strings.TrimSpace(l), "Var[z]") {
			axis = i
		}
	}
	f := strings.Fields(got[axis]) // Var[z] 1e-3 1e0 Var[∂C/∂s] ...
	var lo, hi float64
	if _, err := fmt.Sscanf(f[1]+" "+f[2], "1e%g 1e%g", &lo, &hi); err != nil {
		t.Fatalf("axis line %q: %v", got[axis], err)
	}
	pw := (w - 6) / 2
	sw := pw - 2
	tt := 30.0 / 59
	for l := range 5 {
		row := []rune(got[axis+1+l])[6 : 6+sw]
		std0 := 0.6 * math.Pow(0.8, float64(l))
		for _, m := range []struct {
			mark rune
			v    float64
		}{
			{'○', 0.4 * math.Pow(1.0/3, float64(l+1))},
			{'●', std0 * std0},
			{'◆', math.Pow(std0*(1+0.5*tt), 2)},
		} {
			want := int(math.Round((math.Log10(m.v) - lo) / (hi - lo) * float64(sw-1)))
			if at := slices.Index(row, m.mark); at != want {
				t.Errorf("L%d: %c at %d, want %d (log10 %.3f on 1e%g..1e%g): %q", l+1, m.mark, at, want, math.Log10(m.v), lo, hi, string(row))
			}
		}
	}
}

// At 80 columns every status line fits whole, its phrases shortened.
func TestTheoryStatusFitsNarrow(t *testing.T) {
	for _, s := range []string{
		"step 11,300, training: σ̄ is measured every few seconds while this view is open (latest: step 2,000)",
		"step 11,300 shown (end: latest) · σ̄ of step 2,000: none recorded at 11,300, weights are kept only for the latest state",
	} {
		if got := shortenStatus(s, 80); lipgloss.Width(got) > 80 || !strings.Contains(got, "2,000") {
			t.Errorf("%q -> %q (%d cells)", s, got, lipgloss.Width(got))
		}
		if got := shortenStatus(s, 200); got != s {
			t.Errorf("shortened at 200 columns: %q", got)
		}
	}
}
