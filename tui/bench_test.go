package tui

import (
	"context"
	"io"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"initscope/scenarios"
	"initscope/scenarios/batch"
	"initscope/scenarios/preset"
)

// BenchmarkLayersView renders the Layers view of 5 layers with 500
// snapshots of history at 160x48 (target: under 5 ms a frame).
func BenchmarkLayersView(b *testing.B) {
	sc := goldenScenario(b)
	d := fakeRun(sc, 500)
	st := NewStyles(asciiRenderer())
	b.ReportAllocs()
	for b.Loop() {
		renderLayers(d, 160, 48-5, st)
	}
}

// BenchmarkFrame is a whole frame as the tick draws it, per view.
func BenchmarkFrame(b *testing.B) {
	for v := range numViews {
		b.Run(viewNames[v], func(b *testing.B) {
			m := goldenModel(b, 160, 48)
			m.setView(v)
			for b.Loop() {
				m.draw()
			}
		})
	}
}

// benchScenario is the app's default at a fixed length.
func benchScenario(b *testing.B) scenarios.Scenario {
	sc, err := preset.Load(preset.DefaultName)
	if err != nil {
		b.Fatal(err)
	}
	sc.Steps = 3000
	return sc
}

// BenchmarkTrainingWithApp compares training throughput with the app open
// (trainer goroutine, the model ticking and drawing the Layers view ten
// times a second) against --batch's loop on the same scenario, and
// reports app/batch, the ratio of their throughputs (target: >= 0.9).
func BenchmarkTrainingWithApp(b *testing.B) {
	sc := benchScenario(b)
	var bare, app time.Duration
	for range b.N {
		r, err := scenarios.NewRunner(context.Background(), sc)
		if err != nil {
			b.Fatal(err)
		}
		w, _ := batch.NewWriter("jsonl", io.Discard)
		start := time.Now()
		if _, err := batch.Run(context.Background(), r, w, batch.Options{}); err != nil {
			b.Fatal(err)
		}
		bare += time.Since(start)

		m := New(Options{Scenario: sc, Renderer: asciiRenderer()})
		m.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
		tr := m.trainer(runMain)
		waitData(b, tr, func(d runData) bool { return d.State == statePaused })
		start = time.Now()
		tr.send(ctlMsg{op: ctlToggle})
		for {
			time.Sleep(frameRate)
			m.Update(tickMsg(time.Now()))
			_ = m.View()
			if m.data[runMain].State == stateDone {
				break
			}
		}
		app += time.Since(start)
		m.Close()
	}
	// Equal work, so the throughput ratio is the inverse time ratio. The
	// app's time is rounded up to the frame that saw it finish: at most
	// one frame (100 ms) of the total.
	b.ReportMetric(bare.Seconds()/app.Seconds(), "app/batch")
	b.ReportMetric(float64(sc.Steps*int64(sc.BatchSize)*int64(b.N))/app.Seconds(), "app-ex/s")
	b.ReportMetric(float64(sc.Steps*int64(sc.BatchSize)*int64(b.N))/bare.Seconds(), "batch-ex/s")
}

// BenchmarkFrameMaxSize is a whole frame per view at the largest size the
// app draws (MaxWidth x MaxHeight); the frame pacing keeps what it costs
// to about a quarter of a core.
func BenchmarkFrameMaxSize(b *testing.B) {
	for v := range numViews {
		b.Run(viewNames[v], func(b *testing.B) {
			m := goldenModel(b, MaxWidth, MaxHeight)
			m.setView(v)
			for b.Loop() {
				m.draw()
			}
			b.ReportMetric(float64(len(m.frame)), "frame-bytes")
		})
	}
}
