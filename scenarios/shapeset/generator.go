package shapeset

import (
	"math/bits"
	"math/rand/v2"
	"strconv"
)

// Limits of the rejection sampling.
const (
	// MaxOverlap is the largest allowed overlap between two objects, as a
	// fraction of the smaller object's area in pixels.
	MaxOverlap = 0.5
	// MaxTries is how many placements of the second object are tried before
	// both objects are resampled (the authors' generator allows 50).
	MaxTries = 50
	// MinPixels is the fewest pixels an object may cover. Smaller objects
	// (a narrow triangle at the smallest scale) are redrawn; they are rare.
	MinPixels = 4
)

// Grey level ranges, in [0, 1] before the rescaling to [-1, 1].
const (
	bgLo, bgHi = 0.0, 0.45
	fgLo, fgHi = 0.55, 1.0
)

// Object is one shape of a Scene.
type Object struct {
	Shape    Shape
	Vertices [MaxVertices]Point // Vertices[:NVertex] is the polygon, in pixel units
	NVertex  int
	Mask     Mask    // pixels whose centres are inside the polygon, occluded or not
	Grey     float32 // grey level in [0, 1]; the stored pixel value is 2*Grey-1
}

// Polygon returns the object's vertices.
func (o *Object) Polygon() []Point { return o.Vertices[:o.NVertex] }

// Scene describes one drawn image: Objects[:N] in painting order.
type Scene struct {
	N          int
	Objects    [2]Object
	Background float32 // grey level in [0, 1]
	Label      int
}

// Generator draws Shapeset-3x2 images. It is deterministic from its seed and
// not safe for concurrent use; give each goroutine its own.
type Generator struct {
	rng   *rand.Rand
	scene Scene // scratch for Draw, so that Draw does not allocate
}

// New returns a generator whose stream is fixed by seed.
func New(seed uint64) *Generator {
	// The second PCG word is a constant tag, so streams with different
	// seeds are unrelated and one seed gives one stream.
	return &Generator{rng: rand.New(rand.NewPCG(seed, 0x5348415045534554))} // "SHAPESET"
}

// Draw fills img[:Dim] with the next image and returns its label.
// It panics if img is shorter than Dim.
func (g *Generator) Draw(img []float32) (label int) {
	g.draw(img, &g.scene)
	return g.scene.Label
}

// DrawScene is Draw that also returns what was drawn.
func (g *Generator) DrawScene(img []float32) Scene {
	var s Scene
	g.draw(img, &s)
	return s
}

func (g *Generator) draw(img []float32, s *Scene) {
	if len(img) < Dim {
		panic("shapeset: image needs " + strconv.Itoa(Dim) + " pixels, got " + strconv.Itoa(len(img)))
	}
	r := g.rng
	s.N = 1 + r.IntN(2)
	// Types come first and survive rejections, so labels follow ClassProb
	// exactly whatever the rejection rate of each type.
	for i := range s.N {
		s.Objects[i].Shape = Shape(r.IntN(int(numShapes)))
	}
	for !g.layout(s) {
	}
	if s.N == 1 {
		s.Label = Label(s.Objects[0].Shape)
	} else {
		s.Label = Label(s.Objects[0].Shape, s.Objects[1].Shape)
	}
	g.colour(s)
	paint(img, s)
}

// layout draws the objects' geometry and reports false when the second object
// could not be placed within MaxTries.
func (g *Generator) layout(s *Scene) bool {
	a := &s.Objects[0]
	g.object(a)
	if s.N == 1 {
		return true
	}
	b := &s.Objects[1]
	areaA := a.Mask.Count()
	for range MaxTries {
		g.object(b)
		smaller := min(areaA, b.Mask.Count())
		if float64(a.Mask.Overlap(&b.Mask)) <= MaxOverlap*float64(smaller) {
			return true
		}
	}
	return false
}

// object draws o's geometry for its Shape, redrawing degenerate results.
func (g *Generator) object(o *Object) {
	for {
		o.NVertex = outline(g.rng, o.Shape, &o.Vertices)
		place(g.rng, o.Polygon())
		fillConvex(&o.Mask, o.Polygon())
		if o.Mask.Count() >= MinPixels {
			return
		}
	}
}

// colour draws the grey levels: a dark background with light objects, or
// with probability 1/2 the reverse.
func (g *Generator) colour(s *Scene) {
	r := g.rng
	bl, bh, fl, fh := bgLo, bgHi, fgLo, fgHi
	if r.IntN(2) == 1 {
		bl, bh, fl, fh = fl, fh, bl, bh
	}
	s.Background = float32(uniform(r, bl, bh))
	for i := range s.N {
		s.Objects[i].Grey = float32(uniform(r, fl, fh))
	}
}

// paint writes the scene into img, later objects over earlier ones.
func paint(img []float32, s *Scene) {
	img = img[:Dim]
	bg := 2*s.Background - 1
	for i := range img {
		img[i] = bg
	}
	for i := range s.N {
		o := &s.Objects[i]
		v := 2*o.Grey - 1
		for r, row := range o.Mask {
			line := img[r*Side : r*Side+Side]
			for row != 0 {
				line[bits.TrailingZeros32(row)] = v
				row &= row - 1
			}
		}
	}
}
