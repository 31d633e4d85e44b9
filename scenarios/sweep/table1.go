package sweep

import "initscope/scenarios"

// Table 1 of Glorot & Bengio (2010): test error (%) of 5-hidden-layer
// networks; "N" is the normalized initialization. The numbers are the
// paper's (../shared/PAPER.md), written here once.
var table1 = []table1Entry{
	{"Softsign", "softsign", "standard", [4]float64{16.27, 1.64, 55.78, 69.14}},
	{"Softsign N", "softsign", "normalized", [4]float64{16.06, 1.72, 53.8, 68.13}},
	{"Tanh", "tanh", "standard", [4]float64{27.15, 1.76, 55.9, 70.58}},
	{"Tanh N", "tanh", "normalized", [4]float64{15.60, 1.64, 52.92, 68.57}},
	{"Sigmoid", "sigmoid", "standard", [4]float64{82.61, 2.21, 57.28, 70.66}},
}

type table1Entry struct {
	Row              string
	Activation, Init string
	Paper            [4]float64 // by table1Columns
}

// table1Row finds the row of Table 1 that sc is (by activation and
// initializer, at 5 hidden layers); ok is false for a configuration not in
// the table.
func table1Row(sc scenarios.Scenario) (table1Entry, bool) {
	if sc.Depth != 5 { // the table is of 5 hidden layers
		return table1Entry{}, false
	}
	for _, e := range table1 {
		if e.Activation == sc.Activation && e.Init == sc.Init {
			return e, true
		}
	}
	return table1Entry{}, false
}

// table1Columns are the paper's data sets, in Table 1's order, by the
// name of our data set kind (Small-ImageNet has none: we cannot ship it).
var table1Columns = []struct{ kind, title string }{
	{"shapeset", "Shapeset"}, {"mnist", "MNIST"}, {"cifar10", "CIFAR-10"}, {"", "Small-ImageNet"},
}

// paperNumber is Table 1's test error for row e on data set kind, ok
// false when the paper has no column for it (Fashion-MNIST, CSV, tiny).
func paperNumber(e table1Entry, kind string) (float64, bool) {
	for i, c := range table1Columns {
		if c.kind != "" && c.kind == kind {
			return e.Paper[i], true
		}
	}
	return 0, false
}
