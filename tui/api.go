package tui

import (
	"context"

	"github.com/charmbracelet/lipgloss"

	"initscope/scenarios"
)

// Options configure one app instance. The terminal app uses the zero
// values; the SSH server sets a per-session renderer, caps and a shared
// worker pool.
type Options struct {
	Scenario scenarios.Scenario
	// Renderer draws every style (charts too); nil means lipgloss's default
	// renderer on stdout.
	Renderer *lipgloss.Renderer
	// Limits cap what a user may build; zero fields mean no cap.
	Limits Limits
	// Pool, when not nil, is acquired around every chunk of training steps,
	// so many sessions share a bounded number of cores fairly.
	Pool Pool
	// NoExport disables the export key (the SSH demo gives no file access).
	NoExport bool
	// OnPanic, when not nil, is told of a panic recovered in a goroutine
	// the app started (a run's trainer, an export). The run shows the
	// error's one line and stops; the app goes on. err is a *PanicError
	// carrying the stack. OnPanic is called from that goroutine, so it
	// must be safe for concurrent use; an SSH server logs it with the
	// session's name.
	OnPanic func(err error)
}

// Limits caps network size, run length and compute threads.
type Limits struct {
	MaxWidth, MaxDepth int
	MaxSteps           int64
	// MaxThreads caps each run's compute threads (the threads setting),
	// so that an SSH server's sessions training at once use at most its
	// cores; a run asking for 0 (every core) gets the cap.
	MaxThreads int
}

// of is the cap on the setting with the given key (0: none): Limits bound
// what a visitor may build, below the settings table's range.
func (l Limits) of(key string) float64 {
	switch key {
	case "depth":
		return float64(l.MaxDepth)
	case "width":
		return float64(l.MaxWidth)
	case "steps":
		return float64(l.MaxSteps)
	case "threads":
		return float64(l.MaxThreads)
	}
	return 0
}

// clamp caps a scenario to the limits. A setting whose 0 means "all there
// is" (Range.ZeroIsAll) is above any cap at 0.
func (l Limits) clamp(sc scenarios.Scenario) scenarios.Scenario {
	for _, st := range scenarios.Settings() {
		if c := l.of(st.Key); c > 0 {
			if v, ok := st.Number(&sc); ok && (v > c || v == 0 && st.Range != nil && st.Range.ZeroIsAll) {
				st.SetNumber(&sc, c)
			}
		}
	}
	return sc
}

// Pool is a bounded set of training slots shared by sessions.
type Pool interface {
	Acquire(ctx context.Context) error
	Release()
}
