package dataset

import (
	"bytes"
	"compress/gzip"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fuzz targets write their input to files and open them through Open,
// as the command line does. Whatever the bytes, Open must not panic and
// must give either a one-line error or a source within the limits.

func gz(data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}

// checkOpen opens spec and checks what it gives.
func checkOpen(t *testing.T, spec string) {
	t.Helper()
	src, err := Open(t.Context(), spec, 1)
	if err != nil {
		if msg := err.Error(); msg == "" || strings.Contains(msg, "\n") {
			t.Fatalf("error is not one line: %q", msg)
		}
		return
	}
	dim, classes := src.Dim(), src.Classes()
	if dim < 1 || dim > MaxDim || classes < 1 || classes > MaxClasses || len(src.ClassNames()) != classes {
		t.Fatalf("dim %d, classes %d, %d class names: outside the limits", dim, classes, len(src.ClassNames()))
	}
	for _, get := range []func() (*Set, error){
		func() (*Set, error) { return src.Test(t.Context(), 0) },
		func() (*Set, error) { return src.Probe(t.Context(), 0) },
	} {
		s, err := get()
		if err != nil {
			t.Fatalf("the whole test or probe set: %v", err)
		}
		checkSet(t, s.X, s.Y, s.N, dim, classes)
	}
	x, y := make([]float32, 3*dim), make([]int32, 3)
	src.Train().Fill(x, y)
	checkSet(t, x, y, 3, dim, classes)
}

func checkSet(t *testing.T, x []float32, y []int32, n, dim, classes int) {
	t.Helper()
	if n > MaxExamples || len(x) != n*dim || len(y) != n {
		t.Fatalf("set of %d examples has %d values and %d labels, want %d and %d", n, len(x), len(y), n*dim, n)
	}
	for _, l := range y {
		if l < 0 || int(l) >= classes {
			t.Fatalf("label %d outside [0, %d)", l, classes)
		}
	}
	for _, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("value %v", v)
		}
	}
}

func FuzzIDX(f *testing.F) {
	pix, lab := fakeImages(12, 20)
	images, labels := idx(idxImages, []int{12, 4, 5}, pix), idx(idxLabels, []int{12}, lab)
	f.Add(images, labels)
	f.Add(gz(images), gz(labels))
	f.Add(idx(idxImages, []int{1 << 31, 1 << 16, 1 << 17}, nil), labels) // product 2^64, once taken for 0
	f.Add(idx(idxImages, []int{1, 1<<32 - 1, 1<<32 - 1}, nil), labels)
	f.Add(idx(idxImages, []int{16, 1 << 30, 1 << 30}, nil), idx(idxLabels, []int{16}, make([]byte, 16))) // 2^64 = 0 bytes: Test panicked
	f.Add(idx(idxImages, []int{1 << 31, 28, 28}, make([]byte, 84)), labels)                              // 2^31 images in 100 bytes
	f.Add(images, idx(idxLabels, []int{1 << 31}, nil))
	f.Add(gz(idx(idxImages, []int{1 << 24, 4, 4}, make([]byte, 84))), labels) // 256 MiB promised by 100 gzipped bytes
	f.Add(gz(append(images, make([]byte, 4096)...)), labels)                  // gzip inflating past the promise
	f.Add(idx(idxImages, []int{12, 0, 5}, nil), labels)
	f.Add(images[:100], labels)
	f.Add(images, labels[:5])
	f.Add(images, gz(labels)[:20])
	f.Add([]byte{0x1f, 0x8b, 1, 2, 3}, labels)
	f.Add([]byte{}, []byte{})
	f.Fuzz(func(t *testing.T, images, labels []byte) {
		dir := t.TempDir()
		for _, prefix := range []string{"train", "t10k"} {
			writeFile(t, filepath.Join(dir, prefix+"-images-idx3-ubyte"), images, false)
			writeFile(t, filepath.Join(dir, prefix+"-labels-idx1-ubyte"), labels, false)
		}
		checkOpen(t, "mnist:"+dir)
	})
}

func FuzzCIFAR(f *testing.F) {
	pix, lab := fakeImages(3, cifarDim)
	var batch []byte
	for i := range 3 {
		batch = append(batch, lab[i])
		batch = append(batch, pix[i*cifarDim:(i+1)*cifarDim]...)
	}
	f.Add(batch)
	f.Add(gz(batch))
	f.Add(batch[:cifarRecord+7])                       // truncated
	f.Add(append([]byte{10}, batch[1:cifarRecord]...)) // label 10
	f.Add(gz(make([]byte, 1<<16)))                     // zeros: 21 records and 1000 bytes over
	f.Add(gz(make([]byte, 64*cifarRecord)))            // zeros: 64 black airplanes
	f.Add(gz(batch)[:30])                              // gzip cut short
	f.Add([]byte{0x1f, 0x8b})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, batch []byte) {
		dir := t.TempDir()
		for k := range cifarBatches {
			writeFile(t, filepath.Join(dir, "data_batch_"+string(rune('1'+k))+".bin"), batch, false)
		}
		writeFile(t, filepath.Join(dir, "test_batch.bin"), batch, false)
		checkOpen(t, "cifar10:"+dir)
	})
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"label,a,b\n# a comment\n\n0,1,2\n1,3,4\n2,5,6\n",
		"0,1\n1,2\n2147483647,3\n", // 2^31 classes, once
		"999,1\n0,2\n",
		"1000,1\n",
		"99999999999999999999,1\n",
		"-1,1\n",
		"0" + strings.Repeat(",", 300) + "\n",
		"0,1,2\n0,1\n",
		"0,NaN\n",
		"0,1e39\n",
		"0,1e-50\n",
		"0,1\r\n1,2\r\n",
		"x\n",
		"\n\n#\n",
		"1",
		"0,1,\n",
		" 3 , 4 \n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		path := filepath.Join(t.TempDir(), "f.csv")
		if err := os.WriteFile(path, text, 0o644); err != nil {
			t.Fatal(err)
		}
		checkOpen(t, "csv:"+path)
	})
}
