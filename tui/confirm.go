package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"initscope/scenarios"
)

// confirmQuestion asks before a run that has trained is replaced: y
// replaces it with the change, n or esc keeps it.
type confirmQuestion struct {
	change pendingChange
	// The run as it is now; the app keeps these current (track), since
	// the run trains on while the question is open.
	step int64
	now  scenarios.Scenario
	keys confirmKeyMap
}

// confirmKeyMap are the question's keys.
type confirmKeyMap struct {
	Yes, No key.Binding
}

func defaultConfirmKeys() confirmKeyMap {
	return confirmKeyMap{
		Yes: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "start the new network")),
		No:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "keep the current run")),
	}
}

// newConfirmQuestion asks whether change may replace the run cur.
func newConfirmQuestion(change pendingChange, cur runData) confirmQuestion {
	return confirmQuestion{change: change, keys: defaultConfirmKeys()}.track(cur)
}

// track takes the run's latest step and scenario.
func (q confirmQuestion) track(cur runData) confirmQuestion {
	q.step, q.now = cur.Step, cur.Scenario
	return q
}

// Update answers the question; other keys leave it open.
func (q confirmQuestion) Update(msg tea.KeyMsg) (overlay, outcome) {
	switch {
	case key.Matches(msg, q.keys.Yes):
		return q, outcome{verdict: replaceRun, change: q.change}
	case key.Matches(msg, q.keys.No):
		return q, outcome{verdict: keepRun}
	}
	return q, stay
}

// View draws the question in a box in the middle of w x h.
func (q confirmQuestion) View(w, h int, st Styles) string {
	text := lipgloss.JoinVertical(lipgloss.Left,
		st.Warn.Render(sprintf("Discard %s at step %s?", runNames[q.change.run], fmtCount(q.step))),
		"",
		st.Label.Render("now: ")+describe(q.now),
		st.Label.Render("new: ")+describe(q.change.sc),
		"",
		st.Value.Render(q.keys.Yes.Help().Key)+st.Hint.Render(" "+q.keys.Yes.Help().Desc+"   ")+
			st.Value.Render(q.keys.No.Help().Key)+st.Hint.Render(" "+q.keys.No.Help().Desc))
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, st.Box.Render(text))
}
