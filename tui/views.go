package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// viewModel is one of the app's views: a small model that draws the
// runs' data in w x h cells and nothing else, so tests can call View with
// fixed data. runs are the app's runs, indexed by runMain, runA and runB.
type viewModel interface {
	View(runs *[numRuns]runData, w, h int, st Styles) string
}

// keyedView is a view with keys and state of its own (the Histograms
// view's kind). Its keys act whichever view is shown: the app offers each
// keyed view the keys it does not use itself, and the help lists them.
type keyedView interface {
	viewModel
	// Update takes a key; it reports whether the view used it.
	Update(msg tea.KeyMsg) (viewModel, bool)
	// FullHelp is the view's keys, for the help overlay.
	FullHelp() []key.Binding
}

// viewState is what several views read and one view's key sets: since a
// key goes to the first keyed view that takes it, whichever view is
// shown, the y axes (Dynamics' y) and the layer scroll (Layers' pgup and
// pgdown) are one setting for all the views that draw them. Each model
// has its own.
type viewState struct {
	fixedAxes   bool // charts on fixed ranges rather than fitted to the data
	firstLayer  int  // the first layer shown when they do not all fit
	shownLayers int  // how many the last view drawn showed (0: none yet)
	// selected is the layer a click marked (from 1; 0: none), and mark
	// draws its label so (mouse.go): every view that lists layers shows it.
	selected int
	mark     func(label string) string
}

// scrolled is what draw returns from the scroll's first layer; it keeps
// the first layer draw clamped it to (the layers it has) and how many it
// showed, so the next pgup or pgdown moves from what is seen by what fits.
// A view made without state starts at 0.
func (s *viewState) scrolled(draw func(first int) (out string, firstDrawn, shown int)) string {
	out, first, shown := draw(s.get().firstLayer)
	if s != nil {
		s.firstLayer, s.shownLayers = first, shown
		out = markLayer(out, s.selected, s.mark)
	}
	return out
}

// page is how many layers pgup and pgdown move: the layers the last view
// drawn showed (a page of 3 skipped none where 5 skipped 2), 5 before any.
func (s *viewState) page() int {
	if s.shownLayers < 1 {
		return 5
	}
	return s.shownLayers
}

// scrollNote says which layers a view shows when they do not all fit and
// how to see the others: every scrolling view says it alike.
func scrollNote(first, shown, depth int) string {
	return fmt.Sprintf("layers %d-%d of %d · pgup/pgdn: scroll", first+1, first+shown, depth)
}

// get is the state, its zero value for a view made without one.
func (s *viewState) get() viewState {
	if s == nil {
		return viewState{}
	}
	return *s
}

// drawsJacobian reports whether view v draws the Jacobian's mean singular
// value, so the app asks the trainer to measure it while v is shown.
func drawsJacobian(v viewID) bool { return v == viewTheory || v == viewProfile }

// newViews are the views in their first state, in the order of viewID.
func newViews() [numViews]viewModel {
	s := &viewState{}
	return [numViews]viewModel{
		viewLayers:   newLayersView(s),
		viewDynamics: newDynamicsView(s),
		viewHist:     newHistView(s),
		viewLearning: learningView{s: s},
		viewTheory:   theoryView{s: s},
		viewCompare:  newCompareView(s),
		viewProfile:  newProfileView(),
		viewSurface:  newSurfaceView(),
	}
}

// viewKeys are the keys that pick the views, one per entry of the views
// table: "1" for the first.
func viewKeys() []string {
	keys := make([]string, numViews)
	for i := range keys {
		keys[i] = fmt.Sprint(i + 1)
	}
	return keys
}

// viewKeysHelp is their help: "1-7".
func viewKeysHelp() string { return fmt.Sprintf("1-%d", numViews) }
