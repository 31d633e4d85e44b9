package tui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startApp builds the binary and runs it with args in a detached tmux
// session of w x h; the test ends it. It skips, with one line naming
// tmux, where tmux is missing, unless CI=true.
func startApp(t *testing.T, w, h int, env string, args ...string) tmux {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary and runs it in tmux")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is needed for this test: apt-get install tmux")
		}
		t.Skip("skipped: needs tmux (apt-get install tmux)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "initscope")
	if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	x := tmux{t: t, socket: fmt.Sprintf("initscope-%s-%d", strings.ReplaceAll(t.Name(), "/", "-"), os.Getpid())}
	// The shell line after the app shows that it exited and gave the
	// terminal back (no alternate screen left over).
	script := fmt.Sprintf("cd %s && TERM=xterm-256color %s %s %s; echo APP-EXITED $?; sleep 60", dir, env, bin, strings.Join(args, " "))
	x.run("new-session", "-d", "-s", "app", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), script)
	t.Cleanup(func() { exec.Command("tmux", "-L", x.socket, "kill-server").Run() })
	x.waitScreen("the app at step 0", 60*time.Second, func(s string) bool { return strings.Contains(s, "paused") && strings.Contains(s, "L4") })
	return x
}

func (x tmux) keys(keys ...string) { x.run(append([]string{"send-keys", "-t", "app"}, keys...)...) }

func has(want ...string) func(string) bool {
	return func(s string) bool {
		for _, w := range want {
			if !strings.Contains(s, w) {
				return false
			}
		}
		return true
	}
}

// trainPaused trains the app past minStep and pauses it before its end.
func trainPaused(x tmux, minStep int) {
	x.t.Helper()
	x.keys("Space")
	x.waitScreen(fmt.Sprintf("training past step %d", minStep), 60*time.Second, func(s string) bool { return stepOf(s) > minStep })
	x.keys("Space")
	x.waitScreen("the run to pause", 15*time.Second, has("paused"))
}

// TestCursorEndToEnd: in every view, left moves the shown snapshot back
// and the status line says which, home goes to step 0 and end follows the
// run again; Theory measures the Jacobian of a paused run and of a
// finished one, and says which step it shows.
func TestCursorEndToEnd(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			x := startApp(t, size[0], size[1], "NO_COLOR=1", "--steps 4000")
			trainPaused(x, 500)
			for v := range numViews {
				if viewID(v) == viewCompare {
					continue // its two runs start at step 0 on the first visit: below
				}
				x.keys(fmt.Sprint(v + 1))
				x.waitScreen("view "+viewNames[v], 15*time.Second, func(s string) bool { // the header's full or short name
					return has("["+fmt.Sprint(v+1)+" "+viewNames[v]+"]")(s) || has("["+fmt.Sprint(v+1)+" "+viewShortNames[v]+"]")(s)
				})
				x.keys("Left")
				x.waitScreen(viewNames[v]+": the status line after left", 15*time.Second, has("◀ showing step", "· run ❚❚ paused"))
				x.keys("Home")
				x.waitScreen(viewNames[v]+": home", 15*time.Second, has("◀ showing step 0 (", "paused"))
				switch viewID(v) {
				case viewTheory:
					x.waitScreen("Theory at step 0", 15*time.Second, has("step 0 shown (end: latest) · σ̄ measured at this step"))
				case viewHist:
					x.waitScreen("Histograms at step 0", 15*time.Second, has("│ step 0\n"))
				}
				x.keys("End")
				x.waitScreen(viewNames[v]+": end", 15*time.Second, func(s string) bool { return !strings.Contains(s, "◀ showing") })
			}
			// Theory on the paused run: it measures the state it stopped at.
			x.keys("5")
			screen := x.waitScreen("Theory's Jacobian of the paused run", 60*time.Second, has("paused: σ̄ measured at this step"))
			if !strings.Contains(screen, "step "+fmtCount(int64(stepOf(screen)))+", paused") {
				t.Errorf("Theory does not show the step the run paused at (%d):\n%s", stepOf(screen), screen)
			}
			// Compare: both runs move together.
			x.keys("6")
			x.waitScreen("the compared runs", 60*time.Second, has("A: ❚❚ paused", "B: ❚❚ paused"))
			x.keys("Space")
			x.waitScreen("the compared runs to train", 60*time.Second, func(s string) bool { return strings.Count(s, "training") >= 2 })
			time.Sleep(time.Second)
			x.keys("Home")
			x.waitScreen("Compare at step 0", 15*time.Second, func(s string) bool { return strings.Count(s, "◀ shows 0") == 2 })
			x.keys("Space", "End")
			// Theory once the main run is done.
			x.keys("5", "Space")
			x.waitScreen("the run to finish and Theory to measure it", 120*time.Second, has("step 4,000, done: σ̄ measured at this step"))
		})
	}
}
