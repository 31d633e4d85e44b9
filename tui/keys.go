package tui

import "github.com/charmbracelet/bubbles/key"

// KeyMap lists the app's own keys; each overlay has its own.
type KeyMap struct {
	Train, Step, Reset  key.Binding
	Next, Prev, Views   key.Binding
	Settings, Scenarios key.Binding
	EditA, EditB        key.Binding
	Export, Help, Quit  key.Binding
}

// DefaultKeyMap returns the app's keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Train:     key.NewBinding(key.WithKeys(" "), key.WithHelp("space", "train/pause")),
		Step:      key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "step")),
		Reset:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reset")),
		Next:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next view")),
		Prev:      key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous view")),
		Views:     key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6"), key.WithHelp("1-6", "views")),
		Settings:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "settings")),
		Scenarios: key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "scenarios")),
		EditA:     key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "compare: edit A")),
		EditB:     key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "compare: edit B")),
		Export:    key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// ShortHelp is the one-line hint under every view.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Quit, k.Train, k.Step, k.Reset, k.Views, k.Settings, k.Scenarios, k.Export}
}
