package batch

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// Writer receives a run's records in order: Run once, Snapshot per
// snapshot, Summary once. Each record is flushed as it is written, so a
// reader (or a crash) sees every finished snapshot.
type Writer interface {
	Run(RunRecord) error
	Snapshot(SnapshotRecord) error
	Summary(SummaryRecord) error
}

// Formats lists the output formats.
var Formats = []string{"jsonl", "csv"}

// NewWriter returns a writer of the named format ("jsonl" or "csv") on w.
func NewWriter(format string, w io.Writer) (Writer, error) {
	switch format {
	case "jsonl", "json":
		return &jsonlWriter{w: bufio.NewWriter(w)}, nil
	case "csv":
		return &csvWriter{w: csv.NewWriter(w)}, nil
	}
	return nil, fmt.Errorf("unknown format %q (valid: jsonl, csv)", format)
}

type jsonlWriter struct{ w *bufio.Writer }

func (j *jsonlWriter) line(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	j.w.Write(data)
	j.w.WriteByte('\n')
	return j.w.Flush()
}

func (j *jsonlWriter) Run(r RunRecord) error           { return j.line(r) }
func (j *jsonlWriter) Snapshot(s SnapshotRecord) error { return j.line(s) }
func (j *jsonlWriter) Summary(s SummaryRecord) error   { return j.line(s) }

// csvWriter writes the snapshots as a tidy table, one row per snapshot and
// layer; null values are empty fields. The run and summary lines have no
// place in it.
type csvWriter struct{ w *csv.Writer }

// CSVHeader is the CSV's first row: the snapshot's columns, the layer,
// and every statistic of the table in stats.go.
var CSVHeader = append([]string{"step", "examples", "train_loss", "test_error", "test_loss", "probe_loss", "snapshot_s", layerKey},
	statKeys()...)

func statKeys() []string {
	keys := make([]string, NumStats)
	for _, s := range Stats() {
		keys[s] = s.Key()
	}
	return keys
}

func (c *csvWriter) Run(RunRecord) error { return c.flush(c.w.Write(CSVHeader)) }

func (c *csvWriter) Snapshot(s SnapshotRecord) error {
	for _, l := range s.Layers {
		row := []string{strconv.FormatInt(s.Step, 10), strconv.FormatInt(s.Examples, 10),
			field(s.TrainLoss), field(s.TestError), field(s.TestLoss), field(s.ProbeLoss), field(s.SnapshotS), strconv.Itoa(l.Layer)}
		for _, v := range l.Stats {
			row = append(row, field(v))
		}
		if err := c.w.Write(row); err != nil {
			return err
		}
	}
	return c.flush(nil)
}

func (c *csvWriter) Summary(SummaryRecord) error { return nil }

func (c *csvWriter) flush(err error) error {
	if err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

func field(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'g', -1, 64)
}
