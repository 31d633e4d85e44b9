package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

// The header gives every view a tab at any width: the views' names, cut
// to four letters where they do not fit, their numbers alone where those
// do not; the shown view's tab is bracketed, and each tab's columns (where
// a click goes) are inside the header and hold its number.
func TestHeaderTabsFit(t *testing.T) {
	m := goldenModel(t, 160, 48)
	m.Update(press("6"))
	for _, c := range []struct {
		w    int
		want string
	}{
		{160, "[6 Compare]"}, {80, "5 Theory [6 Compare] 7 Profile"},
		{60, "5 Theo [6 Comp] 7 Prof"}, {30, "5 [6] 7"},
	} {
		h, spans := m.headerTabs(c.w)
		if lipgloss.Width(h) > c.w || !strings.Contains(h, c.want) {
			t.Errorf("at %d columns: %q, want %q in it", c.w, h, c.want)
		}
		for v, sp := range spans {
			if sp[0] >= sp[1] || sp[1] > c.w || !strings.Contains(string([]rune(h)[sp[0]:sp[1]]), sprintf("%d", v+1)) {
				t.Errorf("at %d columns the tab of view %d spans %v of %q", c.w, v+1, sp, h)
			}
		}
	}
}
