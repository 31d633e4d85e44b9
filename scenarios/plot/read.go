package plot

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"initscope/nn"
	"initscope/scenarios/batch"
)

// Limits on a --from file, which may come from anywhere. A real record is
// small: a snapshot of 20 layers with three 50-bin histograms each is about
// 20 KB of JSON.
const (
	// MaxLineBytes bounds one line; the scanner never buffers more.
	MaxLineBytes = 1 << 20
	// MaxBins bounds a histogram's bins (nn's histograms have 50).
	MaxBins = 1000
)

// Read parses a --batch JSON Lines stream into a Run; name labels errors.
// It stops, returning ctx's error, when ctx is done. A file of any length is read in bounded memory: a line at most
// MaxLineBytes, a snapshot at most nn.MaxDepth layers, and the Run keeps at
// most MaxKept snapshots (see Run.Add). Every error is one line naming the
// file and the line.
func Read(ctx context.Context, name string, r io.Reader) (Run, error) {
	var run Run
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineBytes)
	line, runLine := 0, 0
	for sc.Scan() {
		line++
		if line%1024 == 0 && ctx.Err() != nil {
			return run, fmt.Errorf("%s:%d: %w", name, line, ctx.Err())
		}
		var head struct {
			Type string `json:"type"`
		}
		if err := json.Unmarshal(sc.Bytes(), &head); err != nil {
			return run, fmt.Errorf("%s:%d: not JSON: %s", name, line, oneLine(err.Error()))
		}
		switch head.Type {
		case "run":
			if runLine != 0 {
				return run, fmt.Errorf("%s:%d: a second run line (the first is line %d): --from takes one --batch run per file", name, line, runLine)
			}
			runLine = line
			if err := json.Unmarshal(sc.Bytes(), &run.Run); err != nil {
				return run, fmt.Errorf("%s:%d: %s", name, line, oneLine(err.Error()))
			}
		case "snapshot":
			s, err := decodeSnapshot(sc.Bytes())
			if err != nil {
				return run, fmt.Errorf("%s:%d: %s", name, line, oneLine(err.Error()))
			}
			run.Add(s)
		case "surface":
			if len(run.Surfaces) == MaxSurfaces {
				return run, fmt.Errorf("%s:%d: more than %d surface lines (a run writes one per cost)", name, line, MaxSurfaces)
			}
			var s batch.SurfaceRecord
			if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
				return run, fmt.Errorf("%s:%d: %s", name, line, oneLine(err.Error()))
			}
			if err := checkSurface(s); err != nil {
				return run, fmt.Errorf("%s:%d: %s", name, line, err)
			}
			run.Surfaces = append(run.Surfaces, s)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return run, fmt.Errorf("%s:%d: a line longer than %d bytes (a --batch record is about 20 KB: is it a --batch JSON Lines file?)",
				name, line+1, MaxLineBytes)
		}
		return run, fmt.Errorf("%s: after line %d: %s", name, line, oneLine(err.Error()))
	}
	if len(run.Snapshots) == 0 && len(run.Surfaces) == 0 {
		return run, fmt.Errorf("%s: no snapshot lines (is it a --batch JSON Lines file?)", name)
	}
	return run, nil
}

// decodeSnapshot decodes one snapshot line, counting its layers before
// decoding them (a 1 MB line of "{}," would otherwise become 350,000
// layer records) and checking its histograms.
func decodeSnapshot(data []byte) (batch.SnapshotRecord, error) {
	var raw struct {
		batch.SnapshotRecord
		Layers []json.RawMessage `json:"layers"` // shadows the embedded field
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return batch.SnapshotRecord{}, err
	}
	s := raw.SnapshotRecord
	if len(raw.Layers) > nn.MaxDepth {
		return s, fmt.Errorf("a snapshot of %d layers; a network has at most %d", len(raw.Layers), nn.MaxDepth)
	}
	s.Layers = make([]batch.LayerRecord, len(raw.Layers))
	for i, l := range raw.Layers {
		if err := json.Unmarshal(l, &s.Layers[i]); err != nil {
			return s, fmt.Errorf("layer %d: %v", i+1, err)
		}
		for h, v := range s.Layers[i].Hists {
			if err := checkHist(v); err != nil {
				return s, fmt.Errorf("layer %d: %s: %v", i+1, batch.Hist(h).Key(), err)
			}
		}
	}
	return s, nil
}

// checkHist refuses a histogram no run writes: bins out of 1..MaxBins, an
// empty or reversed range, negative counts.
func checkHist(h *batch.HistValue) error {
	if h == nil {
		return nil
	}
	if n := len(h.Counts); n < 1 || n > MaxBins {
		return fmt.Errorf("%d bins (valid: 1..%d)", n, MaxBins)
	}
	if !(h.Lo < h.Hi) {
		return fmt.Errorf("range [%v, %v) is empty (lo must be below hi)", h.Lo, h.Hi)
	}
	if h.Under < 0 || h.Over < 0 || h.NaN < 0 {
		return fmt.Errorf("a negative count (under %d, over %d, nan %d)", h.Under, h.Over, h.NaN)
	}
	for i, c := range h.Counts {
		if c < 0 {
			return fmt.Errorf("bin %d has a negative count %d", i, c)
		}
	}
	return nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
