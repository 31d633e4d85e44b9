package diagnosis

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"initscope/nn"
)

// profile is a snapshot at step whose layers have the given activation
// stds, gradient variances and saturations (nil: 0.3, 1e-4 and 0).
func profile(step int64, std, grad, sat []float64) nn.Snapshot {
	n := max(len(std), len(grad), len(sat))
	s := nn.Snapshot{Step: step}
	for i := range n {
		l := nn.LayerStats{Layer: i + 1, ActStd: 0.3, GradVar: 1e-4, WGradVar: 1e-9}
		if std != nil {
			l.ActStd = std[i]
		}
		if grad != nil {
			l.GradVar = grad[i]
		}
		if sat != nil {
			l.Saturated = sat[i]
		}
		s.Layers = append(s.Layers, l)
	}
	return s
}

func TestDiagnose(t *testing.T) {
	flat := profile(0, nil, nil, make([]float64, 5))
	tests := []struct {
		name         string
		step0, shown nn.Snapshot
		act          nn.Activation
		kind         Kind
		text         string
	}{
		// 3^4 = 81: the standard init's prediction over five tanh layers.
		{"vanishing", flat, profile(0, nil, []float64{1e-6, 3e-6, 9e-6, 27e-6, 81e-6}, nil), nn.Tanh,
			Vanishing, "back-prop gradients shrink 81x (variance) from L5 to L1: vanishing"},
		{"exploding", flat, profile(0, nil, []float64{1e-2, 1e-3, 1e-4, 1e-5, 1e-6}, nil), nn.Tanh,
			Exploding, "back-prop gradients grow 10000x (variance) from L5 to L1: exploding"},
		// std 0.3 -> 0.03 is a variance ratio of 100.
		{"activations vanish", flat, profile(0, []float64{0.3, 0.1, 0.03}, nil, nil), nn.Tanh,
			Vanishing, "activations shrink 100x (variance) from L1 to L3: vanishing"},
		{"saturated", flat, profile(0, nil, nil, []float64{0.1, 0.2, 0.3, 0.97, 0.4}), nn.Tanh,
			Saturated, "layer 4: 97% saturated"},
		{"dead", flat, profile(0, nil, nil, []float64{0.1, 0.6, 0.2}), nn.ReLU,
			Dead, "layer 2: 60% dead units"},
		{"two saturated, worst named", flat, profile(0, nil, nil, []float64{0.55, 0.9, 0.2}), nn.Sigmoid,
			Saturated, "layer 2: 90% saturated; 2 layers past 50%"},
		{"healthy", flat, profile(0, []float64{0.3, 0.25, 0.22}, []float64{1e-4, 1.5e-4, 2e-4}, nil), nn.Tanh,
			Healthy, "healthy: activation and gradient variances within 2.0x across layers"},
		{"drifting", flat, profile(0, nil, []float64{1e-4, 6e-4}, nil), nn.Tanh,
			Drifting, "back-prop gradients shrink 6.0x (variance) from L2 to L1 (10x would be vanishing)"},
		{"step 0 beside", profile(0, nil, []float64{1e-6, 1e-4}, nil), profile(500, nil, []float64{1e-6, 1e-3}, nil), nn.Tanh,
			Vanishing, "back-prop gradients shrink 1000x (variance) from L2 to L1: vanishing; step 0: 100x"},
		{"saturated beats vanishing", flat, profile(0, nil, []float64{1e-6, 1e-3}, []float64{0, 0.8}), nn.Tanh,
			Saturated, "layer 2: 80% saturated"},
		{"diverged", flat, profile(9, nil, []float64{1e-6, math.NaN()}, nil), nn.Tanh,
			Diverged, "diverged: layer 2's statistics are not finite at step 9"},
		{"one layer", flat, profile(0, nil, []float64{1e-6}, nil), nn.Tanh,
			Healthy, "healthy: one layer, nothing to compare"},
		// linear has no saturation (NaN) and must not trip the check.
		{"linear", flat, profile(0, nil, nil, []float64{math.NaN(), math.NaN()}), nn.Linear,
			Healthy, "healthy: activation and gradient variances within 1.0x across layers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := Diagnose(tt.step0, tt.shown, tt.act)
			if len(fs) == 0 {
				t.Fatal("no finding")
			}
			if fs[0].Kind != tt.kind || fs[0].Text != tt.text {
				t.Errorf("got %v %q, want %v %q", fs[0].Kind, fs[0].Text, tt.kind, tt.text)
			}
			if got := Line(tt.step0, tt.shown, tt.act); got != tt.text {
				t.Errorf("Line = %q", got)
			}
		})
	}
}

// TestDiagnoseMeasured runs on the step-0 statistics of the fig6 presets
// as measured (initscope --batch --scenario fig6-standard --steps 1
// --format csv, and fig6-normalized): the paper's contrast must come out.
func TestDiagnoseMeasured(t *testing.T) {
	standard := profile(0,
		[]float64{0.30346, 0.16904, 0.095862, 0.054661, 0.030637},
		[]float64{2.8655e-06, 1.0071e-05, 3.2060e-05, 9.6886e-05, 3.0264e-04}, nil)
	normalized := profile(0,
		[]float64{0.44975, 0.37744, 0.32961, 0.29532, 0.26604},
		[]float64{6.1883e-04, 8.3995e-04, 1.0803e-03, 1.3038e-03, 1.5876e-03},
		[]float64{0.013, 0.0007, 0, 0, 0})
	if got, want := Line(standard, standard, nn.Tanh), "back-prop gradients shrink 106x (variance) from L5 to L1: vanishing"; got != want {
		t.Errorf("standard: %q, want %q", got, want)
	}
	if got := Line(normalized, normalized, nn.Tanh); !strings.HasPrefix(got, "healthy: ") {
		t.Errorf("normalized: %q, want healthy", got)
	}
	fs := Diagnose(standard, standard, nn.Tanh)
	if len(fs) < 2 || fs[1].Signal != "activations" || fs[1].Kind != Vanishing {
		t.Errorf("standard: activations should vanish too: %+v", fs)
	}
}

func TestThresholdsHaveReasons(t *testing.T) {
	for k, th := range Thresholds {
		if th.Reason == "" || th.Limit == 0 {
			t.Errorf("kind %d: limit %v, reason %q", k, th.Limit, th.Reason)
		}
	}
	if Thresholds[Drifting].Limit >= Thresholds[Vanishing].Limit {
		t.Error("drifting must start below vanishing")
	}
}

func TestPredictedJacSV(t *testing.T) {
	// n Var[W] = 1/3 (standard) and 1 (normalized): 8/(3π) sqrt(gain),
	// the gain read off the gradient side (the layer below gets gain times
	// the layer above's variance). The activations' ratio is a decoy: it
	// is not the gain for sigmoid (f(0) = 1/2).
	layers := func(gain float64) []nn.LayerStats {
		return []nn.LayerStats{{TheoryActVar: 0.3, TheoryGradVar: 0.3 * gain}, {TheoryActVar: 7, TheoryGradVar: 0.3}}
	}
	for _, tt := range []struct{ gain, want float64 }{{1.0 / 3, 0.4901}, {1, 0.8488}} {
		if got := PredictedJacSV(layers(tt.gain), 0); math.Abs(got-tt.want) > 1e-4 {
			t.Errorf("gain %v: %v, want %v", tt.gain, got, tt.want)
		}
	}
	if v := PredictedJacSV(layers(1), 1); !math.IsNaN(v) {
		t.Errorf("top layer: %v, want NaN", v)
	}
	if v := PredictedJacSV(layers(1), -1); !math.IsNaN(v) {
		t.Errorf("layer -1: %v, want NaN", v)
	}
	if got := PredictedP98(nn.LayerStats{TheoryActVar: 4}, nn.Tanh); math.Abs(got-2*2.0537) > 1e-3 {
		t.Errorf("p98 of N(0, 4): %v", got)
	}
	// Sigmoid's units sit around f(0) = 1/2 in the linear regime.
	if lo, hi := PredictedP2(nn.LayerStats{TheoryActVar: 0.01}, nn.Sigmoid), PredictedP98(nn.LayerStats{TheoryActVar: 0.01}, nn.Sigmoid); math.Abs(lo-(0.5-0.20537)) > 1e-4 || math.Abs(hi-(0.5+0.20537)) > 1e-4 {
		t.Errorf("sigmoid's p2, p98 at variance 0.01: %v, %v; want 0.5 -/+ 0.205", lo, hi)
	}
}

// FuzzDiagnose: any numbers give a finding with text, never a panic.
func FuzzDiagnose(f *testing.F) {
	f.Add(1e-6, 1e-3, 0.3, 0.0, 0.97, uint8(1))
	f.Add(math.NaN(), math.Inf(1), -1.0, 0.0, math.NaN(), uint8(0))
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0, uint8(6))
	f.Add(-1e300, 1e300, math.Inf(-1), 5.0, -2.0, uint8(255))
	f.Fuzz(func(t *testing.T, g1, g2, s1, s2, sat float64, act uint8) {
		a := nn.Activation(int(act) % len(nn.Activations()))
		shown := profile(3, []float64{s1, s2}, []float64{g1, g2}, []float64{sat, 0})
		fs := Diagnose(profile(0, nil, nil, nil), shown, a)
		if len(fs) == 0 || fs[0].Text == "" {
			t.Fatalf("no finding for %+v", shown)
		}
	})
}

// PredictedJacSV against the Jacobian nn measures at initialization, for
// tanh and for sigmoid, whose f'(0) = 1/4 makes its Jacobian four times
// smaller than its weights' (the activations' variance ratio would not
// say so: sigmoid's E[z²] includes f(0)² = 1/4). Within 10%: the quarter
// circle is the large-width law, and f' varies around f'(0).
func TestPredictedJacSVMatchesMeasured(t *testing.T) {
	for _, tt := range []struct {
		act  nn.Activation
		init nn.InitKind
	}{{nn.Tanh, nn.Standard}, {nn.Tanh, nn.Normalized}, {nn.Sigmoid, nn.Normalized}, {nn.Sigmoid, nn.Standard}} {
		cfg := nn.Config{Inputs: 200, Classes: 10, Depth: 3, Width: 300, Activation: tt.act, Init: nn.Init{Kind: tt.init, Scale: 0.5}}
		rng := rand.New(rand.NewPCG(3, 3))
		net := nn.New(cfg, rng)
		const n = 50
		x := make([]float32, n*cfg.Inputs)
		for i := range x {
			x[i] = float32(rng.Float64()) // pixels in [0, 1]
		}
		y := make([]int32, n)
		st, err := nn.NewStats(context.Background(), net, x, y, n, nn.CrossEntropy, nn.StatsOptions{})
		if err != nil {
			t.Fatal(err)
		}
		layers, _, err := st.Measure(context.Background(), true)
		if err != nil {
			t.Fatal(err)
		}
		for l := range cfg.Depth - 1 {
			got, want := layers[l].JacSVMean, PredictedJacSV(layers, l)
			if math.Abs(got/want-1) > 0.10 {
				t.Errorf("%v %v layer %d: measured mean singular value %.4f, predicted %.4f", tt.act, tt.init, l+1, got, want)
			}
		}
	}
}
