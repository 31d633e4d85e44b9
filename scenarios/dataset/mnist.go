package dataset

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
)

// IDX magic numbers: two zero bytes, type 0x08 (unsigned byte), and the
// number of dimensions.
const (
	idxImages = 0x00000803
	idxLabels = 0x00000801
)

var (
	digitNames   = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	fashionNames = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
)

// openMNIST reads MNIST or Fashion-MNIST from dir. Pixels are scaled to
// [0, 1]. The last holdout(n) training images form the probe set, the rest
// the training stream; the t10k files are the test set.
func openMNIST(spec, dir, kind string, seed uint64) (Source, error) {
	r := idxReader{spec: spec, hint: "download MNIST's four IDX files into that folder"}
	names := digitNames
	if kind == "fashion" {
		r.hint = "download Fashion-MNIST's four IDX files into that folder"
		names = fashionNames
	}
	train := r.pair(filepath.Join(dir, "train-images-idx3-ubyte"), filepath.Join(dir, "train-labels-idx1-ubyte"), 0)
	if r.err != nil {
		return nil, r.err
	}
	test := r.pair(filepath.Join(dir, "t10k-images-idx3-ubyte"), filepath.Join(dir, "t10k-labels-idx1-ubyte"), train.dim)
	if r.err != nil {
		return nil, r.err
	}
	n, h := len(train.y), holdout(len(train.y))
	if n-h < 1 {
		return nil, &Error{Spec: spec, Err: errors.New(r.trainName + " holds no images"), Hint: r.hint}
	}
	return &fileSource[uint8]{
		spec: spec, classes: len(names), names: names, seed: seed,
		train: part[uint8]{train, span(0, n-h), "training", r.trainName},
		probe: part[uint8]{train, span(n-h, n), "probe", "the held-out end of " + r.trainName},
		test:  part[uint8]{test, span(0, len(test.y)), "test", r.testName},
	}, nil
}

// idxReader reads image/label file pairs, keeping the first error so that
// openMNIST reads as a straight line.
type idxReader struct {
	spec, hint          string
	trainName, testName string
	err                 error
}

// pair reads an image file and its label file into a table. wantDim, if not
// zero, is the image size the file must have.
func (r *idxReader) pair(imagePath, labelPath string, wantDim int) *table[uint8] {
	if r.err != nil {
		return nil
	}
	imgDims, pix, name := r.read(imagePath, idxImages)
	labDims, lab, labName := r.read(labelPath, idxLabels)
	if r.err != nil {
		return nil
	}
	if r.trainName == "" {
		r.trainName = name
	} else {
		r.testName = name
	}
	dim := imgDims[1] * imgDims[2]
	switch {
	case imgDims[0] != labDims[0]:
		r.fail(labName, "has %d labels for %d images in %s", labDims[0], imgDims[0], filepath.Base(name))
	case wantDim != 0 && dim != wantDim:
		r.fail(name, "images have %d pixels, the training images %d", dim, wantDim)
	}
	y := make([]int32, len(lab))
	for i, l := range lab {
		if l > 9 {
			r.fail(labName, "label %d of item %d is out of range [0, 10)", l, i)
			break
		}
		y[i] = int32(l)
	}
	return &table[uint8]{x: pix, y: y, dim: dim, scale: 1.0 / 255}
}

// read reads one IDX file (or its .gz) and returns its dimensions and data.
// The header is checked against the limits and against the data the file
// really holds before the data is allocated: the size on disk for a plain
// file, a count of the inflated bytes, stopping one past what the header
// promises, for a gzip file.
func (r *idxReader) read(path string, magic uint32) (dims []int, data []byte, name string) {
	if r.err != nil {
		return nil, nil, ""
	}
	in, err := openInput(r.spec, path, r.hint)
	if err != nil {
		r.err = err
		return nil, nil, path
	}
	defer in.close()
	name = in.name
	ndim := int(magic & 0xff)
	head := 4 + 4*ndim
	header := make([]byte, head)
	if n, err := io.ReadFull(in.r, header); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			r.fail(name, "truncated: %d bytes, shorter than the %d-byte IDX header", n, head)
		} else {
			r.err = in.readError(r.spec, err)
		}
		return nil, nil, name
	}
	if got := binary.BigEndian.Uint32(header); got != magic {
		r.fail(name, "bad magic number 0x%08x, want 0x%08x for an IDX %s file", got, magic, idxKind(magic))
		return nil, nil, name
	}
	for i := range ndim {
		d := uint64(binary.BigEndian.Uint32(header[4+4*i:]))
		dims = append(dims, int(min(d, math.MaxInt))) // exact where int has 64 bits
	}
	size, ok := r.checkDims(name, magic, dims)
	if !ok {
		return nil, nil, name
	}
	have := in.size - int64(head)
	if in.gzipped() {
		if int64(size) > in.max-int64(head) {
			r.fail(name, "dimensions %s need %d data bytes, more than a %d-byte gzip file can hold", joinDims(dims), size, in.size)
			return nil, nil, name
		}
		if have, err = in.count(r.spec, int64(head), int64(size)); err != nil {
			r.err = err
			return nil, nil, name
		}
	}
	if have != int64(size) {
		got := strconv.FormatInt(have, 10)
		if have > int64(size) && in.gzipped() {
			got = "more" // counting stopped one past the promise
		}
		r.fail(name, "truncated or padded: dimensions %s need %d data bytes, file has %s", joinDims(dims), size, got)
		return nil, nil, name
	}
	data = make([]byte, size)
	if _, err := io.ReadFull(in.r, data); err != nil {
		r.err = in.readError(r.spec, err) // the file changed under us, or bad gzip data
		return nil, nil, name
	}
	return dims, data, name
}

// checkDims checks an IDX header's dimensions against the limits, one by
// one so that their product cannot overflow, and returns that product.
func (r *idxReader) checkDims(name string, magic uint32, dims []int) (size int, ok bool) {
	kind := idxKind(magic) + "s"
	if dims[0] > MaxExamples {
		r.limit(name, "header promises %d %s, above the limit of %d examples", dims[0], kind, MaxExamples)
		return 0, false
	}
	dim := 1 // values per item
	if magic == idxImages {
		rows, cols := dims[1], dims[2]
		switch {
		case rows == 0 || cols == 0:
			r.fail(name, "images of %dx%d pixels hold nothing", rows, cols)
			return 0, false
		case rows > MaxDim || cols > MaxDim/rows:
			r.limit(name, "images of %dx%d pixels, above the limit of %d features", rows, cols, MaxDim)
			return 0, false
		}
		dim = rows * cols
	}
	if dims[0] > MaxValues/dim {
		r.limit(name, "dimensions %s make %d values, above the limit of %d", joinDims(dims), int64(dims[0])*int64(dim), MaxValues)
		return 0, false
	}
	return dims[0] * dim, true
}

func idxKind(magic uint32) string {
	if magic == idxLabels {
		return "label"
	}
	return "image"
}

// limit records a file over one of the limits.
func (r *idxReader) limit(name, format string, args ...any) {
	if r.err == nil {
		r.err = limitError(r.spec, name, format, args...)
	}
}

// fail records a malformed file; the cure is a fresh copy.
func (r *idxReader) fail(name, format string, args ...any) {
	if r.err == nil {
		r.err = fileError(r.spec, name, "download that file again", format, args...)
	}
}

func joinDims(dims []int) string {
	s := make([]string, len(dims))
	for i, d := range dims {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, "x")
}
