package tui

// verdict is what an overlay asks of the app after a key.
type verdict int

const (
	stayOpen      verdict = iota // the panel stays open
	closePanel                   // the panel closes; nothing else happens
	proposeChange                // the panel closes; the app proposes change
	replaceRun                   // the panel closes; the app replaces the run (the user said yes)
	keepRun                      // the panel closes; the user kept the current run
)

// outcome is an overlay's answer to a key.
type outcome struct {
	verdict verdict
	change  pendingChange // for proposeChange and replaceRun
}

// stay is the outcome of a key that leaves the panel open.
var stay = outcome{}

// act does what an overlay's outcome asks.
func (m *Model) act(out outcome) {
	switch out.verdict {
	case stayOpen:
		return
	case proposeChange:
		m.overlay = overlayNone
		m.propose(out.change.run, out.change.sc)
	case replaceRun:
		m.overlay = overlayNone
		m.apply(out.change)
	case keepRun:
		m.overlay = overlayNone
		m.say(false, "kept the current run")
	default:
		m.overlay = overlayNone
	}
}
