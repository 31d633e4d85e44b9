package dataset

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// CIFAR-10 binary version: records of 1 label byte then 3072 pixel bytes
// (the 1024 red values, then green, then blue, each row-major 32x32).
const (
	cifarDim     = 3 * 32 * 32
	cifarRecord  = 1 + cifarDim
	cifarBatches = 5
	cifarHint    = "download the CIFAR-10 binary version and point at the folder holding data_batch_1.bin .. test_batch.bin"
)

var cifarNames = []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}

// openCIFAR reads CIFAR-10 from dir, or from dir/cifar-10-batches-bin, the
// folder the official archive unpacks into. Pixels are scaled to [0, 1] and
// kept in the file's channel-major order. The last holdout(n) training
// images (from data_batch_5) form the probe set.
func openCIFAR(spec, dir string, seed uint64) (Source, error) {
	if _, err := os.Stat(filepath.Join(dir, "data_batch_1.bin")); err != nil {
		if _, err := os.Stat(filepath.Join(dir, "cifar-10-batches-bin", "data_batch_1.bin")); err == nil {
			dir = filepath.Join(dir, "cifar-10-batches-bin")
		}
	}
	train := &table[uint8]{dim: cifarDim, scale: 1.0 / 255}
	for i := 1; i <= cifarBatches; i++ {
		if err := readCIFAR(spec, filepath.Join(dir, "data_batch_"+strconv.Itoa(i)+".bin"), train); err != nil {
			return nil, err
		}
	}
	test := &table[uint8]{dim: cifarDim, scale: 1.0 / 255}
	testPath := filepath.Join(dir, "test_batch.bin")
	if err := readCIFAR(spec, testPath, test); err != nil {
		return nil, err
	}
	n, h := len(train.y), holdout(len(train.y))
	files := filepath.Join(dir, "data_batch_*.bin")
	return &fileSource[uint8]{
		spec: spec, classes: len(cifarNames), names: cifarNames, seed: seed,
		train: part[uint8]{train, span(0, n-h), "training", files},
		probe: part[uint8]{train, span(n-h, n), "probe", "the held-out end of " + files},
		test:  part[uint8]{test, span(0, len(test.y)), "test", testPath},
	}, nil
}

// readCIFAR appends the records of one batch file to t. The records are
// counted before anything is allocated for them (from the size on disk, or
// by inflating a gzip file once without keeping it), against the limits on
// examples and values that t may reach.
func readCIFAR(spec, path string, t *table[uint8]) error {
	in, err := openInput(spec, path, cifarHint)
	if err != nil {
		return err
	}
	defer in.close()
	room := min(MaxExamples-len(t.y), (MaxValues-len(t.x))/cifarDim) // records t may still take
	size := in.size
	if in.gzipped() {
		if size, err = in.count(spec, 0, int64(room)*cifarRecord); err != nil {
			return err
		}
	}
	if size > int64(room)*cifarRecord {
		return limitError(spec, in.name, "more than %d records: with the %d images before it, above the limit of %d values (%d images of %d pixels)",
			room, len(t.y), MaxValues, MaxValues/cifarDim, cifarDim)
	}
	if size == 0 || size%cifarRecord != 0 {
		return fileError(spec, in.name, "download that file again",
			"truncated: %d bytes is not a whole number of %d-byte records", size, cifarRecord)
	}
	records := int(size / cifarRecord)
	t.x = slices.Grow(t.x, records*cifarDim)
	t.y = slices.Grow(t.y, records)
	rec := make([]byte, cifarRecord)
	for i := range records {
		if _, err := io.ReadFull(in.r, rec); err != nil {
			return in.readError(spec, err) // the file changed under us, or bad gzip data
		}
		if l := rec[0]; l > 9 {
			return fileError(spec, in.name, "download that file again",
				"label %d of record %d is out of range [0, 10)", l, i)
		}
		t.y = append(t.y, int32(rec[0]))
		t.x = append(t.x, rec[1:]...)
	}
	return nil
}
