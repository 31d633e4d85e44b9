package shapeset

import (
	"image"
	"image/color"
	"image/png"
	"io"
	"strconv"
)

// digitFont is a 3x5 bitmap of the digits 0-9, one string per row, used to
// print labels under the tiles of a contact sheet.
var digitFont = [10][5]string{
	{"###", "#.#", "#.#", "#.#", "###"},
	{".#.", "##.", ".#.", ".#.", "###"},
	{"###", "..#", "###", "#..", "###"},
	{"###", "..#", "###", "..#", "###"},
	{"#.#", "#.#", "###", "..#", "..#"},
	{"###", "#..", "###", "..#", "###"},
	{"###", "#..", "###", "#.#", "###"},
	{"###", "..#", ".#.", ".#.", ".#."},
	{"###", "#.#", "###", "#.#", "###"},
	{"###", "#.#", "###", "..#", "###"},
}

// WritePNG writes a grey contact sheet of Side x Side images with values in
// [-1, 1], cols tiles per row, each pixel upscaled to scale x scale. When
// labels is not nil, each tile has its label printed in white under it.
// Tiles are separated by a mid-grey gap. It panics on a bad argument.
func WritePNG(w io.Writer, imgs [][]float32, labels []int, cols, scale int) error {
	if cols < 1 || scale < 1 {
		panic("shapeset: WritePNG needs cols >= 1 and scale >= 1")
	}
	if labels != nil && len(labels) != len(imgs) {
		panic("shapeset: WritePNG got " + strconv.Itoa(len(imgs)) + " images and " + strconv.Itoa(len(labels)) + " labels")
	}
	return png.Encode(w, sheet(imgs, labels, cols, scale))
}

// sheet lays out the contact sheet: tiles of scale*Side pixels, a strip for
// the label (digits with pixels of ds = ceil(scale/2)) and a gap of scale.
func sheet(imgs [][]float32, labels []int, cols, scale int) *image.Gray {
	cols = max(1, min(cols, len(imgs)))
	rows := (len(imgs) + cols - 1) / cols
	ds, strip := (scale+1)/2, 0
	if labels != nil {
		strip = 7 * ds
	}
	tw, th := Side*scale+scale, Side*scale+strip+scale
	m := image.NewGray(image.Rect(0, 0, cols*tw+scale, max(rows, 1)*th+scale))
	for i := range m.Pix {
		m.Pix[i] = 128
	}
	for i, img := range imgs {
		x, y := scale+i%cols*tw, scale+i/cols*th
		tile(m, img, x, y, scale)
		if labels != nil {
			fillRect(m, x, y+Side*scale, Side*scale, strip, 0)
			number(m, labels[i], x+ds, y+Side*scale+ds, ds)
		}
	}
	return m
}

// tile draws one upscaled image with its top-left corner at (x, y).
func tile(m *image.Gray, img []float32, x, y, scale int) {
	if len(img) < Dim {
		panic("shapeset: WritePNG image needs " + strconv.Itoa(Dim) + " pixels, got " + strconv.Itoa(len(img)))
	}
	for p, v := range img[:Dim] {
		g := uint8(min(max((v+1)/2*255+0.5, 0), 255))
		fillRect(m, x+p%Side*scale, y+p/Side*scale, scale, scale, g)
	}
}

// number prints n in the digit font with pixels of size ds.
func number(m *image.Gray, n, x, y, ds int) {
	s := strconv.Itoa(n)
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			continue // a minus sign is not worth a glyph
		}
		for r, line := range digitFont[s[i]-'0'] {
			for c := range line {
				if line[c] == '#' {
					fillRect(m, x+c*ds, y+r*ds, ds, ds, 255)
				}
			}
		}
		x += 4 * ds
	}
}

func fillRect(m *image.Gray, x, y, w, h int, g uint8) {
	for yy := y; yy < y+h; yy++ {
		for xx := x; xx < x+w; xx++ {
			m.SetGray(xx, yy, color.Gray{Y: g})
		}
	}
}
