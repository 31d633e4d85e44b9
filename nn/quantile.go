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
	h := q * float64(n-1)
	lo := int(math.Floor(h))
	selectK(v, lo)
	a := float64(v[lo])
	if lo+1 >= n || h == float64(lo) {
		return a
	}
	// After selection everything right of lo is >= v[lo]; its minimum is v_(lo+1).
	b := v[lo+1]
	for _, x := range v[lo+2:] {
		b = min(b, x)
	}
	return a + (h-float64(lo))*(float64(b)-a)
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

// moments returns the mean and population variance of v, accumulated in
// float64 (Welford would be steadier, but a float64 sum over at most a few
// million float32 values loses nothing that matters here).
func moments(v []float32) (mean, variance float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	var s float64
	for _, x := range v {
		s += float64(x)
	}
	mean = s / float64(len(v))
	var ss float64
	for _, x := range v {
		d := float64(x) - mean
		ss += d * d
	}
	return mean, ss / float64(len(v))
}
