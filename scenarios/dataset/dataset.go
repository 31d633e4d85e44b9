package dataset

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Set is a fixed in-memory set: X is N*Dim float32 row-major, Y holds N
// labels in [0, Classes).
type Set struct {
	X               []float32
	Y               []int32
	N, Dim, Classes int
}

// NewSet returns a zeroed set of n examples.
func NewSet(n, dim, classes int) *Set {
	return &Set{X: make([]float32, n*dim), Y: make([]int32, n), N: n, Dim: dim, Classes: classes}
}

// Row returns example i's inputs, sharing memory with s.X.
func (s *Set) Row(i int) []float32 { return s.X[i*s.Dim : (i+1)*s.Dim] }

// Stream yields training examples forever, deterministic from the seed it
// was opened with.
type Stream interface {
	// Fill writes len(y) examples: inputs into x, which must hold
	// len(y)*Dim values, and labels into y. It does not allocate.
	Fill(x []float32, y []int32)
}

// Source is one data set.
type Source interface {
	Name() string // the spec the source was opened with
	Dim() int
	Classes() int
	ClassNames() []string
	// Train returns a new training stream, starting from the beginning:
	// two calls give two streams with the same examples.
	Train() Stream
	// Test returns the first n examples of the held-out test set, the same
	// ones on every call; n <= 0 asks for all of them, which is an error
	// for generated (endless) sets. Asking for more than the set holds is
	// an error that says how many it has. When ctx is done it stops within
	// a few hundred examples and returns ctx's error.
	Test(ctx context.Context, n int) (*Set, error)
	// Probe is like Test for the probe set, disjoint from Test, which
	// serves for per-layer statistics.
	Probe(ctx context.Context, n int) (*Set, error)
}

// Info describes one kind of spec for `initscope --list`.
type Info struct {
	Name        string // kind, e.g. "mnist"
	Usage       string // how to write the spec, e.g. "mnist:DIR"
	Description string // one line
}

// List returns the kinds of data set Open understands.
func List() []Info {
	return []Info{
		{"shapeset", "shapeset", "Shapeset-3x2 (the paper's): 32x32 grey shapes, 9 classes, generated without end"},
		{"tiny", "tiny", "4 Gaussian blobs in 16 dims, generated; trains in seconds, for tests"},
		{"mnist", "mnist:DIR", "MNIST digits from the 4 IDX files (optionally .gz) in DIR; pixels in [0,1]"},
		{"fashion", "fashion:DIR", "Fashion-MNIST, same IDX files as MNIST, clothing class names"},
		{"cifar10", "cifar10:DIR", "CIFAR-10 binary version (data_batch_1..5.bin, test_batch.bin) in DIR; pixels in [0,1]"},
		{"csv", "csv:FILE", "one example per line: integer label, then numeric features; split 8/1/1 by line"},
	}
}

// valid lists the specs in error messages.
const valid = "valid: shapeset, tiny, mnist:DIR, fashion:DIR, cifar10:DIR, csv:FILE"

// Open opens the data set named by spec. The seed fixes the training
// stream and, for generated sets, the test and probe sets too. It returns
// ctx's error when ctx is done before or after reading the files (the
// loaders themselves bound what they read, not how long).
func Open(ctx context.Context, spec string, seed uint64) (Source, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	src, err := open(ctx, spec, seed)
	if err == nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return src, err
}

func open(ctx context.Context, spec string, seed uint64) (Source, error) {
	kind, arg, hasArg := strings.Cut(strings.TrimSpace(spec), ":")
	kind = strings.ToLower(kind)
	switch kind {
	case "shapeset", "tiny":
		if hasArg {
			return nil, fmt.Errorf("dataset %q: %s takes no argument (write %s)", spec, kind, kind)
		}
		if kind == "tiny" {
			return openTiny(spec, seed), nil
		}
		return openShapeset(spec, seed), nil
	case "mnist", "fashion", "cifar10", "csv":
		if arg == "" {
			return nil, fmt.Errorf("dataset %q: missing path (write %s:PATH, e.g. %s:data/%s)", spec, kind, kind, kind)
		}
		path := ExpandHome(arg)
		switch kind {
		case "mnist", "fashion":
			return openMNIST(spec, path, kind, seed)
		case "cifar10":
			return openCIFAR(spec, path, seed)
		}
		return openCSV(ctx, spec, path, seed)
	}
	return nil, fmt.Errorf("unknown dataset %q (%s)", spec, valid)
}

// InputFiles lists the files that opening spec may read, so that a caller
// can refuse to overwrite one: the file of csv:FILE, every file in the
// folder of mnist:DIR, fashion:DIR and cifar10:DIR (and in the
// cifar-10-batches-bin folder inside it). Generated sets read none. Paths
// that cannot be listed are left out: opening them fails anyway.
func InputFiles(spec string) []string {
	kind, arg, _ := strings.Cut(strings.TrimSpace(spec), ":")
	if arg == "" {
		return nil
	}
	path := ExpandHome(arg)
	switch strings.ToLower(kind) {
	case "csv":
		return []string{path}
	case "mnist", "fashion", "cifar10":
		var files []string
		for _, dir := range []string{path, filepath.Join(path, "cifar-10-batches-bin")} {
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if !e.IsDir() {
					files = append(files, filepath.Join(dir, e.Name()))
				}
			}
		}
		return files
	}
	return nil
}

// ExpandHome expands a leading ~/, which the shell leaves alone inside
// "mnist:~/data" (and the app leaves alone in a typed path).
func ExpandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

// Error is a data problem met while opening a source: which spec, what went
// wrong, and what to do about it.
type Error struct {
	Spec string
	Err  error
	Hint string // what to do; may be empty
}

func (e *Error) Error() string {
	s := fmt.Sprintf("dataset %q: %v", e.Spec, e.Err)
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// fileError reports a problem with one file: "path: problem".
func fileError(spec, path, hint, format string, args ...any) error {
	return &Error{Spec: spec, Err: errors.New(path + ": " + fmt.Sprintf(format, args...)), Hint: hint}
}

// fillEvery is how many examples are made between two looks at a context:
// a few hundred Shapeset images take about a millisecond.
const fillEvery = 256

// fillContext fills s from stream in pieces of fillEvery examples, so that
// a million-example set can be abandoned at once. A stream continues where
// it stopped, so the pieces give the same examples as one Fill.
func fillContext(ctx context.Context, stream Stream, s *Set) error {
	for lo := 0; lo < s.N; lo += fillEvery {
		if err := ctx.Err(); err != nil {
			return err
		}
		hi := min(s.N, lo+fillEvery)
		stream.Fill(s.X[lo*s.Dim:hi*s.Dim], s.Y[lo:hi])
	}
	return nil // finished work is not reported as cancelled
}

// checkFill panics unless x holds len(y) examples of dim values.
func checkFill(x []float32, y []int32, dim int) {
	if len(x) != len(y)*dim {
		panic(fmt.Sprintf("dataset: Fill got %d inputs for %d labels of %d dims, want %d", len(x), len(y), dim, len(y)*dim))
	}
}
