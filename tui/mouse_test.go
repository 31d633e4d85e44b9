package tui

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
)

func click(x, y int) tea.MouseMsg {
	return tea.MouseMsg{X: x, Y: y, Action: tea.MouseActionPress, Button: tea.MouseButtonLeft}
}

func wheel(b tea.MouseButton) tea.MouseMsg {
	return tea.MouseMsg{Action: tea.MouseActionPress, Button: b}
}

// A click on each tab's name, found in the drawn header, shows that view,
// at 80 columns (no title) and 160 (title); a click elsewhere does not.
func TestMouseClickTab(t *testing.T) {
	for _, w := range []int{80, 160} {
		m := goldenModel(t, w, 40)
		for v := numViews - 1; v >= 0; v-- {
			header := strings.Split(m.View(), "\n")[0]
			name := viewNames[v]
			if w < 100 {
				name = viewShortNames[v] // all eight fit in 80 columns so
			}
			x := strings.Index(header, name)
			if x < 0 {
				t.Fatalf("%d columns: no %s tab in %q", w, name, header)
			}
			x = len([]rune(header[:x])) // in cells: the header is single-width runes
			m.Update(click(x, 0))
			if m.view != viewID(v) {
				t.Errorf("%d columns: a click at %d on %s shows view %d", w, x, viewNames[v], m.view)
			}
			if got := strings.Split(m.View(), "\n")[0]; !strings.Contains(got, fmt.Sprintf("[%d %s]", v+1, name)) {
				t.Errorf("%d columns: header after the click: %q", w, got)
			}
		}
		m.Update(click(w-1, 0)) // past the last tab
		m.Update(click(5, 3))   // below the header
		if m.view != viewLayers {
			t.Errorf("%d columns: a click off the tabs changed the view to %d", w, m.view)
		}
	}
}

// The wheel moves the time cursor: up to an earlier snapshot, down to a
// later one; with an overlay open neither the wheel nor a click acts.
func TestMouseWheelAndOverlay(t *testing.T) {
	m := goldenModel(t, 120, 40) // snapshots every 100 steps, 0 ... 5,900
	m.Update(wheel(tea.MouseButtonWheelUp))
	m.Update(wheel(tea.MouseButtonWheelUp))
	if got := shownStep(t, m, runMain); got != 5700 {
		t.Errorf("two wheel ups show step %d, want 5700", got)
	}
	m.Update(wheel(tea.MouseButtonWheelDown))
	if got := shownStep(t, m, runMain); got != 5800 {
		t.Errorf("a wheel down shows step %d, want 5800", got)
	}
	if !strings.Contains(m.View(), "◀ showing step 5,800") {
		t.Errorf("the status line does not say the shown step:\n%s", m.View())
	}
	m.Update(press("?"))
	m.Update(wheel(tea.MouseButtonWheelUp))
	m.Update(click(2, 0))
	if !isOverlay[helpOverlay](m) || shownStep(t, m, runMain) != 5800 {
		t.Error("the mouse acted through the help")
	}
}

// The program asks for mouse reports, and a click sent through the whole
// program (teatest) switches the view.
func TestMouseTeatest(t *testing.T) {
	m := New(Options{Scenario: tinyScenario(t), Renderer: asciiRenderer()})
	defer m.Close()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(160, 48))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("paused")) },
		teatest.WithDuration(30*time.Second))
	header := strings.Split(m.View(), "\n")[0]
	x := len([]rune(header[:strings.Index(header, "Learning")]))
	tm.Send(click(x, 0))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("[4 Learning]")) },
		teatest.WithDuration(10*time.Second))
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	if final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model); final.view != viewLearning {
		t.Errorf("final view %d, want Learning", final.view)
	}
}

// TestMouseEndToEnd: the real app asks its terminal (tmux) for mouse
// reports, and a click on a tab and the wheel, sent as the terminal sends
// them (SGR reports), switch the view and move the time cursor.
func TestMouseEndToEnd(t *testing.T) {
	x := startApp(t, 80, 24, "NO_COLOR=1", "--steps 4000")
	trainPaused(x, 500)
	// The app asked the terminal for button and SGR mouse reports
	// (cell motion is mode 1002, which tmux calls mouse_button_flag).
	if flags := strings.TrimSpace(x.run("display-message", "-p", "-t", "app", "#{mouse_button_flag} #{mouse_sgr_flag}")); flags != "1 1" {
		t.Errorf("the pane's mouse_button_flag and mouse_sgr_flag are %q, want \"1 1\": the app did not ask for the mouse", flags)
	}
	screen := x.capture()
	header := strings.Split(screen, "\n")[0]
	col := len([]rune(header[:strings.Index(header, "Dynamics")]))
	// An SGR mouse press and release at (col, 0), 1-based on the wire,
	// typed into the pane as the terminal would send them.
	x.run("send-keys", "-t", "app", "-l", fmt.Sprintf("\x1b[<0;%d;1M\x1b[<0;%d;1m", col+1, col+1))
	x.waitScreen("the Dynamics view after a click on its tab", 15*time.Second, has("[2 Dynamics]"))
	x.run("send-keys", "-t", "app", "-l", "\x1b[<64;10;10M")
	x.waitScreen("the cursor back one snapshot after a wheel up", 15*time.Second, has("◀ showing step"))
	x.run("send-keys", "-t", "app", "-l", "\x1b[<65;10;10M")
	x.waitScreen("following again after a wheel down", 15*time.Second, func(s string) bool { return !strings.Contains(s, "◀ showing") })
}

// rowOf is the screen row whose text has want at column col (in cells), -1 if none.
func rowOf(screen, want string, col int) int {
	n := len([]rune(want))
	for y, line := range strings.Split(screen, "\n") {
		r := []rune(line)
		if col+n <= len(r) && string(r[col:col+n]) == want {
			return y
		}
	}
	return -1
}

// A click on a layer's block marks that layer ("L3◂") in every view that
// lists layers, at 80x24 and 160x48; a click on it again clears it, and a
// click on a line that is no layer's does nothing.
func TestMouseClickLayer(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		m := goldenModel(t, size[0], size[1])
		y := rowOf(m.View(), "L3 ", 0)
		if y < 0 {
			t.Fatalf("%v: no L3 row in Layers:\n%s", size, m.View())
		}
		m.Update(click(30, y))
		if s := m.sharedState(); s.selected != 3 {
			t.Fatalf("%v: a click on L3's row selects %d", size, s.selected)
		}
		for _, v := range []viewID{viewLayers, viewDynamics, viewHist, viewTheory, viewCompare} {
			m.setView(v)
			if v == viewCompare { // its layer tables, after the curves and the profiles, down to L3
				m.Update(press("v"))
				m.Update(press("v"))
				for range 3 {
					if strings.Contains(m.View(), "L3◂") {
						break
					}
					m.Update(tea.KeyMsg{Type: tea.KeyPgDown})
				}
			}
			m.draw()
			if n := strings.Count(m.View(), "L3◂"); n == 0 || strings.Contains(m.View(), "L2◂") {
				t.Errorf("%v %s: L3 marked %d times (or another layer):\n%s", size, viewNames[v], n, m.View())
			}
			for range 3 { // the scroll back at L1 for the views after
				m.Update(tea.KeyMsg{Type: tea.KeyPgUp})
			}
		}
		m.setView(viewLayers)
		m.draw()
		if !strings.Contains(m.View(), "L3 marked ◂") {
			t.Errorf("%v: the message does not say what the click did:\n%s", size, m.View())
		}
		// The last line (the key hint) is no layer's.
		m.Update(click(5, size[1]-1))
		if s := m.sharedState(); s.selected != 3 {
			t.Errorf("%v: a click on the key hint changed the mark to %d", size, s.selected)
		}
		m.Update(click(1, rowOf(m.View(), "L3◂", 0)))
		if s := m.sharedState(); s.selected != 0 || strings.Contains(m.View(), "◂ ") && strings.Contains(m.View(), "L3◂") {
			t.Errorf("%v: a second click on L3 leaves the mark %d:\n%s", size, s.selected, m.View())
		}
	}
}

// Dynamics sets its charts in two columns: a click in the right one marks
// its layer, not the left one's on the same rows; a click inside a chart
// (below its title) marks the chart's layer.
func TestMouseClickLayerGrid(t *testing.T) {
	m := goldenModel(t, 160, 48)
	m.setView(viewDynamics)
	m.draw()
	screen := m.View()
	y := rowOf(screen, "L1 ", 0)
	if y < 0 {
		t.Fatalf("no L1 chart title:\n%s", screen)
	}
	line := []rune(strings.Split(screen, "\n")[y])
	x := strings.Index(string(line[1:]), "L2 ")
	if x < 0 {
		t.Fatalf("no L2 beside L1: %q", string(line))
	}
	x = len([]rune(string(line[1:])[:x])) + 1
	m.Update(click(x+10, y+3))
	if s := m.sharedState(); s.selected != 2 {
		t.Errorf("a click in the right chart's body marks L%d, want L2", s.selected)
	}
	m.Update(click(10, y+3))
	if s := m.sharedState(); s.selected != 1 {
		t.Errorf("a click in the left chart's body marks L%d, want L1", s.selected)
	}
	// Learning and Profile list no layer blocks: a click there does nothing.
	m.setView(viewLearning)
	m.draw()
	m.Update(click(10, 10))
	if s := m.sharedState(); s.selected != 1 {
		t.Errorf("a click in Learning changed the mark to %d", s.selected)
	}
}

// labelsIn reads only labels that start a line or a cell: "from L5 to L1"
// in a sentence is no label.
func TestLabelsIn(t *testing.T) {
	got := labelsIn([]string{"L1  ▂▃", "L12 x  L13 y", "shrinks from L5 to L1: vanishing", " L2 ", "L3", "XL4 ", "L99999 "})
	want := []layerLabel{{0, 0, 1}, {1, 0, 12}, {1, 7, 13}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("labels %v, want %v", got, want)
	}
}

// A click sent through the whole program (teatest) on a layer's row marks it.
func TestMouseClickLayerTeatest(t *testing.T) {
	m := New(Options{Scenario: tinyScenario(t), Renderer: asciiRenderer()})
	defer m.Close()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("paused")) && bytes.Contains(b, []byte("L2")) },
		teatest.WithDuration(30*time.Second))
	y := rowOf(m.View(), "L2 ", 0)
	if y < 0 {
		t.Fatalf("no L2 row:\n%s", m.View())
	}
	tm.Send(click(20, y))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("L2◂")) },
		teatest.WithDuration(10*time.Second))
	tm.Send(tea.KeyMsg{Type: tea.KeyCtrlC})
	if final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(*Model); final.sharedState().selected != 2 {
		t.Errorf("final mark L%d, want L2", final.sharedState().selected)
	}
}

// TestMouseLayerEndToEnd: in the real app, a click on L2's row (an SGR
// report, as the terminal sends it) marks L2 there and in Dynamics.
func TestMouseLayerEndToEnd(t *testing.T) {
	x := startApp(t, 80, 24, "NO_COLOR=1", "--steps 4000")
	y := rowOf(x.capture(), "L2 ", 0)
	if y < 0 {
		t.Fatalf("no L2 row:\n%s", x.capture())
	}
	x.run("send-keys", "-t", "app", "-l", fmt.Sprintf("\x1b[<0;%d;%dM\x1b[<0;%d;%dm", 20, y+1, 20, y+1))
	x.waitScreen("L2 marked in Layers", 15*time.Second, has("L2◂", "L2 marked"))
	x.keys("2")
	x.waitScreen("L2 marked in Dynamics", 15*time.Second, has("[2 Dynamics]", "L2◂"))
}
