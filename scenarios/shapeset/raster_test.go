package shapeset

import (
	"math/rand/v2"
	"testing"
)

// slowFill is the reference for fillConvex: it tests every pixel centre
// against the polygon with the crossing-number rule (a ray to the right
// crosses the boundary an odd number of times), using the same half-open
// conventions, so both must agree pixel for pixel.
func slowFill(m *Mask, p []Point) {
	*m = Mask{}
	for r := range Side {
		for c := range Side {
			x, y := float64(c)+0.5, float64(r)+0.5
			inside := false
			for i := range p {
				a, b := p[i], p[(i+1)%len(p)]
				if (a.Y <= y) == (b.Y <= y) {
					continue
				}
				if xc := a.X + (y-a.Y)*(b.X-a.X)/(b.Y-a.Y); x < xc {
					inside = !inside
				}
			}
			if inside {
				m[r] |= 1 << uint(c)
			}
		}
	}
}

func TestFillConvexKnown(t *testing.T) {
	tests := []struct {
		name string
		poly []Point
		want int // pixels, counted by hand from the centres inside
	}{
		// Centres x in {2.5, 3.5, 4.5}, y in {3.5, ..., 6.5}: 3*4.
		{"square", []Point{{2, 3}, {5, 3}, {5, 7}, {2, 7}}, 12},
		// Same square, clockwise.
		{"clockwise", []Point{{2, 3}, {2, 7}, {5, 7}, {5, 3}}, 12},
		// Right triangle with legs 4: centres (c+.5, r+.5) strictly below
		// the hypotenuse x+y = 4 have c+r <= 2, which is 3+2+1 = 6; the four
		// centres on it belong to the outside by the half-open rule.
		{"triangle", []Point{{0, 0}, {4, 0}, {0, 4}}, 6},
		{"whole image", []Point{{0, 0}, {Side, 0}, {Side, Side}, {0, Side}}, Dim},
		{"sliver between centres", []Point{{0, 1.6}, {Side, 1.6}, {Side, 1.9}, {0, 1.9}}, 0},
		{"clipped", []Point{{-10, -10}, {2, -10}, {2, 2}, {-10, 2}}, 4},
	}
	for _, tt := range tests {
		var m Mask
		fillConvex(&m, tt.poly)
		if got := m.Count(); got != tt.want {
			t.Errorf("%s: %d pixels, want %d", tt.name, got, tt.want)
		}
	}
}

func TestFillConvexMatchesSlow(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var v [MaxVertices]Point
	for i := range 3000 {
		n := outline(r, Shape(i%3), &v)
		place(r, v[:n])
		var fast, slow Mask
		fillConvex(&fast, v[:n])
		slowFill(&slow, v[:n])
		if fast != slow {
			t.Fatalf("polygon %d (%v): fast fill has %d pixels, slow %d",
				i, v[:n], fast.Count(), slow.Count())
		}
	}
}

func TestMask(t *testing.T) {
	var a, b Mask
	fillConvex(&a, []Point{{0, 0}, {4, 0}, {4, 4}, {0, 4}}) // 16 pixels
	fillConvex(&b, []Point{{2, 2}, {6, 2}, {6, 6}, {2, 6}}) // 16, sharing a 2x2 block
	if a.Count() != 16 || b.Count() != 16 || a.Overlap(&b) != 4 {
		t.Errorf("counts %d %d overlap %d, want 16 16 4", a.Count(), b.Count(), a.Overlap(&b))
	}
	if !a.At(3, 3) || a.At(4, 3) || a.At(3, 4) {
		t.Error("At disagrees with the square [0,4)x[0,4)")
	}
}
