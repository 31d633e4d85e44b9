package dataset

import "fmt"

// Limits on what the file loaders accept. A file is checked against them,
// and against its real size on disk, before anything it claims is
// allocated: a header or a label cannot make the loader reserve more than
// these allow, and a file that passes one gets an error naming the file and
// the limit, never a crash. They are far above the data sets the laboratory
// is for (MNIST: 60000 examples of 784 features, 10 classes; CIFAR-10: 50000
// of 3072).
const (
	// MaxFileBytes is the largest file read, counted after decompression:
	// 2 GiB. A gzip file that inflates past it is refused as soon as it
	// does, so a gzip bomb costs at most this much reading.
	MaxFileBytes = 2 << 30

	// MaxExamples is the most examples (rows) in one file: 2^24 =
	// 16,777,216, 280 times MNIST's training file. Row numbers are stored
	// as int32.
	MaxExamples = 1 << 24

	// MaxDim is the most features per example: 2^20 = 1,048,576, a
	// 1024x1024 grey image, 341 times a CIFAR image (3072).
	MaxDim = 1 << 20

	// MaxValues is the most stored values (examples x features) in one
	// file: 2^28 = 268,435,456, which is 256 MiB for image files (a byte
	// each) and 1 GiB for a CSV file (a float32 each). MNIST's training
	// file holds 47 million, CIFAR-10's five training batches 154 million.
	MaxValues = 1 << 28

	// MaxClasses is the most classes, ImageNet's 1000: a CSV file's class
	// count is its largest label + 1, so labels run from 0 to 999.
	MaxClasses = 1000

	// MaxLineBytes is the longest CSV line: 16 MiB, room for MaxDim
	// features of 15 characters each.
	MaxLineBytes = 16 << 20
)

// limitHint tells what to do about a file over a limit.
const limitHint = "initscope reads at most 2 GiB per file, 16777216 examples, 1048576 features, 268435456 values and 1000 classes; use a smaller file"

// inflateRatio bounds how much deflate data can grow: a length-258 match
// costs at least 2 bits, so one byte of a gzip file inflates to at most
// 1032 bytes (zlib's technical notes, "Maximum compression factor").
const inflateRatio = 1032

// limitError reports a file over one of the limits.
func limitError(spec, path, format string, args ...any) error {
	return &Error{Spec: spec, Err: fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)), Hint: limitHint}
}
