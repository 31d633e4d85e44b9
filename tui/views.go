package tui

import "math"

var nan = math.NaN()

var histKinds = []string{"activations", "back-propagated gradients", "weight gradients"}

func renderLayers(d runData, w, h int, st Styles) string   { return "layers: work in progress" }
func renderDynamics(d runData, w, h int, st Styles) string { return "dynamics: work in progress" }
func renderHistograms(d runData, w, h, kind int, st Styles) string {
	return "histograms: work in progress"
}
func renderLearning(d runData, w, h int, st Styles) string   { return "learning: work in progress" }
func renderTheory(d runData, w, h int, st Styles) string     { return "theory: work in progress" }
func renderCompare(a, b runData, w, h int, st Styles) string { return "compare: work in progress" }
