package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"initscope/nn"
)

// layersView is the home view: the main run's per-layer statistics, live.
// When the layers do not all fit, pgup and pgdown scroll them (here and in
// Dynamics, Histograms, Theory and Compare: the scroll is viewState's).
type layersView struct {
	s    *viewState
	keys layersKeyMap
}

type layersKeyMap struct {
	Scroll key.Binding // pgup scrolls up, pgdown down
}

func newLayersView(s *viewState) layersView {
	return layersView{s: s, keys: layersKeyMap{
		Scroll: key.NewBinding(key.WithKeys("pgup", "pgdown"), key.WithHelp("pgup/dn", "scroll the layers (deep networks)")),
	}}
}

// Update scrolls on pgup and pgdown by a page of what the last view showed;
// the views clamp the first layer to the layers they have.
func (v layersView) Update(msg tea.KeyMsg) (viewModel, bool) {
	if v.s == nil || !key.Matches(msg, v.keys.Scroll) {
		return v, false
	}
	if msg.Type == tea.KeyPgUp {
		v.s.firstLayer = max(0, min(v.s.firstLayer, nn.MaxDepth)-v.s.page())
	} else {
		v.s.firstLayer = min(nn.MaxDepth, v.s.firstLayer+v.s.page())
	}
	return v, true
}

func (v layersView) FullHelp() []key.Binding { return []key.Binding{v.keys.Scroll} }

// View draws from the first layer of the scroll, and keeps where it
// clamped it, so the next pgup moves from what is seen.
func (v layersView) View(runs *[numRuns]runData, w, h int, st Styles) string {
	return v.s.scrolled(func(first int) (string, int, int) { return renderLayersAt(runs[runMain], w, h, first, st) })
}

// renderLayers is the home view from the first layer.
func renderLayers(d runData, w, h int, st Styles) string {
	out, _, _ := renderLayersAt(d, w, h, 0, st)
	return out
}

// renderLayersAt is the home view: every hidden layer's statistics from
// layer first (from 0) when they do not all fit, the diagnosis of the
// shown step below them, and how to read the sparklines. It returns the
// first layer drawn.
func renderLayersAt(d runData, w, h, first int, st Styles) (string, int, int) {
	cols := []column{meanCol(st), stdCol(st), satCol(st), gradCol(st), wgradCol(st)}
	// The diagnosis takes up to three rows, wrapped, and the table the
	// rest (it spreads its layers over the height it is given).
	diag := []string{""}
	if p, ok := profileDataOf(&d); ok {
		act, _ := nn.ParseActivation(d.Scenario.Activation)
		if ls := diagnosisLines(p.step0, p.shown, act, w, min(3, max(1, h-8)), st); len(ls) > 0 {
			diag = ls
		}
	}
	lines, first, shown := layerTableAt(d, cols, w, h-1-len(diag), first, st)
	for len(lines) < h-1-len(diag) {
		lines = append(lines, "")
	}
	for _, l := range diag {
		lines = append(lines, fit(l, w))
	}
	lines = append(lines, st.Hint.Render(hintLine(w, "each sparkline: step 0 → now", "▲ the shown step", "variances share one log scale")))
	return strings.Join(lines, "\n"), first, shown
}
