package nn

import (
	"fmt"
	"math"
	"strings"
)

// Cost is the training criterion applied to the softmax output p.
type Cost int

const (
	// CrossEntropy is the negative log-likelihood -log p_y (the paper's cost).
	CrossEntropy Cost = iota
	// Quadratic is sum_k (p_k - onehot(y)_k)^2, which the paper shows has
	// plateaus (Fig 5).
	Quadratic
	numCosts
)

var costInfo = [numCosts]struct{ name, desc string }{
	CrossEntropy: {"cross-entropy", "negative log-likelihood -log p(y|x) of the softmax output"},
	Quadratic:    {"quadratic", "sum of squared differences between softmax output and one-hot target"},
}

// Costs lists every cost.
func Costs() []Cost { return []Cost{CrossEntropy, Quadratic} }

func (c Cost) String() string {
	if c < 0 || c >= numCosts {
		return fmt.Sprintf("Cost(%d)", int(c))
	}
	return costInfo[c].name
}

// Description is a one-line explanation for listings.
func (c Cost) Description() string { return costInfo[c].desc }

// ParseCost returns the cost with the given name ("nll" and "mse" are
// accepted as aliases).
func ParseCost(name string) (Cost, error) {
	switch strings.ToLower(name) {
	case "cross-entropy", "crossentropy", "nll", "ce":
		return CrossEntropy, nil
	case "quadratic", "mse":
		return Quadratic, nil
	}
	return 0, fmt.Errorf("unknown loss %q (valid: %s)", name, joinNames(Costs()))
}

// softmax overwrites row with softmax(row), stably (shifting by the max).
func softmax(row []float32) {
	m := row[0]
	for _, v := range row[1:] {
		m = max(m, v)
	}
	var sum float64
	for i, v := range row {
		e := math.Exp(float64(v - m))
		row[i] = float32(e)
		sum += e
	}
	inv := float32(1 / sum)
	for i := range row {
		row[i] *= inv
	}
}

// grad writes scale * dC/ds into dst for one example, where p = softmax(s)
// and y is the target class, and returns the cost C.
//
// Cross-entropy: dC/ds_j = p_j - [j=y].
// Quadratic: with g_k = dC/dp_k = 2(p_k - [k=y]) and dp_k/ds_j = p_k([k=j] - p_j),
// dC/ds_j = p_j (g_j - sum_k g_k p_k).
func (c Cost) grad(dst, p []float32, y int, scale float32) float64 {
	switch c {
	case CrossEntropy:
		for j, pj := range p {
			dst[j] = scale * pj
		}
		dst[y] -= scale
		return -logClamp(p[y])
	case Quadratic:
		var loss, dot float64
		for k, pk := range p {
			d := float64(pk)
			if k == y {
				d--
			}
			loss += d * d
			dot += 2 * d * float64(pk)
		}
		for j, pj := range p {
			g := 2 * float64(pj)
			if j == y {
				g -= 2
			}
			dst[j] = scale * float32(float64(pj)*(g-dot))
		}
		return loss
	}
	panic("nn: unknown cost")
}

// Loss is the cost of one example from its pre-softmax scores s, in float64:
// the reference the gradient checks use.
func (c Cost) Loss(s []float64, y int) float64 {
	m := s[0]
	for _, v := range s {
		m = math.Max(m, v)
	}
	var sum float64
	for _, v := range s {
		sum += math.Exp(v - m)
	}
	switch c {
	case CrossEntropy:
		return -(s[y] - m - math.Log(sum))
	case Quadratic:
		var loss float64
		for k, v := range s {
			d := math.Exp(v-m) / sum
			if k == y {
				d--
			}
			loss += d * d
		}
		return loss
	}
	panic("nn: unknown cost")
}

// logClamp is log p with p floored at the smallest float32, so a probability
// that underflowed gives a large finite cost (about 103) rather than +Inf:
// only a genuinely diverged network (NaN or Inf scores) reports a non-finite cost.
func logClamp(p float32) float64 {
	return math.Log(math.Max(float64(p), math.SmallestNonzeroFloat32))
}
