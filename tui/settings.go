package tui

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"initscope/scenarios"
)

// settingsPanel edits a copy of a scenario, one field at a time, with the
// arrow keys or by typing (form.go); enter hands the copy back.
type settingsPanel struct {
	run    int
	orig   scenarios.Scenario
	sc     scenarios.Scenario
	limits Limits
	field  int
	keys   settingsKeyMap
	form   formState
}

// settingsKeyMap are the panel's keys.
type settingsKeyMap struct {
	Up, Down, Left, Right, Apply, Cancel key.Binding
	Edit, Save, Copy                     key.Binding // form.go
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
		Edit:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e/0-9", "type a value")),
		Save:   key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "save as scenario file")),
		Copy:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy the command line")),
	}
}

// FullHelp is the panel's column of the help overlay.
func (k settingsKeyMap) FullHelp() []key.Binding {
	// Pairs and the form's three keys on one line each, so the column
	// fits the help's rows at 80x24.
	join := func(desc string, bs ...key.Binding) key.Binding {
		var keys, helps []string
		for _, b := range bs {
			keys = append(keys, b.Keys()...)
			helps = append(helps, b.Help().Key)
		}
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(strings.Join(helps, " "), desc))
	}
	return []key.Binding{
		join("previous / next field", k.Up, k.Down),
		join("smaller · larger / next value", k.Left, k.Right),
		join("type · save file · copy cmd", k.Edit, k.Save, k.Copy),
		k.Apply, k.Cancel,
	}
}

// field is one line of the panel: how to show it and how to step it.
type field struct {
	setting scenarios.Setting
	name    string
	show    func(sc *scenarios.Scenario) string
	step    func(sc *scenarios.Scenario, dir int, l Limits)
	about   func(sc *scenarios.Scenario) string
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

// Update moves between fields and steps the chosen one, or opens the
// text field (e, or a digit on a numeric line), saves (w) or copies the
// command line (y); enter proposes the edited scenario, esc drops it.
// While the form types or asks, keys are its (formKey).
func (p settingsPanel) Update(msg tea.KeyMsg) (overlay, outcome) {
	if p.form.mode != formBrowse {
		return p.formKey(msg)
	}
	fs := settingsFields()
	k := p.keys
	switch {
	case key.Matches(msg, k.Edit):
		return p.edit(fs[p.field].typed(&p.sc)), stay
	case startsNumber(msg) && fs[p.field].numeric():
		return p.edit(string(msg.Runes)), stay
	case key.Matches(msg, k.Save):
		return p.startSave(), stay
	case key.Matches(msg, k.Copy):
		return p.copyLine(), stay
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
		setting: st,
		name:    p.Label,
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

// typed is the line's value as the text field starts with it, written as
// its flag takes it (10000, not 10,000).
func (f field) typed(sc *scenarios.Scenario) string {
	switch v := f.setting.Ptr(sc).(type) {
	case *bool:
		return onOff(*v)
	case *float64:
		return strconv.FormatFloat(*v, 'g', -1, 64)
	case *int64:
		return strconv.FormatInt(*v, 10)
	}
	return showValue(f.setting.Ptr(sc))
}

// numeric reports whether the line is a number, where a digit starts
// typing it.
func (f field) numeric() bool {
	_, ok := f.setting.Number(&scenarios.Scenario{})
	return ok
}

// View draws the panel: every field (the chosen one's text field while it
// is typed), the chosen one's description, whether enter would build a
// new network, and the form's lines (form.go). When the height is short
// the blank lines go first, then the description.
func (p settingsPanel) View(_ *[numRuns]runData, w, h int, st Styles) string {
	fs := settingsFields()
	title := st.Title.Render("Settings · "+runNames[p.run]) +
		st.Hint.Render(strings.TrimRight("   "+hintLine(max(1, w-lipgloss.Width("Settings · "+runNames[p.run])-3), "↑↓ choose", "←→ change", "enter apply", "esc cancel"), " "))
	var rows []string
	for i, f := range fs {
		val := f.show(&p.sc)
		changed := val != f.show(&p.orig)
		label := fmt.Sprintf("%-15s", f.name)
		v := "◀ " + val + " ▶"
		if changed {
			v += " *"
		}
		switch {
		case i == p.field && p.form.mode == formValue:
			rows = append(rows, st.Selected.Render("› "+label)+" "+inputView(p.form.input, max(1, w-lipgloss.Width(label)-4), st))
		case i == p.field:
			rows = append(rows, st.Selected.Render("› "+label+" "+v+" "))
		default:
			rows = append(rows, st.Label.Render("  "+label)+" "+st.Value.Render(v))
		}
	}
	var state string
	if _, err := p.sc.Validate(); err != nil {
		state = st.Bad.Render(truncate("invalid: "+err.Error(), w))
	} else if !sameNetwork(p.sc, p.orig) {
		state = st.Warn.Render(truncate("enter builds a new network (asks first if the current run has trained)", w))
	}
	about := st.Hint.Render(truncate(fs[p.field].about(&p.sc), w))
	// What must show: the title, the lines and the form's last line (its
	// keys); then the note, the state, the description and the blanks.
	room := h - 1 - len(rows)
	form := p.formLines(w, max(1, room-btoi(state != "")), st)
	room -= len(form)
	out := []string{title}
	if room >= 3+btoi(state != "") {
		out = append(out, "")
		room--
	}
	out = append(out, rows...)
	var below []string
	if room >= 2+btoi(state != "") {
		below = append(below, "")
		room--
	}
	if room >= 1+btoi(state != "") {
		below = append(below, about)
		room--
	}
	if state != "" && room >= 1 {
		below = append(below, state)
	}
	out = append(out, below...)
	out = append(out, form...)
	return lipgloss.JoinVertical(lipgloss.Left, out...)
}
