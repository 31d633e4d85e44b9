package tui

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// longRun is the golden model's main run after trainedSeconds of training
// (Examples/Rate, what trainedFor measures).
func longRun(t *testing.T, trainedSeconds float64) *Model {
	t.Helper()
	m := goldenModel(t, 120, 40)
	d := m.data[runMain]
	d.Rate = float64(d.Examples) / trainedSeconds
	m.Update(dataMsg{Run: runMain, Data: d})
	return m
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

// r and q ask before throwing away a run that trained for more than
// discardWork seconds: n and esc keep it, y resets or quits; a short run
// goes at once, and ctrl+c always quits at once.
func TestConfirmDiscard(t *testing.T) {
	const question = "Reset main run at step 5,900?"
	for _, no := range []string{"n", "esc"} {
		m := longRun(t, 60)
		m.Update(press("r"))
		if !isOverlay[confirmQuestion](m) || !strings.Contains(m.View(), question) {
			t.Fatalf("r on a 60 s run: no question:\n%s", m.View())
		}
		if _, cmd := m.Update(press("q")); isQuit(cmd) || !isOverlay[confirmQuestion](m) {
			t.Error("q answered the reset question")
		}
		m.Update(press(no))
		if m.overlay != nil || m.data[runMain].Step != 5900 || !strings.Contains(m.View(), "kept the current run") {
			t.Errorf("%s: the run was not kept (step %d):\n%s", no, m.data[runMain].Step, m.View())
		}
	}
	m := longRun(t, 60)
	m.Update(press("r"))
	m.Update(press("y"))
	if d := m.data[runMain]; m.overlay != nil || d.Step != 0 || !strings.Contains(m.View(), "reset: the run back at step 0") {
		t.Errorf("y: step %d:\n%s", d.Step, m.View())
	}

	// q: the question names the run; n keeps it, y quits.
	m = longRun(t, 60)
	if _, cmd := m.Update(press("q")); isQuit(cmd) || !strings.Contains(m.View(), "Quit and discard main run at step 5,900?") {
		t.Fatalf("q on a 60 s run quit or did not ask:\n%s", m.View())
	}
	if _, cmd := m.Update(press("n")); isQuit(cmd) || m.quitting {
		t.Error("n quit")
	}
	m.Update(press("q"))
	if _, cmd := m.Update(press("y")); !isQuit(cmd) {
		t.Error("y did not quit")
	}

	// q in the help asks too.
	m = longRun(t, 60)
	m.Update(press("?"))
	if _, cmd := m.Update(press("q")); isQuit(cmd) || !strings.Contains(m.View(), "Quit and discard main run") {
		t.Errorf("q in the help quit a long run or did not ask:\n%s", m.View())
	}
	if _, cmd := m.Update(press("y")); !isQuit(cmd) {
		t.Error("y after q in the help did not quit")
	}

	// ctrl+c quits at once, the question open or not.
	m = longRun(t, 60)
	if _, cmd := m.Update(press("ctrl+c")); !isQuit(cmd) {
		t.Error("ctrl+c did not quit a long run at once")
	}
	m = longRun(t, 60)
	m.Update(press("r"))
	if _, cmd := m.Update(press("ctrl+c")); !isQuit(cmd) {
		t.Error("ctrl+c did not quit with the question open")
	}

	// A run of a few seconds goes without a question.
	m = longRun(t, 3)
	m.Update(press("r"))
	if m.overlay != nil || m.data[runMain].Step != 0 {
		t.Errorf("r on a 3 s run asked or kept it: step %d", m.data[runMain].Step)
	}
	m = longRun(t, 3)
	if _, cmd := m.Update(press("q")); !isQuit(cmd) {
		t.Error("q on a 3 s run did not quit at once")
	}

	// Too small to show a question, q quits as the message says.
	m = longRun(t, 60)
	m.Update(tea.WindowSizeMsg{Width: 40, Height: 10})
	if _, cmd := m.Update(press("q")); !isQuit(cmd) {
		t.Error("q at 40x10 did not quit")
	}
}

// On Compare, r asks for the compared runs that trained long, and q for
// every run.
func TestConfirmDiscardCompare(t *testing.T) {
	m := goldenModel(t, 120, 40)
	for _, run := range []int{runA, runB} {
		d := m.data[run]
		d.Rate = float64(d.Examples) / 30
		m.Update(dataMsg{Run: run, Data: d})
	}
	d := m.data[runMain]
	d.Rate = float64(d.Examples) / 2
	m.Update(dataMsg{Run: runMain, Data: d})
	m.Update(press("6"))
	m.Update(press("r"))
	if v := m.View(); !strings.Contains(v, "Reset compare A at step 5,900 and compare B at step 5,900?") {
		t.Errorf("r on Compare:\n%s", v)
	}
	m.Update(press("esc"))
	m.Update(press("1"))
	m.Update(press("q"))
	if v := m.View(); !strings.Contains(v, "Quit and discard compare A at step 5,900 and compare B") || strings.Contains(v, "main run at") {
		t.Errorf("q lists the wrong runs:\n%s", v)
	}
}

func TestTrainedFor(t *testing.T) {
	for _, c := range []struct {
		d    runData
		want float64
	}{
		{runData{Examples: 100000, Rate: 10000}, 10},
		{runData{Examples: 0, Rate: 10000}, 0},
		{runData{Examples: 100, Rate: nan}, 0},
		{runData{Examples: 100, Rate: 0}, 0},
	} {
		if got := trainedFor(c.d); got != c.want {
			t.Errorf("trainedFor(%d examples at %g/s) = %g, want %g", c.d.Examples, c.d.Rate, got, c.want)
		}
	}
}

var examplesRe = regexp.MustCompile(`([0-9,.]+[kMG]?) ex  ([0-9,.]+[kMG]?) ex/s`)

// trainedOnScreen is the training time the 80-column status line shows:
// examples over examples per second (counts past 100,000 in fmtShort's
// form, 2.13M).
func trainedOnScreen(screen string) float64 {
	m := examplesRe.FindStringSubmatch(screen)
	if m == nil {
		return 0
	}
	n, r := shortCount(m[1]), shortCount(m[2])
	if r == 0 {
		return 0
	}
	return n / r
}

// shortCount reads a count fmtShort wrote.
func shortCount(s string) float64 {
	mult := map[byte]float64{'k': 1e3, 'M': 1e6, 'G': 1e9}[s[len(s)-1]]
	if mult != 0 {
		s = s[:len(s)-1]
	} else {
		mult = 1
	}
	v, _ := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	return v * mult
}

// trainLong trains the app's run past discardWork seconds and pauses it.
func trainLong(x tmux) {
	x.t.Helper()
	x.keys("Space")
	x.waitScreen("more than discardWork seconds of training", 120*time.Second, func(s string) bool { return trainedOnScreen(s) > discardWork+1 })
	x.keys("Space")
	x.waitScreen("the run to pause", 15*time.Second, has("paused"))
}

// TestConfirmDiscardEndToEnd: in the real app, after a long run, r and q
// ask; n and esc keep the run, y resets, and y to q quits.
func TestConfirmDiscardEndToEnd(t *testing.T) {
	x := startApp(t, 80, 24, "NO_COLOR=1", "--steps 100000000")
	trainLong(x)
	step := stepOf(x.capture())
	for _, no := range []string{"n", "Escape"} {
		x.keys("r")
		x.waitScreen("the reset question", 15*time.Second, has("Reset main run at step "+fmtCount(int64(step))+"?", "y reset to step 0", "n keep the current run"))
		x.keys(no)
		screen := x.waitScreen("the run kept after "+no, 15*time.Second, has("kept the current run"))
		if got := stepOf(screen); got != step {
			t.Errorf("after r, %s: step %d, want %d", no, got, step)
		}
	}
	x.keys("r")
	x.waitScreen("the reset question", 15*time.Second, has("Reset main run at step"))
	x.keys("y")
	x.waitScreen("the reset", 15*time.Second, func(s string) bool { return strings.Contains(s, "back at step 0") && stepOf(s) == 0 })

	trainLong(x)
	x.keys("q")
	x.waitScreen("the quit question", 15*time.Second, has("Quit and discard main run at step", "y quit"))
	x.keys("n")
	x.waitScreen("the run kept", 15*time.Second, has("kept the current run", "paused"))
	x.keys("q")
	x.waitScreen("the quit question", 15*time.Second, has("Quit and discard main run at step"))
	x.keys("y")
	if screen := x.waitScreen("the app to exit", 15*time.Second, has("APP-EXITED")); !strings.Contains(screen, "APP-EXITED 0") {
		t.Errorf("exit status not 0:\n%s", screen)
	}
}
