package tui

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tmux drives one tmux server of its own (-L) for an end-to-end test.
type tmux struct {
	t      *testing.T
	socket string
}

func (x tmux) run(args ...string) string {
	x.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", x.socket}, args...)...).CombinedOutput()
	if err != nil {
		x.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (x tmux) capture() string { return x.run("capture-pane", "-p", "-t", "app") }

// waitScreen captures the pane until cond holds, or fails after timeout.
func (x tmux) waitScreen(what string, timeout time.Duration, cond func(string) bool) string {
	x.t.Helper()
	deadline := time.Now().Add(timeout)
	var screen string
	for time.Now().Before(deadline) {
		screen = x.capture()
		if cond(screen) {
			return screen
		}
		time.Sleep(100 * time.Millisecond)
	}
	x.t.Fatalf("waiting for %s; the screen:\n%s", what, screen)
	return ""
}

var stepRe = regexp.MustCompile(`step ([0-9,]+)/`)

func stepOf(screen string) int {
	m := stepRe.FindStringSubmatch(screen)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	return n
}

// TestEndToEnd builds the real binary, runs it in a detached tmux session
// at 160x48, sends keys and reads the screen.
func TestEndToEnd(t *testing.T) {
	x := startApp(t, 160, 48, "", "--steps 200000")
	screen := x.capture()
	for _, want := range []string{"1 Layers", "activation mean", "Var ∂C/∂s", "L1", "L2", "L3", "L4", "? help"} {
		if !strings.Contains(screen, want) {
			t.Errorf("Layers view lacks %q:\n%s", want, screen)
		}
	}
	x.run("send-keys", "-t", "app", "Space")
	first := stepOf(x.waitScreen("training", 30*time.Second, func(s string) bool { return stepOf(s) > 0 }))
	later := stepOf(x.waitScreen("the step count to advance", 30*time.Second, func(s string) bool { return stepOf(s) > first }))
	if later <= first {
		t.Errorf("step did not advance: %d then %d", first, later)
	}
	for _, v := range []struct{ key, mark string }{
		{"2", "2nd / 98th percentile"}, {"3", "back-prop gradients"}, {"4", "test error"},
		{"5", "Jacobian"}, {"6", "compare A and B"}, {"7", "diagnosis: "}, {"8", "Fig 5"}, {"Tab", "activation mean"}, {"?", "Keys"}, {"Escape", "activation mean"},
	} {
		x.run("send-keys", "-t", "app", v.key)
		x.waitScreen("view after "+v.key, 15*time.Second, func(s string) bool { return strings.Contains(s, v.mark) })
	}
	x.run("resize-window", "-t", "app", "-x", "70", "-y", "20")
	x.waitScreen("the too-small message", 15*time.Second, func(s string) bool {
		return strings.Contains(s, "terminal too small: need 80x24, have 70x20")
	})
	x.run("resize-window", "-t", "app", "-x", "80", "-y", "24")
	x.waitScreen("the 80x24 Layers view", 15*time.Second, func(s string) bool { return strings.Contains(s, "act mean") })
	x.run("send-keys", "-t", "app", "q")
	screen = x.waitScreen("the app to exit", 15*time.Second, func(s string) bool { return strings.Contains(s, "APP-EXITED") })
	if !strings.Contains(screen, "APP-EXITED 0") {
		t.Errorf("exit status not 0:\n%s", screen)
	}
	if strings.Contains(screen, "activation mean") || strings.Contains(screen, "1 Layers") {
		t.Errorf("the app's screen was left behind:\n%s", screen)
	}
}
