package sweep

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"initscope/scenarios/batch"
)

// Limits on reading a run's file, which may have been damaged or replaced:
// the report reads finished files only (at most MaxRuns of them, by the
// names the sweep gives), a line at most MaxLineBytes (a snapshot of 20
// layers with histograms is about 20 KB), and keeps at most MaxPoints
// points of a run's curve, thinning evenly as it reads.
const (
	MaxLineBytes = 1 << 20
	MaxPoints    = 1024
)

// Point is one snapshot's test error.
type Point struct {
	Examples  int64
	TestError float64 // NaN when the snapshot had none (diverged)
}

// RunFile is what the report keeps of a finished run's file.
type RunFile struct {
	Scenario string // the run line's scenario name
	LR       float64
	Points   []Point
	Summary  batch.SummaryRecord
	// Validation is the final error on held-out examples (ValidationRecord);
	// nil when the file has none (a diverged run, or a data set without a
	// held-out split).
	Validation  *float64
	ValidationN int // examples it was scored on
	// ValidationLoss is the mean cost on those examples: it breaks ties of
	// the error, which short tries often leave all at the majority class.
	ValidationLoss *float64
	stride         int // keep every stride-th snapshot (Points is thinned when full)
	seen           int
}

func (f *RunFile) add(p Point) {
	if f.stride == 0 {
		f.stride = 1
	}
	if f.seen%f.stride == 0 {
		if len(f.Points) == MaxPoints {
			// Keep every other point and take half as many from now on.
			kept := f.Points[:0]
			for i := 0; i < len(f.Points); i += 2 {
				kept = append(kept, f.Points[i])
			}
			f.Points = kept
			f.stride *= 2
		}
		if f.seen%f.stride == 0 {
			f.Points = append(f.Points, p)
		}
	}
	f.seen++
}

// readRun reads a run's JSON Lines file: its run line, its snapshots'
// test errors, its summary. name labels errors, which are one line.
func readRun(ctx context.Context, name string, r io.Reader) (*RunFile, error) {
	f := &RunFile{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineBytes)
	line, haveRun, haveSum := 0, false, false
	for sc.Scan() {
		line++
		if line%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var rec struct {
			Type      string   `json:"type"`
			Scenario  string   `json:"scenario"`
			LR        float64  `json:"lr"`
			Examples  int64    `json:"examples"`
			TestError *float64 `json:"test_error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("%s:%d: not a --batch JSON line: %s", name, line, oneLine(err.Error()))
		}
		switch rec.Type {
		case "run":
			if haveRun {
				return nil, fmt.Errorf("%s:%d: a second run line", name, line)
			}
			haveRun, f.Scenario, f.LR = true, rec.Scenario, rec.LR
		case "snapshot":
			p := Point{Examples: rec.Examples, TestError: math.NaN()}
			if rec.TestError != nil {
				p.TestError = *rec.TestError
			}
			f.add(p)
		case "validation":
			var v ValidationRecord
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				return nil, fmt.Errorf("%s:%d: %s", name, line, oneLine(err.Error()))
			}
			f.Validation, f.ValidationN, f.ValidationLoss = v.Error, v.Examples, v.Loss
		case "summary":
			if err := json.Unmarshal(sc.Bytes(), &f.Summary); err != nil {
				return nil, fmt.Errorf("%s:%d: %s", name, line, oneLine(err.Error()))
			}
			haveSum = true
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: a line longer than %d bytes (not a --batch file?)", name, line+1, MaxLineBytes)
		}
		return nil, fmt.Errorf("%s: %s", name, oneLine(err.Error()))
	}
	if !haveRun || !haveSum {
		return nil, fmt.Errorf("%s: no run line or no summary line (not a finished --batch run)", name)
	}
	return f, nil
}
