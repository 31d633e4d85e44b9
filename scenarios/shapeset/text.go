package shapeset

import (
	"strconv"
	"strings"
)

// ramp orders characters from dark to light by how much ink they show.
const ramp = " .:-=+*#%@"

// Text renders a Side x Side image with values in [-1, 1] as Side lines of
// 2*Side characters from the ramp " .:-=+*#%@" (dark to light). Each pixel
// takes two characters because terminal cells are about twice as tall as
// wide. It panics if img is shorter than Dim.
func Text(img []float32) string {
	if len(img) < Dim {
		panic("shapeset: Text needs " + strconv.Itoa(Dim) + " pixels, got " + strconv.Itoa(len(img)))
	}
	var b strings.Builder
	b.Grow(Side * (2*Side + 1))
	for r := range Side {
		for _, v := range img[r*Side : r*Side+Side] {
			c := ramp[rampIndex(v)]
			b.WriteByte(c)
			b.WriteByte(c)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// rampIndex maps [-1, 1] onto the len(ramp) characters in equal steps.
func rampIndex(v float32) int {
	i := int((v + 1) / 2 * float32(len(ramp)))
	return min(max(i, 0), len(ramp)-1)
}
