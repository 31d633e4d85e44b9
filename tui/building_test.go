package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// While --init pretrained pre-trains (minutes for the paper's network),
// the header's badge and the view say which layer and how far, where
// before they said "building" the whole time.
func TestPretrainingShown(t *testing.T) {
	sc := tinyScenario(t)
	sc.Init, sc.PretrainUpdates = "pretrained", 1<<40 // never ends; Close cancels it
	m := newModel(Options{Scenario: sc, Renderer: asciiRenderer()}, true)
	t.Cleanup(m.Close)
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	waitModel(t, m, "pre-training reported", func() bool { return m.data[runMain].Building.Update >= 100 })
	out := m.View()
	for _, want := range []string{"… pre-training L1/3 0%", "pre-training layer 1 of 3 as a denoising autoencoder: ", " updates, then measuring step 0…"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	if strings.Contains(out, "building") {
		t.Errorf("still says building:\n%s", out)
	}
	// At 80 columns the line wraps rather than being cut, in every view.
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	for v := range viewNames {
		m.Update(press(string(rune('1' + v))))
		out := m.View()
		switch viewID(v) {
		case viewCompare:
		case viewSurface: // drawn from the seed's draw, not the pre-trained network
			waitModel(t, m, "the Surface view's answer", func() bool { return strings.Contains(m.View(), "after pre-training") })
		default:
			if !strings.Contains(out, "then measuring step 0…") {
				t.Errorf("view %s at 80x24 cuts the progress:\n%s", viewNames[v], out)
			}
		}
	}
}
