package tui

import (
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"initscope/nn"
	"initscope/scenarios"
	"initscope/scenarios/preset"
)

// updating reports -update, which rewrites the golden files. The flag is
// the one x/exp/golden (imported by teatest) defines; defining it again
// would panic.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// asciiRenderer draws without colors, so goldens hold plain text.
func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(os.Stdout)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return r
}

// fakeRun is a deterministic run shaped like tanh with standard init:
// activations shrink going up and back-propagated gradients going down at
// step 0, and they even out with training. It needs no training, so the
// goldens do not move when the numerics change.
func fakeRun(sc scenarios.Scenario, n int) runData {
	depth := sc.Depth
	snaps := make([]nn.Snapshot, n)
	for i := range snaps {
		t := float64(i) / float64(max(1, n-1))
		s := nn.Snapshot{Step: int64(i) * sc.Every, Examples: int64(i) * sc.Every * int64(sc.BatchSize),
			TrainLoss: math.NaN(), TestError: 0.89 - 0.6*t + 0.02*math.Sin(float64(i)), TestLoss: 2.2 - 1.4*t, ProbeLoss: 2.2 - 1.4*t}
		if i > 0 {
			s.TrainLoss = 2.1 - 1.5*t + 0.05*math.Cos(float64(i))
		}
		for l := range depth {
			fl := float64(l)
			std := 0.6 * math.Pow(0.8, fl) * (1 + 0.5*t)
			ls := nn.LayerStats{Layer: l + 1,
				ActMean: 0.02 * math.Sin(float64(i+l)), ActStd: std,
				ActP2: -2 * std, ActP98: 2 * std,
				Saturated: 0.3 * t * (fl + 1) / float64(depth),
				GradVar:   1e-6 * math.Pow(3, fl) * (1 + 2*t), WGradVar: 2e-7 * (1 + t),
				JacSVMean:    math.NaN(),
				TheoryActVar: 0.4 * math.Pow(1.0/3, fl+1), TheoryGradVar: 1e-6 * math.Pow(1.0/3, float64(depth-1-l)),
			}
			if l+1 < depth && (i == 0 || i == n-1) {
				ls.JacSVMean = 0.5 + 0.05*fl
			}
			if sc.Hist {
				ls.ActHist = fakeHist(-1, 1, std)
				ls.GradHist = fakeHist(-4e-3, 4e-3, 1e-3*math.Pow(1.7, fl))
				ls.WGradHist = fakeHist(-2e-3, 2e-3, 5e-4)
			}
			s.Layers = append(s.Layers, ls)
		}
		snaps[i] = s
	}
	last := snaps[n-1]
	return runData{Scenario: sc, State: statePaused, Step: last.Step, Examples: last.Examples, Rate: 12345, Snaps: snaps, Version: 7}
}

// fakeHist is a normal density of standard deviation sd over [lo, hi).
func fakeHist(lo, hi, sd float64) *nn.Histogram {
	h := nn.NewHistogram(lo, hi, 50)
	for b := range h.Counts {
		x := lo + (float64(b)+0.5)*(hi-lo)/50
		h.Counts[b] = int(1000 * math.Exp(-x*x/(2*sd*sd)))
	}
	return h
}

func goldenScenario(t testing.TB) scenarios.Scenario {
	sc, ok := preset.Lookup("quick")
	if !ok {
		t.Fatal("no quick preset")
	}
	sc.Depth = 5
	return sc
}

// goldenModel is a model showing fixed data at w x h; its trainer is
// stopped first so nothing moves.
func goldenModel(t testing.TB, w, h int) *Model {
	sc := goldenScenario(t)
	m := newModel(Options{Scenario: sc, Renderer: asciiRenderer()}, false)
	m.Close() // no run starts later (e.g. on the Compare view)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.Update(dataMsg{Run: runMain, Data: fakeRun(sc, 60)})
	a, b := compareDefaults(sc)
	m.Update(dataMsg{Run: runA, Data: fakeRun(a, 60)})
	bd := fakeRun(b, 60)
	for i := range bd.Snaps {
		for l := range bd.Snaps[i].Layers {
			bd.Snaps[i].Layers[l].ActStd = 0.6
			bd.Snaps[i].Layers[l].GradVar = 3e-6
		}
	}
	m.Update(dataMsg{Run: runB, Data: bd})
	return m
}

// press turns a key name into the message Bubble Tea would send.
func press(s string) tea.KeyMsg {
	switch s {
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case " ":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)}
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if updating() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s missing: run go test ./tui -update", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test ./tui -update and review the diff):\n%s", path, got)
	}
}

// TestGoldenViews renders every view and panel at the smallest size and
// at a large one.
func TestGoldenViews(t *testing.T) {
	screens := []struct {
		name string
		keys []string
	}{
		{"layers", nil},
		{"dynamics", []string{"2"}},
		{"histograms", []string{"3"}},
		{"learning", []string{"4"}},
		{"theory", []string{"5"}},
		{"compare", []string{"6"}},
		{"help", []string{"?"}},
		{"settings", []string{"c", "down", "right"}},
		{"scenarios", []string{"o"}},
	}
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		for _, s := range screens {
			m := goldenModel(t, size[0], size[1])
			for _, k := range s.keys {
				m.Update(press(k))
			}
			got := m.View()
			lines := strings.Split(got, "\n")
			if len(lines) != size[1] {
				t.Errorf("%s at %dx%d: %d lines", s.name, size[0], size[1], len(lines))
			}
			for i, l := range lines {
				if w := lipgloss.Width(l); w > size[0] {
					t.Errorf("%s at %dx%d: line %d is %d wide", s.name, size[0], size[1], i+1, w)
				}
			}
			checkGolden(t, s.name+"-"+strconv.Itoa(size[0])+"x"+strconv.Itoa(size[1]), got)
		}
	}
}

func TestGoldenTooSmall(t *testing.T) {
	m := goldenModel(t, 60, 20)
	checkGolden(t, "too-small-60x20", m.View())
}
