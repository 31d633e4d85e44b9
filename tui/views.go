package tui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// viewModel is one of the app's six views: a small model that draws the
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

// newViews are the six views in their first state, in the order of viewID.
func newViews() [numViews]viewModel {
	return [numViews]viewModel{
		viewLayers:   layersView{},
		viewDynamics: dynamicsView{},
		viewHist:     newHistView(),
		viewLearning: learningView{},
		viewTheory:   theoryView{},
		viewCompare:  compareView{},
	}
}
