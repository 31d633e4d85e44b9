package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// confirmQuestion asks before a run that has trained is replaced: y
// replaces it with the change, n or esc keeps it.
type confirmQuestion struct {
	change pendingChange
	keys   confirmKeyMap
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

// newConfirmQuestion asks whether change may replace its run.
func newConfirmQuestion(change pendingChange) confirmQuestion {
	return confirmQuestion{change: change, keys: defaultConfirmKeys()}
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

// View draws the question in a box in the middle of w x h, with the run as
// it is now: it trains on while the question is open.
func (q confirmQuestion) View(runs *[numRuns]runData, w, h int, st Styles) string {
	cur := runs[q.change.run]
	text := lipgloss.JoinVertical(lipgloss.Left,
		st.Warn.Render(sprintf("Discard %s at step %s?", runNames[q.change.run], fmtCount(cur.Step))),
		"",
		st.Label.Render("now: ")+describe(cur.Scenario),
		st.Label.Render("new: ")+describe(q.change.sc),
		"",
		st.Value.Render(q.keys.Yes.Help().Key)+st.Hint.Render(" "+q.keys.Yes.Help().Desc+"   ")+
			st.Value.Render(q.keys.No.Help().Key)+st.Hint.Render(" "+q.keys.No.Help().Desc))
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, st.Box.Render(text))
}
