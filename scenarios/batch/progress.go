package batch

import (
	"fmt"
	"io"
	"strings"
	"time"

	"initscope/scenarios"
)

// progress draws a one-line bar with rate and ETA, at most ten times a
// second, on a terminal. A nil progress draws nothing.
type progress struct {
	w     io.Writer
	total int64
	start time.Time
	last  time.Time
}

func newProgress(w io.Writer, total int64, start time.Time) *progress {
	if w == nil || total == 0 {
		return nil
	}
	return &progress{w: w, total: total, start: start}
}

// update draws the run so far (sum).
func (p *progress) update(sum scenarios.Summary) {
	if p == nil || time.Since(p.last) < 100*time.Millisecond && sum.Steps < p.total {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r%s", progressLine(sum.Steps, p.total, sum.ExamplesPerSecond(), time.Since(p.start)))
}

func (p *progress) finish() {
	if p != nil {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// progressLine renders "[=====>    ]  45% step 4500/10000  1234 ex/s  ETA 1m20s".
func progressLine(step, total int64, rate float64, elapsed time.Duration) string {
	const width = 30
	frac := float64(step) / float64(total)
	filled := int(frac * width)
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
	if filled < width {
		bar = bar[:filled] + ">" + bar[filled+1:]
	}
	eta := "?"
	if step > 0 {
		eta = (time.Duration(float64(elapsed) * (1 - frac) / frac)).Round(time.Second).String()
	}
	return fmt.Sprintf("[%s] %3.0f%% step %d/%d  %.0f ex/s  ETA %s\033[K", bar, 100*frac, step, total, rate, eta)
}
