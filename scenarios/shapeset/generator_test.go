package shapeset

import (
	"math"
	"testing"
)

func TestLabel(t *testing.T) {
	seen := map[int]bool{}
	for a := range numShapes {
		if Label(a) != int(a) {
			t.Errorf("Label(%v) = %d, want %d", a, Label(a), a)
		}
		seen[Label(a)] = true
		for b := range numShapes {
			if Label(a, b) != Label(b, a) {
				t.Errorf("Label(%v, %v) depends on order", a, b)
			}
			seen[Label(a, b)] = true
		}
	}
	if len(seen) != Classes {
		t.Errorf("labels reach %d classes, want %d", len(seen), Classes)
	}
	// The order the brief fixes.
	for _, c := range []struct {
		shapes []Shape
		name   string
	}{
		{[]Shape{Triangle, Parallelogram}, "tri+par"},
		{[]Shape{Ellipse, Parallelogram}, "par+ell"},
		{[]Shape{Ellipse, Triangle}, "tri+ell"},
		{[]Shape{Ellipse, Ellipse}, "2ell"},
	} {
		if got := ClassNames[Label(c.shapes...)]; got != c.name {
			t.Errorf("Label(%v) is %q, want %q", c.shapes, got, c.name)
		}
	}
	sum := 0.0
	for _, p := range ClassProb {
		sum += p
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("ClassProb sums to %v", sum)
	}
}

// TestClassBalance compares label frequencies with ClassProb: 1/6 for each
// single object (1/2 * 1/3), 1/9 for each mixed pair (1/2 * 2/9) and 1/18
// for each repeated type (1/2 * 1/9). The tolerance is 5 binomial standard
// deviations, sqrt(p(1-p)/n), so a correct generator fails about once in
// 3 million runs per class.
func TestClassBalance(t *testing.T) {
	const n = 20000
	g := New(7)
	img := make([]float32, Dim)
	var count [Classes]int
	for range n {
		count[g.Draw(img)]++
	}
	for c, p := range ClassProb {
		got := float64(count[c]) / n
		if tol := 5 * math.Sqrt(p*(1-p)/n); math.Abs(got-p) > tol {
			t.Errorf("class %s: frequency %.4f, want %.4f +- %.4f", ClassNames[c], got, p, tol)
		}
	}
}

// TestScenes checks each drawn scene against the image and the rules.
func TestScenes(t *testing.T) {
	g := New(11)
	img := make([]float32, Dim)
	for i := range 3000 {
		s := g.DrawScene(img)
		if s.N != 1 && s.N != 2 {
			t.Fatalf("scene %d has %d objects", i, s.N)
		}
		shapes := make([]Shape, s.N)
		for k := range s.N {
			shapes[k] = s.Objects[k].Shape
			checkObject(t, i, &s.Objects[k])
		}
		if s.Label != Label(shapes...) {
			t.Fatalf("scene %d: label %d for objects %v", i, s.Label, shapes)
		}
		if s.N == 2 {
			a, b := &s.Objects[0].Mask, &s.Objects[1].Mask
			if ov := a.Overlap(b); float64(ov) > MaxOverlap*float64(min(a.Count(), b.Count())) {
				t.Fatalf("scene %d: overlap %d pixels, areas %d and %d", i, ov, a.Count(), b.Count())
			}
		}
		checkPixels(t, i, img, &s)
	}
}

// checkObject checks one object's geometry: vertex count, every vertex in
// the image, the mask equal to a slow rasterisation of the polygon, at least
// MinPixels pixels, the scale range, and shape parameters away from
// degenerate.
func checkObject(t *testing.T, i int, o *Object) {
	t.Helper()
	want := map[Shape]int{Triangle: 3, Parallelogram: 4, Ellipse: ellipseSides}[o.Shape]
	if o.NVertex != want {
		t.Fatalf("scene %d: %v with %d vertices", i, o.Shape, o.NVertex)
	}
	const eps = 1e-9 // rounding in the translation
	var c Point
	for _, p := range o.Polygon() {
		if p.X < -eps || p.X > Side+eps || p.Y < -eps || p.Y > Side+eps {
			t.Fatalf("scene %d: %v vertex %v outside the image", i, o.Shape, p)
		}
		c.X += p.X / float64(o.NVertex)
		c.Y += p.Y / float64(o.NVertex)
	}
	var slow Mask
	slowFill(&slow, o.Polygon())
	if slow != o.Mask {
		t.Fatalf("scene %d: %v mask differs from its polygon", i, o.Shape)
	}
	if o.Mask.Count() < MinPixels {
		t.Fatalf("scene %d: %v covers %d pixels", i, o.Shape, o.Mask.Count())
	}
	far := 0.0
	for _, p := range o.Polygon() {
		far = max(far, math.Hypot(p.X-c.X, p.Y-c.Y))
	}
	if d := 2 * far / Side; d < minScale-1e-9 || d > maxScale+1e-9 {
		t.Fatalf("scene %d: %v scale %.3f outside [%v, %v]", i, o.Shape, d, minScale, maxScale)
	}
	// Degeneracy: the polygon's area over its bounding circle's (centred on
	// the vertex mean). The thinnest allowed shapes bound it below, computed
	// with the shoelace formula: 0.145 for the 25-25-130 triangle, 0.209
	// for the parallelogram with side ratio 0.4 and 45 degrees, 0.393 for
	// the 20-gon with axis ratio 0.4.
	minRatio := map[Shape]float64{Triangle: 0.144, Parallelogram: 0.208, Ellipse: 0.393}[o.Shape]
	if ratio := polygonArea(o.Polygon()) / (math.Pi * far * far); ratio < minRatio {
		t.Fatalf("scene %d: %v fills %.3f of its bounding circle, want >= %v", i, o.Shape, ratio, minRatio)
	}
}

// checkPixels checks that every pixel has the value of the topmost object
// covering it, or the background, and that the grey levels come from the
// two ranges, one for the background and the other for the objects.
func checkPixels(t *testing.T, i int, img []float32, s *Scene) {
	t.Helper()
	bgDark := s.Background <= bgHi
	if !inRange(s.Background, bgLo, bgHi) && !inRange(s.Background, fgLo, fgHi) {
		t.Fatalf("scene %d: background grey %v in neither range", i, s.Background)
	}
	for k := range s.N {
		g := s.Objects[k].Grey
		if bgDark && !inRange(g, fgLo, fgHi) || !bgDark && !inRange(g, bgLo, bgHi) {
			t.Fatalf("scene %d: object grey %v on background %v", i, g, s.Background)
		}
	}
	for p, v := range img[:Dim] {
		want := 2*s.Background - 1
		for k := range s.N {
			if s.Objects[k].Mask.At(p%Side, p/Side) {
				want = 2*s.Objects[k].Grey - 1
			}
		}
		if v != want || v < -1 || v > 1 {
			t.Fatalf("scene %d: pixel %d is %v, want %v", i, p, v, want)
		}
	}
}

func inRange(v float32, lo, hi float64) bool { return float64(v) >= lo && float64(v) <= hi }

// polygonArea is the shoelace formula.
func polygonArea(p []Point) float64 {
	a := 0.0
	for i := range p {
		q, r := p[i], p[(i+1)%len(p)]
		a += q.X*r.Y - r.X*q.Y
	}
	return math.Abs(a) / 2
}

// TestSwapRate checks that dark-on-light and light-on-dark images are about
// equally common: p = 1/2 over n = 4000 draws has a standard deviation of
// 0.008; we allow 5 of them.
func TestSwapRate(t *testing.T) {
	const n = 4000
	g := New(13)
	img := make([]float32, Dim)
	dark := 0
	for range n {
		if g.DrawScene(img).Background <= bgHi {
			dark++
		}
	}
	if f := float64(dark) / n; math.Abs(f-0.5) > 0.04 {
		t.Errorf("dark background in %.3f of images, want 0.5 +- 0.04", f)
	}
}

func TestDeterminism(t *testing.T) {
	draw := func(seed uint64) []float32 {
		g := New(seed)
		out := make([]float32, 0, 50*Dim)
		img := make([]float32, Dim)
		for range 50 {
			g.Draw(img)
			out = append(out, img...)
		}
		return out
	}
	a, b, c := draw(3), draw(3), draw(4)
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Fatalf("seed 3 gave different pixel %d on two runs", i)
		}
	}
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same == len(a) {
		t.Error("seeds 3 and 4 gave the same images")
	}
}

func TestDrawAllocs(t *testing.T) {
	g := New(1)
	img := make([]float32, Dim)
	if n := testing.AllocsPerRun(1000, func() { g.Draw(img) }); n != 0 {
		t.Errorf("Draw makes %v allocations per image, want 0", n)
	}
}

func TestDrawShortImagePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Draw on a short image did not panic")
		}
	}()
	New(1).Draw(make([]float32, Dim-1))
}

// BenchmarkDraw reports the generator's speed; training consumes at most
// ~7000 images/s, and the generator should be at least 10 times faster.
func BenchmarkDraw(b *testing.B) {
	g := New(1)
	img := make([]float32, Dim)
	b.ReportAllocs()
	for b.Loop() {
		g.Draw(img)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
}
