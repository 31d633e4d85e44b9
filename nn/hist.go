package nn

import "math"

// Histogram counts values in Bins equal bins over [Lo, Hi); values outside
// land in Under or Over, NaNs in neither (they are counted in NaN).
type Histogram struct {
	Lo, Hi           float64
	Counts           []int
	Under, Over, NaN int
}

// NewHistogram returns an empty histogram of bins bins over [lo, hi).
func NewHistogram(lo, hi float64, bins int) *Histogram {
	if !(hi > lo) || bins < 1 {
		panic("nn: bad histogram range or bins")
	}
	return &Histogram{Lo: lo, Hi: hi, Counts: make([]int, bins)}
}

// Add counts every value of v.
func (h *Histogram) Add(v []float32) {
	bins := len(h.Counts)
	scale := float64(bins) / (h.Hi - h.Lo)
	for _, x := range v {
		f := (float64(x) - h.Lo) * scale
		switch {
		case f != f:
			h.NaN++
		case f < 0:
			h.Under++
		case f >= float64(bins):
			h.Over++
		default:
			h.Counts[int(f)]++
		}
	}
}

// Total counts every value added, outside the range and NaN included.
func (h *Histogram) Total() int {
	t := h.Under + h.Over + h.NaN
	for _, c := range h.Counts {
		t += c
	}
	return t
}

// symmetricRange picks [-r, r] wide enough for values of standard deviation
// sd: four standard deviations hold all but a sliver of anything near normal.
func symmetricRange(sd float64) (lo, hi float64) {
	r := 4 * sd
	if !(r > 0) || math.IsInf(r, 0) {
		r = 1
	}
	return -r, r
}
