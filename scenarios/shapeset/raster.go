package shapeset

import (
	"math"
	"math/bits"
)

// Point is a position in pixel units: x grows to the right, y downwards, and
// pixel (c, r) covers [c, c+1) x [r, r+1), so its centre is (c+0.5, r+0.5).
type Point struct{ X, Y float64 }

// Mask is a binary image: bit c of row r is pixel (c, r). One uint32 per row
// makes areas and overlaps a handful of popcounts.
type Mask [Side]uint32

// At reports whether pixel (c, r) is set.
func (m *Mask) At(c, r int) bool { return m[r]>>uint(c)&1 != 0 }

// Count returns the number of set pixels.
func (m *Mask) Count() int {
	n := 0
	for _, row := range m {
		n += bits.OnesCount32(row)
	}
	return n
}

// Overlap returns the number of pixels set in both m and o.
func (m *Mask) Overlap(o *Mask) int {
	n := 0
	for r, row := range m {
		n += bits.OnesCount32(row & o[r])
	}
	return n
}

// fillConvex sets in m exactly the pixels whose centres lie inside the convex
// polygon p (vertices in order, either orientation) and clears the others.
//
// Scanline fill: every edge writes its x crossing into the rows whose centre
// line it crosses, so the work is O(rows + vertices) instead of O(rows x
// vertices). Edges own the half-open y range [ymin, ymax) and rows the
// half-open x range [xleft, xright), so a centre exactly on the boundary is
// counted at most once. Pixels outside the image are dropped.
func fillConvex(m *Mask, p []Point) {
	var xl, xr [Side]float64
	for r := range xl {
		xl[r], xr[r] = math.Inf(1), math.Inf(-1)
	}
	rlo, rhi := Side, 0
	for i := range p {
		a, b := p[i], p[(i+1)%len(p)]
		if a.Y == b.Y {
			continue // a horizontal edge crosses no centre line in its interior
		}
		if a.Y > b.Y {
			a, b = b, a
		}
		// Rows r with a.Y <= r+0.5 < b.Y.
		lo, hi := clampRow(math.Ceil(a.Y-0.5)), clampRow(math.Ceil(b.Y-0.5))
		slope := (b.X - a.X) / (b.Y - a.Y)
		for r := lo; r < hi; r++ {
			x := a.X + (float64(r)+0.5-a.Y)*slope
			xl[r] = min(xl[r], x)
			xr[r] = max(xr[r], x)
		}
		rlo, rhi = min(rlo, lo), max(rhi, hi)
	}
	*m = Mask{}
	for r := rlo; r < rhi; r++ {
		if xl[r] >= xr[r] {
			continue
		}
		// Columns c with xl <= c+0.5 < xr.
		c0, c1 := clampRow(math.Ceil(xl[r]-0.5)), clampRow(math.Ceil(xr[r]-0.5))
		m[r] = uint32(uint64(1)<<uint(c1) - uint64(1)<<uint(c0))
	}
}

// clampRow converts a row or column bound to an int in [0, Side].
func clampRow(v float64) int {
	return int(min(max(v, 0), Side))
}
