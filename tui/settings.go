package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"initscope/nn"
	"initscope/scenarios"
	"initscope/scenarios/dataset"
)

// settingsPanel edits a copy of a scenario, one field at a time, with the
// arrow keys; enter hands the copy back.
type settingsPanel struct {
	run    int
	orig   scenarios.Scenario
	sc     scenarios.Scenario
	limits Limits
	field  int
}

// field is one line of the panel: how to show it and how to step it.
type field struct {
	name  string
	show  func(sc *scenarios.Scenario) string
	step  func(sc *scenarios.Scenario, dir int, l Limits)
	about func(sc *scenarios.Scenario) string
}

func newSettingsPanel(run int, sc scenarios.Scenario, l Limits) settingsPanel {
	return settingsPanel{run: run, orig: sc, sc: sc, limits: l}
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

func (p *settingsPanel) handle(msg tea.KeyMsg, k KeyMap) {
	fs := settingsFields()
	switch {
	case key.Matches(msg, k.Up):
		p.field = (p.field + len(fs) - 1) % len(fs)
	case key.Matches(msg, k.Down), msg.String() == "tab":
		p.field = (p.field + 1) % len(fs)
	case key.Matches(msg, k.Left):
		fs[p.field].step(&p.sc, -1, p.limits)
	case key.Matches(msg, k.Right), msg.String() == " ":
		fs[p.field].step(&p.sc, +1, p.limits)
	}
}

var (
	initScales = []float64{0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4}
	widths     = []float64{4, 8, 16, 32, 64, 128, 256, 512, 1000, 2000, 4096}
	lrs        = []float64{1e-4, 3e-4, 1e-3, 3e-3, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.3, 1}
	batches    = []float64{1, 2, 5, 10, 20, 50, 100, 200, 500}
	stepCounts = []float64{100, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1e6, 1e7}
	everies    = []float64{1, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000}
)

// maxSettingsDepth is the deepest network the panel builds (the 1-10).
const maxSettingsDepth = 10

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

func names[T fmt.Stringer](all []T) []string {
	out := make([]string, len(all))
	for i, a := range all {
		out[i] = a.String()
	}
	return out
}

func capOr(limit, dflt int) float64 {
	if limit > 0 && limit < dflt {
		return float64(limit)
	}
	return float64(dflt)
}

func settingsFields() []field {
	return []field{
		{name: "activation",
			show: func(sc *scenarios.Scenario) string { return sc.Activation },
			step: func(sc *scenarios.Scenario, d int, _ Limits) {
				sc.Activation = cycle(names(nn.Activations()), sc.Activation, d)
			},
			about: func(sc *scenarios.Scenario) string {
				a, err := nn.ParseActivation(sc.Activation)
				if err != nil {
					return ""
				}
				return a.Description()
			}},
		{name: "initializer",
			show: func(sc *scenarios.Scenario) string { return sc.Init },
			step: func(sc *scenarios.Scenario, d int, _ Limits) { sc.Init = cycle(names(nn.InitKinds()), sc.Init, d) },
			about: func(sc *scenarios.Scenario) string {
				k, err := nn.ParseInit(sc.Init)
				if err != nil {
					return ""
				}
				return k.Description()
			}},
		{name: "init scale",
			show: func(sc *scenarios.Scenario) string { return sprintf("×%g", sc.InitScale) },
			step: func(sc *scenarios.Scenario, d int, _ Limits) {
				sc.InitScale = stepList(sc.InitScale, initScales, d, math.Inf(1))
			},
			about: func(*scenarios.Scenario) string {
				return "multiplies the initial weights (1 is the initializer as published)"
			}},
		{name: "depth",
			show: func(sc *scenarios.Scenario) string { return sprintf("%d hidden layers", sc.Depth) },
			step: func(sc *scenarios.Scenario, d int, l Limits) {
				sc.Depth = int(max(1, min(capOr(l.MaxDepth, maxSettingsDepth), float64(sc.Depth+d))))
			},
			about: func(*scenarios.Scenario) string { return "the paper trains 1 to 5 hidden layers" }},
		{name: "width",
			show: func(sc *scenarios.Scenario) string { return sprintf("%d units", sc.Width) },
			step: func(sc *scenarios.Scenario, d int, l Limits) {
				sc.Width = int(stepList(float64(sc.Width), widths, d, capOr(l.MaxWidth, nn.MaxWidth)))
			},
			about: func(*scenarios.Scenario) string { return "units per hidden layer (the paper: 1000)" }},
		{name: "cost",
			show: func(sc *scenarios.Scenario) string { return sc.Loss },
			step: func(sc *scenarios.Scenario, d int, _ Limits) { sc.Loss = cycle(names(nn.Costs()), sc.Loss, d) },
			about: func(sc *scenarios.Scenario) string {
				c, err := nn.ParseCost(sc.Loss)
				if err != nil {
					return ""
				}
				return c.Description()
			}},
		{name: "data set",
			show: func(sc *scenarios.Scenario) string { return sc.Dataset },
			step: func(sc *scenarios.Scenario, d int, _ Limits) {
				sets := []string{"shapeset", "tiny"}
				if !slices.Contains(sets, sc.Dataset) {
					sets = append(sets, sc.Dataset)
				}
				sc.Dataset = cycle(sets, sc.Dataset, d)
			},
			about: func(sc *scenarios.Scenario) string {
				kind, _, _ := strings.Cut(sc.Dataset, ":")
				for _, in := range dataset.List() {
					if in.Name == kind {
						return in.Description + " (files: --dataset " + in.Usage + ")"
					}
				}
				return ""
			}},
		{name: "learning rate",
			show:  func(sc *scenarios.Scenario) string { return sprintf("%g", sc.LR) },
			step:  func(sc *scenarios.Scenario, d int, _ Limits) { sc.LR = stepList(sc.LR, lrs, d, math.Inf(1)) },
			about: func(*scenarios.Scenario) string { return "plain SGD step size" }},
		{name: "batch size",
			show: func(sc *scenarios.Scenario) string { return sprintf("%d", sc.BatchSize) },
			step: func(sc *scenarios.Scenario, d int, _ Limits) {
				sc.BatchSize = int(stepList(float64(sc.BatchSize), batches, d, scenarios.MaxBatchSize))
			},
			about: func(*scenarios.Scenario) string { return "examples per SGD step (the paper: 10)" }},
		{name: "steps",
			show: func(sc *scenarios.Scenario) string { return fmtCount(sc.Steps) },
			step: func(sc *scenarios.Scenario, d int, l Limits) {
				hi := float64(scenarios.MaxSteps)
				if l.MaxSteps > 0 {
					hi = float64(l.MaxSteps)
				}
				sc.Steps = int64(stepList(float64(sc.Steps), stepCounts, d, hi))
			},
			about: func(*scenarios.Scenario) string {
				return "length of the run; changing only this keeps the current network"
			}},
		{name: "snapshot every",
			show: func(sc *scenarios.Scenario) string { return sprintf("%s steps", fmtCount(sc.Every)) },
			step: func(sc *scenarios.Scenario, d int, _ Limits) {
				sc.Every = int64(stepList(float64(sc.Every), everies, d, math.Inf(1)))
			},
			about: func(*scenarios.Scenario) string { return "how often every layer is measured on the probe set" }},
		{name: "seed",
			show: func(sc *scenarios.Scenario) string { return sprintf("%d", sc.Seed) },
			step: func(sc *scenarios.Scenario, d int, _ Limits) {
				if d > 0 || sc.Seed > 1 {
					sc.Seed = uint64(int64(sc.Seed) + int64(d))
				}
			},
			about: func(*scenarios.Scenario) string { return "fixes the weights and the data; same seed, same numbers" }},
		{name: "histograms",
			show:  func(sc *scenarios.Scenario) string { return onOff(sc.Hist) },
			step:  func(sc *scenarios.Scenario, _ int, _ Limits) { sc.Hist = !sc.Hist },
			about: func(*scenarios.Scenario) string { return "measure histograms at every snapshot (the Histograms view)" }},
	}
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func (p settingsPanel) view(w, h int, st Styles) string {
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

// renderScenarioList shows the built-in scenarios with their descriptions.
func renderScenarioList(all []scenarios.Scenario, sel, w, h int, st Styles) string {
	rows := []string{st.Title.Render("Scenarios") + st.Hint.Render("   ↑↓ choose · enter load · esc cancel"), ""}
	nameW := 0
	for _, sc := range all {
		nameW = max(nameW, len(sc.Name))
	}
	// Scroll so the selection stays in view.
	room := max(1, h-len(rows))
	first := max(0, min(sel-room/2, len(all)-room))
	for i := first; i < len(all) && i < first+room; i++ {
		sc := all[i]
		line := fmt.Sprintf("%-*s  %s", nameW, sc.Name, sc.Description)
		if i == sel {
			rows = append(rows, st.Selected.Render(fit("› "+line, w-1)))
		} else {
			rows = append(rows, "  "+st.Value.Render(fmt.Sprintf("%-*s", nameW, sc.Name))+"  "+st.Hint.Render(sc.Description))
		}
	}
	return strings.Join(rows, "\n")
}
