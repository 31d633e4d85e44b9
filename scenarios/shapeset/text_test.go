package shapeset

import (
	"bytes"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestTextGolden renders the first images of seed 1. A change here means the
// generator's stream changed: check the pictures, then run with -update.
func TestTextGolden(t *testing.T) {
	g := New(1)
	img := make([]float32, Dim)
	var b strings.Builder
	for range 4 {
		l := g.Draw(img)
		b.WriteString("label " + ClassNames[l] + "\n" + Text(img))
	}
	golden := filepath.Join("testdata", "text_seed1.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Errorf("Text output differs from %s; got:\n%s", golden, b.String())
	}
}

func TestTextRamp(t *testing.T) {
	img := make([]float32, Dim)
	img[0], img[1], img[2] = -1, 1, 0 // 0 falls in the 6th of 10 equal steps: "+"
	first := strings.SplitN(Text(img), "\n", 2)[0]
	if len(first) != 2*Side || !strings.HasPrefix(first, "  @@++") {
		t.Errorf("first line %q, want 64 characters starting \"  @@++\"", first)
	}
}

func TestWritePNG(t *testing.T) {
	g := New(2)
	imgs := make([][]float32, 5)
	labels := make([]int, 5)
	for i := range imgs {
		imgs[i] = make([]float32, Dim)
		labels[i] = g.Draw(imgs[i])
	}
	var buf bytes.Buffer
	const cols, scale = 3, 2
	if err := WritePNG(&buf, imgs, labels, cols, scale); err != nil {
		t.Fatal(err)
	}
	m, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	// Tiles of Side*scale with a gap of scale and a label strip of 7 digit
	// pixels of (scale+1)/2: 3 columns and 2 rows.
	tw, th := Side*scale+scale, Side*scale+7+scale
	if w, h := m.Bounds().Dx(), m.Bounds().Dy(); w != cols*tw+scale || h != 2*th+scale {
		t.Errorf("sheet is %dx%d, want %dx%d", w, h, cols*tw+scale, 2*th+scale)
	}
	// The top-left pixel of the first tile is pixel 0 of the first image.
	r, _, _, _ := m.At(scale, scale).RGBA()
	want := uint32((imgs[0][0]+1)/2*255 + 0.5)
	if r>>8 != want {
		t.Errorf("first pixel %d, want %d", r>>8, want)
	}
}
