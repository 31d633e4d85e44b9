package dataset

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

const csvHint = "write one example per line: an integer label >= 0, then the features, comma-separated"

// openCSV reads a CSV file of "label,feature,feature,..." lines. Values are
// used as they are, unscaled. Blank lines and lines starting with # are
// skipped, and so is a first line whose label is not a number (a header).
//
// The split interleaves lines so that a file sorted by label still gives
// every part every class: of each 10 consecutive examples, the first 8 go to
// training, the 9th to test and the 10th to the probe set.
func openCSV(spec, path string, seed uint64) (Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{Spec: spec, Err: err, Hint: "check the path"}
	}
	defer f.Close()
	t, err := parseCSV(f, path)
	if err != nil {
		return nil, &Error{Spec: spec, Err: err, Hint: csvHint}
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

// parseCSV reads all examples; errors name the file and line.
func parseCSV(f *os.File, path string) (*table[float32], error) {
	t := &table[float32]{scale: 1}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 64<<20) // long lines: 3072 features and more
	first := true
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' {
			continue
		}
		fields := strings.Split(text, ",")
		if first {
			first = false
			if _, err := strconv.ParseFloat(strings.TrimSpace(fields[0]), 64); err != nil {
				continue // a header
			}
		}
		if err := appendCSV(t, fields); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// appendCSV adds one line's example, checking it against the first one.
func appendCSV(t *table[float32], fields []string) error {
	if len(fields) < 2 {
		return errors.New("needs a label and at least one feature")
	}
	if t.dim == 0 {
		t.dim = len(fields) - 1
	} else if len(fields)-1 != t.dim {
		return fmt.Errorf("ragged: %d features, the first example has %d", len(fields)-1, t.dim)
	}
	label, err := strconv.Atoi(strings.TrimSpace(fields[0]))
	if err != nil || label < 0 || label > math.MaxInt32 {
		return fmt.Errorf("label %q is not an integer >= 0", fields[0])
	}
	t.y = append(t.y, int32(label))
	for j, s := range fields[1:] {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 32)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("feature %d is %q, not a finite number", j+1, s)
		}
		t.x = append(t.x, float32(v))
	}
	return nil
}
