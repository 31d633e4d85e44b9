package tui

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

func plainLines(s string) []string { return strings.Split(ansi.Strip(s), "\n") }

// TestLayersUsesTheScreen: at 220x55 the table reaches the diagnosis line
// (no blank band), sparklines are most of each column, and the time
// marker sits under the last layer.
func TestLayersUsesTheScreen(t *testing.T) {
	d := fakeRun(goldenScenario(t), 60)
	st := NewStyles(asciiRenderer())
	const w, h = 220, 55
	lines := plainLines(renderLayers(d, w, h, st))
	if len(lines) != h {
		t.Fatalf("%d lines, want %d", len(lines), h)
	}
	if !strings.Contains(lines[h-3], "▲") {
		t.Errorf("the marker line should end the table at line %d:\n%s", h-3, strings.Join(lines, "\n"))
	}
	if !strings.HasPrefix(lines[h-2], "diagnosis: ") {
		t.Errorf("line %d: %q, want the diagnosis", h-2, lines[h-2])
	}
	// L1's value row (its saturation now is 6.0%): the std sparkline of 60
	// snapshots takes most of its column.
	found := false
	for _, l := range lines {
		cells := strings.Split(l, "│")
		if len(cells) == 5 && strings.Contains(cells[2], "6.0%") {
			found = true
			if n := strings.Count(cells[1], "█"); n < 30 {
				t.Errorf("std sparkline of %d cells in a %d-cell column: %q", n, len([]rune(cells[1])), cells[1])
			}
		}
	}
	if !found {
		t.Errorf("no L1 value row:\n%s", strings.Join(lines, "\n"))
	}
}

// TestLayersMeanCentred: a mean of exactly 0 all along is a thin line
// about the centre, not a block; the value ends at its column's separator.
func TestLayersMeanCentred(t *testing.T) {
	d := fakeRun(goldenScenario(t), 60)
	for i := range d.Snaps {
		for l := range d.Snaps[i].Layers {
			d.Snaps[i].Layers[l].ActMean = 0
		}
	}
	st := NewStyles(asciiRenderer())
	for _, w := range []int{80, 160} {
		lines := plainLines(renderLayers(d, w, 43, st))
		for _, l := range lines[2 : len(lines)-3] {
			mean := strings.Split(l, "│")[0]
			if strings.ContainsAny(mean, "█▄▅▆▇") {
				t.Errorf("w %d: mean of 0 drawn as a block: %q", w, mean)
			}
			// The value (fmtSigned(0) = "+0") ends where the separator
			// starts (" │ " from 120 columns).
			if strings.Contains(mean, "+0") && !strings.HasSuffix(strings.TrimSuffix(mean, " "), "+0") {
				t.Errorf("w %d: the value should end at the separator: %q", w, mean)
			}
		}
	}
}

// TestEveryLayerScrolls: twenty layers at 80x19 do not fit in any view
// that lists layers; each says which it shows, and pgdown (Layers' key,
// one scroll for all, paging by what the last view showed) brings every
// layer, none skipped.
func TestEveryLayerScrolls(t *testing.T) {
	sc := goldenScenario(t)
	sc.Depth = 20
	d := fakeRun(sc, 30)
	runs := [numRuns]runData{runMain: d, runA: d, runB: d}
	st := NewStyles(asciiRenderer())
	label := regexp.MustCompile(`^L([0-9]+)$`)
	for _, v := range []viewID{viewLayers, viewDynamics, viewHist, viewTheory, viewCompare} {
		views := newViews()
		if v == viewCompare { // its layer tables, after the curves and the profiles
			for range 2 {
				views[v], _ = views[v].(keyedView).Update(press("v"))
			}
		}
		seen := map[string]bool{}
		for range 20 {
			out := plainLines(views[v].View(&runs, 80, 19, st))
			if len(out) > 19 {
				t.Fatalf("%s: %d lines in 19", viewNames[v], len(out))
			}
			if !strings.Contains(strings.Join(out, "\n"), "of 20 · pgup/pgdn: scroll") {
				t.Fatalf("%s: no scroll note:\n%s", viewNames[v], strings.Join(out, "\n"))
			}
			for _, l := range out {
				for _, f := range strings.Fields(l) {
					if label.MatchString(f) {
						seen[f] = true
					}
				}
			}
			views[viewLayers].(keyedView).Update(tea.KeyMsg{Type: tea.KeyPgDown})
		}
		for l := 1; l <= 20; l++ {
			if name := fmt.Sprintf("L%d", l); !seen[name] {
				t.Errorf("%s: %s never shown", viewNames[v], name)
			}
		}
	}
}

// TestDynamicsAxes: each chart's y axis fits its layer's data (the upper
// layers' small activations are not a flat band on -1..1), y fixes them,
// and ▲ marks the shown step on the step axis.
func TestDynamicsAxes(t *testing.T) {
	d := fakeRun(goldenScenario(t), 60)
	for i := range d.Snaps {
		for l := range d.Snaps[i].Layers {
			ls := &d.Snaps[i].Layers[l]
			ls.ActMean, ls.ActStd, ls.ActP2, ls.ActP98 = 0, 0.02, -0.05, 0.05
		}
	}
	d.Cursor = 30 // step 2,900 of 5,900
	runs := [numRuns]runData{runMain: d}
	st := NewStyles(asciiRenderer())
	views := newViews()
	out := views[viewDynamics].View(&runs, 160, 43, st)
	if !strings.Contains(out, "+0.055┤") || strings.Contains(out, "+1┤") {
		t.Errorf("the axis should fit ±0.05 (padded 5%%):\n%s", out)
	}
	for _, l := range plainLines(out) {
		if i := strings.Index(l, "└"); i >= 0 {
			axis := []rune(l[i:])
			at := -1
			for j, r := range axis {
				if r == '▲' {
					at = j
				}
			}
			if at < len(axis)/4-4 || at > len(axis)/4+4 && at < len(axis)/2-4 {
				t.Errorf("▲ at %d of %d: want the middle of the first chart's axis: %q", at, len(axis), l)
			}
			break
		}
	}
	views[viewDynamics].(keyedView).Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("y")})
	out = views[viewDynamics].View(&runs, 160, 43, st)
	if !strings.Contains(out, "+1┤") || !strings.Contains(out, "y axes fixed") {
		t.Errorf("y should fix the axes to tanh's -1..1:\n%s", out)
	}
	// The same key fixes Learning's axes: from 0.
	out = ansi.Strip(views[viewLearning].View(&runs, 160, 43, st))
	if !strings.Contains(out, "      0┤") || !strings.Contains(out, "y axes from 0") {
		t.Errorf("learning with fixed axes should start at 0:\n%s", out)
	}
}

// TestLearningAxes: examples on x, losses fitted, a log axis when they
// span decades.
func TestLearningAxes(t *testing.T) {
	d := fakeRun(goldenScenario(t), 60)
	st := NewStyles(asciiRenderer())
	out := ansi.Strip(renderLearning(d, 160, 43, st))
	if !strings.Contains(out, "└examples 0") || !strings.Contains(out, "59,000") {
		t.Errorf("x should be the examples seen:\n%s", out)
	}
	if strings.Contains(out, "      0┤") {
		t.Errorf("the loss axis should fit the data, not start at 0:\n%s", out)
	}
	for i := range d.Snaps { // a loss falling 1000x: a log axis
		d.Snaps[i].TestLoss = 2 * pow10(-3*float64(i)/59)
		d.Snaps[i].TrainLoss = d.Snaps[i].TestLoss
	}
	// log10 from 2e-3 to 2, padded 5% a side: 2.83 at the top, 0.00142 at
	// the bottom, and their geometric mean 0.0632 in the middle.
	out = ansi.Strip(renderLearning(d, 160, 43, st))
	for _, want := range []string{"2.83┤", "0.0632┤", "0.00142┤"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log axis lacks %q:\n%s", want, out)
		}
	}
}

// TestLayoutHostileSizes: no size makes a view panic, however small (the
// app's frame never gives a view less than a few rows, but a view does
// not rely on it), nor the largest.
func TestLayoutHostileSizes(t *testing.T) {
	sc := goldenScenario(t)
	st := NewStyles(asciiRenderer())
	deep := sc
	deep.Depth = 20
	sizes := [][2]int{{80, 19}, {500, 200}}
	for w := range 40 {
		for h := range 12 {
			sizes = append(sizes, [2]int{w, h})
		}
	}
	for _, d := range []runData{{Scenario: sc}, fakeRun(sc, 1), fakeRun(sc, 60), fakeRun(deep, 5)} {
		runs := [numRuns]runData{runMain: d, runA: d, runB: d}
		views := newViews()
		for _, s := range sizes {
			for v := range numViews {
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Fatalf("%s view at %dx%d, %d snapshots: %v", viewNames[v], s[0], s[1], len(d.Snaps), p)
						}
					}()
					_ = views[v].View(&runs, s[0], s[1], st)
				}()
			}
			_ = renderProfile(&d, s[0], s[1], 0, st)
		}
	}
}

// TestViewKeysFromTable: the keys that pick views are one per view of the
// table, as keys.go's Views binding must list them.
func TestViewKeysFromTable(t *testing.T) {
	keys := viewKeys()
	if len(keys) != int(numViews) || keys[0] != "1" || viewKeysHelp() != "1-"+keys[len(keys)-1] {
		t.Errorf("view keys %v, help %q for %d views", keys, viewKeysHelp(), numViews)
	}
	if got := DefaultKeyMap().Views.Keys(); strings.Join(got, "") != strings.Join(keys, "") {
		t.Errorf("keys.go's Views binding has %v, the views table %v", got, keys)
	}
}

func pow10(x float64) float64 { return math.Pow(10, x) }
