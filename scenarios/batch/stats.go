package batch

import (
	"initscope/nn"
)

// The table of per-layer statistics. Each row names one statistic of
// nn.LayerStats once: its key in the JSON Lines records and the CSV
// header, its titles in the app and the figures, its unit and scale, and
// how to read it. The JSON and CSV writers, the --from reader, the app's
// layer table, the figures and --list all go through it, so adding a
// statistic is its computation in nn plus a constant and a row here.

// Stat is one per-layer statistic, an index into the table.
type Stat int

// The statistics, in the order of the JSON keys and CSV columns.
const (
	ActMean Stat = iota
	ActStd
	ActP2
	ActP98
	Saturated
	GradVar
	WGradVar
	JacSVMean
	TheoryActVar
	TheoryGradVar
	WGradVarEx
	TheoryWGradVar
	NumStats // the number of statistics, not one
)

// StatInfo is one row of the table.
type StatInfo struct {
	// Key names the statistic in the JSON Lines records and is its CSV
	// column. Part of the contract: never rename one.
	Key         string
	Title       string // the app's column title and the figures' label
	Short       string // the title where space is short; Title when empty
	Unit        string
	Description string // one line for --list
	Log         bool   // drawn on a log scale
	Get         func(nn.LayerStats) float64
}

var stats = [NumStats]StatInfo{
	ActMean: {Key: "act_mean", Title: "activation mean", Short: "act mean", Unit: "activation",
		Description: "mean of the layer's activations z = f(s) on the probe set",
		Get:         func(l nn.LayerStats) float64 { return l.ActMean }},
	ActStd: {Key: "act_std", Title: "activation std", Short: "act std", Unit: "activation",
		Description: "standard deviation of the activations",
		Get:         func(l nn.LayerStats) float64 { return l.ActStd }},
	ActP2: {Key: "act_p2", Title: "2nd percentile", Unit: "activation",
		Description: "2nd percentile of the activations",
		Get:         func(l nn.LayerStats) float64 { return l.ActP2 }},
	ActP98: {Key: "act_p98", Title: "98th percentile", Unit: "activation",
		Description: "98th percentile of the activations",
		Get:         func(l nn.LayerStats) float64 { return l.ActP98 }},
	Saturated: {Key: "saturated", Title: "saturated", Unit: "fraction",
		Description: "fraction of activations within 3% of an asymptote (tanh, sigmoid), or of dead units (relu-like); null for linear",
		Get:         func(l nn.LayerStats) float64 { return l.Saturated }},
	GradVar: {Key: "grad_var", Title: "Var ∂C/∂s backprop", Short: "Var ∂C/∂s", Unit: "Var[dC/ds]", Log: true,
		Description: "variance of the back-propagated gradient dC/ds per example",
		Get:         func(l nn.LayerStats) float64 { return l.GradVar }},
	WGradVar: {Key: "wgrad_var", Title: "Var ∂C/∂W weights", Short: "Var ∂C/∂W", Unit: "Var[dC/dW]", Log: true,
		Description: "variance of the entries of the weight gradient dC/dW (mean probe cost)",
		Get:         func(l nn.LayerStats) float64 { return l.WGradVar }},
	JacSVMean: {Key: "jac_sv_mean", Title: "Jacobian mean singular value", Short: "Jacobian σ", Unit: "singular value",
		Description: "mean singular value of the Jacobian dz^{l+1}/dz^l; null for the top layer and when not measured",
		Get:         func(l nn.LayerStats) float64 { return l.JacSVMean }},
	TheoryActVar: {Key: "theory_act_var", Title: "predicted activation variance", Short: "pred Var z", Unit: "variance", Log: true,
		Description: "Var[z] the linear-regime formula predicts at initialization",
		Get:         func(l nn.LayerStats) float64 { return l.TheoryActVar }},
	TheoryGradVar: {Key: "theory_grad_var", Title: "predicted gradient variance", Short: "pred Var ∂C/∂s", Unit: "variance", Log: true,
		Description: "Var[dC/ds] the linear-regime formula predicts at initialization",
		Get:         func(l nn.LayerStats) float64 { return l.TheoryGradVar }},
	WGradVarEx: {Key: "wgrad_var_ex", Title: "Var ∂C/∂W per example", Short: "Var ∂C/∂W ex", Unit: "Var[dC/dW]", Log: true,
		Description: "variance over the weights of one example's weight gradient dC/dW, averaged over the probe examples (the paper's Var[dC/dw])",
		Get:         func(l nn.LayerStats) float64 { return l.WGradVarEx }},
	TheoryWGradVar: {Key: "theory_wgrad_var", Title: "predicted weight-gradient variance", Short: "pred Var ∂C/∂W", Unit: "Var[dC/dW]", Log: true,
		Description: "per-example Var[dC/dW] the linear-regime formula predicts at initialization: E[z_in^2] Var[dC/ds]",
		Get:         func(l nn.LayerStats) float64 { return l.TheoryWGradVar }},
}

// Info is s's row of the table.
func (s Stat) Info() StatInfo { return stats[s] }

// Key is s's JSON key and CSV column.
func (s Stat) Key() string { return stats[s].Key }

// Title is s's title in the app and the figures.
func (s Stat) Title() string { return stats[s].Title }

// ShortTitle is s's title where space is short.
func (s Stat) ShortTitle() string {
	if stats[s].Short != "" {
		return stats[s].Short
	}
	return stats[s].Title
}

// Log reports whether s is drawn on a log scale.
func (s Stat) Log() bool { return stats[s].Log }

// Get reads s from a layer's statistics.
func (s Stat) Get(l nn.LayerStats) float64 { return stats[s].Get(l) }

// Stats lists every statistic in table order.
func Stats() []Stat {
	out := make([]Stat, NumStats)
	for i := range out {
		out[i] = Stat(i)
	}
	return out
}

// Hist is one of a layer's histograms, an index into the histogram table.
type Hist int

// The histograms, in the order of their JSON keys.
const (
	ActHist Hist = iota
	GradHist
	WGradHist
	NumHists // the number of histograms, not one
)

// HistInfo is one row of the histogram table.
type HistInfo struct {
	Key         string // JSON key; histograms have no CSV column
	Title       string
	Description string
	Get         func(nn.LayerStats) *nn.Histogram
}

var hists = [NumHists]HistInfo{
	ActHist: {Key: "act_hist", Title: "activations z",
		Description: "histogram of the activations (with --hist)",
		Get:         func(l nn.LayerStats) *nn.Histogram { return l.ActHist }},
	GradHist: {Key: "grad_hist", Title: "back-prop gradients ∂C/∂s",
		Description: "histogram of the back-propagated gradients (with --hist)",
		Get:         func(l nn.LayerStats) *nn.Histogram { return l.GradHist }},
	WGradHist: {Key: "wgrad_hist", Title: "weight gradients ∂C/∂W",
		Description: "histogram of the weight gradients (with --hist)",
		Get:         func(l nn.LayerStats) *nn.Histogram { return l.WGradHist }},
}

// Info is h's row of the table.
func (h Hist) Info() HistInfo { return hists[h] }

// Key is h's JSON key.
func (h Hist) Key() string { return hists[h].Key }

// Title is h's title in the app and the figures.
func (h Hist) Title() string { return hists[h].Title }

// Get reads h from a layer's statistics.
func (h Hist) Get(l nn.LayerStats) *nn.Histogram { return hists[h].Get(l) }

// Hists lists every histogram in table order.
func Hists() []Hist {
	out := make([]Hist, NumHists)
	for i := range out {
		out[i] = Hist(i)
	}
	return out
}
