package tui

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// compareStepRe reads each compared run's step from the status line:
// "A: ▶ training step 1,230   B: ▶ training step 1,230".
var compareStepRe = regexp.MustCompile(`([A-D]): [^ ]+ [a-z]+ step ([0-9,]+)`)

// compareSteps are the steps the status line gives the runs, by letter.
func compareSteps(screen string) map[string]int {
	out := map[string]int{}
	line := strings.Split(screen, "\n")[min(2, strings.Count(screen, "\n"))]
	for _, m := range compareStepRe.FindAllStringSubmatch(line, -1) {
		n, _ := strconv.Atoi(strings.ReplaceAll(m[2], ",", ""))
		out[m[1]] = n
	}
	return out
}

// TestCompareEndToEnd: in the real binary under NO_COLOR, the compared
// runs train in lockstep (every screen shows A and B at the same step
// while the networks differ), their curves are drawn with distinct
// glyphs, each run's configuration includes the seed, a third run can be
// added, leaving the view shows the background training in the next
// view's header (in words where they fit), and e writes one JSON Lines
// file per run, at the same steps; at 80x24 and 160x48.
func TestCompareEndToEnd(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) { compareEndToEnd(t, size[0], size[1]) })
	}
}

func compareEndToEnd(t *testing.T, w, h int) {
	x := startApp(t, w, h, "NO_COLOR=1", "--scenario tiny --depth 4 --width 16 --steps 200000 --every 50")
	x.keys("6")
	x.waitScreen("the compared runs, built", 60*time.Second, has("A: ❚❚ paused step 0", "B: ❚❚ paused step 0"))
	// + adds C, a copy of B, and opens its settings; esc keeps the copy.
	x.keys("+")
	x.waitScreen("C added, its settings open", 15*time.Second, has("run C added"))
	x.keys("Escape")
	screen := x.waitScreen("three runs", 60*time.Second, has("A: ❚❚ paused step 0", "B: ❚❚ paused step 0", "C: ❚❚ paused step 0"))
	for _, want := range []string{"all runs:", "seed=1", "A ⣿ init=standard", "B • init=normalized", "C + init=normalized"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the configurations lack %q:\n%s", want, screen)
		}
	}
	x.keys("-")
	x.waitScreen("two runs again", 60*time.Second, func(s string) bool {
		return strings.Contains(s, "B: ❚❚ paused step 0") && !strings.Contains(s, "C: ")
	})

	x.keys("Space")
	x.waitScreen("both runs training", 30*time.Second, has("A: ▶ training", "B: ▶ training"))
	for i := 0; i < 20; i++ {
		screen = x.capture()
		steps := compareSteps(screen)
		if len(steps) != 2 || steps["A"] != steps["B"] {
			t.Fatalf("A and B at different steps (%v):\n%s", steps, screen)
		}
		time.Sleep(150 * time.Millisecond)
	}
	screen = x.waitScreen("the runs past step 500", 60*time.Second, func(s string) bool { return compareSteps(s)["A"] > 500 })
	if steps := compareSteps(screen); steps["A"] != steps["B"] {
		t.Fatalf("A and B at different steps (%v):\n%s", steps, screen)
	}
	// The curves: both runs in the legends, B's glyph on the plot.
	for _, want := range []string{"test error  A ⣿ ", "  B • ", "train loss  A ⣿ ", "└examples 0"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the curves lack %q:\n%s", want, screen)
		}
	}
	plotted := 0
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, "┤") && strings.Contains(l, "•") {
			plotted++
		}
	}
	if plotted < 4 {
		t.Errorf("B's • on %d rows of the charts, want 4 or more:\n%s", plotted, screen)
	}

	// Another view: the header says the compared runs train.
	x.keys("1")
	marker := has("[1 Layers]", "6 Compare▶", "▶ compare A B training")
	if w < 100 {
		marker = has("[1 Layers]", "6 Compare▶") // no room for the words
	}
	x.waitScreen("the background marker in the Layers view's header", 15*time.Second, marker)
	x.keys("6")
	x.keys("Space")
	x.waitScreen("the runs paused", 15*time.Second, has("A: ❚❚ paused", "B: ❚❚ paused"))
	x.keys("1")
	screen = x.waitScreen("the Layers view", 15*time.Second, has("[1 Layers]"))
	if strings.Contains(screen, "Compare▶") {
		t.Errorf("the marker stays on paused runs:\n%s", screen)
	}

	// e on Compare writes a file per run.
	x.keys("6", "e")
	x.waitScreen("the export's message", 30*time.Second, has("exported 2 runs"))
	dir := strings.TrimSpace(x.run("display-message", "-p", "-t", "app", "#{pane_current_path}"))
	files, _ := filepath.Glob(filepath.Join(dir, "initscope-*-compare-*.jsonl"))
	if len(files) != 2 {
		t.Fatalf("export wrote %v in %s, want a file per run", files, dir)
	}
	var stepsOf [][]int64
	for i, f := range files {
		init, steps := readExport(t, f)
		want := []string{"standard", "normalized"}[i]
		if !strings.HasSuffix(f, "-compare-"+[]string{"a", "b"}[i]+".jsonl") || init != want {
			t.Errorf("%s: init %q, want %q", f, init, want)
		}
		stepsOf = append(stepsOf, steps)
	}
	if len(stepsOf[0]) < 5 || !slices.Equal(stepsOf[0], stepsOf[1]) {
		t.Errorf("the exports' snapshots: A %v, B %v; want the same steps", stepsOf[0], stepsOf[1])
	}
}

// readExport is the init of an export's run line and its snapshots' steps.
func readExport(t *testing.T, path string) (string, []int64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var init string
	var steps []int64
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var rec struct {
			Type string `json:"type"`
			Init string `json:"init"`
			Step int64  `json:"step"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		switch rec.Type {
		case "run":
			init = rec.Init
		case "snapshot":
			steps = append(steps, rec.Step)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(fmt.Errorf("%s: %w", path, err))
	}
	return init, steps
}
