package plot

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"

	"initscope/scenarios"
	"initscope/scenarios/batch"
	"initscope/scenarios/preset"
)

// realRun is a tiny run's --batch JSON Lines output, with histograms.
func realRun(t testing.TB) []byte { return tinyRun(t, 20, 10, true) }

// tinyRun trains the tiny preset for steps, a snapshot every every, and
// returns its --batch JSON Lines output.
func tinyRun(t testing.TB, steps, every int64, hist bool) []byte {
	return tinyRunWith(t, func(sc *scenarios.Scenario) { sc.Steps, sc.Every, sc.Hist = steps, every, hist })
}

// tinyRunWith trains the tiny preset as edit changes it and returns its
// --batch JSON Lines output.
func tinyRunWith(t testing.TB, edit func(*scenarios.Scenario)) []byte {
	t.Helper()
	sc, _ := preset.Lookup("tiny")
	edit(&sc)
	runner, err := scenarios.NewRunner(context.Background(), sc)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w, _ := batch.NewWriter("jsonl", &out)
	if _, err := batch.Run(context.Background(), runner, w, batch.Options{}); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

const runLine = `{"type":"run","scenario":"x","activation":"tanh","init":"standard","depth":1,"width":4}` + "\n"

func snapLine(layers string) string {
	return `{"type":"snapshot","step":0,"examples":0,"layers":[` + layers + `]}` + "\n"
}

// Crafted --from files: one line naming the file, the line and the limit.
func TestReadHostile(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"a 10 MB line", runLine + `{"type":"snapshot","x":"` + strings.Repeat("a", 10<<20) + `"}` + "\n",
			"x.jsonl:2: a line longer than 1048576 bytes (a --batch record is about 20 KB: is it a --batch JSON Lines file?)"},
		{"10,000 layers", runLine + snapLine(strings.Repeat("{},", 9999)+"{}"), "x.jsonl:2: a snapshot of 10000 layers; a network has at most 20"},
		{"truncated line", runLine + `{"type":"snapshot","step":`, "x.jsonl:2: not JSON: unexpected end of JSON input"},
		{"NaN literal", runLine + snapLine(`{"act_mean":NaN}`), "x.jsonl:2: not JSON: invalid character 'N'"},
		{"step as a string", runLine + `{"type":"snapshot","step":"zero"}` + "\n", "x.jsonl:2: json: cannot unmarshal string into Go struct field"},
		{"layers as an object", runLine + `{"type":"snapshot","layers":{}}` + "\n", "x.jsonl:2: json: cannot unmarshal object"},
		{"a layer's value as a string", runLine + snapLine(`{},{"act_mean":"big"}`), "x.jsonl:2: layer 2: act_mean: json: cannot unmarshal string"},
		{"a number beyond float64", runLine + snapLine(`{"act_mean":1e999}`), "x.jsonl:2: layer 1: act_mean: json: cannot unmarshal number 1e999"},
		{"no bins", runLine + snapLine(`{"act_hist":{"lo":0,"hi":1,"counts":[]}}`), "x.jsonl:2: layer 1: act_hist: 0 bins (valid: 1..1000)"},
		{"too many bins", runLine + snapLine(`{"grad_hist":{"lo":0,"hi":1,"counts":[`+strings.Repeat("0,", 5000)+`0]}}`), "x.jsonl:2: layer 1: grad_hist: 5001 bins (valid: 1..1000)"},
		{"a negative count", runLine + snapLine(`{"wgrad_hist":{"lo":0,"hi":1,"counts":[1,-2]}}`), "x.jsonl:2: layer 1: wgrad_hist: bin 1 has a negative count -2"},
		{"a negative under", runLine + snapLine(`{"act_hist":{"lo":0,"hi":1,"counts":[1],"under":-1}}`), "x.jsonl:2: layer 1: act_hist: a negative count (under -1, over 0, nan 0)"},
		{"an empty range", runLine + snapLine(`{"act_hist":{"lo":1,"hi":1,"counts":[1]}}`), "x.jsonl:2: layer 1: act_hist: range [1, 1) is empty"},
		{"two runs", runLine + snapLine("") + runLine, "x.jsonl:3: a second run line (the first is line 1)"},
		{"binary junk", "\x00\xff\x8b\x1f\n", "x.jsonl:1: not JSON"},
		{"empty", "", "x.jsonl: no snapshot lines"},
		{"only a run line", runLine, "x.jsonl: no snapshot lines"},
	}
	for _, c := range cases {
		_, err := Read(context.Background(), "x.jsonl", strings.NewReader(c.text))
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, c.want) || strings.Contains(msg, "\n") || len(msg) > 300 {
			t.Errorf("%s: error = %q, want one short line starting %q", c.name, msg, c.want)
		}
	}
}

// Zero, negative and huge values are data, not errors: they are read and
// drawn (the log axes leave out what they cannot show).
func TestReadOddValuesAndPlot(t *testing.T) {
	hist := `{"lo":-1e308,"hi":1e308,"counts":[0,9223372036854775807,9223372036854775807]}`
	layer := `{"layer":1,"act_mean":0,"act_std":-1,"act_p98":1e308,"saturated":-1e308,"grad_var":0,"wgrad_var":-5,` +
		`"theory_act_var":0,"theory_grad_var":5e-324,"act_hist":` + hist + `,"grad_hist":` + hist + `,"wgrad_hist":` + hist + `}`
	layer += "," + strings.Replace(layer, `"layer":1`, `"layer":2`, 1)
	text := runLine + snapLine(layer) + `{"type":"snapshot","step":10,"examples":100,"train_loss":-3,"test_error":0,"layers":[` + layer + `]}` + "\n"
	run, err := Read(context.Background(), "odd.jsonl", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	files, err := Write(t.TempDir(), run)
	if err != nil || len(files) != 6 {
		t.Fatalf("wrote %v, %v; want 6 figures", files, err)
	}
}

// A run's series with zeros, negatives, NaN and infinities (as from --init
// zeros or a diverging net, or a Run built in code) draws every figure.
func TestWriteNonPositiveAndNonFinite(t *testing.T) {
	run := hostileSnapshots()
	dir := t.TempDir()
	files, err := Write(dir, run)
	if err != nil || len(files) != 6 {
		t.Fatalf("wrote %v, %v; want 6 figures", files, err)
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if _, err := png.Decode(bytes.NewReader(data)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if dst := os.Getenv("INITSCOPE_PLOT_DIR"); dst != "" { // to look at them
		for _, f := range files {
			data, _ := os.ReadFile(f)
			os.WriteFile(filepath.Join(dst, filepath.Base(f)), data, 0o644)
		}
	}

	// A series with no positive value: an empty linear panel that says so.
	zeros := NewPanel("g", "step", "var", true)
	zeros.Line(ys(0, 0, -1), LayerStyle(0), "layer 1")
	if p := zeros.done(); p.Title.Text != "g (3 <= 0 or non-finite values not shown)" || p.Y.Label.Text != "var (log axis: no value > 0)" {
		t.Errorf("empty log panel: title %q, y label %q", p.Title.Text, p.Y.Label.Text)
	}
	mixed := NewPanel("g", "step", "var", true)
	mixed.Line(ys(1, math.NaN(), math.Inf(1), 0, 2), LayerStyle(0), "")
	if p := mixed.done(); p.Title.Text != "g (3 <= 0 or non-finite values not shown)" {
		t.Errorf("log panel: title %q", p.Title.Text)
	}
	lin := NewPanel("a", "step", "act", false)
	lin.Line(ys(-1, math.NaN(), 0, math.MaxFloat64), LayerStyle(0), "")
	if p := lin.done(); p.Title.Text != "a (2 non-finite or huge values not shown)" {
		t.Errorf("linear panel: title %q", p.Title.Text)
	}
}

// hostileSnapshots is a run of 3 layers whose every value, snapshot
// after snapshot, is one of zero, negative, NaN, infinite, huge,
// subnormal, 0.5, histograms with crafted counts.
func hostileSnapshots() Run {
	vals := []float64{0, -1, math.NaN(), math.Inf(1), math.Inf(-1), 1e308, -math.MaxFloat64, 5e-324, 0.5}
	var run Run
	run.Run.Scenario = scenarios.Default()
	for i, v := range vals {
		p := func(x float64) *float64 { return &x }
		h := &batch.HistValue{Lo: v, Hi: math.Inf(1), Counts: []int{math.MaxInt, 3, -4}, Under: -1}
		var layers []batch.LayerRecord
		for l := range 3 {
			layers = append(layers, batch.LayerRecord{Layer: l + 1, Stats: [batch.NumStats]*float64{batch.ActMean: p(v), batch.ActStd: p(v),
				batch.ActP98: p(v), batch.Saturated: p(v), batch.GradVar: p(v), batch.WGradVar: p(v), batch.TheoryActVar: p(v),
				batch.TheoryGradVar: p(v)}, Hists: [batch.NumHists]*batch.HistValue{h, h, h}})
		}
		run.Add(batch.SnapshotRecord{Step: int64(i), Examples: int64(i) * 10, TrainLoss: p(v), TestError: p(v), Layers: layers})
	}
	return run
}

// ys is a series at steps 0, 1, 2...
func ys(y ...float64) plotter.XYs {
	xy := make(plotter.XYs, len(y))
	for i, v := range y {
		xy[i] = plotter.XY{X: float64(i), Y: v}
	}
	return xy
}

// Add keeps at most MaxKept (+ the latest) snapshots, evenly spaced, the
// first and the latest always, histograms only on those two.
func TestAddThins(t *testing.T) {
	const n = 1_000_000
	var run Run
	hist := []batch.LayerRecord{{Hists: [batch.NumHists]*batch.HistValue{batch.ActHist: {Lo: 0, Hi: 1, Counts: []int{1}}}}}
	for i := range int64(n) {
		run.Add(batch.SnapshotRecord{Step: i, Layers: hist})
		if i < MaxKept && len(run.Snapshots) != int(i)+1 {
			t.Fatalf("after %d snapshots kept %d", i+1, len(run.Snapshots))
		}
	}
	s := run.Snapshots
	if len(s) > MaxKept+1 || run.Seen != n || run.Stride != 256 {
		t.Fatalf("kept %d of %d with stride %d; want at most %d, stride 256", len(s), run.Seen, run.Stride, MaxKept+1)
	}
	if s[0].Step != 0 || s[len(s)-1].Step != n-1 {
		t.Errorf("first, last = %d, %d; want 0, %d", s[0].Step, s[len(s)-1].Step, n-1)
	}
	for i := 1; i < len(s)-1; i++ {
		if s[i].Step != int64(i)*run.Stride {
			t.Fatalf("snapshot %d is step %d, want %d", i, s[i].Step, int64(i)*run.Stride)
		}
		if s[i].Layers[0].Hists[batch.ActHist] != nil {
			t.Fatalf("snapshot %d kept its histogram", i)
		}
	}
	if s[0].Layers[0].Hists[batch.ActHist] == nil || s[len(s)-1].Layers[0].Hists[batch.ActHist] == nil {
		t.Error("the first or the latest snapshot lost its histogram")
	}
	if hist[0].Hists[batch.ActHist] == nil {
		t.Error("Add changed the caller's layers")
	}
	if got := steps(run, "step"); got != "step (every 256th of 1000000 snapshots)" {
		t.Errorf("axis label %q", got)
	}
}

// A stream of 100,000 snapshot lines (25 times MaxKept) is read in bounded
// memory.
func TestReadLongStream(t *testing.T) {
	const n = 100_000
	line := snapLine(`{"layer":1,"act_mean":0.5,"act_std":0.1}`)
	r := io.MultiReader(strings.NewReader(runLine), &repeatReader{line: line, n: n})
	run, err := Read(context.Background(), "long.jsonl", r)
	if err != nil {
		t.Fatal(err)
	}
	if run.Seen != n || len(run.Snapshots) > MaxKept+1 {
		t.Errorf("seen %d, kept %d; want %d seen, at most %d kept", run.Seen, len(run.Snapshots), n, MaxKept+1)
	}
}

type repeatReader struct {
	line string
	n    int
	buf  []byte
}

func (r *repeatReader) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) && r.n > 0 {
		r.buf = append(r.buf, r.line...)
		r.n--
	}
	if len(r.buf) == 0 {
		return 0, io.EOF
	}
	k := copy(p, r.buf)
	r.buf = r.buf[k:]
	return k, nil
}

// Read stops when its context is done.
func TestReadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := io.MultiReader(strings.NewReader(runLine), &repeatReader{line: snapLine(""), n: 1 << 40})
	if _, err := Read(ctx, "inf.jsonl", r); err == nil || !strings.HasPrefix(err.Error(), "inf.jsonl:1024: context canceled") {
		t.Errorf("error = %v", err)
	}
}

// FuzzRead: any bytes give a Run with snapshots or one line naming the file.
func FuzzRead(f *testing.F) {
	real := realRun(f)
	f.Add(real)
	f.Add(real[:len(real)/2])                   // truncated mid-line
	f.Add(real[:bytes.IndexByte(real, '\n')+1]) // the run line only
	f.Add([]byte(runLine + snapLine(strings.Repeat("{},", 9999)+"{}")))
	f.Add([]byte(runLine + snapLine(`{"act_mean":0,"act_std":-1,"grad_var":0,"wgrad_var":-1e308,"act_hist":{"lo":-1e308,"hi":1e308,"counts":[0,-1]}}`)))
	f.Add([]byte(runLine + `{"type":"snapshot","step":"x","layers":[{"act_mean":"y"}]}` + "\n"))
	f.Add([]byte(runLine + snapLine(`{"act_mean":NaN}`)))
	f.Add([]byte("\x00\xff\n\n{}\n[]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		run, err := Read(context.Background(), "fuzz.jsonl", bytes.NewReader(data))
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "fuzz.jsonl") || strings.Contains(msg, "\n") {
				t.Fatalf("error is not one line naming the file: %q", msg)
			}
			return
		}
		if len(run.Snapshots) == 0 || len(run.Snapshots) > MaxKept+1 {
			t.Fatalf("read %d snapshots", len(run.Snapshots))
		}
	})
}

// FuzzPlot: a small Run whose values come from the fuzzer's bytes draws
// without panicking. Each value is one byte, so that inputs stay short and
// the fuzzer's minimizing stays quick: the first 16 byte values are the
// hostile ones (zeros, negatives, NaN, infinities, subnormals, extremes),
// the others ±m·10^e for e across float64's range.
func FuzzPlot(f *testing.F) {
	f.Add(uint8(3), uint8(2), []byte{})
	f.Add(uint8(3), uint8(2), bytes.Repeat([]byte{0}, 200))                 // all zero (--init zeros)
	f.Add(uint8(5), uint8(3), bytes.Repeat([]byte{1, 2, 3, 4, 5}, 60))      // -1, NaN, +Inf, -Inf, MaxFloat64
	f.Add(uint8(4), uint8(4), bytes.Repeat([]byte{6, 7, 8, 9, 10, 11}, 60)) // subnormal, tiny, huge, ...
	f.Add(uint8(2), uint8(1), bytes.Repeat([]byte{200}, 40))                // one value repeated
	f.Add(uint8(5), uint8(4), []byte("\x00\x10\x20\x30\x40\x50\x60\x70\x80\x90\xa0\xb0\xc0\xd0\xe0\xf0\xff"))
	special := []float64{0, -1, math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, 5e-324, 1e-300, 1e300, -math.MaxFloat64,
		1, 0.5, 1e100, -1e100, 1e150, math.SmallestNonzeroFloat64 * 3}
	f.Fuzz(func(t *testing.T, nSnap, nLayer uint8, data []byte) {
		next := func() *float64 {
			if len(data) == 0 {
				return nil
			}
			b := data[0]
			data = data[1:]
			v := 0.0
			if b < 16 {
				v = special[b]
			} else { // 15 exponents from -308 to 300, 16 signed mantissas
				e, m := int(b-16)/16, int(b-16)%16
				v = (float64(m) - 7.5) * math.Pow(10, float64(-308+44*e))
			}
			return &v
		}
		val := func() float64 {
			if v := next(); v != nil {
				return *v
			}
			return 0
		}
		var run Run
		run.Run.Scenario = scenarios.Default()
		for s := range int(nSnap%6) + 1 {
			var layers []batch.LayerRecord
			for range int(nLayer % 5) {
				h := &batch.HistValue{Lo: val(), Hi: val(), Counts: []int{int(val()), int(val())}}
				layers = append(layers, batch.LayerRecord{Layer: int(val()), Stats: [batch.NumStats]*float64{batch.ActMean: next(), batch.ActStd: next(),
					batch.ActP98: next(), batch.Saturated: next(), batch.GradVar: next(), batch.WGradVar: next(),
					batch.TheoryActVar: next(), batch.TheoryGradVar: next()}, Hists: [batch.NumHists]*batch.HistValue{h, h, h}})
			}
			run.Add(batch.SnapshotRecord{Step: int64(val()), Examples: int64(s), TrainLoss: next(), TestError: next(), Layers: layers})
		}
		// Two surfaces, on the fuzzer's axes (mostly refused: they must
		// increase) and on [-1, 1] with its values.
		for _, xs := range [][]float64{{val(), val()}, {-1, 1}} {
			run.Surfaces = append(run.Surfaces, batch.SurfaceRecord{Cost: "quadratic", X: xs, Y: []float64{-1, val()},
				Values: [][]*float64{{next(), next()}, {next(), next()}}, W1: batch.WeightRecord{Init: next()}, W2: batch.WeightRecord{Init: next()}})
		}
		// Drawn on a recorder, not rasterized: the axes, ticks and lines
		// (where gonum panics) are the same, and the fuzzer runs more.
		for _, fig := range figures(run) {
			fig.render(draw.NewCanvas(new(recorder.Canvas), fig.W, fig.H))
		}
	})
}
