package tui

import (
	"fmt"
	"math"
	"strings"

	"initscope/nn"
)

// learningView is the main run's training curves. Its y axes follow the
// y key of the Dynamics view (viewState).
type learningView struct {
	s *viewState
}

func (v learningView) View(runs *[numRuns]runData, w, h int, st Styles) string {
	return renderLearningAxes(&runs[runMain], w, h, v.s.get().fixedAxes, st)
}

// renderLearning is the Learning view with axes that fit the data.
func renderLearning(d runData, w, h int, st Styles) string {
	return renderLearningAxes(&d, w, h, false, st)
}

// renderLearningAxes draws the training curves against the examples seen,
// as the paper's Fig 11 and learning.png do, with ▲ at the shown step. The
// y axes fit the data (the losses on a log axis when they span a decade
// or more); fixed starts them at 0.
func renderLearningAxes(d *runData, w, h int, fixed bool, st Styles) string {
	if len(d.Snaps) == 0 {
		return waitingBlock(*d, w, st)
	}
	xs := examples(d.Snaps)
	xlo, xhi := xRange(xs)
	mark := markAt(d, xs)
	train, test, errs := trainLoss(d.Snaps), testLoss(d.Snaps), testError(d.Snaps)
	i, _ := d.shownIndex()
	// Without colour the test loss is drawn as marks, apart from the
	// train loss's line.
	testMark := rune(0)
	if st.Plain() {
		testMark = '•'
	}
	c1 := []series{{xs, test, st.Grad, testMark}, {xs, train, st.Act, 0}}
	c2 := []series{{xs, errs, st.Std, 0}}
	lossAxes := lossAxes(fixed, train, test)
	errAxes := errorAxes(fixed, errs)
	for _, ax := range []*axes{&lossAxes, &errAxes} {
		ax.xlo, ax.xhi, ax.xname, ax.mark, ax.markStyle = xlo, xhi, "examples", mark, st.Dim
	}
	if lossAxes.yfmt == nil { // log: the series in log10
		c1 = []series{{xs, logs(test), st.Grad, testMark}, {xs, logs(train), st.Act, 0}}
		lossAxes.yfmt = func(v float64) string { return fmtNum(math.Pow(10, v)) }
	}
	at := fmt.Sprintf(" at step %s", fmtCount(d.Snaps[i].Step))
	t1 := st.Act.Render("⣿ train loss ") + st.Value.Render(fmtNum(lastFinite(train[:i+1]))) + "   " +
		st.Grad.Render(legendGlyph(testMark)+" test loss ") + st.Value.Render(fmtNum(test[i])) + st.Label.Render(at)
	t2 := st.Std.Render("⣿ test error ") + st.Value.Render(fmtPct(errs[i])) + st.Label.Render(at) + st.Hint.Render(" (Fig 11)")
	var lines []string
	if w >= 120 {
		cw := w / 2
		ch := h - 2
		a := append([]string{fit(t1, cw)}, lineChart(c1, cw-2, ch, lossAxes)...)
		b := append([]string{fit(t2, cw)}, lineChart(c2, cw-2, ch, errAxes)...)
		lines = grid([][]string{a, b}, 2, cw)
	} else {
		ch := (h - 3) / 2
		lines = append(lines, fit(t1, w))
		lines = append(lines, lineChart(c1, w-1, ch, lossAxes)...)
		lines = append(lines, fit(t2, w))
		lines = append(lines, lineChart(c2, w-1, ch, errAxes)...)
	}
	note := "y axes fit the data (y: from 0)"
	if fixed {
		note = "y axes from 0 (y: fit the data)"
	}
	// The hint starts as it always has: benchmarks/ssh-load knows the view by it.
	lines = append(lines, st.Hint.Render(hintLine(w, "train loss: mean cost since the previous snapshot", "test: held-out set", "x: examples seen", "▲ shown step", note)))
	return strings.Join(lines, "\n")
}

// lossAxes fits the losses (a nil yfmt asks for log10 values: they span a
// decade or more), or runs from 0 when fixed. Compare overlays the runs'
// losses on one such axis.
func lossAxes(fixed bool, losses ...[]float64) axes {
	lo, hi := span(losses...)
	switch {
	case math.IsNaN(hi):
		return axes{ylo: 0, yhi: 1, yfmt: fmtNum}
	case fixed:
		return axes{ylo: 0, yhi: math.Max(hi*1.05, 1e-3), yfmt: fmtNum}
	case lo > 0 && hi/lo >= 10:
		ls := make([][]float64, len(losses))
		for i, l := range losses {
			ls[i] = logs(l)
		}
		llo, lhi := fitRange(0.1, ls...)
		return axes{ylo: llo, yhi: lhi}
	}
	lo, hi = fitRange(1e-3, losses...)
	return axes{ylo: lo, yhi: hi, yfmt: fmtNum}
}

// errorAxes fits the error rates (of one run or several) within [0, 1],
// or runs from 0 when fixed.
func errorAxes(fixed bool, errs ...[]float64) axes {
	pct := func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) }
	_, hi := span(errs...)
	if math.IsNaN(hi) {
		return axes{ylo: 0, yhi: 1, yfmt: pct}
	}
	if fixed {
		return axes{ylo: 0, yhi: math.Min(1, math.Max(0.05, hi*1.05)), yfmt: pct}
	}
	lo, hi := fitRange(0.01, errs...)
	return axes{ylo: math.Max(0, lo), yhi: math.Min(1, hi), yfmt: pct}
}

// logs is log10 of each value (NaN where it has none).
func logs(vs []float64) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i] = log10(v)
	}
	return out
}

// lastFinite is the last value of vs that is not NaN (NaN if none): the
// train loss at step 0 is not measured.
func lastFinite(vs []float64) float64 {
	for i := len(vs) - 1; i >= 0; i-- {
		if !math.IsNaN(vs[i]) {
			return vs[i]
		}
	}
	return math.NaN()
}

// pick is f of each snapshot: a series of the learning curves.
func pick(snaps []nn.Snapshot, f func(nn.Snapshot) float64) []float64 {
	out := make([]float64, len(snaps))
	for i, s := range snaps {
		out[i] = f(s)
	}
	return out
}

// The learning curves' series: the train loss (the mean cost since the
// previous snapshot, NaN at step 0), the test loss and the test error.
func trainLoss(snaps []nn.Snapshot) []float64 {
	return pick(snaps, func(s nn.Snapshot) float64 { return s.TrainLoss })
}

func testLoss(snaps []nn.Snapshot) []float64 {
	return pick(snaps, func(s nn.Snapshot) float64 { return s.TestLoss })
}

func testError(snaps []nn.Snapshot) []float64 {
	return pick(snaps, func(s nn.Snapshot) float64 { return s.TestError })
}
