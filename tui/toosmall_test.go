package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
)

// TestTooSmallWholeMessage: below 80x24 the request to enlarge the window
// is whole at every size: the longest wording that fits, never a number
// cut in the middle, and the screen is exactly the terminal's size.
func TestTooSmallWholeMessage(t *testing.T) {
	cases := []struct {
		w, h     int
		want     []string // each on one line
		notWant  []string
		wantText string // the screen's words, spaces collapsed
	}{
		{60, 20, []string{"terminal too small: need 80x24, have 60x20", "enlarge the window, or press q to quit"}, nil, ""},
		{40, 10, []string{"terminal too small: need 80x24,", "have 40x10", "enlarge the window, or press q to quit"}, nil, ""},
		{79, 1, []string{"terminal too small: need 80x24, have 79x1"}, []string{"enlarge"}, ""},
		{20, 5, []string{"terminal too small:", "need 80x24,", "have 20x5", "enlarge the window,", "or press q to quit"}, nil, ""},
		{20, 2, []string{"need 80x24,", "have 20x2"}, []string{"too small", "enlarge"}, ""},
		{12, 1, []string{"80x24 needed"}, []string{"have"}, "80x24 needed"},
		{6, 2, []string{"80x24"}, []string{"needed"}, "80x24"},
		{1, 1, []string{"…"}, []string{"80", "x"}, "…"},
	}
	for _, c := range cases {
		m := goldenModel(t, c.w, c.h)
		screen := m.View()
		lines := strings.Split(screen, "\n")
		if len(lines) != c.h {
			t.Errorf("%dx%d: %d lines", c.w, c.h, len(lines))
		}
		for i, l := range lines {
			if lipgloss.Width(l) > c.w {
				t.Errorf("%dx%d: line %d is %d wide", c.w, c.h, i+1, lipgloss.Width(l))
			}
		}
		for _, want := range c.want {
			found := false
			for _, l := range lines {
				found = found || strings.TrimSpace(l) == want
			}
			if !found {
				t.Errorf("%dx%d: no line %q:\n%s", c.w, c.h, want, screen)
			}
		}
		for _, bad := range c.notWant {
			if strings.Contains(screen, bad) {
				t.Errorf("%dx%d: %q shown:\n%s", c.w, c.h, bad, screen)
			}
		}
		if got := strings.Join(strings.Fields(screen), " "); c.wantText != "" && got != c.wantText {
			t.Errorf("%dx%d: the screen says %q, want %q", c.w, c.h, got, c.wantText)
		}
	}
}

// TestTooSmallEveryWidth: at every small size, every size number the
// screen shows is whole.
func TestTooSmallEveryWidth(t *testing.T) {
	m := goldenModel(t, 80, 24)
	for w := 0; w < MinWidth; w++ {
		for _, h := range []int{1, 2, 3, 5, 10, 23} {
			m.Update(tea.WindowSizeMsg{Width: w, Height: h})
			screen := m.View()
			if w == 0 {
				continue
			}
			for _, f := range strings.Fields(screen) {
				f = strings.TrimRight(f, ",")
				if strings.Contains(f, "x") && f != sprintf("%dx%d", w, h) && f != "80x24" {
					t.Fatalf("%dx%d: %q is not a whole size:\n%s", w, h, f, screen)
				}
			}
			if strings.TrimSpace(screen) == "" {
				t.Fatalf("%dx%d: empty screen", w, h)
			}
		}
	}
}
