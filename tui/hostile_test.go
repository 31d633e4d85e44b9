package tui

import (
	"errors"
	"io"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"initscope/scenarios/preset"
)

// What a hostile client can send the app, and what it must cost: a
// bounded frame, bounded work per message, one network per run however
// often it is reset, and a panic that ends a run, not the process.

// hostileSizes are window sizes a client may claim (an SSH window-change
// carries two uint32s).
var hostileSizes = [][2]int{
	{4294967295, 4294967295}, {50_000_000, 50_000_000}, {math.MaxInt, 1}, {1, math.MaxInt},
	{0, 0}, {-1, -1}, {math.MinInt, math.MinInt}, {-4294967295, 24}, {80, -5},
	{MaxWidth + 1, MaxHeight + 1}, {1, 1}, {MinWidth - 1, MinHeight - 1},
}

// Bounds on a frame's length, from the clamp: at most MaxHeight lines of
// MaxWidth cells. A cell is at most one 4-byte rune without color; with
// 24-bit color a style can change at every cell (an SGR sequence of at
// most 19 bytes, "\x1b[38;2;255;255;255m", plus a 4-byte reset), so 32
// bytes a cell is an upper bound.
const (
	maxFrameASCII = MaxHeight * (4*MaxWidth + 1)
	maxFrameColor = MaxHeight * (32*MaxWidth + 1)
)

// screens are every view and panel, as the keys that open them.
var screens = [][]string{{"1"}, {"2"}, {"3"}, {"4"}, {"5"}, {"6"}, {"?"}, {"c", "down"}, {"o"}}

func colorRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	r.SetHasDarkBackground(true)
	return r
}

// checkFrame fails unless m's size is clamped and its frame is within the
// bounds (maxBytes for the whole frame).
func checkFrame(tb testing.TB, m *Model, maxBytes int, what string) {
	tb.Helper()
	if m.width < 0 || m.width > MaxWidth || m.height < 0 || m.height > MaxHeight {
		tb.Fatalf("%s: size %dx%d outside [0, %d] x [0, %d]", what, m.width, m.height, MaxWidth, MaxHeight)
	}
	v := m.View()
	if len(v) > maxBytes {
		tb.Fatalf("%s: frame of %d bytes, bound %d", what, len(v), maxBytes)
	}
	if n := strings.Count(v, "\n") + 1; n > max(1, m.height) {
		tb.Fatalf("%s: %d lines in a terminal %d high", what, n, m.height)
	}
}

// TestHostileSizes gives every screen each size a client may claim: the
// size is clamped and the frame stays within the bound the clamp gives.
func TestHostileSizes(t *testing.T) {
	for _, size := range hostileSizes {
		for _, keys := range screens {
			m := goldenModel(t, 120, 40)
			for _, k := range keys {
				m.Update(press(k))
			}
			m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			checkFrame(t, m, maxFrameASCII, sprintf("%v at %dx%d", keys, size[0], size[1]))
		}
	}
	// With 24-bit color, at the largest size.
	for _, keys := range screens {
		sc := goldenScenario(t)
		m := newModel(Options{Scenario: sc, Renderer: colorRenderer()}, false)
		m.Close()
		m.Update(dataMsg{Run: runMain, Data: fakeRun(sc, 60)})
		a, b := compareDefaults(sc)
		m.Update(dataMsg{Run: runA, Data: fakeRun(a, 60)})
		m.Update(dataMsg{Run: runB, Data: fakeRun(b, 60)})
		m.Update(tea.WindowSizeMsg{Width: 4294967295, Height: 4294967295})
		for _, k := range keys {
			m.Update(press(k))
		}
		checkFrame(t, m, maxFrameColor, sprintf("color %v", keys))
		if m.width != MaxWidth || m.height != MaxHeight {
			t.Errorf("4294967295 x 4294967295 clamped to %dx%d, want %dx%d", m.width, m.height, MaxWidth, MaxHeight)
		}
	}
}

func FuzzWindowSize(f *testing.F) {
	for _, s := range hostileSizes {
		f.Add(s[0], s[1])
	}
	m := goldenModel(f, 120, 40)
	f.Fuzz(func(t *testing.T, w, h int) {
		m.Update(tea.WindowSizeMsg{Width: w, Height: h})
		checkFrame(t, m, maxFrameASCII, sprintf("%dx%d", w, h))
	})
}

// FuzzKeys types or pastes any text into the app showing fixed data.
func FuzzKeys(f *testing.F) {
	f.Add("r", false)
	f.Add("6rrrrab", false)
	f.Add("c\x1b[B+++++\r", false)
	f.Add(strings.Repeat("r", 1000), true)
	f.Add(strings.Repeat("o\r6ab", 100), false)
	f.Fuzz(func(t *testing.T, s string, paste bool) {
		m := goldenModel(t, 120, 40)
		m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s), Paste: paste})
		for _, r := range s {
			m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
		}
		checkFrame(t, m, maxFrameASCII, "after keys")
	})
}

// liveHeap is the heap in use after the collector has settled.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// settle waits until every run of m is built and no more than n
// goroutines are left (the count at rest: replaced trainers have ended).
func settle(tb testing.TB, m *Model, n int) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		ok := runtime.NumGoroutine() <= n
		for run := range numRuns {
			if tr := m.trainer(run); tr != nil && tr.read().State == stateBuilding {
				ok = false
			}
		}
		if ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.Fatalf("runs never settled: %d goroutines, %d wanted", runtime.NumGoroutine(), n)
}

// peakHeap samples the heap until stopped and returns the largest seen.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak.Store(max(peak.Load(), ms.HeapAlloc))
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

const mb = 1 << 20

// TestResetFlood presses r 500 times as fast as Update takes them, in the
// main view and in the Compare view (two runs), on the app's default
// scenario. Each run holds one network at a time and the burst builds
// once, so the heap once the runs are built again is that of one session
// at rest (bound: 3x), and trainers building at once never outnumber runs.
func TestResetFlood(t *testing.T) {
	sc, ok := preset.Lookup(preset.DefaultName)
	if !ok {
		t.Fatal("no default preset")
	}
	for _, c := range []struct {
		name, view string
		runs       int64 // runs with a network
		reset      int64 // trainers r launches: the compared runs have one, their crew (compare_train.go)
	}{{"main", "1", 1, 1}, {"compare", "6", 3, 1}} {
		t.Run(c.name, func(t *testing.T) {
			base := liveHeap()
			m := New(Options{Scenario: sc, Renderer: asciiRenderer()})
			defer m.Close()
			m.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
			m.Update(press(c.view))
			settle(t, m, math.MaxInt)
			rest := runtime.NumGoroutine()
			one := liveHeap() - base
			builds.peak.Store(builds.live.Load())
			started, launched := builds.started.Load(), builds.launched.Load()

			stop := peakHeap()
			for range 500 {
				m.Update(press("r"))
			}
			settle(t, m, rest+1) // and the sampler
			peak := stop() - base
			after := liveHeap() - base
			started, launched = builds.started.Load()-started, builds.launched.Load()-launched
			t.Logf("one session at rest %.1f MiB; after 500 resets %.1f MiB (peak %.1f MiB); %d trainers launched, %d built, at most %d building or built at once",
				float64(one)/mb, float64(after)/mb, float64(peak)/mb, launched, started, builds.peak.Load())
			if after > 3*one {
				t.Errorf("after 500 resets the heap is %.1f MiB, more than 3x one session at rest (%.1f MiB)", float64(after)/mb, float64(one)/mb)
			}
			if p := builds.peak.Load(); p > c.runs {
				t.Errorf("%d networks at once for %d runs", p, c.runs)
			}
			if launched != 500*c.reset {
				t.Errorf("%d trainers launched, want %d", launched, 500*c.reset)
			}
			if started > 25*c.reset {
				t.Errorf("500 resets built %d networks, want at most %d", started, 25*c.reset)
			}
		})
	}
}

// TestTrainerPanic makes a trainer panic while training and while
// building: the run shows the panic as its error in one line, the
// embedding program is told once, and the app goes on.
func TestTrainerPanic(t *testing.T) {
	for _, stage := range []string{"build", "step"} {
		t.Run(stage, func(t *testing.T) {
			hook := func(s string) {
				if s == stage {
					panic("boom\n\tat the " + s)
				}
			}
			faultHook.Store(&hook)
			defer faultHook.Store(nil)
			var mu sync.Mutex
			var told []error
			m := New(Options{Scenario: tinyScenario(t), Renderer: asciiRenderer(), OnPanic: func(err error) {
				mu.Lock()
				defer mu.Unlock()
				told = append(told, err)
			}})
			defer m.Close()
			m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
			tr := m.trainer(runMain)
			if stage == "step" {
				waitData(t, tr, func(d runData) bool { return d.State == statePaused })
				m.Update(press(" "))
			}
			d := waitData(t, tr, func(d runData) bool { return d.State == stateFailed })
			var pe *PanicError
			if !errors.As(d.Err, &pe) || pe.Where != "main run" || len(pe.Stack) == 0 {
				t.Fatalf("run error %v (%T), want a *PanicError in the main run with a stack", d.Err, d.Err)
			}
			want := "internal error in main run: boom at the " + stage
			if msg := d.Err.Error(); !strings.HasPrefix(msg, want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line starting %q", msg, want)
			}
			mu.Lock()
			if len(told) != 1 || told[0] != d.Err {
				t.Errorf("OnPanic told %v, want the run's error once", told)
			}
			mu.Unlock()
			m.Update(tickMsg(time.Now()))
			if v := m.View(); !strings.Contains(v, want) || strings.Contains(v, "cannot build") {
				t.Errorf("the screen does not show the error as a panic:\n%s", v)
			}
			// The app goes on: a reset builds a run that works.
			faultHook.Store(nil)
			m.Update(press("r"))
			waitData(t, m.trainer(runMain), func(d runData) bool { return d.State == statePaused })
		})
	}
}

func TestExportPanic(t *testing.T) {
	hook := func(s string) {
		if s == "export" {
			panic("disk on fire")
		}
	}
	faultHook.Store(&hook)
	defer faultHook.Store(nil)
	var told atomic.Int32
	tr := startTrainer(tinyScenario(t), nil)
	defer tr.stop()
	msg := exportRun(tr, t.TempDir(), time.Now(), func(error) { told.Add(1) })
	var pe *PanicError
	if !errors.As(msg.Err, &pe) || pe.Where != "export" || told.Load() != 1 {
		t.Errorf("export error %v, told %d times; want a *PanicError in export, told once", msg.Err, told.Load())
	}
}

// pasteText is 100,000 runes of keys in a cycle that reaches every
// command: reset, export, the scenario picker, settings, the Compare view
// and its panels, confirmations, help; then every printable ASCII key but
// q (quit), a few others, and enter and escape (so panels open and close).
func pasteText() []rune {
	cycle := "\x1brre" + "oj\ry" + "6rr" + "ajj++\ry" + "c--\r\x1b"
	for r := rune(' '); r <= '~'; r++ {
		if r != 'q' {
			cycle += string(r)
		}
	}
	cycle += "é☃\t\r\x1b"
	text := []rune(strings.Repeat(cycle, 100_000/utf8.RuneCountInString(cycle)+1))
	return text[:100_000]
}

// keyOf is the message Bubble Tea sends for r typed alone.
func keyOf(r rune) tea.KeyMsg {
	switch r {
	case '\r':
		return tea.KeyMsg{Type: tea.KeyEnter}
	case '\x1b':
		return tea.KeyMsg{Type: tea.KeyEsc}
	case '\t':
		return tea.KeyMsg{Type: tea.KeyTab}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}
}

// TestPasteFlood pastes 100 KB into the app: as one bracketed paste (not
// commands: nothing happens), as one message of typed runes (only the
// first maxKeysPerMsg act, in one frame), and as 100,000 messages (every
// key acts, but frames, exports and builds stay bounded).
func TestPasteFlood(t *testing.T) {
	text := pasteText()
	sc := tinyScenario(t)
	base := liveHeap()
	// The SSH demo's caps: the keys may change the networks, within them.
	m := New(Options{Scenario: sc, Renderer: asciiRenderer(), Limits: Limits{MaxWidth: 64, MaxDepth: 3, MaxSteps: 1000}})
	m.exportDir = t.TempDir()
	defer m.Close()
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
	m.Update(press("6"))
	settle(t, m, math.MaxInt)
	rest := runtime.NumGoroutine()
	one := liveHeap() - base

	launched := builds.launched.Load()
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: text, Paste: true})
	if m.view != viewCompare || m.overlay != nil || builds.launched.Load() != launched {
		t.Errorf("a paste acted: view %d, overlay %T, %d trainers launched", m.view, m.overlay, builds.launched.Load()-launched)
	}
	// The paste may itself draw a frame (on a loaded machine the pacing gap
	// has passed by then): count only the next message's.
	frames := m.frames

	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("r", len(text)))})
	if n := builds.launched.Load() - launched; n > 2*maxKeysPerMsg {
		t.Errorf("one message of 100,000 runes launched %d trainers, want at most %d", n, 2*maxKeysPerMsg)
	}
	if n := m.frames - frames; n > 1 {
		t.Errorf("one message drew %d frames", n)
	}

	launched, frames = builds.launched.Load(), m.frames
	started := builds.started.Load()
	builds.peak.Store(builds.live.Load())
	exports := 0
	for _, r := range text {
		_, cmd := m.Update(keyOf(r))
		if r == 'e' && cmd != nil {
			exports++
		}
	}
	settle(t, m, rest)
	after := liveHeap() - base
	t.Logf("100,000 key messages: %d frames drawn, %d trainers launched, %d built, %d exports; heap %.1f MiB after, %.1f MiB at rest",
		m.frames-frames, builds.launched.Load()-launched, builds.started.Load()-started, exports, float64(after)/mb, float64(one)/mb)
	if exports > 1 {
		t.Errorf("%d exports started while the first was being written", exports)
	}
	if n := m.frames - frames; n > len(text)/10 {
		t.Errorf("%d frames drawn for %d keys", n, len(text))
	}
	if p := builds.peak.Load(); p > numRuns {
		t.Errorf("%d networks at once for %d runs", p, numRuns)
	}
	// The keys may have made the networks larger, within the caps: 16 MiB
	// of room above the 3x of TestResetFlood.
	if after > 3*one+16*mb {
		t.Errorf("heap %.1f MiB after the keys, more than 3x one session at rest (%.1f MiB) + 16 MiB", float64(after)/mb, float64(one)/mb)
	}
	checkFrame(t, m, maxFrameASCII, "after the paste")
}

// TestQuitEndsTypedKeys: keys typed after q in one message do not act.
func TestQuitEndsTypedKeys(t *testing.T) {
	m := goldenModel(t, 120, 40)
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("q6")})
	if !m.quitting || m.view != viewLayers {
		t.Errorf("after \"q6\": quitting %v, view %d", m.quitting, m.view)
	}
}
