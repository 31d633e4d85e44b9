package tui

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// flat is the screen's words joined by single spaces: a message the form
// wrapped reads as one line.
func flat(screen string) string { return strings.Join(strings.Fields(screen), " ") }

// flatHas is has on the flattened screen.
func flatHas(want ...string) func(string) bool {
	return func(s string) bool { return has(want...)(flat(s)) }
}

var savedRe = regexp.MustCompile(`saved (/\S+\.toml)`)

// runRecord runs the app's binary in dir with args and --batch --steps 0,
// and returns its run record without the names (a command line has no
// flag for them).
func runRecord(t *testing.T, dir string, args ...string) map[string]any {
	t.Helper()
	cmd := exec.Command(filepath.Join(dir, "initscope"), append(args, "--batch", "--steps", "0")...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("initscope %q: %v", args, err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	var rec map[string]any
	if err := json.Unmarshal([]byte(first), &rec); err != nil {
		t.Fatalf("initscope %q: %v\n%s", args, err, first)
	}
	delete(rec, "scenario")
	delete(rec, "description")
	return rec
}

// TestSettingsFormEndToEnd: in the real app a typed learning rate is
// applied; an out-of-range one gives the table's range message and keeps
// the rate; w saves a scenario file that --scenario loads to the same
// settings; y copies (OSC 52, into tmux's buffer) a command line that
// gives them too; enter on a trained run asks first; a typed data set
// spec with no files behind it fails in one line.
func TestSettingsFormEndToEnd(t *testing.T) {
	for _, c := range []struct {
		w, h int
		env  string
	}{{80, 24, "NO_COLOR=1"}, {160, 48, ""}} {
		t.Run(fmt.Sprintf("%dx%d%s", c.w, c.h, c.env), func(t *testing.T) {
			x := startApp(t, c.w, c.h, c.env, "--steps 4000")
			x.run("set-option", "-g", "set-clipboard", "on")
			trainPaused(x, 200)
			x.keys("c")
			x.waitScreen("the settings form", 15*time.Second, has("Settings · main run", "e or 0-9: type a value"))
			for range 7 {
				x.keys("Down")
			}
			x.waitScreen("the learning rate line", 10*time.Second, has("› learning rate   ◀ 0.02 ▶"))
			x.keys("0.003")
			x.waitScreen("the typed rate", 10*time.Second, has("0.003", "enter: apply"))
			x.keys("Enter")
			x.waitScreen("the rate applied in the form", 10*time.Second, has("◀ 0.003 ▶ *", "learning rate set to 0.003"))
			x.keys("200", "Enter")
			x.waitScreen("the range message, the rate kept", 10*time.Second, flatHas("lr 200 out of range (0..100) · kept 0.003", "◀ 0.003 ▶ *"))

			// Save: the default path, in the app's directory.
			x.keys("w")
			x.waitScreen("the path field", 10*time.Second, has("save as: ./initscope-custom.toml"))
			x.keys("Enter")
			screen := x.waitScreen("where the file went", 10*time.Second, flatHas("saved /", "initscope-custom.toml", "load it with: initscope --scenario"))
			m := savedRe.FindStringSubmatch(flat(screen))
			if m == nil {
				t.Fatalf("no saved path on the screen:\n%s", screen)
			}
			dir := filepath.Dir(m[1])
			fromFile := runRecord(t, dir, "--scenario", m[1])
			if fromFile["lr"] != 0.003 || fromFile["depth"] != 4.0 {
				t.Errorf("the saved file gives lr %v depth %v, want 0.003 and the preset's 4", fromFile["lr"], fromFile["depth"])
			}
			// Saving again asks before replacing it; n keeps it.
			x.keys("w", "Enter")
			x.waitScreen("the overwrite question", 10*time.Second, has("exists: overwrite it?"))
			x.keys("n")
			x.waitScreen("the file kept", 10*time.Second, flatHas("not saved:", "is kept as it was"))

			// Copy: shown, in tmux's buffer, and the same settings.
			x.keys("y")
			x.waitScreen("the command line", 10*time.Second, flatHas("copied (OSC 52): initscope --lr 0.003 --steps 4000 "))
			var buf string
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				if out, err := exec.Command("tmux", "-L", x.socket, "show-buffer").Output(); err == nil {
					buf = string(out)
					break
				}
			}
			if buf != "initscope --lr 0.003 --steps 4000" { // the app was started with --steps 4000
				t.Errorf("tmux's buffer after y: %q, want the command line", buf)
			}
			args := strings.Fields(strings.TrimPrefix(buf, "initscope"))
			if fromLine := runRecord(t, dir, args...); fmt.Sprint(fromLine) != fmt.Sprint(fromFile) {
				t.Errorf("the command line gives\n%v\nthe file\n%v", fromLine, fromFile)
			}

			// Apply: the run has trained, so the app asks.
			x.keys("Enter")
			x.waitScreen("the question before discarding", 10*time.Second, has("Discard main run at step", "y start the new network"))
			x.keys("y")
			x.waitScreen("the new network's configuration line", 30*time.Second, func(s string) bool {
				lines := strings.Split(s, "\n")
				return len(lines) > 1 && strings.Contains(lines[1], "0.003") && strings.Contains(s, "paused")
			})

			// A data set spec typed into its line; with no files behind
			// it the run fails in one line naming it.
			x.keys("c")
			x.waitScreen("the settings form", 10*time.Second, has("Settings · main run"))
			for range 6 {
				x.keys("Down")
			}
			x.keys("e", "C-u", "mnist:/nonexistent/mnist", "Enter")
			x.waitScreen("the typed spec", 10*time.Second, has("◀ mnist:/nonexistent/mnist ▶ *"))
			x.keys("Enter")
			screen = x.waitScreen("the run's error", 30*time.Second, has("/nonexistent/mnist"))
			if strings.Contains(screen, "panic") || strings.Contains(screen, "goroutine") {
				t.Errorf("a missing data set shows a stack:\n%s", screen)
			}
			if _, err := os.Stat(filepath.Join(dir, "initscope-custom.toml")); err != nil {
				t.Error(err)
			}
		})
	}
}
