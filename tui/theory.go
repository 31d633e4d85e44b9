package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"initscope/nn"
)

// theoryView sets the main run's measurements beside the predictions. The
// app asks the main run's trainer for Jacobians while it is shown and
// follows the run (Model.pull).
type theoryView struct {
	s *viewState // the layer scroll, shared with Layers and Dynamics
}

// View draws the table from the first layer of the scroll (pgup/pgdn,
// the Layers view's keys) when the layers do not all fit.
func (v theoryView) View(runs *[numRuns]runData, w, h int, st Styles) string {
	return v.s.scrolled(func(first int) (string, int, int) { return renderTheoryAt(runs[runMain], w, h, first, st) })
}

// theoryJacobian is the snapshot whose Jacobians the view shows for the
// shown one, i its index: the shown snapshot's own when it has them, else
// the latest recorded before it (weights are kept only for the latest
// state, so a past snapshot cannot be measured again); ok is false when
// none after step 0 has them.
func theoryJacobian(d runData, shown int) (i int, ok bool) {
	for i = shown; i > 0; i-- {
		if hasJacobian(d.Snaps[i]) {
			return i, true
		}
	}
	return 0, false
}

// theoryStatus is the view's first line: the step shown, and where its
// Jacobians come from or that they are being measured.
func theoryStatus(d runData, shown, jac int, jacOK bool) string {
	s := d.Snaps[shown]
	at := fmtCount(s.Step)
	here := hasJacobian(s)
	switch {
	case !d.following():
		shownAt := "step " + at + " shown (end: latest) · "
		if here {
			return shownAt + "σ̄ measured at this step"
		}
		if jacOK {
			return shownAt + "σ̄ of step " + fmtCount(d.Snaps[jac].Step) + ": none recorded at " + at +
				", weights are kept only for the latest state"
		}
		return shownAt + "no σ̄ recorded after step 0 up to this step"
	case d.State == stateDiverged && !here:
		return "step " + at + ", diverged: a diverged network's Jacobian is not measured"
	case d.Measuring:
		return "⟳ measuring the Jacobian at step " + fmtCount(d.Step) + "…"
	case here && d.State != stateRunning:
		return "step " + at + ", " + d.State.String() + ": σ̄ measured at this step"
	case d.State == stateRunning && jacOK:
		return "step " + at + ", training: σ̄ is measured every few seconds while this view is open (latest: step " +
			fmtCount(d.Snaps[jac].Step) + ")"
	case d.State == stateRunning:
		return "step " + at + ", training: σ̄ is measured every few seconds while this view is open"
	}
	return "step " + at + ": σ̄ is measured when the run pauses or ends while this view is open"
}

// statusShorter are the phrases of theoryStatus a narrow screen shortens,
// in turn, until the line fits.
var statusShorter = []struct{ long, short string }{
	{" is measured every few seconds while this view is open", " re-measured every few seconds"},
	{" shown (end: latest) · ", " shown · "},
	{", weights are kept only for the latest state", " (weights: latest only)"},
	{": none recorded at ", ", none at "},
	{"re-measured every few seconds", "re-measured every few s"},
}

// shortenStatus is status in w cells if shorter phrases get it there.
func shortenStatus(status string, w int) string {
	for _, s := range statusShorter {
		if lipgloss.Width(status) <= w {
			break
		}
		status = strings.Replace(status, s.long, s.short, 1)
	}
	return status
}

// renderTheory sets the linear-regime predictions (PAPER.md) beside the
// measurements at initialization and at the shown step (the time cursor),
// and the Jacobians' mean singular values. A column whose step is step 0
// is not repeated: at step 0 there is one set of measurements.
func renderTheory(d runData, w, h int, st Styles) string {
	out, _, _ := renderTheoryAt(d, w, h, 0, st)
	return out
}

// renderTheoryAt is renderTheory with the table from layer from (from 0)
// when its rows do not all fit; it returns from clamped to the layers, and
// how many rows of layers it shows.
func renderTheoryAt(d runData, w, h, from int, st Styles) (string, int, int) {
	shown, ok := d.shownIndex()
	if !ok {
		return waitingBlock(d, w, st), 0, 0
	}
	first, now := d.Snaps[0], d.Snaps[shown]
	jacI, jacOK := theoryJacobian(d, shown)
	jac := d.Snaps[jacI]
	withNow := shown > 0
	withJac := jacOK && jac.Step != 0
	nv, nj := 2, 1 // columns per variance group, of the Jacobian's
	if withNow {
		nv = 3
	}
	if withJac {
		nj = 2
	}
	cw := max(9, min(16, (w-6)/(2*nv+nj)))
	cell := func(s string, style lipgloss.Style) string {
		return style.Render(fmt.Sprintf(" %*s", cw-1, truncate(s, cw-1)))
	}
	label := func(step int64) string {
		if cw < 12 && step != 0 {
			if step == now.Step {
				return "shown"
			}
			return "earlier"
		}
		return "step " + fmtCount(step)
	}
	pred := "predicted"
	if cw < 10 {
		pred = "theory"
	}
	lines := []string{st.Hint.Render(fit(shortenStatus(theoryStatus(d, shown, jacI, jacOK), w), w))}
	lines = append(lines, fit("", 6)+st.Act.Bold(true).Render(fit(" Var[z] activations", cw*nv))+
		st.Grad.Bold(true).Render(fit(" Var[∂C/∂s] back-prop", cw*nv))+
		st.Std.Bold(true).Render(fit(jacTitle(cw*nj), cw*nj)))
	head := fit("layer", 6)
	for range 2 {
		head += cell(pred, st.Theory) + cell("step 0", st.Label)
		if withNow {
			head += cell(label(now.Step), st.Label)
		}
	}
	head += cell("step 0", st.Label)
	if withJac {
		head += cell(label(jac.Step), st.Label)
	}
	lines = append(lines, head)
	depth := min(len(first.Layers), len(now.Layers))
	// The table's rows, from the scroll's first layer when they do not
	// all fit: one line then says which are shown.
	fits := depth
	if room := h - len(lines); depth > room {
		fits = max(1, room-1)
	}
	from = max(0, min(from, depth-fits))
	for l := from; l < from+fits; l++ {
		f, n := first.Layers[l], now.Layers[l]
		row := st.Value.Render(fit(fmt.Sprintf("L%d", l+1), 6)) + cell(fmtNum(f.TheoryActVar), st.Theory) + cell(fmtNum(f.ActStd*f.ActStd), st.Value)
		if withNow {
			row += cell(fmtNum(n.ActStd*n.ActStd), st.Value)
		}
		row += cell(fmtNum(f.TheoryGradVar), st.Theory) + cell(fmtNum(f.GradVar), st.Value)
		if withNow {
			row += cell(fmtNum(n.GradVar), st.Value)
		}
		row += cell(fmtNum(f.JacSVMean), st.Value)
		if withJac && l < len(jac.Layers) {
			row += cell(fmtNum(jac.Layers[l].JacSVMean), st.Value)
		}
		lines = append(lines, row)
	}
	if fits < depth {
		return strings.Join(append(lines, st.Hint.Render(hintLine(w, scrollNote(from, fits, depth), "a taller terminal shows the dot plot"))), "\n"), from, fits
	}
	// The dot plot shows every layer the table shows, or says it needs
	// more rows; the notes take what is left.
	notes := []string{
		"Predicted (linear regime, f'(0)=1): Var[z^l] = E[x²] ∏_{j≤l} n_in Var[W^j];  Var[∂C/∂s^l] = E[(∂C/∂s^out)²] ∏_{j>l} n_out Var[W^j].",
		"Normalized init, Var[W] = 2/(n_in+n_out), keeps both near constant across layers; standard init, n Var[W] = 1/3, shrinks them.",
		"Paper (tanh): mean Jacobian singular value ≈ 0.5 with standard init, ≈ 0.8 with normalized. σ̄ of the top layer is not defined (—).",
		"E[x²], the inputs' second moment, not Var[x]: pixels in [0,1] are not centred. Sigmoid (f(0)=1/2, f'(0)=1/4): E[z²] = 1/4 + Var[z], and 1/16 more per layer.",
	}
	if room := h - len(lines) - 1; room >= depth+2 {
		// Rows left over once the notes have theirs take the ratios to
		// the predictions, then go between the dot plot's layers (up to
		// three each), so a tall terminal fills instead of leaving a
		// blank band under the plot.
		spare := room - (depth + 2) - (len(notes) + 1)
		var ratios []string
		if spare >= depth+2 {
			ratios = theoryRatios(first, now, withNow, cw, nv, st)
			spare -= len(ratios) + 1
		}
		gap := max(0, min(3, spare/max(1, depth-1)))
		lines = append(lines, "")
		lines = append(lines, profile(first, now, withNow, w, gap, st)...)
		if ratios != nil {
			lines = append(append(lines, ""), ratios...)
		}
	} else if room >= 2 {
		lines = append(lines, "", st.Dim.Render(fit(fmt.Sprintf("(the dot plot of log10 variances needs %d more rows: enlarge the terminal)", depth+2-room), w)))
	}
	if room := h - len(lines) - 1; room > 0 {
		// The notes sit at the bottom of the view, each wrapped whole to
		// the width: as many as the rows hold, none cut.
		var noted []string
		for _, n := range notes {
			wrapped := wrapWords(n, w)
			if len(noted)+len(wrapped) > room {
				break
			}
			noted = append(noted, wrapped...)
		}
		for range room - len(noted) + 1 {
			lines = append(lines, "")
		}
		for _, n := range noted {
			lines = append(lines, st.Hint.Render(fit(n, w)))
		}
	}
	return strings.Join(lines, "\n"), from, fits
}

// theoryRatios is each layer's measured variances over the predicted ones,
// at step 0 and at the shown step, in the columns of the table above
// (under its measurements): 1 where the linear regime holds, and how far
// it does not elsewhere (a tanh layer's saturation, sigmoid's non-centred
// units, training's drift).
func theoryRatios(first, now nn.Snapshot, withNow bool, cw, nv int, st Styles) []string {
	cell := func(s string, style lipgloss.Style) string {
		return style.Render(fmt.Sprintf(" %*s", cw-1, truncate(s, cw-1)))
	}
	ratio := func(measured, predicted float64) string {
		if !(predicted > 0) || math.IsNaN(measured) || math.IsInf(measured, 0) {
			return "—"
		}
		return fmtNum(measured/predicted) + "x"
	}
	head := fit("", 6) + st.Act.Bold(true).Render(fit(" Var[z] measured ÷ predicted", cw*nv)) +
		st.Grad.Bold(true).Render(fit(" Var[∂C/∂s] measured ÷ predicted", cw*nv))
	lines := []string{head}
	for l := range min(len(first.Layers), len(now.Layers)) {
		f, n := first.Layers[l], now.Layers[l]
		row := st.Value.Render(fit(fmt.Sprintf("L%d", l+1), 6)) + cell("", st.Label) + cell(ratio(f.ActStd*f.ActStd, f.TheoryActVar), st.Value)
		if withNow {
			row += cell(ratio(n.ActStd*n.ActStd, f.TheoryActVar), st.Value)
		}
		row += cell("", st.Label) + cell(ratio(f.GradVar, f.TheoryGradVar), st.Value)
		if withNow {
			row += cell(ratio(n.GradVar, f.TheoryGradVar), st.Value)
		}
		lines = append(lines, row)
	}
	return lines
}

// profile plots log10 variances against the layer, one row per layer
// and gap blank rows between layers:
// predicted (○), measured at step 0 (●) and, when now is not step 0, at
// the shown step (◆, drawn last); activations left, back-propagated
// gradients right. Each side's axis runs from whole decade to whole decade.
func profile(first, now nn.Snapshot, withNow bool, w, gap int, st Styles) []string {
	pw := (w - 6) / 2 // each side, its gap included
	sw := max(8, pw-2)
	depth := min(len(first.Layers), len(now.Layers))
	var pa, ma, na, pg, mg, ng []float64
	for l := range depth {
		f, n := first.Layers[l], now.Layers[l]
		pa, ma, na = append(pa, log10(f.TheoryActVar)), append(ma, log10(f.ActStd*f.ActStd)), append(na, log10(n.ActStd*n.ActStd))
		pg, mg, ng = append(pg, log10(f.TheoryGradVar)), append(mg, log10(f.GradVar)), append(ng, log10(n.GradVar))
	}
	if !withNow {
		na, ng = nil, nil
	}
	type side struct {
		pred, meas, now []float64
		lo, hi          float64
		style           lipgloss.Style
		name            string
	}
	mk := func(pred, meas, now []float64, style lipgloss.Style, name string) side {
		lo, hi := span(pred, meas, now)
		lo, hi = padSpan(lo, hi, 1)
		return side{pred, meas, now, math.Floor(lo), math.Ceil(hi), style, name}
	}
	sides := []side{mk(pa, ma, na, st.Act, "Var[z]"), mk(pg, mg, ng, st.Grad, "Var[∂C/∂s]")}
	strip := func(s side, l int) string {
		row := []rune(strings.Repeat("·", sw))
		put := func(vs []float64, mark rune) {
			if l >= len(vs) || math.IsNaN(vs[l]) || math.IsInf(vs[l], 0) || s.hi <= s.lo {
				return
			}
			row[max(0, min(sw-1, int(math.Round((vs[l]-s.lo)/(s.hi-s.lo)*float64(sw-1)))))] = mark
		}
		put(s.pred, '○')
		put(s.meas, '●')
		put(s.now, '◆')
		return s.style.Render(string(row))
	}
	legend := st.Label.Render("log10 variance: ") + st.Theory.Render("○ predicted  ") + st.Value.Render("● step 0")
	if withNow {
		legend += st.Value.Render("  ◆ step " + fmtCount(now.Step))
	}
	axis := fit("", 6)
	for _, s := range sides {
		hi := fmt.Sprintf("1e%d", int(s.hi))
		axis += st.Dim.Render(fit(fit(fmt.Sprintf("%s  1e%d", s.name, int(s.lo)), sw-len(hi))+hi, pw))
	}
	lines := []string{fit(legend, w), axis}
	for l := range depth {
		if l > 0 {
			for range gap {
				lines = append(lines, "")
			}
		}
		row := st.Value.Render(fit(fmt.Sprintf("L%d", l+1), 6))
		for _, s := range sides {
			row += fit(strip(s, l), pw)
		}
		lines = append(lines, row)
	}
	return lines
}

// jacTitle is the Jacobian group's title in width cells: whole, or
// shortened rather than cut.
func jacTitle(width int) string {
	if width >= 12 {
		return " Jacobian σ̄"
	}
	return " Jac. σ̄"
}
