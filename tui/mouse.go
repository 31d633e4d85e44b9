package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Clicking a layer. The views that list layers (Layers, Dynamics,
// Histograms, Theory, Compare) label each layer's block "L<n>" at its
// start, a line's first cell or a grid cell's; a left click on a block
// marks that layer in all of them (viewState.selected, shared as their
// scroll is), "L3" becoming "L3◂" in the selected style, so one layer can
// be followed from view to view; a click on the marked layer clears it.
// The click is read from the screen the user sees (the frame), so it
// finds the block whatever layout a view chose at this size.

// layerViews are the views a click can mark a layer in.
func layerView(v viewID) bool {
	switch v {
	case viewLayers, viewDynamics, viewHist, viewTheory, viewCompare:
		return true
	}
	return false
}

// layerLabel is where a layer's label stands in a line of text: at the
// start of the line or after two spaces, "L<n>" followed by a space (or
// by the mark).
type layerLabel struct {
	row, col, layer int // layer from 1
}

// labelsIn finds the layer labels in lines (plain text, one per row).
func labelsIn(lines []string) []layerLabel {
	var out []layerLabel
	for row, line := range lines {
		cells := []rune(line)
		for x := 0; x < len(cells); x++ {
			if cells[x] != 'L' || x == 1 || x > 1 && (cells[x-1] != ' ' || cells[x-2] != ' ') {
				continue
			}
			end := x + 1
			for end < len(cells) && end-x <= 3 && cells[end] >= '0' && cells[end] <= '9' {
				end++
			}
			if end == x+1 || end >= len(cells) || cells[end] != ' ' && cells[end] != '◂' { // ◂: marked
				continue
			}
			n, err := strconv.Atoi(string(cells[x+1 : end]))
			if err != nil || n < 1 {
				continue
			}
			out = append(out, layerLabel{row, x, n})
			x = end
		}
	}
	return out
}

// layerAt is the layer whose block holds cell (x, y) of lines: in the
// column of labels nearest left of x, the nearest label at or above y,
// if y is within a block's height of it (the least distance between two
// labels of that column; the last block reaches that far too).
func layerAt(lines []string, x, y int) (int, bool) {
	labels := labelsIn(lines)
	col := -1
	for _, l := range labels {
		if l.col <= x && l.col > col {
			col = l.col
		}
	}
	var rows []layerLabel
	for _, l := range labels {
		if l.col == col {
			rows = append(rows, l)
		}
	}
	if len(rows) == 0 {
		return 0, false
	}
	span := len(lines)
	for i := 1; i < len(rows); i++ {
		span = min(span, rows[i].row-rows[i-1].row)
	}
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].row <= y {
			return rows[i].layer, y < rows[i].row+span
		}
	}
	return 0, false
}

// clickLayer marks the layer under a left click at (x, y) of the screen,
// or clears the mark when it is that layer's already.
func (m *Model) clickLayer(x, y int) {
	if !layerView(m.view) {
		return
	}
	s := m.sharedState()
	if s == nil {
		return
	}
	lines := strings.Split(ansi.Strip(m.frame), "\n")
	const top = 3 // header, configuration, status
	bottom := min(len(lines), m.height-2)
	if y < top || y >= bottom {
		return
	}
	layer, ok := layerAt(lines[top:bottom], x, y-top)
	if !ok {
		return
	}
	if s.selected == layer {
		s.selected = 0
		m.say(false, "L%d no longer marked", layer)
		return
	}
	s.selected = layer
	sel := m.st.Selected
	s.mark = func(label string) string { return sel.Render(label + "◂") }
	m.say(false, "L%d marked ◂ in every view that lists layers · click it again to clear", layer)
}

// sharedState is the state the layer views share (views.go).
func (m *Model) sharedState() *viewState {
	if v, ok := m.views[viewLayers].(layersView); ok {
		return v.s
	}
	return nil
}

// markLayer marks layer's labels in a view's lines: "L3 " becomes
// mark("L3"), one cell wider, over the space after it, so nothing moves.
func markLayer(out string, layer int, mark func(string) string) string {
	if layer < 1 || mark == nil {
		return out
	}
	lines := strings.Split(out, "\n")
	plain := make([]string, len(lines))
	for i, l := range lines {
		plain[i] = ansi.Strip(l)
	}
	label := "L" + strconv.Itoa(layer)
	w := len(label) + 1
	marked := map[int][]int{} // row -> label columns, right to left
	for _, l := range labelsIn(plain) {
		if l.layer == layer {
			marked[l.row] = append([]int{l.col}, marked[l.row]...)
		}
	}
	for row, cols := range marked {
		line := lines[row]
		for _, c := range cols {
			line = ansi.Truncate(line, c, "") + mark(label) + ansi.TruncateLeft(line, c+w, "")
		}
		lines[row] = line
	}
	return strings.Join(lines, "\n")
}
