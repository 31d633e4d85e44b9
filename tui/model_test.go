package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"initscope/scenarios"
)

func tinyScenario(t testing.TB) scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Load("tiny")
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
