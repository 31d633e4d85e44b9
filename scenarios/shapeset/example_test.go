package shapeset_test

import (
	"fmt"

	"initscope/scenarios/shapeset"
)

func ExampleLabel() {
	l := shapeset.Label(shapeset.Ellipse, shapeset.Triangle)
	fmt.Println(l, shapeset.ClassNames[l])
	// Output: 5 tri+ell
}

func ExampleGenerator_DrawScene() {
	g := shapeset.New(1)
	img := make([]float32, shapeset.Dim)
	s := g.DrawScene(img)
	for _, o := range s.Objects[:s.N] {
		fmt.Println(o.Shape, o.NVertex, "vertices")
	}
	fmt.Println("label", shapeset.ClassNames[s.Label])
	// Output:
	// parallelogram 4 vertices
	// triangle 3 vertices
	// label tri+par
}
