package tui

import tea "github.com/charmbracelet/bubbletea"

// overlay is a panel drawn in place of the view: the help (help.go), the
// settings panel (settings.go), the scenario picker (picker.go) and the
// confirm question (confirm.go). Each is a small model in the manner of
// charmbracelet/bubbles, with its own state and key map: Update takes a
// key and returns the panel's next state and what it asks of the app;
// View draws the state and nothing else. The app routes keys to the open
// one (nil: none) and acts on the outcome.
type overlay interface {
	Update(msg tea.KeyMsg) (overlay, outcome)
	// View draws the panel in w x h; runs is the runs' latest data (the
	// confirm question shows its run's step as it trains on).
	View(runs *[numRuns]runData, w, h int, st Styles) string
}

// verdict is what an overlay asks of the app after a key.
type verdict int

const (
	stayOpen       verdict = iota // the panel stays open
	closePanel                    // the panel closes; nothing else happens
	proposeChange                 // the panel closes; the app proposes change
	replaceRun                    // the panel closes; the app replaces the run (the user said yes)
	keepRun                       // the panel closes; the user kept the current run
	quitApp                       // the app quits, asking first if a long run would be lost
	resetRuns                     // the panel closes; the app resets the shown runs (the user said yes)
	discardAndQuit                // the app quits (the user said yes)
)

// outcome is an overlay's answer to a key.
type outcome struct {
	verdict verdict
	change  pendingChange // for proposeChange and replaceRun
}

// stay is the outcome of a key that leaves the panel open.
var stay = outcome{}

// act does what an overlay's outcome asks.
func (m *Model) act(out outcome) tea.Cmd {
	if out.verdict == stayOpen {
		return nil
	}
	m.overlay = nil
	switch out.verdict {
	case proposeChange:
		m.propose(out.change.run, out.change.sc)
	case replaceRun:
		m.apply(out.change)
	case keepRun:
		m.say(false, "kept the current run")
	case resetRuns:
		m.reset()
	case quitApp:
		return m.requestQuit()
	case discardAndQuit:
		return m.quit()
	}
	return nil
}
