package tui

import (
	"strings"
)

// layersView is the home view: the main run's per-layer statistics, live.
type layersView struct{}

func (layersView) View(runs *[numRuns]runData, w, h int, st Styles) string {
	return renderLayers(runs[runMain], w, h, st)
}

// renderLayers is the home view: every hidden layer's statistics, live.
func renderLayers(d runData, w, h int, st Styles) string {
	cols := []column{meanCol(st), stdCol(st), satCol(st), gradCol(st), wgradCol(st)}
	lines := layerTable(d, cols, w, h-2, st)
	lines = append(lines, "", st.Hint.Render(fit("each sparkline runs from step 0 (left) to now (right); variances use one log scale for all layers, so vanishing and exploding both show", w)))
	return strings.Join(lines, "\n")
}
