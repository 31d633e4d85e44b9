package plot

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"

	"initscope/scenarios"
	"initscope/scenarios/batch"
)

// readable checks the labelled ticks inside [min, max]: at least two,
// no two alike, and one number format (all with an exponent or none; with
// fixed decimals, the same number of them).
func readable(t *testing.T, what string, ticks []plot.Tick, min, max float64) {
	t.Helper()
	var labels []string
	seen := map[string]bool{}
	for _, tk := range ticks {
		if tk.Label == "" || !inside(tk.Value, min, max) {
			continue
		}
		if seen[tk.Label] {
			t.Errorf("%s [%g, %g]: label %q twice in %q", what, min, max, tk.Label, labelsOf(ticks))
		}
		seen[tk.Label] = true
		labels = append(labels, tk.Label)
	}
	if len(labels) < 2 {
		t.Errorf("%s [%g, %g]: %d labelled ticks %q, want at least 2", what, min, max, len(labels), labels)
	}
	exp, decimals := -1, -1
	for _, l := range labels {
		if l == "0" {
			continue
		}
		e := 0
		if strings.Contains(l, "e") {
			e = 1
		}
		if exp >= 0 && e != exp {
			t.Errorf("%s [%g, %g]: labels %q mix formats", what, min, max, labels)
		}
		exp = e
		if _, frac, ok := strings.Cut(l, "."); ok && e == 0 {
			if decimals >= 0 && len(frac) != decimals {
				t.Errorf("%s [%g, %g]: labels %q mix decimals", what, min, max, labels)
			}
			decimals = len(frac)
		} else if e == 0 {
			if decimals > 0 {
				t.Errorf("%s [%g, %g]: labels %q mix decimals", what, min, max, labels)
			}
			decimals = 0
		}
	}
}

func labelsOf(ticks []plot.Tick) []string {
	var l []string
	for _, t := range ticks {
		if t.Label != "" {
			l = append(l, t.Label)
		}
	}
	return l
}

// Normal and hostile ranges: gonum's ticks gave 2.2 2.1 2.1 2.1 on the
// narrow one and a single label on others.
func TestTicksReadable(t *testing.T) {
	linear := [][2]float64{{0, 3000}, {2.1, 2.1003}, {2.1, 2.1000001}, {-0.3, 0.3}, {0, 4e-5}, {0, 1}, {-1, 1},
		{0.98, 1.02}, {1e15, 1e15 + 1}, {-1e100, 1e100}, {1, 1 + 1e-12}, {0, 1e-300}, {-5e-324, 5e-324},
		{0.5, 0.5000000000000001}, {1e99, 1e100}, {-3.5e-4, 3.5e-4}, {12345.678, 12345.679}}
	for _, r := range linear {
		readable(t, "Ticks", Ticks{}.Ticks(r[0], r[1]), r[0], r[1])
	}
	logs := [][2]float64{{1e-3, 0.1}, {0.002, 0.009}, {3, 30}, {1e-300, 1e300}, {5e-324, 1e308}, {0.9, 1.1},
		{1e-5, 1.3e-3}, {1, 1e10}, {1e-7, 1e-6}}
	for _, r := range logs {
		readable(t, "LogTicks", LogTicks{}.Ticks(r[0], r[1]), r[0], r[1])
	}
	for _, r := range [][2]float64{{1, 5}, {1, 20}, {0.5, 1.5}, {1, 2}, {3, 3.5}} {
		readable(t, "LayerTicks", LayerTicks{}.Ticks(r[0], r[1]), r[0], r[1])
	}
}

// axisRange is the range gonum draws an axis on (its sanitizing of an
// empty or one-value range).
func axisRange(a plot.Axis) (float64, float64) {
	min, max := a.Min, a.Max
	if math.IsInf(min, 0) || math.IsInf(max, 0) || min > max {
		return 0, 1
	}
	if min == max {
		return min - 1, max + 1
	}
	return min, max
}

// Every panel of every figure, of a real run and of a hostile one: both
// axes readable, each figure's first title naming the paper's figure,
// legends that do not overlap the data (drawn right of the panel).
func TestFiguresReadable(t *testing.T) {
	real, err := Read(context.Background(), "run.jsonl", bytes.NewReader(tinyRunSurface(t)))
	if err != nil {
		t.Fatal(err)
	}
	for name, run := range map[string]Run{"real": real, "hostile": hostileRun()} {
		figs := figures(run)
		if len(figs) < 6 {
			t.Errorf("%s: %d figures", name, len(figs))
		}
		for _, fig := range figs {
			fig.render(draw.NewCanvas(new(recorder.Canvas), fig.W, fig.H))
			if title := fig.Panels[0][0].Title.Text; !strings.HasPrefix(title, "Fig") {
				t.Errorf("%s %s: title %q does not name the paper's figure", name, fig.name, title)
			}
			for _, row := range fig.Panels {
				for _, p := range row {
					what := name + " " + fig.name + " " + strings.SplitN(p.Title.Text, "\n", 2)[0]
					for _, ax := range []plot.Axis{p.X, p.Y} {
						lo, hi := axisRange(ax)
						readable(t, what, ax.Tick.Marker.Ticks(lo, hi), lo, hi)
					}
					dc := draw.NewCanvas(new(recorder.Canvas), 100, 100)
					if p.Plot.Legend.Rectangle(dc).Size().Y > 0 { // gonum's own legend draws over the data
						t.Errorf("%s: entries in the in-plot legend", what)
					}
				}
			}
		}
	}
}

// The panels that compare steps or layers share their x range.
func TestSharedX(t *testing.T) {
	run, _ := Read(context.Background(), "run.jsonl", bytes.NewReader(tinyRun(t, 60, 20, true)))
	for _, fig := range figures(run) {
		fig.render(draw.NewCanvas(new(recorder.Canvas), fig.W, fig.H))
		if !fig.SharedX {
			continue
		}
		first := fig.Panels[0][0]
		for _, row := range fig.Panels {
			for _, p := range row {
				if p.X.Min != first.X.Min || p.X.Max != first.X.Max {
					t.Errorf("%s: x [%g, %g] beside [%g, %g]", fig.name, p.X.Min, p.X.Max, first.X.Min, first.X.Max)
				}
			}
		}
	}
}

// tinyRunSurface is a tiny run with histograms and a 9 x 9 surface.
func tinyRunSurface(t testing.TB) []byte {
	return tinyRunWith(t, func(sc *scenarios.Scenario) { sc.Steps, sc.Every, sc.Hist, sc.Surface = 40, 10, true, 9 })
}

// hostileRun is hostileSnapshots' run with surfaces of extremes and
// nulls.
func hostileRun() Run {
	run := hostileSnapshots()
	p := func(x float64) *float64 { return &x }
	run.Surfaces = []batch.SurfaceRecord{
		{Cost: "cross-entropy", X: []float64{-1e100, 1e100}, Y: []float64{0, 5e-324},
			Values: [][]*float64{{p(1e308), nil}, {p(-1e308), p(0)}}, W1: batch.WeightRecord{Init: p(math.MaxFloat64)}},
		{Cost: "quadratic", X: []float64{-1e100, 1e100}, Y: []float64{0, 5e-324}, Values: [][]*float64{{nil, nil}, {nil, nil}}},
	}
	return run
}

// Every figure in PNG, SVG and PDF: the PNG decodes, the SVG is XML, the
// PDF starts with %PDF and ends with %%EOF; the surface figure is more
// than a blank page.
func TestWriteFormats(t *testing.T) {
	run, err := Read(context.Background(), "run.jsonl", bytes.NewReader(tinyRunSurface(t)))
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Surfaces) != 2 {
		t.Fatalf("read %d surfaces, want 2", len(run.Surfaces))
	}
	dir := t.TempDir()
	files, err := WriteFormats(context.Background(), dir, run, Formats...)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"activations", "gradients", "learning", "theory", "hist-first", "hist-last", "surface"}
	if len(files) != 3*len(names) {
		t.Fatalf("wrote %v, want %d files", files, 3*len(names))
	}
	for i, name := range names {
		for j, f := range Formats {
			if want := filepath.Join(dir, name+"."+string(f)); files[3*i+j] != want {
				t.Errorf("file %d is %s, want %s", 3*i+j, files[3*i+j], want)
			}
		}
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(path) {
		case ".png":
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Errorf("%s: %v", path, err)
				continue
			}
			if strings.HasSuffix(path, "surface.png") {
				if n := colours(img); n < 200 {
					t.Errorf("%s has %d colours: no heat map?", path, n)
				}
			}
		case ".svg":
			if err := wellFormed(data); err != nil || !bytes.Contains(data, []byte("<svg")) {
				t.Errorf("%s: not SVG: %v", path, err)
			}
			if strings.HasSuffix(path, "surface.svg") && (!bytes.Contains(data, []byte("data:image/png;base64,")) || bytes.Contains(data, []byte("image/jpg"))) {
				t.Errorf("%s: the heat maps are not PNG images declared as such", path)
			}
		case ".pdf":
			if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.Contains(data[max(0, len(data)-32):], []byte("%%EOF")) {
				t.Errorf("%s: not a PDF (%q...)", path, data[:min(len(data), 8)])
			}
		}
	}
}

func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

// wellFormed reads every XML token.
func wellFormed(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	for {
		if _, err := d.Token(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// Crafted surface lines: one line naming the file, the line and the
// limit; a good one reads.
func TestReadSurfaceHostile(t *testing.T) {
	good := `{"type":"surface","cost":"quadratic","x":[-1,1],"y":[-1,0,1],"values":[[1,2,null],[3,4,5]]}` + "\n"
	run, err := Read(context.Background(), "s.jsonl", strings.NewReader(runLine+good))
	if err != nil || len(run.Surfaces) != 1 || run.Surfaces[0].Values[0][2] != nil {
		t.Fatalf("good surface: %+v, %v", run.Surfaces, err)
	}
	files, err := Write(t.TempDir(), run)
	if err != nil || len(files) != 1 || !strings.HasSuffix(files[0], "surface.png") {
		t.Errorf("a run of one surface drew %v, %v; want surface.png", files, err)
	}
	cases := []struct{ name, line, want string }{
		{"one point", `{"type":"surface","x":[1],"y":[1,2],"values":[[1,2]]}`, "s.jsonl:2: surface x has 1 points (valid: 2..101)"},
		{"huge axis", `{"type":"surface","x":[1,2],"y":[` + strings.Repeat("1,", 200) + `1],"values":[]}`, "s.jsonl:2: surface y has 201 points (valid: 2..101)"},
		{"decreasing", `{"type":"surface","x":[2,1],"y":[1,2],"values":[[1,2],[1,2]]}`, "s.jsonl:2: surface x[1] = 1: the axis must be finite, within ±1e100 and increasing"},
		{"beyond 1e100", `{"type":"surface","x":[1,1e300],"y":[1,2],"values":[[1,2],[1,2]]}`, "s.jsonl:2: surface x[1] = 1e+300"},
		{"rows", `{"type":"surface","x":[1,2],"y":[1,2],"values":[[1,2]]}`, "s.jsonl:2: surface has 1 rows of values for 2 x values"},
		{"columns", `{"type":"surface","x":[1,2],"y":[1,2],"values":[[1,2],[1]]}`, "s.jsonl:2: surface row 1 has 1 values for 2 y values"},
		{"string", `{"type":"surface","x":"a"}`, "s.jsonl:2: json: cannot unmarshal string"},
	}
	for _, c := range cases {
		_, err := Read(context.Background(), "s.jsonl", strings.NewReader(runLine+c.line+"\n"))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	_, err = Read(context.Background(), "s.jsonl", strings.NewReader(runLine+strings.Repeat(good, MaxSurfaces+1)))
	if err == nil || !strings.HasPrefix(err.Error(), "s.jsonl:10: more than 8 surface lines") {
		t.Errorf("9 surfaces: %v", err)
	}
}

// A series of zeros (a saturated fraction that never saturates) is drawn
// on [0, 1], not [-1, 1]; another constant on a range around it.
func TestWidenConstant(t *testing.T) {
	for _, c := range []struct{ v, lo, hi float64 }{{0, 0, 1}, {3, 1.5, 4.5}, {0.5, -0.5, 1.5}, {-10, -15, -5}} {
		p := NewPanel("c", "step", "x", false)
		p.Line(ys(c.v, c.v), LayerStyle(0), "")
		if q := p.done(); q.Y.Min != c.lo || q.Y.Max != c.hi {
			t.Errorf("constant %v: y [%v, %v], want [%v, %v]", c.v, q.Y.Min, q.Y.Max, c.lo, c.hi)
		}
	}
}

// FuzzTicks: any finite range a panel can have (within ±maxLinear, min <
// max) gets readable ticks from Ticks, and from LogTicks when min > 0.
func FuzzTicks(f *testing.F) {
	f.Add(2.1, 2.1003)
	f.Add(0.0, 5e-324)
	f.Add(-1e100, 1e100)
	f.Add(1e15, 1e15+1)
	f.Add(0.002, 0.009)
	f.Add(5e-324, 1e-323)
	f.Add(1e-300, 1e100)
	f.Add(0.1, 0.10000000000000002)
	f.Add(0.016666666666666666, 0.01666666666666667) // labels need 18 decimals
	f.Add(1e-7, 1.0000000000000002e-7)
	f.Add(3e12, 3.0000000000000005e12)
	f.Fuzz(func(t *testing.T, min, max float64) {
		if math.IsNaN(min) || math.IsNaN(max) || !(min < max) || math.Abs(min) > maxLinear || math.Abs(max) > maxLinear {
			return
		}
		readable(t, "Ticks", Ticks{}.Ticks(min, max), min, max)
		if min > 0 {
			readable(t, "LogTicks", LogTicks{}.Ticks(min, max), min, max)
		}
	})
}

// PDF text is ASCII (vgpdf's fonts are code page 1252 and it passes
// UTF-8 bytes through): the figures' characters get ASCII spellings.
func TestASCIIText(t *testing.T) {
	for in, want := range map[string]string{
		"Fig 5 · fig5: tanh — x":           "Fig 5 - fig5: tanh - x",
		"w1: layer 1, unit 1 ← input 1":    "w1: layer 1, unit 1 <- input 1",
		"back-prop gradients ∂C/∂s ± std":  "back-prop gradients dC/ds +/- std",
		"plain ASCII stays (1e-5, [0, 1])": "plain ASCII stays (1e-5, [0, 1])",
		"日本":                               "??",
	} {
		if got := asciiText(in); got != want {
			t.Errorf("asciiText(%q) = %q, want %q", in, got, want)
		}
	}
}
