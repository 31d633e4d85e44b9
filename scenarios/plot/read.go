package plot

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"initscope/scenarios/batch"
)

// Read parses a --batch JSON Lines stream into a Run; name labels errors.
func Read(name string, r io.Reader) (Run, error) {
	var run Run
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<26)
	line := 0
	for sc.Scan() {
		line++
		var head struct{ Type string }
		if err := json.Unmarshal(sc.Bytes(), &head); err != nil {
			return run, fmt.Errorf("%s:%d: not JSON: %v", name, line, err)
		}
		var err error
		switch head.Type {
		case "run":
			err = json.Unmarshal(sc.Bytes(), &run.Run)
		case "snapshot":
			var s batch.SnapshotRecord
			err = json.Unmarshal(sc.Bytes(), &s)
			run.Snapshots = append(run.Snapshots, s)
		}
		if err != nil {
			return run, fmt.Errorf("%s:%d: %v", name, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return run, fmt.Errorf("%s: %v", name, err)
	}
	if len(run.Snapshots) == 0 {
		return run, fmt.Errorf("%s: no snapshot lines (is it a --batch JSON Lines file?)", name)
	}
	return run, nil
}
