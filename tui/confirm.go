package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// discardWork is how much training a run may have had before the app asks
// whether to throw it away (r, q): five seconds of training (on a loaded
// machine ten of wall time), below which training it again costs about
// what reading the question does. It is training time,
// not steps or wall time: a step of a 5x1000 network costs a hundred of the tiny one's, so
// a step count would ask after a second on one and after minutes on the
// other, and wall time counts a run left paused. The trainer's rate is
// examples over the time spent inside training steps, so Examples/Rate is
// that time (trainedFor).
const discardWork = 5 // seconds

// trainedFor is the seconds run d spent training, 0 before any.
func trainedFor(d runData) float64 {
	if d.Examples <= 0 || !(d.Rate > 0) {
		return 0
	}
	return float64(d.Examples) / d.Rate
}

// confirmAction is what a confirm question would do on yes.
type confirmAction int

const (
	confirmChange confirmAction = iota // replace a run with a new scenario
	confirmReset                       // reset runs to step 0
	confirmQuit                        // quit the app
)

// confirmQuestion asks before a run that has trained is thrown away: by a
// new scenario (y replaces it), a reset or a quit; n or esc keeps it.
type confirmQuestion struct {
	action confirmAction
	change pendingChange // confirmChange
	runs   []int         // confirmReset and confirmQuit: the runs lost
	// restarts names every run the change restarts when it is a compared
	// run's ("A, B and C": the crew restarts together); "" for the main run.
	restarts string
	keys     confirmKeyMap
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
	return confirmQuestion{action: confirmChange, change: change, keys: defaultConfirmKeys()}
}

// newDiscardQuestion asks whether runs may be reset (confirmReset) or
// thrown away by quitting (confirmQuit).
func newDiscardQuestion(action confirmAction, runs []int) confirmQuestion {
	q := confirmQuestion{action: action, runs: runs, keys: defaultConfirmKeys()}
	if action == confirmQuit {
		q.keys.Yes.SetHelp("y", "quit")
	} else {
		q.keys.Yes.SetHelp("y", "reset to step 0")
	}
	return q
}

// Update answers the question; other keys leave it open.
func (q confirmQuestion) Update(msg tea.KeyMsg) (overlay, outcome) {
	switch {
	case key.Matches(msg, q.keys.Yes):
		switch q.action {
		case confirmReset:
			return q, outcome{verdict: resetRuns}
		case confirmQuit:
			return q, outcome{verdict: discardAndQuit}
		}
		return q, outcome{verdict: replaceRun, change: q.change}
	case key.Matches(msg, q.keys.No):
		return q, outcome{verdict: keepRun}
	}
	return q, stay
}

// View draws the question in a box in the middle of w x h, with the runs
// as they are now: they train on while the question is open.
func (q confirmQuestion) View(runs *[numRuns]runData, w, h int, st Styles) string {
	var text []string
	if q.action == confirmChange {
		cur := runs[q.change.run]
		ask := sprintf("Discard %s at step %s?", runNames[q.change.run], fmtCount(cur.Step))
		if q.restarts != "" {
			ask = sprintf("Restart compared runs %s at step 0 (now step %s)?", q.restarts, fmtCount(cur.Step))
		}
		text = []string{
			st.Warn.Render(ask),
			"",
			st.Label.Render("now: ") + describe(cur.Scenario),
			st.Label.Render("new: ") + describe(q.change.sc),
		}
	} else {
		var lost []string
		for _, run := range q.runs {
			lost = append(lost, sprintf("%s at step %s", runNames[run], fmtCount(runs[run].Step)))
		}
		verb := "Reset"
		if q.action == confirmQuit {
			verb = "Quit and discard"
		}
		text = []string{st.Warn.Render(verb + " " + strings.Join(lost, " and ") + "?"), ""}
		for _, run := range q.runs {
			text = append(text, st.Label.Render(runNames[run]+": ")+describe(runs[run].Scenario))
		}
	}
	for i := range text {
		text[i] = truncate(text[i], max(1, w-4)) // inside the box's border and padding
	}
	text = append(text, "",
		st.Value.Render(q.keys.Yes.Help().Key)+st.Hint.Render(" "+q.keys.Yes.Help().Desc+"   ")+
			st.Value.Render(q.keys.No.Help().Key)+st.Hint.Render(" "+q.keys.No.Help().Desc))
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, st.Box.Render(lipgloss.JoinVertical(lipgloss.Left, text...)))
}
