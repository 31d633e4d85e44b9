package plot

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
)

// Ticks is the tick marker of the figures' linear axes: gonum's (Talbot's)
// tick values, at least two labelled ticks inside the axis' range (an axis
// with one readable number cannot be read), and every label of an axis in
// one number format, as few digits as keep them exact and distinct (gonum
// labels a narrow range 2.2 2.1 2.1 2.1). Use it for a plot of your own:
// p.X.Tick.Marker = plot.Ticks{} (see NewPanel).
type Ticks struct{}

// Ticks returns the ticks of [min, max].
func (Ticks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	var major []float64
	for _, t := range ticks {
		if t.Label != "" && inside(t.Value, min, max) {
			major = append(major, t.Value)
		}
	}
	// At the edge of float64, Talbot repeats a value; elsewhere it may
	// find one nice number in the range, or none.
	major = slices.Compact(major)
	if len(major) < 2 {
		return labelled([]float64{min, max})
	}
	var out []plot.Tick
	for _, t := range ticks {
		if t.Label == "" {
			out = append(out, t)
		}
	}
	return append(out, labelled(major)...)
}

// inside reports whether v is within [min, max], give or take rounding.
func inside(v, min, max float64) bool {
	tol := (max - min) * 1e-9
	return v >= min-tol && v <= max+tol
}

// LogTicks is the tick marker of the figures' log axes: a labelled tick at
// each power of ten, thinned to at most maxLogLabels of them (a crafted or
// diverged run can span 600 decades), labelled 1e-3 alike; an axis that
// spans less than two powers of ten gets linear ticks (Ticks), which a log
// axis places as well.
type LogTicks struct{}

const maxLogLabels = 10

// Ticks returns the ticks of [min, max], min > 0.
func (LogTicks) Ticks(min, max float64) []plot.Tick {
	lo, hi := math.Ceil(math.Log10(min)-1e-9), math.Floor(math.Log10(max)+1e-9)
	if hi-lo < 1 || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return Ticks{}.Ticks(min, max)
	}
	every := math.Ceil((hi - lo + 1) / maxLogLabels)
	var ticks []plot.Tick
	for e := lo; e <= hi; e += every {
		ticks = append(ticks, plot.Tick{Value: math.Pow(10, e), Label: "1e" + strconv.Itoa(int(e))})
	}
	if every == 1 { // unlabelled ticks at 2..9 times each power of ten
		for e := lo - 1; e <= hi; e++ {
			for m := 2.0; m < 10; m++ {
				if v := m * math.Pow(10, e); inside(v, min, max) {
					ticks = append(ticks, plot.Tick{Value: v})
				}
			}
		}
	}
	return ticks
}

// labelled gives each value a label in one format for them all: fixed
// decimals when the largest is between 0.001 and 100000, else the same
// number of significant digits with an exponent ("2.5e-7"). The digits are
// the fewest that write each value within a thousandth of the gap to its
// neighbour and tell them all apart; values equal in float64 are kept once.
func labelled(values []float64) []plot.Tick {
	values = slices.Compact(slices.Sorted(slices.Values(values)))
	gap := math.Inf(1)
	big := 0.0
	for i, v := range values {
		if i > 0 {
			gap = math.Min(gap, values[i]-values[i-1])
		}
		big = math.Max(big, math.Abs(v))
	}
	if math.IsInf(gap, 0) { // one value
		gap = math.Max(math.Abs(values[0]), 1)
	}
	// A value within rounding of 0 (Talbot's 5.6e-17) is 0.
	for i, v := range values {
		if math.Abs(v) < gap*1e-9 {
			values[i] = 0
		}
	}
	fixed := big >= 1e-3 && big < 1e5
	var labels []string
	ok := false
	for digits := 0; digits <= 17 && !ok; digits++ {
		labels = labels[:0]
		ok = true
		for _, v := range values {
			s := format(v, fixed, digits)
			back, _ := strconv.ParseFloat(s, 64)
			if math.Abs(back-v) > gap*1e-3 {
				ok = false
			}
			labels = append(labels, s)
		}
		ok = ok && len(slices.Compact(slices.Clone(labels))) == len(labels)
	}
	if !ok {
		// Neighbours a few float64 steps apart: format's 17 digits do not
		// tell them apart. As many digits as the longest shortest exact
		// form needs, in the axis' one format, do.
		verb, prec := byte('e'), 0
		if fixed {
			verb = 'f'
		}
		for _, v := range values {
			m, _, _ := strings.Cut(strconv.FormatFloat(v, verb, -1, 64), "e")
			if _, frac, found := strings.Cut(m, "."); found {
				prec = max(prec, len(frac))
			}
		}
		for i, v := range values {
			labels[i] = strconv.FormatFloat(v, verb, prec, 64)
		}
	}
	ticks := make([]plot.Tick, len(values))
	for i, v := range values {
		ticks[i] = plot.Tick{Value: v, Label: labels[i]}
	}
	return ticks
}

// format writes v with digits decimals (fixed) or digits+1 significant
// digits and a short exponent: 2.5e-7, 1e12, 0.
func format(v float64, fixed bool, digits int) string {
	if fixed {
		s := strconv.FormatFloat(v, 'f', digits, 64)
		if strings.Trim(s, "-0.") == "" {
			s = strings.TrimPrefix(s, "-") // no "-0.00"
		}
		return s
	}
	if v == 0 {
		return "0"
	}
	s := strconv.FormatFloat(v, 'e', digits, 64)
	mant, exp, _ := strings.Cut(s, "e")
	e, _ := strconv.Atoi(exp)
	return mant + "e" + strconv.Itoa(e)
}

// LayerTicks labels a layer axis at every layer (every few when there are
// more than 12 in range), whole numbers only.
type LayerTicks struct{}

// Ticks returns the ticks of [min, max].
func (LayerTicks) Ticks(min, max float64) []plot.Tick {
	lo, hi := math.Ceil(min), math.Floor(max)
	if hi-lo < 1 || hi-lo > 1000 {
		return Ticks{}.Ticks(min, max)
	}
	every := math.Ceil((hi - lo + 1) / 12)
	var ticks []plot.Tick
	for v := lo; v <= hi; v++ {
		t := plot.Tick{Value: v}
		if math.Mod(v-lo, every) == 0 {
			t.Label = strconv.Itoa(int(v))
		}
		ticks = append(ticks, t)
	}
	return ticks
}
