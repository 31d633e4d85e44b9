package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
)

// KeyMap lists the app's own keys; each overlay has its own.
type KeyMap struct {
	Train, Step, Reset  key.Binding
	Next, Prev, Views   key.Binding
	Settings, Scenarios key.Binding
	EditA, EditB        key.Binding
	// Compare's own: d edits run D (c edits C once there is one), + adds
	// a run and - drops the last (compare_model.go).
	EditD, More, Fewer key.Binding
	Export, Figures    key.Binding
	Help, Quit         key.Binding
	// The time cursor (cursor.go): which recorded snapshot every view
	// draws. Back and Forward move one snapshot; First goes to step 0,
	// Latest back to following the run.
	Back, Forward, First, Latest key.Binding
}

// DefaultKeyMap returns the app's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Train:     key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "train/pause")),
		Step:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "step")),
		Reset:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reset")),
		Next:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next view")),
		Prev:      key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous view")),
		Views:     key.NewBinding(key.WithKeys(viewKeys()...), key.WithHelp(viewKeysHelp(), "views")),
		Settings:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "settings")),
		Scenarios: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "scenarios")),
		EditA:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "compare: edit A")),
		EditB:     key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "compare: edit B")),
		EditD:     key.NewBinding(key.WithKeys("d"), key.WithHelp("c/d", "compare: edit C / D")),
		More:      key.NewBinding(key.WithKeys("+"), key.WithHelp("+", sprintf("compare: add a run (up to %d)", maxCompare))),
		Fewer:     key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "compare: drop the last run")),
		Export:    key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export")),
		Figures:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "PNG figures")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Back:      key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "earlier snapshot")),
		Forward:   key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "later snapshot")),
		First:     key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first snapshot (step 0)")),
		Latest:    key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "latest snapshot, follow the run")),
	}
}

// ShortHelp is the one-line hint under every view.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Quit, k.Train, k.Step, k.Reset, k.Views, k.timeHint(), k.Settings, k.Scenarios, k.Export}
}

// shortKeys are the one-line hint's shorter words for narrow terminals,
// by the binding's help key; a key not listed keeps its own words.
var shortKeys = map[string]key.Help{
	"space": {Key: "space", Desc: "train"},
	"←/→":   {Key: "←→", Desc: "time"},
	"c":     {Key: "c", Desc: "set"},
	"o":     {Key: "o", Desc: "scen"},
}

// hintLayouts are the one-line hint's forms, widest first: the keys'
// own words joined by " · ", the shorter words (shortKeys) joined so,
// then the shorter words as key:word joined by spaces, which fits every
// key in 80 columns.
var hintLayouts = []struct {
	short   bool
	inner   string // between a key and its word
	sep     string // between keys
	compact bool
}{
	{false, " ", " · ", false},
	{true, " ", " · ", false},
	{true, ":", " ", true},
}

// hint is the one-line hint of bindings in at most width cells, in the
// widest form that fits (hintLayouts); when none does, the last form
// leaves out whole keys from the end and says so with "…".
func hint(bindings []key.Binding, width int, st Styles) string {
	var parts []string
	for _, layout := range hintLayouts {
		parts = parts[:0]
		total := 0
		for _, b := range bindings {
			h := b.Help()
			if s, ok := shortKeys[h.Key]; ok && layout.short {
				h = s
			}
			if total > 0 {
				total += len([]rune(layout.sep))
			}
			total += lipgloss.Width(h.Key + layout.inner + h.Desc)
			parts = append(parts, st.Value.Render(h.Key)+st.Dim.Render(layout.inner)+st.Hint.Render(h.Desc))
		}
		sep := st.Dim.Render(layout.sep)
		if total <= width {
			return strings.Join(parts, sep)
		}
		if layout.compact {
			// Whole keys from the start, and "…" for the rest.
			line := ""
			for i, p := range parts {
				next := p
				if i > 0 {
					next = line + sep + p
				}
				if lipgloss.Width(next)+len(layout.sep)+1 > width {
					break
				}
				line = next
			}
			if line == "" { // not even one key and "…": one key, or "…"
				if lipgloss.Width(parts[0]) <= width {
					return parts[0]
				}
				return st.Dim.Render("…")
			}
			return line + sep + st.Dim.Render("…")
		}
	}
	return ""
}

// compareHelp is the settings keys and Compare's keys that edit its runs,
// for the help: c with a-d on one line, + and - on another.
func (k KeyMap) compareHelp() []key.Binding {
	edit := key.NewBinding(key.WithKeys(append(k.Settings.Keys(), "a", "b", "d")...),
		key.WithHelp("c a-d", "settings; on Compare of run A-D"))
	runs := key.NewBinding(key.WithKeys("+", "-"), key.WithHelp("+/-", sprintf("compare: add (up to %d) / drop a run", maxCompare)))
	return []key.Binding{edit, k.Scenarios, runs}
}

// timeHelp is the cursor's keys for the help, two to a line.
func (k KeyMap) timeHelp() []key.Binding {
	pair := func(a, b key.Binding, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(append(a.Keys(), b.Keys()...)...), key.WithHelp(a.Help().Key+"/"+b.Help().Key, desc))
	}
	return []key.Binding{
		pair(k.Back, k.Forward, "earlier / later snapshot"),
		pair(k.First, k.Latest, "step 0 / latest (follows)"),
	}
}

// timeHint is the cursor's keys in the one-line hint.
func (k KeyMap) timeHint() key.Binding {
	b := k.timeHelp()[0]
	b.SetHelp(b.Help().Key, "time")
	return b
}
