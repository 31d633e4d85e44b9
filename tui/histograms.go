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
	s    *viewState // the layer scroll, shared with Layers and Dynamics
	keys histKeyMap
}

// histKeyMap are the view's keys.
type histKeyMap struct {
	NextKind key.Binding
}

func newHistView(s *viewState) histView {
	return histView{s: s, keys: histKeyMap{
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

// View draws from the first layer of the scroll (pgup/pgdn, the Layers
// view's keys) and keeps where it clamped it.
func (v histView) View(runs *[numRuns]runData, w, h int, st Styles) string {
	return v.s.scrolled(func(first int) (string, int, int) { return renderHistogramsAt(runs[runMain], w, h, v.kind, first, st) })
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

// histShown is the index of the snapshot whose histograms stand for the
// shown one: its own, else the nearest that kept them (the history keeps
// histograms on at most maxHistSnaps snapshots), the earlier of two as
// near; ok is false when none has them.
func histShown(d runData, shown int) (int, bool) {
	for dist := 0; dist < len(d.Snaps); dist++ {
		for _, i := range []int{shown - dist, shown + dist} {
			if i >= 0 && i < len(d.Snaps) && hasHist(d.Snaps[i]) {
				return i, true
			}
		}
	}
	return 0, false
}

// renderHistograms shows each layer's histograms at step 0 beside those at
// the shown step (the time cursor; Figs 4, 6, 7, 8). Every layer and both
// steps share one count scale per kind, so a distribution that narrows
// layer by layer shows as a growing peak, as in the paper's figures. Wide
// terminals show all three kinds, each under its title and a rule and
// apart from the next by a vertical rule; narrow ones the one chosen with
// h. The app records histograms at every snapshot.
func renderHistograms(d runData, w, h, kind int, st Styles) string {
	out, _, _ := renderHistogramsAt(d, w, h, kind, 0, st)
	return out
}

// renderHistogramsAt is renderHistograms from layer from (from 0) when
// the layers do not all fit; it returns from clamped to the layers, and
// how many it shows.
func renderHistogramsAt(d runData, w, h, kind, from int, st Styles) (string, int, int) {
	shown, ok := d.shownIndex()
	if !ok {
		return waitingBlock(d, w, st), 0, 0
	}
	ti, ok := histShown(d, shown)
	fi, _ := histShown(d, 0)
	if !ok {
		return st.Dim.Render("no histograms recorded in this run yet: they come with the next snapshot."), 0, 0
	}
	first, now := d.Snaps[fi], d.Snaps[ti]
	kinds := []int{kind % len(histKinds)}
	if w >= 150 {
		kinds = []int{0, 1, 2}
	}
	const labelW, sep = 4, " ┃ "
	kw := max(1, (w-labelW-len(kinds)+1-2*(len(kinds)-1))/len(kinds))
	hw := max(4, (kw-3)/2)
	depth := min(len(first.Layers), len(now.Layers))
	const chrome = 4 // title, rule, steps, hint
	room := max(1, h-chrome)
	rows := max(1, min(12, room/max(1, depth)))
	bars := rows
	if rows >= 3 {
		bars = rows - 1 // a blank row between layers
	}
	fits := max(1, min(depth, room/rows))
	from = max(0, min(from, depth-fits))
	styles := []lipgloss.Style{st.Act, st.Grad, st.WGrad}
	var head, rule, sub strings.Builder
	head.WriteString(fit("", labelW))
	rule.WriteString(fit("", labelW))
	sub.WriteString(fit("", labelW))
	cols := make([][2][][]float64, len(kinds)) // [kind][time][layer] columns
	tops := make([]float64, len(kinds))
	nowLabel := "step " + fmtCount(now.Step)
	if ti != shown {
		nowLabel += "*"
	}
	for k, kd := range kinds {
		cols[k] = [2][][]float64{make([][]float64, depth), make([][]float64, depth)}
		for t, snap := range []nn.Snapshot{first, now} {
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
		if k > 0 {
			for _, b := range []*strings.Builder{&head, &rule, &sub} {
				b.WriteString(st.Dim.Render(sep))
			}
		}
		title := histKinds[kd]
		if hg := histOf(first.Layers[0], kd); hg != nil {
			title += "  [" + fmtSigned(hg.Lo) + ", " + fmtSigned(hg.Hi) + ")"
		}
		if len(kinds) == 1 {
			title = fmt.Sprintf("%d/%d ", kd+1, len(histKinds)) + title
		}
		head.WriteString(styles[kd].Bold(true).Render(fit(title, kw)))
		rule.WriteString(st.Dim.Render(strings.Repeat("─", kw)))
		sub.WriteString(st.Label.Render(fit(fit("step "+fmtCount(first.Step), hw)+" │ "+nowLabel, kw)))
	}
	lines := []string{head.String(), rule.String(), sub.String()}
	// The rows the layers leave over go between them, one each from the
	// top, so no band stays blank below (bar heights stay equal: they
	// share a count scale).
	spare := room - rows*fits
	blank := fit("", labelW)
	for k := range kinds {
		if k > 0 {
			blank += st.Dim.Render(sep)
		}
		blank += fit("", kw)
	}
	for i := range fits {
		l := from + i
		block := layerBlock(rows, l, labelW, st)
		for k, kd := range kinds {
			var b0, b1 []string
			if cols[k][0][l] != nil && cols[k][1][l] != nil {
				b0 = histBars(cols[k][0][l], bars, tops[k], st.Dim)
				b1 = histBars(cols[k][1][l], bars, tops[k], styles[kd])
			}
			for r := range rows {
				if k > 0 {
					block[r].WriteString(st.Dim.Render(sep))
				}
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
		if i < spare && i < fits-1 {
			lines = append(lines, blank)
		}
	}
	var hint []string // most important first: hintLine drops from the end
	if fits < depth {
		hint = append(hint, scrollNote(from, fits, depth))
	}
	if ti != shown {
		hint = append(hint, fmt.Sprintf("* step %s kept no histograms: the nearest that did, step %s, is shown", fmtCount(d.Snaps[shown].Step), fmtCount(now.Step)))
	}
	if st.Plain() {
		hint = append(hint, "left of │: step 0 · right: the shown step")
	} else {
		hint = append(hint, "left of │: step 0 (grey) · right: the shown step")
	}
	if len(kinds) == 1 {
		hint = append(hint, "h: next kind")
	}
	hint = append(hint, "one count scale per kind for all layers and both steps")
	if len(kinds) == 1 {
		hint = append(hint, "150 columns show all three")
	}
	lines = append(lines, st.Hint.Render(hintLine(w, hint...)))
	return strings.Join(lines, "\n"), from, fits
}
