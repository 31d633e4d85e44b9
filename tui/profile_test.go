package tui

import (
	"fmt"
	"math"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"initscope/nn"
)

// profileRun is a run of two snapshots (step 0 and step 100) over the
// given layers' statistics.
func profileRun(step0, now []nn.LayerStats) runData {
	sc := goldenScenario(nil)
	sc.Depth = len(now)
	return runData{Scenario: sc, State: statePaused, Snaps: []nn.Snapshot{
		{Step: 0, Layers: step0}, {Step: 100, Layers: now}}}
}

// glyphAt is the rune in column col of the plain text line.
func glyphAt(line string, col int) rune {
	r := []rune(ansi.Strip(line))
	if col < 0 || col >= len(r) {
		return 0
	}
	return r[col]
}

// TestProfilePointsLand checks the meaning of a chart: known values land
// on the rows the axis puts them at, in their layer's cells.
func TestProfilePointsLand(t *testing.T) {
	layers := func(std ...float64) []nn.LayerStats {
		var ls []nn.LayerStats
		for i, s := range std {
			// Predicted std 1 everywhere (Var 1), gradients one decade a layer.
			ls = append(ls, nn.LayerStats{Layer: i + 1, ActStd: s, TheoryActVar: 1,
				GradVar: math.Pow(10, -2-2*float64(i)), TheoryGradVar: 1e-2, WGradVar: 1e-6, JacSVMean: math.NaN()})
		}
		return ls
	}
	d := profileRun(layers(0.5, 0.5, 0.5), layers(1, 0.5, 0))
	p, _ := profileDataOf(&d)
	st := NewStyles(asciiRenderer())
	const w, h = 40, 13 // plot: 11 rows, 32 columns, so 10.67 per layer
	plotW := w - profileLabelW - 1
	cell := float64(plotW) / 3
	col := func(l int, g rune) int { return profileLabelW + 1 + profileCol(l, g, cell, plotW) }

	// Std: the axis runs from 0 to 1 (the largest value, the prediction),
	// so 1 is the top row, 0.5 the middle (row 5), 0 the bottom (row 10).
	lines := profileChart(profileQuantities[0], p, w, h, st)
	if len(lines) != h {
		t.Fatalf("%d lines, want %d", len(lines), h)
	}
	for _, tt := range []struct {
		layer, row int
		g          rune
	}{
		{0, 0, glyphShown}, {1, 5, glyphShown}, {2, 10, glyphShown},
		{0, 5, glyphStep0}, {1, 5, glyphStep0}, {2, 5, glyphStep0},
		{0, 0, glyphPred}, {1, 0, glyphPred}, {2, 0, glyphPred},
	} {
		if got := glyphAt(lines[1+tt.row], col(tt.layer, tt.g)); got != tt.g {
			t.Errorf("std: layer %d row %d: %q, want %q\n%s", tt.layer+1, tt.row, got, tt.g, strings.Join(lines, "\n"))
		}
	}
	if !strings.Contains(lines[1], "1┤") || !strings.Contains(lines[11], "0┤") {
		t.Errorf("std axis should run 0..1:\n%s", strings.Join(lines, "\n"))
	}

	// Var ∂C/∂s on a log axis: 1e-2, 1e-4, 1e-6 span 1e-6..1e-2, rows 0, 5, 10.
	lines = profileChart(profileQuantities[3], p, w, h, st)
	for l, row := range []int{0, 5, 10} {
		if got := glyphAt(lines[1+row], col(l, glyphShown)); got != glyphShown {
			t.Errorf("grad: layer %d should be at row %d:\n%s", l+1, row, strings.Join(lines, "\n"))
		}
	}
	if !strings.Contains(lines[1], "0.01┤") || !strings.Contains(lines[11], "1.0e-06┤") {
		t.Errorf("grad axis should run 1e-6..1e-2:\n%s", strings.Join(lines, "\n"))
	}
}

// TestProfileDiagnosis: a profile whose gradients shrink 81x toward the
// input (the standard init's prediction, 3^4) is called vanishing on the
// view's first line, and a flat one healthy.
func TestProfileDiagnosis(t *testing.T) {
	layers := func(ratio float64) []nn.LayerStats {
		var ls []nn.LayerStats
		for i := range 5 {
			ls = append(ls, nn.LayerStats{Layer: i + 1, ActStd: 0.3, GradVar: 1e-6 * math.Pow(ratio, float64(i)), WGradVar: 1e-9, JacSVMean: math.NaN()})
		}
		return ls
	}
	st := NewStyles(asciiRenderer())
	for _, tt := range []struct {
		ratio float64
		want  string
	}{
		{3, "diagnosis: back-prop gradients shrink 81x (variance) from L5 to L1: vanishing"},
		{1, "diagnosis: healthy: activation and gradient variances within 1.0x across layers"},
	} {
		d := profileRun(layers(tt.ratio), layers(tt.ratio))
		first := strings.Split(ansi.Strip(renderProfile(&d, 160, 43, 0, st)), "\n")[0]
		if !strings.HasPrefix(first, tt.want) {
			t.Errorf("ratio %v: %q, want %q", tt.ratio, first, tt.want)
		}
	}
}

// TestProfileEveryLayer: twenty layers at 80 columns each get their point
// and the screen keeps its size; p steps through the charts.
func TestProfileEveryLayer(t *testing.T) {
	sc := goldenScenario(t)
	sc.Depth = 20
	d := fakeRun(sc, 30)
	st := NewStyles(asciiRenderer())
	for _, size := range [][2]int{{80, 19}, {160, 43}, {220, 55}} {
		out := ansi.Strip(renderProfile(&d, size[0], size[1], 0, st))
		lines := strings.Split(out, "\n")
		if len(lines) != size[1] {
			t.Errorf("%v: %d lines", size, len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w != size[0] {
				t.Errorf("%v: a line of %d cells: %q", size, w, l)
				break
			}
		}
		// The std chart (first) has one ● per layer.
		if n := strings.Count(out, string(glyphShown)); n < 20 {
			t.Errorf("%v: %d shown points, want at least 20 (one per layer):\n%s", size, n, out)
		}
	}
	var v viewModel = newProfileView()
	runs := [numRuns]runData{runMain: d}
	before := v.View(&runs, 80, 19, st)
	v, used := v.(keyedView).Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("p")})
	if !used || v.View(&runs, 80, 19, st) == before {
		t.Error("p should show the next chart")
	}
}

// TestProfileHostile: no size and no data make it panic.
func TestProfileHostile(t *testing.T) {
	st := NewStyles(asciiRenderer())
	sc := goldenScenario(t)
	runs := []runData{{Scenario: sc}, fakeRun(sc, 3), profileRun(nil, nil),
		profileRun([]nn.LayerStats{{ActStd: math.NaN(), GradVar: math.Inf(1)}}, []nn.LayerStats{{ActStd: math.NaN(), GradVar: math.Inf(1), JacSVMean: math.NaN()}})}
	for _, d := range runs {
		for _, s := range [][2]int{{0, 0}, {1, 1}, {3, 2}, {10, 5}, {80, 19}, {500, 200}} {
			for q := range len(profileQuantities) + 1 {
				_ = renderProfile(&d, s[0], s[1], q, st)
			}
		}
	}
}

// TestGoldenProfile renders the profile of the golden run at the smallest
// and a large size.
func TestGoldenProfile(t *testing.T) {
	sc := goldenScenario(t)
	d := fakeRun(sc, 60)
	st := NewStyles(asciiRenderer())
	checkGolden(t, "profile-80x24", renderProfile(&d, 80, 24-5, 0, st))
	checkGolden(t, "profile-160x48", renderProfile(&d, 160, 48-5, 0, st))
	d.Cursor = 1 // step 0 shown: no × points, the key says so
	checkGolden(t, "profile-step0-160x48", renderProfile(&d, 160, 48-5, 0, st))
}

// TestProfileInApp: key 7 shows the profile in the app's frame (golden at
// the smallest size and a large one), p steps its chart at 80x24, and
// every size a client may claim keeps the frame within its bounds, in
// ASCII and in 24-bit colour.
func TestProfileInApp(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		m := goldenModel(t, size[0], size[1])
		m.Update(press("7"))
		got := m.View()
		if n := strings.Count(got, "\n") + 1; n != size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], n)
		}
		checkGolden(t, fmt.Sprintf("profile-frame-%dx%d", size[0], size[1]), got)
		if size[0] == 80 {
			m.Update(press("p"))
			if !strings.Contains(m.View(), "chart 2 of 6") || !strings.Contains(m.View(), "2nd / 98th percentile") {
				t.Errorf("p should show the second chart:\n%s", m.View())
			}
		}
	}
	for _, size := range hostileSizes {
		m := goldenModel(t, 120, 40)
		m.Update(press("7"))
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		checkFrame(t, m, maxFrameASCII, fmt.Sprintf("profile at %dx%d", size[0], size[1]))
	}
	sc := goldenScenario(t)
	m := newModel(Options{Scenario: sc, Renderer: colorRenderer()}, false)
	m.Close()
	m.Update(dataMsg{Run: runMain, Data: fakeRun(sc, 60)})
	m.Update(tea.WindowSizeMsg{Width: MaxWidth, Height: MaxHeight})
	m.Update(press("7"))
	checkFrame(t, m, maxFrameColor, "profile in colour at the largest size")
}
