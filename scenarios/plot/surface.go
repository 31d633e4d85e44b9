package plot

import (
	"fmt"
	"math"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"initscope/scenarios/batch"
)

// grid is a surface record as gonum's GridXYZ: column c is W1 = X[c],
// row r is W2 = Y[r]; a null or huge value is NaN (drawn grey).
type gridXYZ struct{ s batch.SurfaceRecord }

func (g gridXYZ) Dims() (c, r int) { return len(g.s.X), len(g.s.Y) }
func (g gridXYZ) X(c int) float64  { return g.s.X[c] }
func (g gridXYZ) Y(r int) float64  { return g.s.Y[r] }
func (g gridXYZ) Z(c, r int) float64 {
	if v := g.s.Values[c][r]; v != nil && math.Abs(*v) <= maxLinear {
		return *v
	}
	return math.NaN()
}

// checkSurface refuses a surface record no run writes: axes out of
// MinGrid..MaxGrid points, not finite or not increasing, values not
// len(X) x len(Y).
func checkSurface(s batch.SurfaceRecord) error {
	for _, a := range []struct {
		name string
		v    []float64
	}{{"x", s.X}, {"y", s.Y}} {
		if n := len(a.v); n < MinSurfaceGrid || n > MaxSurfaceGrid {
			return fmt.Errorf("surface %s has %d points (valid: %d..%d)", a.name, n, MinSurfaceGrid, MaxSurfaceGrid)
		}
		for i, v := range a.v {
			if math.IsNaN(v) || math.Abs(v) > maxLinear || i > 0 && !(v > a.v[i-1]) {
				return fmt.Errorf("surface %s[%d] = %v: the axis must be finite, within ±1e100 and increasing", a.name, i, v)
			}
		}
	}
	if len(s.Values) != len(s.X) {
		return fmt.Errorf("surface has %d rows of values for %d x values", len(s.Values), len(s.X))
	}
	for i, row := range s.Values {
		if len(row) != len(s.Y) {
			return fmt.Errorf("surface row %d has %d values for %d y values", i, len(row), len(s.Y))
		}
	}
	return nil
}

// Bounds of a surface record (surface.MinGrid and MaxGrid, which a --from
// file is held to).
const (
	MinSurfaceGrid = 2
	MaxSurfaceGrid = 101
	// MaxSurfaces bounds the surface records a --from file may give (a
	// run writes one per cost).
	MaxSurfaces = 8
)

// surfaces: Fig 5, each cost's surface over the two weights as a heat map
// with contour lines, on one colour scale and the same contour levels for
// all (denser contours: a steeper surface), a cross marking the network's
// own weights; below, the costs along each weight through that point.
// The paper draws 3-D surfaces; a heat map pair on shared axes and scale
// is their honest 2-D rendering.
func surfaces(r Run) (Figure, bool) {
	var ok []batch.SurfaceRecord
	for _, s := range r.Surfaces {
		if checkSurface(s) == nil {
			ok = append(ok, s)
		}
	}
	if len(ok) == 0 {
		return Figure{}, false
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range ok {
		g := gridXYZ{s}
		c, rows := g.Dims()
		for i := range c {
			for j := range rows {
				if v := g.Z(i, j); !math.IsNaN(v) {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
		}
	}
	finite := lo <= hi
	if finite && lo == hi {
		hi = lo + math.Max(1, math.Abs(lo)) // one colour, not a division by 0
	}
	levels := contourLevels(lo, hi)
	cm := moreland.ExtendedBlackBody()
	cm.SetMin(0)
	cm.SetMax(1)
	pal := cm.Palette(256)

	w1, w2 := weightName(ok[0].W1, "w1", false), weightName(ok[0].W2, "w2", true)
	scale := "no finite value"
	if finite {
		ends := labelled([]float64{lo, hi})
		scale = fmt.Sprintf("colour %s (dark) to %s (light) in both", ends[0].Label, ends[1].Label)
		if len(levels) > 1 {
			scale += ", contours every " + short(levels[1]-levels[0])
		}
	}
	var maps []*Panel
	var heatmaps []*plotter.HeatMap
	for i, s := range ok {
		what := fmt.Sprintf("%s cost\n%s", s.Cost, scale)
		if i == 0 {
			what = title(r, "Fig 5", what)
		}
		p := NewPanel(what, w1, w2, false)
		if finite {
			h := plotter.NewHeatMap(gridXYZ{s}, pal)
			h.Min, h.Max = lo, hi
			h.NaN = grey
			p.Add(h)
			heatmaps = append(heatmaps, h)
			if len(levels) > 0 {
				c := plotter.NewContour(gridXYZ{s}, levels, palette.Palette(nil))
				c.Min, c.Max = lo, hi
				c.LineStyles = []draw.LineStyle{{Color: contourColor, Width: vg.Points(0.6)}}
				p.Add(c)
			}
		}
		// A file's initial weights may be anything; a marker gonum refuses
		// (NaN, an infinity) is left out.
		if at, err := plotter.NewScatter(plotter.XYs{{X: deref(s.W1.Init), Y: deref(s.W2.Init)}}); err == nil && s.W1.Init != nil && s.W2.Init != nil {
			at.Shape = draw.CrossGlyph{}
			at.Color = markColor
			at.Radius = vg.Points(5)
			p.Add(at)
			p.Legend.Add("initial weights", at)
		}
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = s.X[0], s.X[len(s.X)-1], s.Y[0], s.Y[len(s.Y)-1]
		maps = append(maps, p)
	}
	along2 := NewPanel(fmt.Sprintf("cost along %s, %s at its initial value", "w2", "w1"), w2, "mean cost", false)
	along1 := NewPanel(fmt.Sprintf("cost along %s, %s at its initial value", "w1", "w2"), w1, "mean cost", false)
	for i, s := range ok {
		st := LayerStyle(i)
		st.Dashed = i > 0
		c1, c2 := nearest(s.X, s.W1.Init), nearest(s.Y, s.W2.Init)
		var a2, a1 plotter.XYs
		g := gridXYZ{s}
		for j, y := range s.Y {
			a2 = append(a2, plotter.XY{X: y, Y: g.Z(c1, j)})
		}
		for j, x := range s.X {
			a1 = append(a1, plotter.XY{X: x, Y: g.Z(j, c2)})
		}
		along2.Line(a2, st, s.Cost)
		along1.Line(a1, st, s.Cost)
	}
	rows := [][]*Panel{maps, {along1, along2}}
	if len(maps) != 2 { // tiles need rows of one length
		rows = [][]*Panel{}
		for _, m := range maps {
			rows = append(rows, []*Panel{m})
		}
		rows = append(rows, []*Panel{along1}, []*Panel{along2})
	}
	return Figure{Panels: rows, W: 12 * vg.Inch, H: 9 * vg.Inch, heatmaps: heatmaps}, true
}

// contourLevels are about 12 evenly spaced levels strictly inside
// (lo, hi) at a round step (Ticks' values).
func contourLevels(lo, hi float64) []float64 {
	if !(lo < hi) || math.IsInf(hi-lo, 0) {
		return nil
	}
	step := math.Pow(10, math.Floor(math.Log10((hi-lo)/12)))
	for _, m := range []float64{1, 2, 5, 10} {
		if (hi-lo)/(m*step) <= 15 {
			step *= m
			break
		}
	}
	var levels []float64
	for v := math.Ceil(lo/step) * step; v < hi && len(levels) < 100; v += step {
		if v > lo {
			levels = append(levels, v)
		}
	}
	return levels
}

// nearest is the index of axis' value closest to v (the middle when v is
// nil).
func nearest(axis []float64, v *float64) int {
	if v == nil {
		return len(axis) / 2
	}
	best := 0
	for i, a := range axis {
		if math.Abs(a-*v) < math.Abs(axis[best]-*v) {
			best = i
		}
	}
	return best
}

// weightName is an axis label: "w1: layer 1, unit 1 ← input 1", or
// for the output layer "w2: output layer, class 1 ← unit 1".
func weightName(w batch.WeightRecord, name string, output bool) string {
	if output {
		return fmt.Sprintf("%s: output layer (%d), class %d ← unit %d", name, w.Layer, w.Unit, w.Input)
	}
	if w.Layer == 1 {
		return fmt.Sprintf("%s: layer 1, unit %d ← input %d", name, w.Unit, w.Input)
	}
	return fmt.Sprintf("%s: layer %d, unit %d ← unit %d", name, w.Layer, w.Unit, w.Input)
}

// short writes a number as the ticks do, alone.
func short(v float64) string { return labelled([]float64{v})[0].Label }

// deref is *p, or NaN for a nil p.
func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}
