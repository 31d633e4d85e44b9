package sweep

import (
	"context"
	"encoding/json"
	"io"
	"math"

	"initscope/nn"
	"initscope/scenarios"
)

// ValidationExamples is how many examples held out from training a sweep
// run's network is scored on when it finishes: the data set's probe split
// (MNIST's and Fashion-MNIST's last 10,000 training images, CIFAR-10's
// held-out training batch, Shapeset's own stream), never the test set. The
// report chooses learning rates on it, as the paper chose them on
// validation error. Two thousand examples put the error's standard error
// near 1 point at 50%.
const ValidationExamples = 2000

// evalChunk is the probe buffers' size the validation pass goes through:
// nn.Stats.Evaluate takes any number of examples through them in chunks,
// so the pass costs the memory of evalChunk examples, not of them all.
const evalChunk = 100

// ValidationRecord is the line a sweep run's file holds before its
// summary: the final network's error and mean cost on held-out examples.
type ValidationRecord struct {
	Type     string   `json:"type"` // "validation"
	Examples int      `json:"examples"`
	Error    *float64 `json:"error"`
	Loss     *float64 `json:"loss"`
}

// validate scores r's network on ValidationExamples held-out examples
// (fewer when the split is smaller: the scenario's probe count). ok is
// false when the data set holds no such split.
func validate(ctx context.Context, r *scenarios.Runner) (rec ValidationRecord, ok bool, err error) {
	val, err := r.Data.Probe(ctx, ValidationExamples)
	if err != nil {
		if ctx.Err() != nil {
			return rec, false, ctx.Err()
		}
		if val, err = r.Data.Probe(ctx, r.Scenario.Probe); err != nil {
			return rec, false, ctx.Err()
		}
	}
	chunk := min(val.N, evalChunk)
	st, err := nn.NewStats(ctx, r.Net, val.X[:chunk*val.Dim], val.Y[:chunk], chunk, r.Resolved.Cost,
		nn.StatsOptions{Threads: r.Scenario.Threads})
	if err != nil {
		return rec, false, err
	}
	e, loss, err := st.Evaluate(ctx, val.X, val.Y, val.N)
	if err != nil {
		return rec, false, err
	}
	return ValidationRecord{Type: "validation", Examples: val.N, Error: finite(e), Loss: finite(loss)}, true, nil
}

func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func writeLine(w io.Writer, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}
