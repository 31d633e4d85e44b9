package diagnosis

import (
	"fmt"
	"math"

	"initscope/nn"
)

// Kind is a verdict, in order of severity: the first one found is the one
// a single line shows.
type Kind int

const (
	Diverged  Kind = iota // a statistic is NaN or infinite
	Saturated             // a bounded activation's layer sits at its asymptotes
	Dead                  // a relu-like layer's units are off on every input
	Vanishing             // a signal's variance falls by a decade or more across layers
	Exploding             // a signal's variance grows by a decade or more across layers
	Drifting              // a signal's variance changes by more than Healthy allows, less than a decade
	Healthy               // both signals within Healthy's ratio across layers
	numKinds
)

// Threshold is one limit of the verdicts and why it has that value.
type Threshold struct {
	Limit  float64
	Reason string
}

// Thresholds are the limits of the verdicts, indexed by Kind; every
// number a verdict compares with is here.
var Thresholds = [numKinds]Threshold{
	Diverged: {Limit: math.Inf(1), Reason: "a statistic that is not finite means the run diverged; nothing else can be read"},
	Saturated: {Limit: 0.5, Reason: "tanh' = 1-z^2 < 0.12 where |z| > 0.94: with half the units there, half of the " +
		"layer's gradient paths are nearly cut (the paper's Fig 2 top layer, Fig 3 layer 1)"},
	Dead: {Limit: 0.5, Reason: "a unit that is off on every probe example passes no gradient: with half of them, " +
		"the layer has lost half its width"},
	Vanishing: {Limit: 10, Reason: "a decade of variance from one end to the other: the paper's standard init measures " +
		"~100x in Var[dC/ds] over 5 tanh layers (3^4 = 81 predicted), normalized init under 3x"},
	Exploding: {Limit: 10, Reason: "the same decade, the other way"},
	Drifting: {Limit: 4, Reason: "normalized init measures 2.6x (Var[dC/ds]) and 2.9x (Var[z]) over 5 tanh layers " +
		"of 1000 at step 0, where the paper calls it constant: a little above that is still fine"},
	Healthy: {Limit: 1, Reason: "below Drifting's limit"},
}

// Finding is one thing the profile shows.
type Finding struct {
	Kind     Kind
	Signal   string  // "back-prop gradients", "activations"; "" for a layer's verdict
	From, To int     // layers (from 1) the signal goes from and to; Layer for a layer's verdict
	Ratio    float64 // largest over smallest variance across layers; the fraction for a layer's verdict
	Step0    float64 // the same at step 0, NaN when the shown step is step 0 or it was not measured
	Text     string  // the finding in plain words with its numbers
}

// signal is one per-layer quantity whose spread across layers matters,
// and which way it flows through the network.
type signal struct {
	name     string
	get      func(nn.LayerStats) float64
	backward bool // computed from the output down (gradients)
}

var signals = []signal{
	{"back-prop gradients", func(l nn.LayerStats) float64 { return l.GradVar }, true},
	{"activations", func(l nn.LayerStats) float64 { return l.ActStd * l.ActStd }, false},
}

// Diagnose lists what the shown snapshot's layer profile shows, most
// severe first, with the same measures at step 0 beside them; act tells
// saturation (bounded activations) from dead units (the others). It is
// never empty: a profile with nothing wrong is Healthy.
func Diagnose(step0, shown nn.Snapshot, act nn.Activation) []Finding {
	if f, ok := diverged(shown); ok {
		return []Finding{f}
	}
	var out []Finding
	out = append(out, layerFindings(step0, shown, act)...)
	worst := 0.0
	for _, s := range signals {
		f, ok := spread(s, step0, shown)
		if !ok {
			continue
		}
		worst = max(worst, f.Ratio)
		if f.Kind != Healthy {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		h := Finding{Kind: Healthy, Ratio: worst, Step0: math.NaN()}
		h.Text = "healthy: one layer, nothing to compare"
		if worst > 0 {
			h.Text = fmt.Sprintf("healthy: activation and gradient variances within %s across layers", times(worst))
		}
		out = append(out, h)
	}
	sortBySeverity(out)
	return out
}

// Line is the most severe finding in one line ("" with no layers).
func Line(step0, shown nn.Snapshot, act nn.Activation) string {
	if len(shown.Layers) == 0 {
		return ""
	}
	return Diagnose(step0, shown, act)[0].Text
}

func sortBySeverity(fs []Finding) {
	// Insertion sort: a handful of findings, and stable so that gradients
	// come before activations at the same severity.
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Kind < fs[j-1].Kind; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

func diverged(s nn.Snapshot) (Finding, bool) {
	for _, l := range s.Layers {
		for _, v := range []float64{l.ActMean, l.ActStd, l.GradVar, l.WGradVar} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Finding{Kind: Diverged, From: l.Layer, To: l.Layer, Ratio: math.NaN(), Step0: math.NaN(),
					Text: fmt.Sprintf("diverged: layer %d's statistics are not finite at step %d", l.Layer, s.Step)}, true
			}
		}
	}
	return Finding{}, false
}

// layerFindings are the layers past the saturation (or dead-unit) limit,
// the most saturated first.
func layerFindings(step0, shown nn.Snapshot, act nn.Activation) []Finding {
	kind, word := Dead, "dead units"
	if _, _, bounded := act.Bounds(); bounded {
		kind, word = Saturated, "saturated"
	}
	limit := Thresholds[kind].Limit
	best := -1
	for i, l := range shown.Layers {
		if l.Saturated >= limit && (best < 0 || l.Saturated > shown.Layers[best].Saturated) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	l := shown.Layers[best]
	f := Finding{Kind: kind, From: l.Layer, To: l.Layer, Ratio: l.Saturated, Step0: math.NaN()}
	f.Text = fmt.Sprintf("layer %d: %s %s", l.Layer, pct(l.Saturated), word)
	if shown.Step != step0.Step && best < len(step0.Layers) {
		f.Step0 = step0.Layers[best].Saturated
		f.Text += fmt.Sprintf(" (step 0: %s)", pct(f.Step0))
	}
	n := 0
	for _, l := range shown.Layers {
		if l.Saturated >= limit {
			n++
		}
	}
	if n > 1 {
		f.Text += fmt.Sprintf("; %d layers past %s", n, pct(limit))
	}
	return []Finding{f}
}

// spread measures how much s's variance changes across the layers of the
// shown snapshot: largest over smallest, and which way.
func spread(s signal, step0, shown nn.Snapshot) (Finding, bool) {
	ratio, hi, lo, ok := extremes(s, shown)
	if !ok {
		return Finding{}, false
	}
	f := Finding{Kind: Healthy, Signal: s.name, From: hi + 1, To: lo + 1, Ratio: ratio, Step0: math.NaN()}
	// A signal shrinks in the direction it flows: gradients from the top
	// layer down, activations from the bottom up.
	shrinks := (s.backward && hi > lo) || (!s.backward && hi < lo)
	verb := "shrink"
	if !shrinks {
		verb = "grow"
		f.From, f.To = f.To, f.From
	}
	switch {
	case ratio >= Thresholds[Vanishing].Limit && shrinks:
		f.Kind = Vanishing
	case ratio >= Thresholds[Exploding].Limit:
		f.Kind = Exploding
	case ratio >= Thresholds[Drifting].Limit:
		f.Kind = Drifting
	}
	if f.Kind == Healthy {
		return f, true
	}
	f.Text = fmt.Sprintf("%s %s %s (variance) from L%d to L%d", s.name, verb, times(ratio), f.From, f.To)
	switch f.Kind {
	case Vanishing:
		f.Text += ": vanishing"
	case Exploding:
		f.Text += ": exploding"
	case Drifting:
		f.Text += fmt.Sprintf(" (%s would be %s)", times(Thresholds[Vanishing].Limit), map[bool]string{true: "vanishing", false: "exploding"}[shrinks])
	}
	if shown.Step != step0.Step {
		if r0, _, _, ok := extremes(s, step0); ok {
			f.Step0 = r0
			f.Text += fmt.Sprintf("; step 0: %s", times(r0))
		}
	}
	return f, true
}

// extremes are the largest over the smallest positive variance of s across
// the layers, and the layers (from 0) where they are; false with fewer
// than two layers measured.
func extremes(s signal, snap nn.Snapshot) (ratio float64, hi, lo int, ok bool) {
	hi, lo = -1, -1
	for i, l := range snap.Layers {
		v := s.get(l)
		if !(v > 0) || math.IsInf(v, 0) {
			continue
		}
		if hi < 0 || v > s.get(snap.Layers[hi]) {
			hi = i
		}
		if lo < 0 || v < s.get(snap.Layers[lo]) {
			lo = i
		}
	}
	if hi < 0 || hi == lo && len(snap.Layers) < 2 {
		return 0, 0, 0, false
	}
	return s.get(snap.Layers[hi]) / s.get(snap.Layers[lo]), hi, lo, true
}

// times writes a ratio as "106x", "2.6x", "1.3e+05x".
func times(r float64) string {
	switch {
	case r >= 1e5:
		return fmt.Sprintf("%.1ex", r)
	case r >= 10:
		return fmt.Sprintf("%.0fx", r)
	}
	return fmt.Sprintf("%.1fx", r)
}

func pct(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }
