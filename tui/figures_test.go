package tui

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"initscope/nn"
)

// figureFiles are the figures --plots draws for a trained run with
// histograms (scenarios/plot.figures), sorted.
var figureFiles = []string{"activations.png", "gradients.png", "hist-first.png", "hist-last.png", "learning.png", "theory.png"}

// checkPNG fails unless path is a PNG of at least 500x500 pixels whose
// pixels are not nearly all one colour: a figure draws lines and text over
// a white page, so at least 1% of its pixels differ from the most common
// colour and it has more than a handful of colours (anti-aliasing).
func checkPNG(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b := img.Bounds()
	if b.Dx() < 500 || b.Dy() < 500 {
		t.Errorf("%s is %v, want at least 500x500", path, b)
	}
	counts := map[[4]uint32]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			counts[[4]uint32{r, g, bl, a}]++
		}
	}
	most := 0
	for _, n := range counts {
		most = max(most, n)
	}
	if other := b.Dx()*b.Dy() - most; other*100 < b.Dx()*b.Dy() || len(counts) < 16 {
		t.Errorf("%s: %d colours, %d of %d pixels differ from the most common: want a drawn figure", path, len(counts), other, b.Dx()*b.Dy())
	}
}

// A real tiny run trained to its end (snapshots at 0, 10, 20, 25) gets,
// in a new directory named like its export, the six figures --plots draws
// for a run with histograms (the app records them whatever the scenario
// says), each a real drawing.
func TestFiguresOfARealRun(t *testing.T) {
	_, tr := pausedTrainer(t)
	tr.send(ctlMsg{op: ctlToggle})
	waitData(t, tr, func(d runData) bool { return d.State == stateDone })
	dir := t.TempDir()
	now := time.Date(2026, 11, 27, 11, 5, 0, 0, time.UTC)
	msg := writeFigures([]figureRun{{t: tr}}, dir, now, nil)
	if msg.Err != nil {
		t.Fatal(msg.Err)
	}
	want := filepath.Join(dir, "initscope-tiny-20261127-110500-figures")
	if len(msg.Dirs) != 1 || msg.Dirs[0] != want || msg.N != len(figureFiles) {
		t.Fatalf("got %+v, want %d figures in %s", msg, len(figureFiles), want)
	}
	if s := msg.String(); s != "wrote 6 figures to "+want {
		t.Errorf("message %q", s)
	}
	entries, err := os.ReadDir(want)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		checkPNG(t, filepath.Join(want, e.Name()))
	}
	if !slices.Equal(names, figureFiles) {
		t.Errorf("wrote %v, want %v", names, figureFiles)
	}
	if os.Getenv("FIGURES_KEEP") != "" { // to look at them: FIGURES_KEEP=DIR go test -run TestFiguresOfARealRun
		again := writeFigures([]figureRun{{t: tr}}, os.Getenv("FIGURES_KEEP"), now, nil)
		t.Logf("kept: %s", again)
	}

	// A second press in the same second gets a directory of its own.
	msg = writeFigures([]figureRun{{t: tr}}, dir, now, nil)
	if msg.Err != nil || len(msg.Dirs) != 1 || msg.Dirs[0] != filepath.Join(dir, "initscope-tiny-20261127-110500-2-figures") {
		t.Errorf("second press: %+v", msg)
	}
}

// Figures taken while the run trains read a consistent copy: they draw
// the snapshots of one moment (the race detector watches the history).
func TestFiguresWhileTraining(t *testing.T) {
	sc := tinyScenario(t)
	sc.Steps, sc.Every = 100000, 1
	tr := startTrainer(sc, nil)
	t.Cleanup(tr.stop)
	waitData(t, tr, func(d runData) bool { return d.State == statePaused })
	tr.send(ctlMsg{op: ctlToggle})
	waitData(t, tr, func(d runData) bool { return len(d.Snaps) > 20 })
	msg := writeFigures([]figureRun{{t: tr}}, t.TempDir(), time.Now(), nil)
	if msg.Err != nil || msg.N != len(figureFiles) {
		t.Fatalf("%+v, want %d figures", msg, len(figureFiles))
	}
}

// An unwritable place, a run not built yet and a run reset while drawn
// each give one line naming what happened.
func TestFiguresErrors(t *testing.T) {
	_, tr := pausedTrainer(t)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// A file where the directory should be: unwritable even for root.
	msg := writeFigures([]figureRun{{t: tr}}, file, time.Now(), nil)
	s := msg.String()
	if msg.Err == nil || len(msg.Dirs) != 0 || strings.Contains(s, "\n") ||
		!strings.HasPrefix(s, "figures failed: mkdir "+file+"/initscope-tiny-") || !strings.Contains(s, "not a directory") {
		t.Errorf("into a file: %+v, message %q; want one line naming the directory", msg, s)
	}

	building := &trainer{data: runData{State: stateBuilding}, done: make(chan struct{})}
	msg = writeFigures([]figureRun{{t: building}}, t.TempDir(), time.Now(), nil)
	if msg.Err == nil || msg.String() != "figures failed: nothing to draw yet: the network is still being built" {
		t.Errorf("building: %q", msg)
	}

	stopped := &trainer{data: runData{State: statePaused, Snaps: tr.read().Snaps}, record: tr.record, done: make(chan struct{})}
	close(stopped.done)
	msg = writeFigures([]figureRun{{t: stopped}}, t.TempDir(), time.Now(), nil)
	dir := t.TempDir()
	msg = writeFigures([]figureRun{{t: stopped}}, dir, time.Now(), nil)
	if msg.Err == nil || msg.N != 0 || len(msg.Dirs) != 0 || msg.String() != "figures failed: stopped: the run was reset or closed while its figures were drawn" {
		t.Errorf("stopped run: %+v, %q", msg, msg)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a stopped run left %v behind", entries)
	}
}

// syntheticTrainer holds n snapshots made from one of a real tiny run's,
// as a long run's history looks to the figures: histograms on every 8th
// and on the latest, as the app's thinning leaves them.
func syntheticTrainer(tb testing.TB, n, depth int) *trainer {
	tb.Helper()
	sc := tinyScenario(tb)
	sc.Depth = depth
	tr := startTrainer(sc, nil)
	defer tr.stop()
	d := waitData(tb, tr, func(d runData) bool { return d.State == statePaused })
	tr.mu.Lock()
	rec := tr.record
	tr.mu.Unlock()
	base := d.Snaps[0]
	snaps := make([]nn.Snapshot, n)
	for i := range snaps {
		s := base
		s.Step, s.Examples = int64(i), int64(10*i)
		s.TrainLoss, s.TestError = 2/float64(i+1), 0.9/float64(i+1)
		s.Layers = slices.Clone(base.Layers)
		for l := range s.Layers {
			s.Layers[l].ActStd *= 1 + float64(i%50)/100
			if i%8 != 0 && i != n-1 {
				s.Layers[l].ActHist, s.Layers[l].GradHist, s.Layers[l].WGradHist = nil, nil, nil
			}
		}
		snaps[i] = s
	}
	return &trainer{data: runData{State: statePaused, Snaps: snaps}, record: rec, done: make(chan struct{})}
}

// The longest history the app keeps (maxSnaps snapshots) is drawn in
// bounded time. Measure:
//
//	go test ./tui -run '^$' -bench BenchmarkFigures -benchtime 3x
func BenchmarkFigures(b *testing.B) {
	for _, c := range []struct{ n, depth int }{{4, 3}, {maxSnaps, 3}, {maxSnaps, 20}} {
		tr := syntheticTrainer(b, c.n, c.depth)
		b.Run(fmt.Sprintf("snapshots=%d/layers=%d", c.n, c.depth), func(b *testing.B) {
			for b.Loop() {
				if msg := writeFigures([]figureRun{{t: tr}}, b.TempDir(), time.Now(), nil); msg.Err != nil || msg.N != len(figureFiles) {
					b.Fatalf("%+v", msg)
				}
			}
		})
	}
}

// The key's command: figures of the run on screen into the export
// directory, the message saying where; one at a time with exports; and
// with NoExport (the SSH server) no file is touched, the message says so.
func TestFiguresCommand(t *testing.T) {
	m := New(Options{Scenario: tinyScenario(t)})
	defer m.Close()
	m.exportDir = t.TempDir()
	waitData(t, m.trainer(runMain), func(d runData) bool { return d.State == statePaused })
	cmd := m.figures()
	if cmd == nil || !m.exporting {
		t.Fatal("no command, or not marked busy")
	}
	if again := m.figures(); again != nil || !strings.Contains(m.message, "being written") {
		t.Errorf("a second press while busy: %v, %q", again, m.message)
	}
	msg, ok := cmd().(figuresMsg)
	if !ok || msg.Err != nil || len(msg.Dirs) != 1 || !strings.HasPrefix(msg.Dirs[0], filepath.Join(m.exportDir, "initscope-tiny-")) {
		t.Fatalf("%+v", msg)
	}
	m.figuresDone(msg)
	// One snapshot (step 0): theory and the step-0 histograms, as --plots.
	if m.exporting || m.messageBad || m.message != "wrote 2 figures to "+msg.Dirs[0] {
		t.Errorf("after: busy %v, message %q (bad %v)", m.exporting, m.message, m.messageBad)
	}

	off := New(Options{Scenario: tinyScenario(t), NoExport: true})
	defer off.Close()
	off.exportDir = t.TempDir()
	if cmd := off.figures(); cmd != nil || !off.messageBad || !strings.Contains(off.message, "disabled") {
		t.Errorf("NoExport: %v, %q", cmd, off.message)
	}
	if entries, _ := os.ReadDir(off.exportDir); len(entries) != 0 {
		t.Errorf("NoExport wrote %v", entries)
	}
}

// In the Compare view both compared runs are drawn, each into its own
// directory, tagged so that the same scenario at the same second does not
// collide.
func TestFiguresCompare(t *testing.T) {
	m := New(Options{Scenario: tinyScenario(t)})
	defer m.Close()
	m.exportDir = t.TempDir()
	m.setView(viewCompare)
	for _, run := range []int{runA, runB} {
		waitData(t, m.trainer(run), func(d runData) bool { return d.State == statePaused })
	}
	msg := m.figures()().(figuresMsg)
	if msg.Err != nil || len(msg.Dirs) != 2 || !strings.HasSuffix(msg.Dirs[0], "-compare-a-figures") || !strings.HasSuffix(msg.Dirs[1], "-compare-b-figures") {
		t.Fatalf("%+v", msg)
	}
	if !strings.Contains(msg.String(), " and ") {
		t.Errorf("message %q names one directory", msg)
	}
}

// A panic while drawing is the message's error, the embedding program is
// told once, and the message stays one line.
func TestFiguresPanic(t *testing.T) {
	hook := func(s string) {
		if s == "figures" {
			panic("disk on fire\nsecond line")
		}
	}
	faultHook.Store(&hook)
	defer faultHook.Store(nil)
	var told atomic.Int32
	_, tr := pausedTrainer(t)
	msg := writeFigures([]figureRun{{t: tr}}, t.TempDir(), time.Now(), func(error) { told.Add(1) })
	var pe *PanicError
	if !errors.As(msg.Err, &pe) || pe.Where != "figures" || told.Load() != 1 || strings.Contains(msg.String(), "\n") {
		t.Errorf("error %v, told %d times, message %q; want a *PanicError in figures, told once, one line", msg.Err, told.Load(), msg)
	}
}

// The f key: pressed in the app, its command's message comes back
// through Update and the frame says where the figures went.
func TestFiguresKey(t *testing.T) {
	m := New(Options{Scenario: tinyScenario(t)})
	defer m.Close()
	m.exportDir = t.TempDir()
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 48})
	waitData(t, m.trainer(runMain), func(d runData) bool { return d.State == statePaused })
	_, cmd := m.Update(press("f"))
	if cmd == nil {
		t.Fatal("f gave no command")
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok { // the figures' command beside others (a tick)
		msg = nil
		for _, c := range batch {
			if c == nil {
				continue
			}
			if f, isFig := c().(figuresMsg); isFig {
				msg = f
			}
		}
	}
	if _, ok := msg.(figuresMsg); !ok {
		t.Fatalf("f's command gave %T, not the figures' message", msg)
	}
	m.Update(msg)
	if view := m.View(); !strings.Contains(view, "wrote 2 figures to") {
		t.Errorf("after f, the frame does not say where the figures went:\n%s", view)
	}
}
