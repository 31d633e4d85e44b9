package nn

import "math"

// quantile returns the q-quantile (0 <= q <= 1) of v by linear interpolation
// between order statistics, as numpy.percentile does by default: with
// h = q (n-1), it is v_(floor h) + (h - floor h)(v_(floor h + 1) - v_(floor h)).
// It reorders v (selection, O(n) on average) and ignores nothing: NaNs give NaN.
func quantile(v []float32, q float64) float64 {
	n := len(v)
	if n == 0 {
		return math.NaN()
	}
	for _, x := range v {
		if x != x {
			return math.NaN()
		}
	}
	// After selection everything right of rank k is >= v[k], so its
	// minimum is the next order statistic.
	return quantileAt(v, q*float64(n-1))
}

// quantiles returns the qa- and qb-quantiles (qa <= qb) of v, like two
// calls of quantile, but the second selection only searches the part of v
// the first one left at or above its order statistic.
func quantiles(v []float32, qa, qb float64) (a, b float64) {
	if qb < qa {
		panic("nn: quantiles needs qa <= qb")
	}
	a = quantile(v, qa)
	n := len(v)
	if n == 0 || a != a {
		return a, a
	}
	lo := int(math.Floor(qa * float64(n-1)))
	// v[lo:] now holds the n-lo largest values; the qb-quantile's order
	// statistics are at offsets from lo within it.
	h := qb*float64(n-1) - float64(lo)
	return a, quantileAt(v[lo:], h)
}

// quantileAt interpolates v's order statistics at fractional rank h.
func quantileAt(v []float32, h float64) float64 {
	k := int(math.Floor(h))
	selectK(v, k)
	x := float64(v[k])
	if k+1 >= len(v) || h == float64(k) {
		return x
	}
	next := v[k+1]
	for _, y := range v[k+2:] {
		next = min(next, y)
	}
	return x + (h-float64(k))*(float64(next)-x)
}

// selectK reorders v so that v[k] holds the value it would have if v were
// sorted, with nothing greater before it and nothing smaller after it
// (Hoare's quickselect with a median-of-three pivot).
func selectK(v []float32, k int) {
	lo, hi := 0, len(v)-1
	for hi > lo {
		mid := lo + (hi-lo)/2
		if v[mid] < v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] < v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] < v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		pivot := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for v[j] > pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return // j < k < i: v[k] equals the pivot, in place
		}
	}
}

// moments returns the mean and population variance of v in one pass,
// accumulating in float64 the deviations from v[0]: shifting by a value
// from the data keeps the sum-of-squares formula accurate when the mean is
// large against the spread (sigmoid activations: mean 0.5, std 0.01).
func moments(v []float32) (mean, variance float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	s1, s2 := shiftedSums(v, v[0])
	return momentsFrom(s1, s2, float64(v[0]), len(v))
}

// shiftedSums returns sum(x - k) and sum((x - k)^2).
func shiftedSums(v []float32, k float32) (s1, s2 float64) {
	kk := float64(k)
	for _, x := range v {
		d := float64(x) - kk
		s1 += d
		s2 += d * d
	}
	return s1, s2
}

func momentsFrom(s1, s2, k float64, n int) (mean, variance float64) {
	m := s1 / float64(n)
	return k + m, max(s2/float64(n)-m*m, 0)
}
