package tui

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"initscope/nn"
	"initscope/scenarios/preset"
	"initscope/scenarios/surface"
)

// fig5Surfaces are the fig5 preset's network's surfaces on a 21 x 21
// grid, computed directly.
func fig5Surfaces(t *testing.T) []surface.Surface {
	t.Helper()
	net := nn.New(nn.Config{Inputs: 16, Classes: 4, Depth: 1, Width: 16, Activation: nn.Tanh, Init: nn.Init{Kind: nn.Standard, Scale: 1}},
		rand.New(rand.NewPCG(1, 1)))
	x, y := surface.RandomData(1, 100, 16, 4)
	s, err := surface.Compute(context.Background(), net, x, y, 100, 21, nn.Costs())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// At 80x24 and other sizes the view fits, labels both axes, draws both
// costs with several shades, marks the initial weights, and reads without
// colour (the glyphs differ, no escape sequence).
func TestSurfaceViewFits(t *testing.T) {
	surfs := fig5Surfaces(t)
	st := NewStyles(asciiRenderer())
	for _, size := range [][2]int{{80, 24}, {80, 19}, {160, 48}, {220, 60}, {100, 30}} {
		w, h := size[0], size[1]
		out := renderSurfaces(surfs, 100, w, h, st)
		if strings.Contains(out, "\x1b[") {
			t.Errorf("%dx%d: escape sequences without colour", w, h)
		}
		lines := strings.Split(out, "\n")
		if len(lines) > h {
			t.Errorf("%dx%d: %d lines", w, h, len(lines))
		}
		for i, l := range lines {
			if lw := lipgloss.Width(l); lw > w {
				t.Errorf("%dx%d: line %d is %d cells: %q", w, h, i, lw, l)
			}
		}
		for _, want := range []string{"Fig 5", "cross-entropy", "quadratic", "w1 →", "w2 ", " 4 ", "-4 ", string(markGlyph), "@"} {
			if !strings.Contains(out, want) {
				t.Errorf("%dx%d: no %q in\n%s", w, h, want, out)
			}
		}
		used := map[rune]bool{}
		for _, l := range lines[3 : len(lines)-2] { // the maps' rows
			for _, r := range l {
				if strings.ContainsRune(string(shades), r) {
					used[r] = true
				}
			}
		}
		if len(used) < 5 {
			t.Errorf("%dx%d: %d shades used, want the ramp's range", w, h, len(used))
		}
		if w == 80 && h == 24 {
			t.Logf("80x24:\n%s", out)
		}
	}
	// With colour the same cells, styled.
	col := renderSurfaces(surfs, 100, 80, 24, NewStyles(colorRenderer()))
	if !strings.Contains(col, "\x1b[") || ansi.Strip(col) != renderSurfaces(surfs, 100, 80, 24, st) {
		t.Errorf("the coloured view is not the plain one styled")
	}
}

// The cells are the surface's values: the darkest cell (' ') is where the
// cost is lowest, and the cost under each cell against its shade.
func TestSurfaceShades(t *testing.T) {
	st := NewStyles(asciiRenderer())
	for _, c := range []struct {
		v    float64
		want string
	}{{0, " "}, {1, "@"}, {0.5, "+"}, {math.NaN(), "?"}, {math.Inf(1), "?"}, {-5, " "}, {7, "@"}} {
		if got := shadeCell(c.v, 0, 1, st); got != c.want {
			t.Errorf("shadeCell(%v) = %q, want %q", c.v, got, c.want)
		}
	}
	if got := shadeCell(3, 3, 3, st); got != " " {
		t.Errorf("a flat surface: %q", got)
	}
}

// The view of a run computes its network's surfaces once: the same as
// computed directly, the same frame twice (a pure view); a network too
// large or a file data set is one line saying what to do.
func TestSurfaceViewComputes(t *testing.T) {
	sc, ok := preset.Lookup("fig5-cost-surface")
	if !ok {
		t.Fatal("no fig5-cost-surface preset")
	}
	sc.Surface, sc.Probe = 21, 100
	var runs [numRuns]runData
	runs[runMain].Scenario = sc
	v := newSurfaceView()
	st := NewStyles(asciiRenderer())
	if out := v.View(&runs, 80, 24, st); !strings.Contains(out, "computing") {
		t.Errorf("the first frame does not say the surfaces are being computed:\n%s", out)
	}
	out := readyView(t, v, &runs, 80, 24, st)
	if want := renderSurfaces(fig5Surfaces(t), 100, 80, 24, st); out != want {
		t.Errorf("view:\n%s\nwant the fig5 network's surfaces:\n%s", out, want)
	}
	first := v.c.surfs
	if again := v.View(&runs, 80, 24, st); again != out || &v.c.surfs[0] != &first[0] {
		t.Errorf("a second frame differs or was computed again")
	}
	sc.Width, sc.Depth, sc.Dataset = 1000, 5, "shapeset"
	runs[runMain].Scenario = sc
	if out := readyView(t, v, &runs, 300, 24, st); !strings.Contains(out, "more than the app spends") || strings.Count(out, "\n") != 1 {
		t.Errorf("large network:\n%s", out)
	}
	sc.Dataset = "mnist:/nowhere"
	runs[runMain].Scenario = sc
	if out := readyView(t, v, &runs, 200, 24, st); !strings.Contains(out, "use --batch --surface 21 --plots DIR") {
		t.Errorf("file data set:\n%s", out)
	}
}

// readyView draws v until its surfaces are computed (they are, off the
// frame, once asked for), and says when they arrived.
func readyView(t *testing.T, v surfaceView, runs *[numRuns]runData, w, h int, st Styles) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if out := v.View(runs, w, h, st); !strings.Contains(out, "computing") {
			if !v.c.arrived.Swap(false) {
				t.Errorf("surfaces drawn without arrived set: the tick would not redraw")
			}
			return out
		}
	}
	t.Fatal("the surfaces were not computed within 30 s")
	return ""
}

// FuzzSurfaceRender: surfaces of any values (NaN, infinities, flat, huge)
// on any grid from 2 x 2, drawn at any size, fit the size and do not
// panic.
func FuzzSurfaceRender(f *testing.F) {
	f.Add(uint8(2), uint8(80), uint8(24), []byte{0, 1, 2, 3})
	f.Add(uint8(41), uint8(220), uint8(60), []byte{255, 0, 128})
	f.Add(uint8(3), uint8(1), uint8(1), []byte{})
	f.Add(uint8(5), uint8(20), uint8(5), []byte{7, 7, 7, 7})
	special := []float64{0, -1, math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, 5e-324, -math.MaxFloat64}
	st := NewStyles(asciiRenderer())
	f.Fuzz(func(t *testing.T, grid, w, h uint8, data []byte) {
		g := int(grid%40) + 2
		next := func() float64 {
			if len(data) == 0 {
				return 1
			}
			b := data[0]
			data = data[1:]
			if int(b) < len(special) {
				return special[b]
			}
			return float64(b) - 128
		}
		var surfs []surface.Surface
		for _, c := range nn.Costs() {
			s := surface.Surface{Cost: c, X: surface.Axis(g), Y: surface.Axis(g), At: [2]float64{next(), next()}}
			for range g {
				row := make([]float64, g)
				for j := range row {
					row[j] = next()
				}
				s.Z = append(s.Z, row)
			}
			surfs = append(surfs, s)
		}
		out := renderSurfaces(surfs, 10, int(w), int(h), st)
		lines := strings.Split(out, "\n")
		if len(lines) > max(int(h), 1) {
			t.Errorf("%dx%d: %d lines", w, h, len(lines))
		}
		for _, l := range lines {
			if lipgloss.Width(l) > int(w) {
				t.Errorf("%dx%d: a line of %d cells", w, h, lipgloss.Width(l))
			}
		}
	})
}
