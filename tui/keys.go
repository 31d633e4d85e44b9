package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap lists the app's own keys; each overlay has its own.
type KeyMap struct {
	Train, Step, Reset  key.Binding
	Next, Prev, Views   key.Binding
	Settings, Scenarios key.Binding
	EditA, EditB        key.Binding
	Export, Help, Quit  key.Binding
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
		Export:    key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export")),
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
