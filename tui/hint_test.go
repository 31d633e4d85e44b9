package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// footer is the key hint line of m's screen.
func footer(m *Model) string {
	lines := strings.Split(m.View(), "\n")
	return strings.TrimRight(lines[len(lines)-1], " ")
}

// The key hint names every key of the keymap's ShortHelp at 80 columns
// and wider, in shorter words when narrow; narrower than its shortest
// form it leaves out whole keys and ends with "…".
func TestHintFitsWidth(t *testing.T) {
	for _, c := range []struct {
		w    int
		want string
	}{
		{160, "? help · q quit · space train/pause · s step · r reset · 1-8 views · ←/→ time · c settings · o scenarios · e export"},
		{115, "? help · q quit · space train/pause · s step · r reset · 1-8 views · ←/→ time · c settings · o scenarios · e export"},
		{114, "? help · q quit · space train · s step · r reset · 1-8 views · ←→ time · c set · o scen · e export"},
		{80, "?:help q:quit space:train s:step r:reset 1-8:views ←→:time c:set o:scen e:export"},
	} {
		m := goldenModel(t, c.w, 30)
		if got := footer(m); got != c.want {
			t.Errorf("at %d columns the hint is\n%q, want\n%q", c.w, got, c.want)
		}
	}
	// Every key of the keymap's hint is in the 80-column one.
	m := goldenModel(t, 80, 24)
	got := footer(m)
	for _, b := range m.keys.ShortHelp() {
		k := b.Help().Key
		if s, ok := shortKeys[k]; ok {
			k = s.Key
		}
		if !strings.Contains(got, k+":") {
			t.Errorf("the 80-column hint lacks %q: %q", k, got)
		}
	}
	// Without export the hint has no e.
	m = newModel(Options{Scenario: goldenScenario(t), Renderer: asciiRenderer(), NoExport: true}, false)
	m.Close()
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if got := footer(m); strings.Contains(got, "export") || !strings.Contains(got, "o:scen") {
		t.Errorf("the hint without export: %q", got)
	}
}

// Narrower than the shortest form, whole keys from the start and "…":
// never a word cut.
func TestHintNarrow(t *testing.T) {
	full := strings.Fields(hint(DefaultKeyMap().ShortHelp(), 80, Styles{}))
	for w := 1; w < 80; w++ {
		got := hint(DefaultKeyMap().ShortHelp(), w, Styles{})
		if width := len([]rune(got)); width > w {
			t.Fatalf("at %d: %d wide: %q", w, width, got)
		}
		fields := strings.Fields(got)
		if w >= 8 && (len(fields) < 2 || fields[len(fields)-1] != "…") {
			t.Errorf("at %d: %q does not end with …", w, got)
		}
		for i, f := range fields {
			if f != "…" && f != full[i] {
				t.Errorf("at %d: key %q cut (want %q): %q", w, f, full[i], got)
			}
		}
	}
}
