package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// helpOverlay lists every key, in the columns its groups give, and what
// the views show.
type helpOverlay struct {
	help   help.Model // styled by the app
	groups [][]key.Binding
	keys   helpKeyMap
}

// helpKeyMap are the overlay's keys: it closes, or quits the app.
type helpKeyMap struct {
	Close, Quit key.Binding
}

func defaultHelpKeys() helpKeyMap {
	return helpKeyMap{
		Close: key.NewBinding(key.WithKeys("?", "esc", "enter"), key.WithHelp("?/esc", "close")),
		Quit:  key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
	}
}

// newHelpOverlay shows groups, each a column, with h's styles.
func newHelpOverlay(h help.Model, groups [][]key.Binding) helpOverlay {
	return helpOverlay{help: h, groups: groups, keys: defaultHelpKeys()}
}

// Update closes the overlay, or quits.
func (o helpOverlay) Update(msg tea.KeyMsg) (overlay, outcome) {
	switch {
	case key.Matches(msg, o.keys.Close):
		return o, outcome{verdict: closePanel}
	case key.Matches(msg, o.keys.Quit):
		return o, outcome{verdict: quitApp}
	}
	return o, stay
}

// View draws the key columns (in two rows below 120 cells, so that nothing
// is cut off) and notes on the views.
func (o helpOverlay) View(_ *[numRuns]runData, w, h int, st Styles) string {
	o.help.Width = w
	title := st.Title.Render("Keys") + st.Hint.Render("   (? or esc closes)")
	full := o.help.FullHelpView(o.groups)
	if w < 120 && len(o.groups) > 2 {
		full = o.help.FullHelpView(o.groups[:2]) + "\n\n" + o.help.FullHelpView(o.groups[2:])
	}
	notes := []string{
		"Views: 1 Layers (live per-layer statistics) · 2 Dynamics (Figs 2, 3, 10) · 3 Histograms (Figs 4, 6-8)",
		"4 Learning (Fig 11) · 5 Theory (predicted vs measured variance, Jacobian) · 6 Compare (2-4 runs in lockstep)",
		"7 Profile (each quantity against the layer: step 0, the shown step, the prediction; Figs 6-8) · 8 Surface (Fig 5).",
		"Time: ←/→ move every view through the recorded snapshots, home to step 0, end back to the latest;",
		"the status line names the step shown. Variances are drawn on log scales: vanishing and exploding both show.",
		"Export writes the main run (in Compare: every run) as the --batch JSON Lines contract to files in the current directory.",
		"Mouse: a click on a tab shows its view, on a layer marks it (again: unmarks); the wheel moves the time cursor (up: earlier, down: later).",
	}
	if w < 120 {
		// Lines that fit 80 columns, the most useful first: as many as
		// the rows under the keys hold (one at 80x24), none cut.
		notes = []string{
			"←/→: every view at a recorded snapshot · e: the --batch JSON Lines, to a file",
			"Views: 1 Layers · 2 Dynamics (Figs 2,3,10) · 3 Histograms (4,6-8) · 4 Learning (11)",
			"5 Theory (variance, Jacobian) · 6 Compare (2-4 runs) · 7 Profile (6-8) · 8 Surface (5)",
			"mouse: click a tab: its view · click a layer: mark it · wheel: time cursor",
		}
		notes = notes[:max(0, min(len(notes), h-lipgloss.Height(full)-3))]
	}
	return lipgloss.JoinVertical(lipgloss.Left, title, "", full, "", lipgloss.NewStyle().Width(w).Render(st.Hint.Render(strings.Join(notes, "\n"))))
}
