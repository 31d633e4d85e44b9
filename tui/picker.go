package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"initscope/scenarios"
)

// scenarioPicker lists the built-in scenarios; enter proposes the chosen
// one for the main run, capped to the limits.
type scenarioPicker struct {
	all    []scenarios.Scenario
	sel    int
	limits Limits
	keys   pickerKeyMap
}

// pickerKeyMap are the picker's keys.
type pickerKeyMap struct {
	Up, Down, Apply, Cancel key.Binding
}

func defaultPickerKeys() pickerKeyMap {
	return pickerKeyMap{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous scenario")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next scenario")),
		Apply:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "load")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// newScenarioPicker opens on the scenario named current, if listed.
func newScenarioPicker(all []scenarios.Scenario, current string, l Limits) scenarioPicker {
	p := scenarioPicker{all: all, limits: l, keys: defaultPickerKeys()}
	for i, sc := range all {
		if sc.Name == current {
			p.sel = i
		}
	}
	return p
}

// Update moves the selection; enter proposes it, esc closes.
func (p scenarioPicker) Update(msg tea.KeyMsg) (overlay, outcome) {
	switch {
	case key.Matches(msg, p.keys.Cancel):
		return p, outcome{verdict: closePanel}
	case key.Matches(msg, p.keys.Up):
		p.sel = max(0, p.sel-1)
	case key.Matches(msg, p.keys.Down):
		p.sel = min(len(p.all)-1, p.sel+1)
	case key.Matches(msg, p.keys.Apply):
		return p, outcome{verdict: proposeChange, change: pendingChange{runMain, p.limits.clamp(p.all[p.sel])}}
	}
	return p, stay
}

// View shows the scenarios with their descriptions, scrolled so that the
// selection stays in view.
func (p scenarioPicker) View(_ *[numRuns]runData, w, h int, st Styles) string {
	rows := []string{st.Title.Render("Scenarios") + st.Hint.Render("   ↑↓ choose · enter load · esc cancel"), ""}
	nameW := 0
	for _, sc := range p.all {
		nameW = max(nameW, len(sc.Name))
	}
	room := max(1, h-len(rows))
	first := max(0, min(p.sel-room/2, len(p.all)-room))
	for i := first; i < len(p.all) && i < first+room; i++ {
		sc := p.all[i]
		line := fmt.Sprintf("%-*s  %s", nameW, sc.Name, sc.Description)
		if i == p.sel {
			rows = append(rows, st.Selected.Render(fit("› "+line, w-1)))
		} else {
			rows = append(rows, "  "+st.Value.Render(fmt.Sprintf("%-*s", nameW, sc.Name))+"  "+st.Hint.Render(sc.Description))
		}
	}
	return strings.Join(rows, "\n")
}
