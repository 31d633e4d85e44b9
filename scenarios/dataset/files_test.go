package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// writeFile writes data to path, gzipped (and named path.gz) if gz is set.
func writeFile(t *testing.T, path string, data []byte, gz bool) {
	t.Helper()
	if gz {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(data)
		zw.Close()
		data, path = b.Bytes(), path+".gz"
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// idx encodes an IDX file: magic, big-endian dimensions, data.
func idx(magic uint32, dims []int, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, magic)
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, data...)
}

// fakeImages returns n images of side x side pixels and their labels, with
// image i's pixel j = (i*7 + j) mod 256 and label i mod 10, so that every
// example can be recognised from its first pixel's neighbourhood.
func fakeImages(n, dim int) (pix, labels []byte) {
	pix = make([]byte, n*dim)
	for i := range pix {
		pix[i] = byte(i/dim*7 + i%dim)
	}
	labels = make([]byte, n)
	for i := range labels {
		labels[i] = byte(i % 10)
	}
	return pix, labels
}

// writeMNIST writes the four MNIST files with nTrain and nTest images of
// 4x5 pixels into a new folder and returns it.
func writeMNIST(t *testing.T, nTrain, nTest int, gz bool) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range []struct {
		prefix string
		n      int
	}{{"train", nTrain}, {"t10k", nTest}} {
		pix, lab := fakeImages(f.n, 20)
		writeFile(t, filepath.Join(dir, f.prefix+"-images-idx3-ubyte"), idx(idxImages, []int{f.n, 4, 5}, pix), gz)
		writeFile(t, filepath.Join(dir, f.prefix+"-labels-idx1-ubyte"), idx(idxLabels, []int{f.n}, lab), gz)
	}
	return dir
}

// writeCIFAR writes five training batches of per records and a test batch
// of nTest records.
func writeCIFAR(t *testing.T, dir string, per, nTest int) {
	t.Helper()
	batch := func(first, n int) []byte {
		pix, lab := fakeImages(first+n, cifarDim)
		var b []byte
		for i := first; i < first+n; i++ {
			b = append(b, lab[i])
			b = append(b, pix[i*cifarDim:(i+1)*cifarDim]...)
		}
		return b
	}
	for k := range cifarBatches {
		name := filepath.Join(dir, "data_batch_"+string(rune('1'+k))+".bin")
		writeFile(t, name, batch(k*per, per), false)
	}
	writeFile(t, filepath.Join(dir, "test_batch.bin"), batch(0, nTest), false)
}
