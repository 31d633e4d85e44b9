package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"initscope/nn"
)

// theoryView sets the main run's measurements beside the predictions. The
// app asks the main run's trainer for Jacobians while it is shown.
type theoryView struct{}

func (theoryView) View(runs *[numRuns]runData, w, h int, st Styles) string {
	return renderTheory(runs[runMain], w, h, st)
}

// renderTheory sets the linear-regime predictions (PAPER.md) beside the
// measurements at initialization and now, and the Jacobians' mean
// singular values.
func renderTheory(d runData, w, h int, st Styles) string {
	if len(d.Snaps) == 0 {
		return st.Dim.Render(waitingText(d))
	}
	first, last := d.Snaps[0], d.Snaps[len(d.Snaps)-1]
	// The latest snapshot with a Jacobian (the UI asks for one while this
	// view is open).
	jac := first
	for i := len(d.Snaps) - 1; i > 0; i-- {
		if ls := d.Snaps[i].Layers; len(ls) > 1 && !math.IsNaN(ls[0].JacSVMean) {
			jac = d.Snaps[i]
			break
		}
	}
	nowLabel := "step " + fmtCount(last.Step)
	cw := max(9, min(16, (w-6)/8))
	cell := func(s string, style lipgloss.Style) string {
		return style.Render(fmt.Sprintf(" %*s", cw-1, truncate(s, cw-1)))
	}
	lines := []string{st.Hint.Render(fit(fmt.Sprintf("now = step %s; Jacobians are measured at step 0 and, while this view is open, every few seconds (latest: step %s)",
		fmtCount(last.Step), fmtCount(jac.Step)), w))}
	groupW := cw * 3
	lines = append(lines, fit("", 6)+st.Act.Bold(true).Render(fit(" Var[z] activations", groupW))+
		st.Grad.Bold(true).Render(fit(" Var[∂C/∂s] back-prop", groupW))+
		st.Std.Bold(true).Render(fit(" Jacobian σ̄", cw*2)))
	jacLabel := "step " + fmtCount(jac.Step)
	if cw < 12 {
		nowLabel, jacLabel = "now", "latest"
	}
	head := fit("layer", 6) + cell("predicted", st.Theory) + cell("step 0", st.Label) + cell(nowLabel, st.Label) +
		cell("predicted", st.Theory) + cell("step 0", st.Label) + cell(nowLabel, st.Label) +
		cell("step 0", st.Label) + cell(jacLabel, st.Label)
	lines = append(lines, head)
	for l, f := range first.Layers {
		n := last.Layers[l]
		lines = append(lines, st.Value.Render(fit(fmt.Sprintf("L%d", l+1), 6))+
			cell(fmtNum(f.TheoryActVar), st.Theory)+cell(fmtNum(f.ActStd*f.ActStd), st.Value)+cell(fmtNum(n.ActStd*n.ActStd), st.Value)+
			cell(fmtNum(f.TheoryGradVar), st.Theory)+cell(fmtNum(f.GradVar), st.Value)+cell(fmtNum(n.GradVar), st.Value)+
			cell(fmtNum(f.JacSVMean), st.Value)+cell(fmtNum(jac.Layers[l].JacSVMean), st.Value))
	}
	lines = append(lines, "")
	room := h - len(lines) - 4
	if room >= 4 {
		lines = append(lines, profile(first, w, min(room, 2*len(first.Layers)+2), st)...)
		lines = append(lines, "")
	}
	notes := []string{
		"Predicted (linear regime, f'(0)=1): Var[z^l] = Var[x] ∏_{j≤l} n_in Var[W^j];  Var[∂C/∂s^l] = Var[∂C/∂s^out] ∏_{j>l} n_out Var[W^j].",
		"Normalized init, Var[W] = 2/(n_in+n_out), keeps both near constant across layers; standard init, n Var[W] = 1/3, shrinks them.",
		"Paper (tanh): mean Jacobian singular value ≈ 0.5 with standard init, ≈ 0.8 with normalized. σ̄ of the top layer is not defined (—).",
	}
	for _, n := range notes {
		lines = append(lines, st.Hint.Render(fit(n, w)))
	}
	return strings.Join(lines, "\n")
}

// profile plots log10 variances against the layer at step 0: predicted
// (○) and measured (●), activations left, back-propagated gradients right.
func profile(first nn.Snapshot, w, h int, st Styles) []string {
	depth := len(first.Layers)
	pw := (w - 8) / 2
	var pa, ma, pg, mg []float64
	for _, l := range first.Layers {
		pa = append(pa, log10(l.TheoryActVar))
		ma = append(ma, log10(l.ActStd*l.ActStd))
		pg = append(pg, log10(l.TheoryGradVar))
		mg = append(mg, log10(l.GradVar))
	}
	strip := func(pred, meas []float64, lo, hi float64, style lipgloss.Style, l int) string {
		row := []rune(strings.Repeat("·", pw-14))
		at := func(v float64) int {
			if math.IsNaN(v) || hi <= lo {
				return -1
			}
			return int(math.Round((v - lo) / (hi - lo) * float64(len(row)-1)))
		}
		if i := at(pred[l]); i >= 0 {
			row[i] = '○'
		}
		if i := at(meas[l]); i >= 0 {
			row[i] = '●'
		}
		return style.Render(string(row))
	}
	alo, ahi := span(pa, ma)
	glo, ghi := span(pg, mg)
	alo, ahi = padSpan(alo, ahi, 1)
	glo, ghi = padSpan(glo, ghi, 1)
	alo, ahi, glo, ghi = math.Floor(alo), math.Ceil(ahi), math.Floor(glo), math.Ceil(ghi)
	lines := []string{
		fit(st.Label.Render("log10 variance at step 0: ")+st.Theory.Render("○ predicted  ")+st.Value.Render("● measured"), w),
		fit("", 6) + st.Dim.Render(fit(fmt.Sprintf("Var[z]  1e%d", int(alo)), pw-8)+fmt.Sprintf("1e%d  ", int(ahi))) +
			st.Dim.Render(fit(fmt.Sprintf("Var[∂C/∂s]  1e%d", int(glo)), pw-8)+fmt.Sprintf("1e%d", int(ghi))),
	}
	for l := range min(depth, h-2) {
		lines = append(lines, st.Value.Render(fit(fmt.Sprintf("L%d", l+1), 6))+
			fit(strip(pa, ma, alo, ahi, st.Act, l), pw)+fit(strip(pg, mg, glo, ghi, st.Grad, l), pw))
	}
	return lines
}
