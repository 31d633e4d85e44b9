package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"initscope/scenarios"
	"initscope/scenarios/preset"
)

func tinyScenario(t testing.TB) scenarios.Scenario {
	t.Helper()
	sc, err := preset.Load("tiny")
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestNewCloseIdempotent(t *testing.T) {
	m := New(Options{Scenario: tinyScenario(t)})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if m.View() == "" {
		t.Error("empty view")
	}
	m.Close()
	m.Close()
}

// A column with a fixed floor widens upward only: all-zero saturation
// draws at the bottom of 0..5%, not in the middle of -2.5..2.5%.
func TestColRangeKeepsFixedFloor(t *testing.T) {
	col := satCol(Styles{})
	lo, hi := colRange(col, [][]float64{{0, 0, 0}})
	if lo != 0 || hi != 0.05 {
		t.Errorf("saturation range [%g, %g], want [0, 0.05]", lo, hi)
	}
	lo, hi = colRange(col, [][]float64{{0, 0.3, 0.1}})
	if lo != 0 || hi != 0.3 {
		t.Errorf("saturation range [%g, %g], want [0, 0.3]", lo, hi)
	}
}
