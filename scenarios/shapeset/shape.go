package shapeset

import "strconv"

// Image geometry.
const (
	Side    = 32          // image width and height in pixels
	Dim     = Side * Side // pixels per image
	Classes = 9           // number of labels
)

// Shape is the type of one object.
type Shape uint8

// The three object types, in label order.
const (
	Triangle Shape = iota
	Parallelogram
	Ellipse
	numShapes
)

var shapeNames = [numShapes]string{"triangle", "parallelogram", "ellipse"}

func (s Shape) String() string {
	if s >= numShapes {
		return "Shape(" + strconv.Itoa(int(s)) + ")"
	}
	return shapeNames[s]
}

// ClassNames are the short names of the nine labels, indexed by label.
var ClassNames = [Classes]string{
	"tri", "par", "ell",
	"tri+par", "par+ell", "tri+ell",
	"2tri", "2par", "2ell",
}

// pairClass maps an unordered pair of types to its label.
var pairClass = [numShapes][numShapes]int{
	Triangle:      {Triangle: 6, Parallelogram: 3, Ellipse: 5},
	Parallelogram: {Triangle: 3, Parallelogram: 7, Ellipse: 4},
	Ellipse:       {Triangle: 5, Parallelogram: 4, Ellipse: 8},
}

// Label returns the label of an image holding the given objects: the
// multiset of their types, so order does not matter. It panics unless there
// are one or two valid shapes.
func Label(shapes ...Shape) int {
	for _, s := range shapes {
		if s >= numShapes {
			panic("shapeset: invalid shape " + s.String())
		}
	}
	switch len(shapes) {
	case 1:
		return int(shapes[0])
	case 2:
		return pairClass[shapes[0]][shapes[1]]
	}
	panic("shapeset: an image holds 1 or 2 objects, got " + strconv.Itoa(len(shapes)))
}

// ClassProb is the probability of each label under the sampling scheme:
// a single object (probability 1/2) of a given type (1/3) gives 1/6; two
// objects (1/2) whose ordered types form one of 9 equally likely pairs give
// 2/9 for a mixed pair, hence 1/9, and 1/9 for a repeated type, hence 1/18.
var ClassProb = [Classes]float64{
	1.0 / 6, 1.0 / 6, 1.0 / 6,
	1.0 / 9, 1.0 / 9, 1.0 / 9,
	1.0 / 18, 1.0 / 18, 1.0 / 18,
}
