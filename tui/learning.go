package tui

import (
	"fmt"
	"math"
	"strings"

	"initscope/nn"
)

// learningView is the main run's training curves.
type learningView struct{}

func (learningView) View(runs *[numRuns]runData, w, h int, st Styles) string {
	return renderLearning(runs[runMain], w, h, st)
}

// renderLearning draws the training curves (Fig 11).
func renderLearning(d runData, w, h int, st Styles) string {
	if len(d.Snaps) == 0 {
		return st.Dim.Render(waitingText(d))
	}
	xs := steps(d.Snaps)
	xlo, xhi := xRange(xs)
	pick := func(f func(nn.Snapshot) float64) []float64 {
		out := make([]float64, len(d.Snaps))
		for i, s := range d.Snaps {
			out[i] = f(s)
		}
		return out
	}
	train := pick(func(s nn.Snapshot) float64 { return s.TrainLoss })
	test := pick(func(s nn.Snapshot) float64 { return s.TestLoss })
	errs := pick(func(s nn.Snapshot) float64 { return s.TestError })
	_, lhi := span(train, test)
	lhi = math.Max(lhi*1.05, 1e-3)
	if math.IsNaN(lhi) {
		lhi = 1
	}
	_, ehi := span(errs)
	ehi = math.Min(1, math.Max(0.05, ehi*1.05))
	if math.IsNaN(ehi) {
		ehi = 1
	}
	trainLoss, testErr := lastLosses(d)
	t1 := st.Act.Render("⣿ train loss ") + st.Value.Render(fmtNum(trainLoss)) + "   " +
		st.Grad.Render("⣿ test loss ") + st.Value.Render(fmtNum(test[len(test)-1]))
	t2 := st.Std.Render("⣿ test error ") + st.Value.Render(fmtPct(testErr)) + st.Hint.Render(" (Fig 11)")
	c1 := []series{{xs, test, st.Grad}, {xs, train, st.Act}}
	c2 := []series{{xs, errs, st.Std}}
	pct := func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) }
	var lines []string
	if w >= 120 {
		cw := w / 2
		ch := h - 2
		a := append([]string{fit(t1, cw)}, lineChart(c1, cw-2, ch, xlo, xhi, 0, lhi, fmtNum)...)
		b := append([]string{fit(t2, cw)}, lineChart(c2, cw-2, ch, xlo, xhi, 0, ehi, pct)...)
		lines = grid([][]string{a, b}, 2, cw)
	} else {
		ch := (h - 3) / 2
		lines = append(lines, fit(t1, w))
		lines = append(lines, lineChart(c1, w-1, ch, xlo, xhi, 0, lhi, fmtNum)...)
		lines = append(lines, fit(t2, w))
		lines = append(lines, lineChart(c2, w-1, ch, xlo, xhi, 0, ehi, pct)...)
	}
	lines = append(lines, st.Hint.Render(fit("train loss: mean cost over the steps since the previous snapshot; test: the held-out set", w)))
	return strings.Join(lines, "\n")
}
