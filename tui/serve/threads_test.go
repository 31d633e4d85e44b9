package serve

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"initscope/scenarios"
	"initscope/scenarios/preset"
	"initscope/tui"
)

// Every cores x workers: at least one thread each, and with no more
// workers than cores the most threads such that the workers training at
// once use at most the cores.
func TestSessionThreads(t *testing.T) {
	for cores := 1; cores <= 64; cores++ {
		for workers := 1; workers <= 64; workers++ {
			th := SessionThreads(cores, workers)
			switch {
			case th < 1:
				t.Fatalf("%d cores, %d workers: %d threads", cores, workers, th)
			case workers > cores && th != 1:
				t.Errorf("%d cores, %d workers: %d threads, want 1", cores, workers, th)
			case workers <= cores && (workers*th > cores || workers*(th+1) <= cores):
				t.Errorf("%d cores, %d workers: %d threads each, %d in all", cores, workers, th, workers*th)
			}
		}
	}
}

// trainingApp stands in for the app's trainer: it holds a pool slot for a
// moment, over and over, counting the threads its run would use while it
// holds it (its scenario as the app would clamp it).
type trainingApp struct{}

func (trainingApp) Init() tea.Cmd                         { return nil }
func (m trainingApp) Update(tea.Msg) (tea.Model, tea.Cmd) { return m, nil }
func (trainingApp) View() string                          { return "training." }

// threadMeter is what the sessions' stand-in trainers share.
type threadMeter struct {
	mu           sync.Mutex
	active, peak int // threads of the runs holding a slot now, and at most
	rounds       atomic.Int64
	seen         []tui.Options
}

func (tm *threadMeter) app(opt tui.Options) (tea.Model, func()) {
	tm.mu.Lock()
	tm.seen = append(tm.seen, opt)
	tm.mu.Unlock()
	threads := opt.Scenario.Threads
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil && opt.Pool.Acquire(ctx) == nil {
			tm.mu.Lock()
			tm.active += threads
			tm.peak = max(tm.peak, tm.active)
			tm.mu.Unlock()
			time.Sleep(2 * time.Millisecond) // a chunk of training steps
			tm.mu.Lock()
			tm.active -= threads
			tm.mu.Unlock()
			opt.Pool.Release()
			tm.rounds.Add(1)
		}
	}()
	return trainingApp{}, func() { cancel(); <-done }
}

// Sessions on a real server over loopback: each is given the thread cap
// SessionThreads(cores, workers), its starting scenario (asking for 64
// threads) is capped to it, and the runs holding the pool's slots at once
// never use more threads than the cores (with 2 workers on 1 core, the one
// case where they may, 1 thread each).
func TestSessionsShareTheCores(t *testing.T) {
	cores, workers := runtime.GOMAXPROCS(0), 2
	opt := testOptions(t)
	opt.Workers = workers
	sc, _ := preset.Lookup(preset.DefaultName)
	sc.Threads = scenarios.MaxThreads
	meter := &threadMeter{}
	ts := startServerConfig(t, Config{Options: opt, Scenario: sc, App: meter.app})
	for range opt.MaxSessions {
		openTerm(t, ts.addr, 80, 24).expect("training.", 10*time.Second)
	}
	for deadline := time.Now().Add(30 * time.Second); meter.rounds.Load() < 200; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d rounds of training in 30 s, want 200", meter.rounds.Load())
		}
	}
	want := SessionThreads(cores, workers)
	meter.mu.Lock()
	defer meter.mu.Unlock()
	for _, o := range meter.seen {
		if o.Limits.MaxThreads != want || o.Scenario.Threads != want {
			t.Errorf("a session got the thread cap %d and a scenario of %d threads, want %d on %d cores with %d workers",
				o.Limits.MaxThreads, o.Scenario.Threads, want, cores, workers)
		}
	}
	bound := max(cores, workers)
	if meter.peak > bound || meter.peak < 2*want {
		t.Errorf("at most %d threads trained at once, want %d (%d workers of %d threads) and at most %d (%d cores)",
			meter.peak, 2*want, workers, want, bound, cores)
	}
	waitLog(t, ts, "listening", fmt.Sprintf("threads_per_session=%d", want))
}
