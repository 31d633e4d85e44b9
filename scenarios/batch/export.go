package batch

import (
	"initscope/nn"
	"initscope/scenarios"
)

// WriteRun writes a run kept in memory (the app's Export) in the same
// order and form as Run: the run line, one line per snapshot, the summary.
// interrupted says the run stopped before its steps were done.
func WriteRun(w Writer, run RunRecord, snaps []nn.Snapshot, sum scenarios.Summary, interrupted bool) error {
	if err := w.Run(run); err != nil {
		return err
	}
	for _, s := range snaps {
		if err := w.Snapshot(NewSnapshotRecord(s)); err != nil {
			return err
		}
	}
	return w.Summary(newSummaryRecord(sum, interrupted))
}
