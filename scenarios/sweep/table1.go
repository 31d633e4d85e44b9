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
// initializer); ok is false for a configuration not in the table.
func table1Row(sc scenarios.Scenario) (table1Entry, bool) {
	for _, e := range table1 {
		if e.Activation == sc.Activation && e.Init == sc.Init {
			return e, true
		}
	}
	return table1Entry{}, false
}
