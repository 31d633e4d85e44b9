package dataset

import (
	"context"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func mustOpen(t *testing.T, spec string, seed uint64) Source {
	t.Helper()
	src, err := Open(context.Background(), spec, seed)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func testSet(t *testing.T, src Source, n int) *Set {
	t.Helper()
	s, err := src.Test(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func probeSet(t *testing.T, src Source, n int) *Set {
	t.Helper()
	s, err := src.Probe(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// rowID recovers i from an example written by fakeImages: its first pixel
// is 7i mod 256, and 183 is the inverse of 7 mod 256 (7*183 = 5*256 + 1).
func rowID(x []float32) int {
	p := int(math.Round(float64(x[0]) * 255))
	return p * 183 % 256
}

// epoch draws n examples and returns their row ids.
func epoch(s Stream, n, dim int) []int {
	x, y := make([]float32, n*dim), make([]int32, n)
	s.Fill(x, y)
	ids := make([]int, n)
	for i := range ids {
		ids[i] = rowID(x[i*dim:])
		if int(y[i]) != ids[i]%10 {
			panic("label does not match row")
		}
	}
	return ids
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		spec string
		want []string // substrings of the message
	}{
		{"foo", []string{`unknown dataset "foo" (valid: shapeset, tiny, mnist:DIR, fashion:DIR, cifar10:DIR, csv:FILE)`}},
		{"mnist", []string{`dataset "mnist": missing path (write mnist:PATH`}},
		{"tiny:3", []string{"takes no argument"}},
		{"mnist:" + dir, []string{
			`dataset "mnist:` + dir + `": open ` + filepath.Join(dir, "train-images-idx3-ubyte") + ": no such file",
			"(download MNIST's four IDX files into that folder)",
		}},
		{"cifar10:" + dir, []string{"data_batch_1.bin: no such file", "CIFAR-10 binary version"}},
		{"csv:" + filepath.Join(dir, "none.csv"), []string{"none.csv: no such file", "(check the path)"}},
	}
	for _, tt := range tests {
		_, err := Open(context.Background(), tt.spec, 1)
		if err == nil {
			t.Errorf("Open(%q) succeeded", tt.spec)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Open(%q) = %q, want it to contain %q", tt.spec, err, w)
			}
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("Open(%q): message spans lines: %q", tt.spec, err)
		}
	}
	_, err := Open(context.Background(), "mnist:"+dir, 1)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing MNIST file: %v does not wrap fs.ErrNotExist", err)
	}
}

func TestList(t *testing.T) {
	for _, info := range List() {
		if info.Name == "" || info.Usage == "" || info.Description == "" || strings.Contains(info.Description, "\n") {
			t.Errorf("incomplete Info %+v", info)
		}
		_, err := Open(context.Background(), info.Usage, 1)
		if err != nil && strings.HasPrefix(err.Error(), "unknown dataset") {
			t.Errorf("List offers %q but Open does not know it", info.Usage)
		}
	}
}

func TestMNIST(t *testing.T) {
	for _, gz := range []bool{false, true} {
		dir := writeMNIST(t, 60, 12, gz)
		src := mustOpen(t, "mnist:"+dir, 5)
		if src.Dim() != 20 || src.Classes() != 10 || src.ClassNames()[3] != "3" {
			t.Fatalf("gz=%v: dim %d classes %d names %v", gz, src.Dim(), src.Classes(), src.ClassNames())
		}
		test := testSet(t, src, 0)
		if test.N != 12 || test.Dim != 20 || test.Classes != 10 {
			t.Fatalf("gz=%v: test set %d x %d, %d classes; want 12 x 20, 10", gz, test.N, test.Dim, test.Classes)
		}
		// Pixel j of image i is (7i + j) mod 256, scaled to [0, 1].
		if got, want := test.Row(3)[2], float32(23)/255; math.Abs(float64(got-want)) > 1e-6 || test.Y[3] != 3 {
			t.Errorf("gz=%v: test image 3 pixel 2 = %v label %d, want %v label 3", gz, got, test.Y[3], want)
		}
		// holdout(60) = 10: the probe set is training images 50..59.
		probe := probeSet(t, src, 0)
		if probe.N != 10 || rowID(probe.Row(0)) != 50 {
			t.Errorf("gz=%v: probe set has %d images starting with %d, want 10 from 50", gz, probe.N, rowID(probe.Row(0)))
		}
		if _, err := src.Test(context.Background(), 13); err == nil || !strings.Contains(err.Error(), "asked for 13 test examples") ||
			!strings.Contains(err.Error(), "has 12") {
			t.Errorf("gz=%v: Test(13) error %v", gz, err)
		}
	}
}

// TestEpochs checks the training stream: every training row once per epoch,
// never a held-out row, a new order each epoch, and the order fixed by the
// seed.
func TestEpochs(t *testing.T) {
	dir := writeMNIST(t, 60, 12, false)
	src := mustOpen(t, "mnist:"+dir, 5)
	s := src.Train()
	e1, e2 := epoch(s, 50, 20), epoch(s, 50, 20)
	for _, e := range [][]int{e1, e2} {
		if sorted := slices.Sorted(slices.Values(e)); !slices.Equal(sorted, span32(0, 50)) {
			t.Fatalf("an epoch is not a permutation of training rows 0..49: %v", sorted)
		}
	}
	if slices.Equal(e1, e2) {
		t.Error("two epochs came in the same order")
	}
	if again := epoch(mustOpen(t, "mnist:"+dir, 5).Train(), 50, 20); !slices.Equal(again, e1) {
		t.Error("the same seed gave a different order")
	}
	if other := epoch(mustOpen(t, "mnist:"+dir, 6).Train(), 50, 20); slices.Equal(other, e1) {
		t.Error("seeds 5 and 6 gave the same order")
	}
}

func span32(lo, hi int) []int {
	var s []int
	for i := lo; i < hi; i++ {
		s = append(s, i)
	}
	return s
}

func TestFashionNames(t *testing.T) {
	src := mustOpen(t, "fashion:"+writeMNIST(t, 12, 2, true), 1)
	if src.ClassNames()[9] != "Ankle boot" {
		t.Errorf("fashion class 9 is %q", src.ClassNames()[9])
	}
}

func TestMNISTMalformed(t *testing.T) {
	pix, lab := fakeImages(12, 20)
	badLab := append([]byte(nil), lab...)
	badLab[4] = 10
	tests := []struct {
		name   string
		images []byte
		labels []byte
		want   string
	}{
		{"magic", idx(idxLabels, []int{12, 4, 5}, pix), idx(idxLabels, []int{12}, lab), "train-images-idx3-ubyte: bad magic number 0x00000801, want 0x00000803"},
		{"truncated", idx(idxImages, []int{12, 4, 5}, pix[:200]), idx(idxLabels, []int{12}, lab), "train-images-idx3-ubyte: truncated or padded: dimensions 12x4x5 need 240 data bytes, file has 200"},
		{"short header", []byte{0, 0, 8}, idx(idxLabels, []int{12}, lab), "truncated: 3 bytes"},
		{"label range", idx(idxImages, []int{12, 4, 5}, pix), idx(idxLabels, []int{12}, badLab), "train-labels-idx1-ubyte: label 10 of item 4 is out of range"},
		{"count", idx(idxImages, []int{12, 4, 5}, pix), idx(idxLabels, []int{11}, lab[:11]), "has 11 labels for 12 images"},
	}
	for _, tt := range tests {
		dir := writeMNIST(t, 12, 2, false)
		writeFile(t, filepath.Join(dir, "train-images-idx3-ubyte"), tt.images, false)
		writeFile(t, filepath.Join(dir, "train-labels-idx1-ubyte"), tt.labels, false)
		_, err := Open(context.Background(), "mnist:"+dir, 1)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	dir := writeMNIST(t, 12, 2, false)
	writeFile(t, filepath.Join(dir, "t10k-images-idx3-ubyte"), []byte{0x1f, 0x8b, 1, 2, 3}, false)
	if _, err := Open(context.Background(), "mnist:"+dir, 1); err == nil || !strings.Contains(err.Error(), "t10k-images-idx3-ubyte: bad gzip data") {
		t.Errorf("corrupt gzip: error %v", err)
	}
}

func TestCIFAR(t *testing.T) {
	// The official archive unpacks into cifar-10-batches-bin; pointing at its
	// parent works too.
	parent := t.TempDir()
	dir := filepath.Join(parent, "cifar-10-batches-bin")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeCIFAR(t, dir, 6, 4)
	for _, d := range []string{dir, parent} {
		src := mustOpen(t, "cifar10:"+d, 2)
		if src.Dim() != 3072 || src.Classes() != 10 || src.ClassNames()[0] != "airplane" {
			t.Fatalf("dim %d classes %d names %v", src.Dim(), src.Classes(), src.ClassNames())
		}
		test := testSet(t, src, 0)
		if test.N != 4 || rowID(test.Row(2)) != 2 || test.Y[2] != 2 {
			t.Errorf("test set: %d records, record 2 reads as %d label %d", test.N, rowID(test.Row(2)), test.Y[2])
		}
		// 30 training records, holdout(30) = 5: the probe set is 25..29
		// and an epoch is 0..24.
		probe := probeSet(t, src, 0)
		if probe.N != 5 || rowID(probe.Row(0)) != 25 {
			t.Errorf("probe: %d records from %d, want 5 from 25", probe.N, rowID(probe.Row(0)))
		}
		if e := slices.Sorted(slices.Values(epoch(src.Train(), 25, 3072))); !slices.Equal(e, span32(0, 25)) {
			t.Errorf("an epoch is not records 0..24: %v", e)
		}
	}
	writeFile(t, filepath.Join(dir, "data_batch_3.bin"), make([]byte, cifarRecord+7), false)
	if _, err := Open(context.Background(), "cifar10:"+dir, 1); err == nil || !strings.Contains(err.Error(), "data_batch_3.bin: truncated: 3080 bytes") {
		t.Errorf("truncated batch: error %v", err)
	}
	bad := make([]byte, cifarRecord)
	bad[0] = 10
	writeFile(t, filepath.Join(dir, "data_batch_3.bin"), bad, false)
	if _, err := Open(context.Background(), "cifar10:"+dir, 1); err == nil || !strings.Contains(err.Error(), "label 10 of record 0 is out of range") {
		t.Errorf("bad label: error %v", err)
	}
}

func TestCSV(t *testing.T) {
	var b strings.Builder
	b.WriteString("label,a,b\n# a comment\n\n")
	for i := range 25 {
		// Label i mod 3, features i and -i, so rows are recognisable.
		b.WriteString(strings.Join([]string{strconv.Itoa(i % 3), strconv.Itoa(i), " -" + strconv.Itoa(i)}, ",") + "\n")
	}
	path := filepath.Join(t.TempDir(), "d.csv")
	writeFile(t, path, []byte(b.String()), false)
	src := mustOpen(t, "csv:"+path, 3)
	if src.Dim() != 2 || src.Classes() != 3 {
		t.Fatalf("dim %d classes %d, want 2 and 3", src.Dim(), src.Classes())
	}
	// Examples 8 and 18 go to test, 9 and 19 to probe, the other 21 to training.
	test, probe := testSet(t, src, 0), probeSet(t, src, 0)
	if test.N != 2 || test.X[0] != 8 || test.X[3] != -18 || test.Y[1] != 0 {
		t.Errorf("test set %v %v, want rows 8 and 18", test.X, test.Y)
	}
	if probe.N != 2 || probe.X[0] != 9 || probe.X[2] != 19 {
		t.Errorf("probe set %v, want rows 9 and 19", probe.X)
	}
	x, y := make([]float32, 2*21), make([]int32, 21)
	src.Train().Fill(x, y)
	var seen []int
	for i := range y {
		seen = append(seen, int(x[2*i]))
		if int(y[i]) != int(x[2*i])%3 {
			t.Fatalf("training example %v has label %d", x[2*i:2*i+2], y[i])
		}
	}
	slices.Sort(seen)
	want := slices.DeleteFunc(span32(0, 25), func(i int) bool { return i%10 >= 8 })
	if !slices.Equal(seen, want) {
		t.Errorf("training epoch %v, want %v", seen, want)
	}
}

func TestCSVMalformed(t *testing.T) {
	tests := []struct{ text, want string }{
		{"1,2,3\n0,1\n", "line 2: ragged: 1 features, the first example has 2"},
		{"1,2,3\n-1,1,2\n", `line 2: label "-1" is not an integer >= 0`},
		{"1,2,3\n2.5,1,2\n", `line 2: label "2.5" is not an integer`},
		{"1,2,3\n0,x,2\n", `line 2: feature 1 is "x", not a finite number`},
		{"1,2,NaN\n", `line 1: feature 2 is "NaN"`},
		{"1\n", "line 1: needs a label and at least one feature"},
		{"# only a comment\n", "holds no examples"},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "bad.csv")
		writeFile(t, path, []byte(tt.text), false)
		_, err := Open(context.Background(), "csv:"+path, 1)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want it to name the file and contain %q", tt.text, err, tt.want)
		}
	}
}

func TestRelativePath(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "d.csv"), []byte("0,1\n1,2\n"), false)
	t.Chdir(dir)
	src := mustOpen(t, "csv:d.csv", 1)
	if src.Name() != "csv:d.csv" || src.Classes() != 2 {
		t.Errorf("name %q classes %d", src.Name(), src.Classes())
	}
}
