package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"initscope/scenarios"
)

// settingsPanel edits a copy of a scenario, one field at a time, with the
// arrow keys; enter hands the copy back.
type settingsPanel struct {
	run    int
	orig   scenarios.Scenario
	sc     scenarios.Scenario
	limits Limits
	field  int
	keys   settingsKeyMap
}

// settingsKeyMap are the panel's keys.
type settingsKeyMap struct {
	Up, Down, Left, Right, Apply, Cancel key.Binding
}

// defaultSettingsKeys are the panel's keys: tab also moves down, space
// also steps up.
func defaultSettingsKeys() settingsKeyMap {
	return settingsKeyMap{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous field")),
		Down:   key.NewBinding(key.WithKeys("down", "j", "tab"), key.WithHelp("↓/j", "next field")),
		Left:   key.NewBinding(key.WithKeys("left", "-"), key.WithHelp("←/-", "smaller / previous value")),
		Right:  key.NewBinding(key.WithKeys("right", "+", "=", " "), key.WithHelp("→/+", "larger / next value")),
		Apply:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// FullHelp is the panel's column of the help overlay.
func (k settingsKeyMap) FullHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Left, k.Right, k.Apply, k.Cancel}
}

// field is one line of the panel: how to show it and how to step it.
type field struct {
	name  string
	show  func(sc *scenarios.Scenario) string
	step  func(sc *scenarios.Scenario, dir int, l Limits)
	about func(sc *scenarios.Scenario) string
}

func newSettingsPanel(run int, sc scenarios.Scenario, l Limits) settingsPanel {
	return settingsPanel{run: run, orig: sc, sc: sc, limits: l, keys: defaultSettingsKeys()}
}

// scenario is the edited scenario; a changed one is no longer its preset.
func (p settingsPanel) scenario() scenarios.Scenario {
	sc := p.sc
	if !sameNetwork(sc, p.orig) && p.run == runMain {
		if !strings.HasSuffix(sc.Name, "*") {
			sc.Description = "modified from " + p.orig.Name
			sc.Name = "custom"
		}
	}
	return sc
}

// Update moves between fields and steps the chosen one; enter proposes the
// edited scenario, esc drops it.
func (p settingsPanel) Update(msg tea.KeyMsg) (overlay, outcome) {
	fs := settingsFields()
	k := p.keys
	switch {
	case key.Matches(msg, k.Cancel):
		return p, outcome{verdict: closePanel}
	case key.Matches(msg, k.Apply):
		return p, outcome{verdict: proposeChange, change: pendingChange{p.run, p.scenario()}}
	case key.Matches(msg, k.Up):
		p.field = (p.field + len(fs) - 1) % len(fs)
	case key.Matches(msg, k.Down):
		p.field = (p.field + 1) % len(fs)
	case key.Matches(msg, k.Left):
		fs[p.field].step(&p.sc, -1, p.limits)
	case key.Matches(msg, k.Right):
		fs[p.field].step(&p.sc, +1, p.limits)
	}
	return p, stay
}

// stepList moves v to the next (dir > 0) or previous value of list, within
// [list[0], hi]; a value between entries goes to the neighbouring entry.
func stepList(v float64, list []float64, dir int, hi float64) float64 {
	if dir > 0 {
		for _, x := range list {
			if x > v*(1+1e-9) && x <= hi {
				return x
			}
		}
		return v
	}
	for i := len(list) - 1; i >= 0; i-- {
		if list[i] < v*(1-1e-9) {
			return list[i]
		}
	}
	return v
}

// cycle moves to the next or previous name, wrapping around.
func cycle(names []string, cur string, dir int) string {
	i := slices.Index(names, cur)
	if i < 0 {
		return names[0]
	}
	return names[(i+dir+len(names))%len(names)]
}

// settingsFields are the panel's lines: the settings of the table that
// have a Panel, in its order, shown and stepped as the table says.
func settingsFields() []field {
	var fs []field
	for _, st := range scenarios.Settings() {
		if st.Panel != nil {
			fs = append(fs, panelField(st))
		}
	}
	return fs
}

func panelField(st scenarios.Setting) field {
	p := st.Panel
	return field{
		name: p.Label,
		show: func(sc *scenarios.Scenario) string {
			v := showValue(st.Ptr(sc))
			if p.Format != "" {
				return sprintf(p.Format, v)
			}
			return v
		},
		step: func(sc *scenarios.Scenario, d int, l Limits) {
			switch ptr := st.Ptr(sc).(type) {
			case *string:
				names := st.Choices
				if p.Names != nil {
					names = p.Names
				}
				list := names()
				if p.Names != nil && !slices.Contains(list, *ptr) {
					list = append(list, *ptr)
				}
				*ptr = cycle(list, *ptr, d)
			case *bool:
				*ptr = !*ptr
			case *uint64: // exact, where a float64 would round a large seed; counts from 1
				if d > 0 && *ptr < math.MaxUint64 {
					*ptr++
				} else if d < 0 && *ptr > 1 {
					*ptr--
				}
			default:
				v, _ := st.Number(sc)
				st.SetNumber(sc, stepNumber(v, d, st.Range, p.Steps, l.of(st.Key)))
			}
		},
		about: func(sc *scenarios.Scenario) string {
			if p.Describe != nil {
				if s, ok := st.Ptr(sc).(*string); ok {
					return p.Describe(*s)
				}
			}
			if p.About != "" {
				return p.About
			}
			return st.Usage
		},
	}
}

// stepNumber moves v one step in direction d: to the neighbouring entry of
// steps, or by one without them, within r (and below a positive limit). A
// value already past the top never moves down when asked to go up.
func stepNumber(v float64, d int, r *scenarios.Range, steps []float64, limit float64) float64 {
	lo, hi := math.Inf(-1), math.Inf(1)
	if r != nil {
		lo, hi = r.Lo, r.Hi
	}
	if limit > 0 {
		hi = min(hi, limit)
	}
	if steps != nil {
		return stepList(v, steps, d, hi)
	}
	n := v + float64(d)
	if n < lo || n > hi || (r != nil && r.Above && n == lo) {
		return v
	}
	return n
}

// showValue is a setting's value as the panel shows it.
func showValue(ptr any) string {
	switch v := ptr.(type) {
	case *string:
		return *v
	case *bool:
		return onOff(*v)
	case *int64:
		return fmtCount(*v)
	case *float64:
		return sprintf("%g", *v)
	case *int:
		return sprintf("%d", *v)
	case *uint64:
		return sprintf("%d", *v)
	}
	return sprintf("%v", ptr)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// View draws the panel: every field, the chosen one's description, and
// whether enter would build a new network.
func (p settingsPanel) View(_ *[numRuns]runData, w, h int, st Styles) string {
	fs := settingsFields()
	var rows []string
	rows = append(rows, st.Title.Render("Settings · "+runNames[p.run])+
		st.Hint.Render("   ↑↓ choose · ←→ change · enter apply · esc cancel"), "")
	for i, f := range fs {
		val := f.show(&p.sc)
		changed := val != f.show(&p.orig)
		label := fmt.Sprintf("%-15s", f.name)
		v := "◀ " + val + " ▶"
		if changed {
			v += " *"
		}
		if i == p.field {
			rows = append(rows, st.Selected.Render("› "+label+" "+v+" "))
		} else {
			rows = append(rows, st.Label.Render("  "+label)+" "+st.Value.Render(v))
		}
	}
	rows = append(rows, "", st.Hint.Render(fs[p.field].about(&p.sc)))
	if _, err := p.sc.Validate(); err != nil {
		rows = append(rows, st.Bad.Render("invalid: "+err.Error()))
	} else if !sameNetwork(p.sc, p.orig) {
		rows = append(rows, st.Warn.Render("enter builds a new network (asks first if the current run has trained)"))
	}
	return lipgloss.JoinVertical(lipgloss.Left, rows...)
}
