package dataset

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// csvCheckEvery is how many bytes parseCSV reads between two looks at its
// context: about half a millisecond of parsing.
const csvCheckEvery = 64 << 10

const csvHint = "write one example per line: an integer label >= 0, then the features, comma-separated"

// openCSV reads a CSV file of "label,feature,feature,..." lines. Values are
// used as they are, unscaled. Blank lines and lines starting with # are
// skipped, and so is a first line whose label is not a number (a header).
//
// The split interleaves lines so that a file sorted by label still gives
// every part every class: of each 10 consecutive examples, the first 8 go to
// training, the 9th to test and the 10th to the probe set.
//
// It stops reading, with ctx's error, soon after ctx is done: a CSV file at
// the size limit takes some 15 s to parse (135 MB/s measured on MNIST-like
// lines).
func openCSV(ctx context.Context, spec, path string, seed uint64) (Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{Spec: spec, Err: err, Hint: "check the path"}
	}
	defer f.Close()
	t, err := parseCSV(ctx, f, path)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		hint := csvHint
		if _, ok := errors.AsType[*limitErr](err); ok {
			hint = limitHint
		}
		return nil, &Error{Spec: spec, Err: err, Hint: hint}
	}
	var parts [3][]int32 // train, test, probe
	for i := range t.y {
		k := 0
		switch i % 10 {
		case 8:
			k = 1
		case 9:
			k = 2
		}
		parts[k] = append(parts[k], int32(i))
	}
	if len(parts[0]) == 0 {
		return nil, &Error{Spec: spec, Err: errors.New(path + " holds no examples"), Hint: csvHint}
	}
	classes := 0
	for _, y := range t.y {
		classes = max(classes, int(y)+1)
	}
	names := make([]string, classes)
	for i := range names {
		names[i] = strconv.Itoa(i)
	}
	return &fileSource[float32]{
		spec: spec, classes: classes, names: names, seed: seed,
		train: part[float32]{t, parts[0], "training", path},
		test:  part[float32]{t, parts[1], "test", path + " (every 10th line from the 9th)"},
		probe: part[float32]{t, parts[2], "probe", path + " (every 10th line)"},
	}, nil
}

// parseCSV reads all examples; errors name the file and line. It stops at
// the first line that would take the file past a limit.
func parseCSV(ctx context.Context, f *os.File, path string) (*table[float32], error) {
	if st, err := f.Stat(); err == nil && st.Size() > MaxFileBytes {
		return nil, &limitErr{fmt.Errorf("%s: %d bytes, above the limit of %d (2 GiB)", path, st.Size(), MaxFileBytes)}
	}
	t := &table[float32]{scale: 1}
	sc := bufio.NewScanner(&capReader{r: f, left: MaxFileBytes}) // a pipe has no size to check
	sc.Buffer(make([]byte, 64*1024), MaxLineBytes+1)             // +1: the newline
	first := true
	line := 0
	unchecked := 0 // bytes read since ctx was last looked at
	for sc.Scan() {
		line++
		if unchecked += len(sc.Bytes()); unchecked > csvCheckEvery {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			unchecked = 0
		}
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		if first {
			first = false
			label, _, _ := strings.Cut(text, ",")
			if _, err := strconv.ParseFloat(strings.TrimSpace(label), 64); err != nil {
				continue // a header
			}
		}
		if err := appendCSV(t, text); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &limitErr{fmt.Errorf("%s line %d: longer than the limit of %d bytes", path, line+1, MaxLineBytes)}
		}
		if errors.Is(err, errTooBig) {
			return nil, &limitErr{fmt.Errorf("%s: more than %d bytes, the limit (2 GiB)", path, MaxFileBytes)}
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// limitErr marks an error as a file over one of the limits, so that its
// hint says what the limits are.
type limitErr struct{ err error }

func (e *limitErr) Error() string { return e.err.Error() }
func (e *limitErr) Unwrap() error { return e.err }

// appendCSV adds one line's example, checking it against the first one and
// the limits before anything is stored.
func appendCSV(t *table[float32], text string) error {
	features := strings.Count(text, ",") // counted, not split: a line of commas must not allocate a slice per comma
	if features < 1 {
		return errors.New("needs a label and at least one feature")
	}
	if t.dim == 0 {
		if features > MaxDim {
			return &limitErr{fmt.Errorf("%d features, above the limit of %d", features, MaxDim)}
		}
		t.dim = features
	} else if features != t.dim {
		return fmt.Errorf("ragged: %d features, the first example has %d", features, t.dim)
	}
	if len(t.y) >= MaxExamples {
		return &limitErr{fmt.Errorf("more than %d examples, the limit", MaxExamples)}
	}
	if len(t.x) > MaxValues-t.dim {
		return &limitErr{fmt.Errorf("more than %d values (%d examples of %d features), the limit", MaxValues, MaxValues/t.dim, t.dim)}
	}
	field, rest, _ := strings.Cut(text, ",")
	label, err := strconv.Atoi(strings.TrimSpace(field))
	switch {
	case errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(strings.TrimSpace(field), "-"):
		return &limitErr{fmt.Errorf("label %s is above the limit of %d (at most %d classes)", strings.TrimSpace(field), MaxClasses-1, MaxClasses)}
	case err != nil || label < 0:
		return fmt.Errorf("label %q is not an integer >= 0", field)
	case label >= MaxClasses:
		return &limitErr{fmt.Errorf("label %d is above the limit of %d (at most %d classes)", label, MaxClasses-1, MaxClasses)}
	}
	n := len(t.x)
	for j := 1; j <= t.dim; j++ {
		field, rest, _ = strings.Cut(rest, ",")
		v, err := strconv.ParseFloat(strings.TrimSpace(field), 32)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			t.x = t.x[:n]
			return fmt.Errorf("feature %d is %q, not a finite number", j, field)
		}
		t.x = append(t.x, float32(v))
	}
	t.y = append(t.y, int32(label))
	return nil
}
