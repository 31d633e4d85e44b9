package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"initscope/nn"
	"initscope/scenarios/batch"
)

// histView shows the main run's histograms now and at step 0. A narrow
// terminal shows one kind at a time, kind, which h steps through.
type histView struct {
	kind int
	keys histKeyMap
}

// histKeyMap are the view's keys.
type histKeyMap struct {
	NextKind key.Binding
}

func newHistView() histView {
	return histView{keys: histKeyMap{
		NextKind: key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "histograms: next kind")),
	}}
}

// Update steps to the next kind on h.
func (v histView) Update(msg tea.KeyMsg) (viewModel, bool) {
	if key.Matches(msg, v.keys.NextKind) {
		v.kind = (v.kind + 1) % len(histKinds)
		return v, true
	}
	return v, false
}

func (v histView) FullHelp() []key.Binding { return []key.Binding{v.keys.NextKind} }

func (v histView) View(runs *[numRuns]runData, w, h int, st Styles) string {
	return renderHistograms(runs[runMain], w, h, v.kind, st)
}

// histKinds are the histograms' titles, in the order of the table.
var histKinds = func() []string {
	var t []string
	for _, h := range batch.Hists() {
		t = append(t, h.Title())
	}
	return t
}()

func histOf(l nn.LayerStats, kind int) *nn.Histogram { return batch.Hist(kind).Get(l) }

// renderHistograms shows each layer's histograms now beside those at step
// 0 (Figs 4, 6, 7, 8). Every layer and both times share one count scale
// per kind, so a distribution that narrows layer by layer shows as a
// growing peak, as in the paper's figures. Wide terminals show all three
// kinds; narrow ones the one chosen with h.
func renderHistograms(d runData, w, h, kind int, st Styles) string {
	if len(d.Snaps) == 0 {
		return st.Dim.Render(waitingText(d))
	}
	first, last := d.Snaps[0], d.Snaps[len(d.Snaps)-1]
	if len(first.Layers) == 0 || histOf(first.Layers[0], 0) == nil {
		return st.Warn.Render("histograms are off for this scenario.") + "\n" +
			st.Hint.Render("turn them on in the settings (c, then 'histograms') and press enter.")
	}
	kinds := []int{kind % len(histKinds)}
	if w >= 150 {
		kinds = []int{0, 1, 2}
	}
	const labelW = 4
	kw := (w - labelW) / len(kinds)
	hw := max(4, (kw-3)/2)
	depth := len(last.Layers)
	rows := max(1, min(6, (h-3)/depth))
	bars := rows
	if rows >= 3 {
		bars = rows - 1
	}
	styles := []lipgloss.Style{st.Act, st.Grad, st.WGrad}
	var head, sub strings.Builder
	head.WriteString(fit("", labelW))
	sub.WriteString(fit("", labelW))
	cols := make([][2][][]float64, len(kinds)) // [kind][time][layer] columns
	tops := make([]float64, len(kinds))
	for k, kd := range kinds {
		cols[k] = [2][][]float64{make([][]float64, depth), make([][]float64, depth)}
		for t, snap := range []nn.Snapshot{first, last} {
			for l := range depth {
				hg := histOf(snap.Layers[l], kd)
				if hg == nil {
					continue
				}
				cols[k][t][l] = histColumns(hg.Counts, hw)
				for _, v := range cols[k][t][l] {
					tops[k] = max(tops[k], v)
				}
			}
		}
		hg := histOf(first.Layers[0], kd)
		head.WriteString(styles[kd].Bold(true).Render(fit(histKinds[kd]+"  ["+fmtSigned(hg.Lo)+", "+fmtSigned(hg.Hi)+")", kw)))
		sub.WriteString(st.Label.Render(fit(fit("step 0", hw)+"   "+fmt.Sprintf("step %s", fmtCount(last.Step)), kw)))
	}
	lines := []string{head.String(), sub.String()}
	for l := range depth {
		block := layerBlock(rows, l, labelW, st)
		for k, kd := range kinds {
			var b0, b1 []string
			if cols[k][0][l] != nil && cols[k][1][l] != nil {
				b0 = histBars(cols[k][0][l], bars, tops[k], st.Dim)
				b1 = histBars(cols[k][1][l], bars, tops[k], styles[kd])
			}
			for r := range rows {
				cell := ""
				if r < bars && b0 != nil {
					cell = b0[r] + " │ " + b1[r]
				} else if r < bars {
					cell = fit("", hw) + " │ "
				}
				block[r].WriteString(fit(cell, kw))
			}
		}
		for r := range rows {
			lines = append(lines, block[r].String())
		}
	}
	hint := "grey: step 0 · colour: now · one count scale per kind for all layers and both times"
	if len(kinds) == 1 {
		hint += " · h: next kind (a wider terminal shows all three)"
	}
	lines = append(lines, st.Hint.Render(fit(hint, w)))
	return strings.Join(lines, "\n")
}
