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

// Add counts every value of v. Binning is done in float32, the values'
// own precision.
func (h *Histogram) Add(v []float32) {
	bins := float32(len(h.Counts))
	lo := float32(h.Lo)
	scale := bins / float32(h.Hi-h.Lo)
	for _, x := range v {
		f := (x - lo) * scale
		switch {
		case f >= 0 && f < bins:
			h.Counts[int(f)]++
		case f < 0:
			h.Under++
		case f >= bins:
			h.Over++
		default: // NaN fails every comparison
			h.NaN++
		}
	}
}

// merge adds o's counts (same range and bins) to h.
func (h *Histogram) merge(o *Histogram) {
	for i, c := range o.Counts {
		h.Counts[i] += c
	}
	h.Under += o.Under
	h.Over += o.Over
	h.NaN += o.NaN
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
