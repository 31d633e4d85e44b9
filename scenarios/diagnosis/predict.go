package diagnosis

import (
	"math"

	"initscope/nn"
)

// The linear-regime predictions a layer profile is drawn against. nn
// computes the variances at initialization (LayerStats.TheoryActVar and
// TheoryGradVar: PAPER.md's formulas anchored on second moments, with the
// activation's f(0) and f'(0), see nn's Stats.predict); these derive the
// other quantities from them under the same assumptions: the linear
// regime, zero-mean weights, and sums of many independent terms, hence
// Gaussian. PredictedStd holds for every activation in that regime;
// the percentiles centre on f(0) (1/2 for sigmoid).

// z98 is the 98th percentile of the standard normal, Φ⁻¹(0.98).
const z98 = 2.053748910631823

// PredictedStd is the activation std the linear regime predicts.
func PredictedStd(l nn.LayerStats) float64 { return math.Sqrt(l.TheoryActVar) }

// PredictedP98 is the 98th percentile of a Gaussian activation of the
// predicted variance centred where the linear regime puts it, f(0): 0 for
// tanh and softsign, 1/2 for sigmoid (whose units all start near 1/2).
func PredictedP98(l nn.LayerStats, act nn.Activation) float64 {
	return act.Eval(0) + z98*PredictedStd(l)
}

// PredictedP2 is the 2nd percentile of the same Gaussian.
func PredictedP2(l nn.LayerStats, act nn.Activation) float64 {
	return act.Eval(0) - z98*PredictedStd(l)
}

// quarterCircleMean is the mean singular value of an n x n matrix of iid
// zero-mean entries of variance 1/n, for large n: the singular values
// follow the quarter-circle law, density sqrt(4-x²)/π on [0, 2], whose
// mean is 8/(3π) ≈ 0.85.
const quarterCircleMean = 8 / (3 * math.Pi)

// PredictedJacSV is the mean singular value of the Jacobian
// dz^{l+1}/dz^l = diag(f'(s^{l+1})) W^{l+1} in the linear regime, where it
// is f'(0) W^{l+1}'s: (8/3π) sqrt(f'(0)² n Var[W^{l+1}]), with
// f'(0)² n Var[W^{l+1}] read off the predicted back-propagated gradient
// variances, Var[∂C/∂s^l] / Var[∂C/∂s^{l+1}] (the activations' ratio
// equals it only when f(0) = 0, not for sigmoid). That gives 0.85 for
// normalized init (n Var[W] = 1) and 0.49 for standard (1/3), the paper's
// ≈0.8 and ≈0.5 for tanh. Hidden layers are square here; the top layer
// has no Jacobian (NaN), nor does an index out of range.
func PredictedJacSV(layers []nn.LayerStats, l int) float64 {
	if l < 0 || l+1 >= len(layers) {
		return math.NaN()
	}
	gain := layers[l].TheoryGradVar / layers[l+1].TheoryGradVar
	if !(gain > 0) || math.IsInf(gain, 0) {
		return math.NaN()
	}
	return quarterCircleMean * math.Sqrt(gain)
}
