package batch

import (
	"initscope/nn"
	"initscope/scenarios"
)

// WriteRun writes a run an engine drove and the caller kept in memory (the
// app's export) through a Recorder, as Run writes it live: run is the run
// line taken at its start, then the snapshots, then the summary.
func WriteRun(w Writer, run RunRecord, snaps []nn.Snapshot, sum scenarios.Summary) error {
	if err := w.Run(run); err != nil {
		return err
	}
	o := Recorder{w}
	for _, s := range snaps {
		if err := o.Snapshot(s); err != nil {
			return err
		}
	}
	return o.Summary(sum)
}
