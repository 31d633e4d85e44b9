package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestDeepNetworkEndToEnd: at 80x24 a 20-layer network shows every layer
// (Layers, Dynamics, Histograms, Theory and Compare scroll with pgdn to L20, the
// Profile view's axis names L1 and L20), and no view silently drops one.
func TestDeepNetworkEndToEnd(t *testing.T) {
	x := startApp(t, 80, 24, "NO_COLOR=1", "--scenario tiny --depth 20 --width 16 --steps 400")
	for _, v := range []viewID{viewLayers, viewDynamics, viewHist, viewTheory, viewCompare} {
		x.keys(fmt.Sprint(int(v) + 1))
		if v == viewCompare {
			x.keys("v", "v") // its layer tables, after the curves and the profiles
		}
		for range 5 { // back to the top: the scroll is shared by the views
			x.keys("PageUp")
		}
		x.waitScreen(viewNames[v]+" from L1, with a note on the layers it shows", 15*time.Second, has("L1 ", "layers 1-", "of 20", "pgup/pgdn"))
		screen := ""
		for range 20 {
			screen = x.capture()
			if strings.Contains(screen, "L20") {
				break
			}
			x.keys("PageDown")
			time.Sleep(200 * time.Millisecond)
		}
		if !strings.Contains(screen, "L20") {
			t.Errorf("%s: pgdn never reaches L20:\n%s", viewNames[v], screen)
		}
	}
	x.keys("7")
	x.waitScreen("the Profile view's axis from L1 to L20", 15*time.Second, has("[7 Profile]", "L1", "L20"))
}

// TestWideTerminalEndToEnd: at 220x60 the views use the width: after some
// training the Layers view's sparklines run longer than the 21 cells they
// were once capped at, and the Learning charts' x axes span the screen.
func TestWideTerminalEndToEnd(t *testing.T) {
	x := startApp(t, 220, 60, "NO_COLOR=1", "--steps 20000 --every 100")
	trainPaused(x, 5000)
	x.keys("1")
	screen := x.waitScreen("the Layers view", 15*time.Second, has("[1 Layers]"))
	run := longestRun(screen, '█')
	t.Logf("longest sparkline run at 220 columns: %d cells", run)
	if run <= 21 {
		t.Errorf("Layers at 220 columns: the longest sparkline run is %d cells, want more than 21:\n%s", run, screen)
	}
	x.keys("4")
	screen = x.waitScreen("the Learning view", 15*time.Second, has("[4 Learning]", "└examples"))
	axis := 0
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, "└examples") {
			axis = max(axis, utf8.RuneCountInString(strings.TrimRight(line, " ")))
		}
	}
	t.Logf("Learning x axes end at column %d", axis)
	if axis < 200 {
		t.Errorf("Learning at 220 columns: the x axes end at column %d, want at least 200:\n%s", axis, screen)
	}
}

// longestRun is the longest run of r on any line of screen.
func longestRun(screen string, r rune) int {
	best := 0
	for _, line := range strings.Split(screen, "\n") {
		n := 0
		for _, c := range line {
			if c == r {
				n++
				best = max(best, n)
			} else {
				n = 0
			}
		}
	}
	return best
}

// TestDiagnosisEndToEnd: the Profile view names what the paper shows at
// initialization: vanishing back-propagated gradients with standard init,
// a healthy profile with normalized init.
func TestDiagnosisEndToEnd(t *testing.T) {
	for _, c := range []struct{ scenario, want string }{
		{"fig6-standard", "vanishing"},
		{"fig6-normalized", "healthy"},
	} {
		t.Run(c.scenario, func(t *testing.T) {
			x := startApp(t, 160, 48, "NO_COLOR=1", "--scenario "+c.scenario+" --steps 10")
			x.keys("7")
			x.waitScreen("the Profile view's diagnosis", 60*time.Second, has("[7 Profile]", "diagnosis: ", c.want, "Jacobian σ̄"))
		})
	}
}
