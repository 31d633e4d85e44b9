package shapeset

import (
	"math"
	"math/rand/v2"
)

// MaxVertices is the most vertices an object has: the ellipse's 20-gon.
const MaxVertices = ellipseSides

// Sampling ranges. Scale, rotation and the 20-gon come from the authors'
// generator; the shape-parameter ranges are ours, chosen so that every type
// varies visibly without degenerating into slivers.
const (
	minScale, maxScale = 0.2, 0.8 // bounding-circle diameter / image side
	ellipseSides       = 20
	minTriangleAngle   = 25 * math.Pi / 180
	minParRatio        = 0.4 // short side / long side
	minParAngle        = 45 * math.Pi / 180
	minEllipseRatio    = 0.4 // minor axis / major axis
)

// unitEllipse holds cos and sin of the 20-gon's vertex angles, computed once
// so that drawing an ellipse needs no trigonometry.
var unitEllipse = func() (u [ellipseSides]Point) {
	for k := range u {
		s, c := math.Sincos(2 * math.Pi * float64(k) / ellipseSides)
		u[k] = Point{c, s}
	}
	return u
}()

// outline writes the vertices of a random object of type s, in an arbitrary
// frame and size, into v and returns how many it wrote.
func outline(r *rand.Rand, s Shape, v *[MaxVertices]Point) int {
	switch s {
	case Triangle:
		// Angles A at v0 and B at v1, with C = pi-A-B; all three at least
		// minTriangleAngle (rejection keeps the angle triple uniform on the
		// allowed region). Side v0v1 = 1, so by the law of sines the side
		// v0v2 = sin B / sin C.
		var a, b, c float64
		for {
			a = uniform(r, minTriangleAngle, math.Pi-2*minTriangleAngle)
			b = uniform(r, minTriangleAngle, math.Pi-2*minTriangleAngle)
			if c = math.Pi - a - b; c >= minTriangleAngle {
				break
			}
		}
		side := math.Sin(b) / math.Sin(c)
		sa, ca := math.Sincos(a)
		v[0], v[1], v[2] = Point{0, 0}, Point{1, 0}, Point{side * ca, side * sa}
		return 3
	case Parallelogram:
		ratio := uniform(r, minParRatio, 1)
		sa, ca := math.Sincos(uniform(r, minParAngle, math.Pi/2))
		d := Point{ratio * ca, ratio * sa}
		v[0], v[1], v[2], v[3] = Point{0, 0}, Point{1, 0}, Point{1 + d.X, d.Y}, d
		return 4
	case Ellipse:
		ratio := uniform(r, minEllipseRatio, 1)
		for k, u := range unitEllipse {
			v[k] = Point{u.X, ratio * u.Y}
		}
		return ellipseSides
	}
	panic("shapeset: invalid shape " + s.String())
}

// place centres, scales, rotates and translates the n vertices in v so that
// the object's bounding circle has a diameter of scale*Side, and every vertex
// lies inside the image with the position uniform among those that fit.
func place(r *rand.Rand, v []Point) {
	var c Point
	for _, p := range v {
		c.X += p.X
		c.Y += p.Y
	}
	c.X /= float64(len(v))
	c.Y /= float64(len(v))
	far := 0.0
	for _, p := range v {
		far = max(far, math.Hypot(p.X-c.X, p.Y-c.Y))
	}
	radius := uniform(r, minScale, maxScale) * Side / 2
	sin, cos := math.Sincos(uniform(r, 0, 2*math.Pi))
	k := radius / far
	lo, hi := Point{math.Inf(1), math.Inf(1)}, Point{math.Inf(-1), math.Inf(-1)}
	for i, p := range v {
		x, y := (p.X-c.X)*k, (p.Y-c.Y)*k
		q := Point{x*cos - y*sin, x*sin + y*cos}
		v[i] = q
		lo = Point{min(lo.X, q.X), min(lo.Y, q.Y)}
		hi = Point{max(hi.X, q.X), max(hi.Y, q.Y)}
	}
	// The bounding circle fits with room to spare (0.8 < 1), so these ranges
	// are never empty.
	t := Point{uniform(r, -lo.X, Side-hi.X), uniform(r, -lo.Y, Side-hi.Y)}
	for i := range v {
		v[i].X += t.X
		v[i].Y += t.Y
	}
}

// uniform returns a number uniform in [lo, hi).
func uniform(r *rand.Rand, lo, hi float64) float64 {
	return lo + (hi-lo)*r.Float64()
}
