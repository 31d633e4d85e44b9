package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"initscope/scenarios/batch"
	"initscope/scenarios/plot"
)

// figuresMsg reports the figures written for the runs on screen: one
// directory per run, N files in all, or the one-line error that stopped it.
type figuresMsg struct {
	Dirs []string
	N    int
	Err  error
}

// String is the message the app shows for msg.
func (msg figuresMsg) String() string {
	if msg.Err != nil && msg.N > 0 {
		return fmt.Sprintf("figures failed after %d written to %s: %s", msg.N, strings.Join(msg.Dirs, " and "), oneLine(msg.Err.Error()))
	}
	if msg.Err != nil {
		return "figures failed: " + oneLine(msg.Err.Error())
	}
	return fmt.Sprintf("wrote %d figures to %s", msg.N, strings.Join(msg.Dirs, " and "))
}

// figures writes the PNG figures of the runs on screen (both compared runs
// in the Compare view, the main run elsewhere), the set --plots writes,
// each run into a new directory beside where export writes. It shares
// export's one-at-a-time flag; figuresDone clears it. With NoExport it
// only says that files are off.
func (m *Model) figures() tea.Cmd {
	if m.opt.NoExport {
		m.say(true, "figures are disabled here (no file access in this session)")
		return nil
	}
	if m.exporting {
		m.say(false, "an export is being written: press the key again when it is done")
		return nil
	}
	var runs []figureRun
	for _, run := range m.activeRuns() {
		if t := m.trainer(run); t != nil {
			runs = append(runs, figureRun{t, figureTags[run]})
		}
	}
	if len(runs) == 0 {
		m.say(true, "no figures: no run on screen yet")
		return nil
	}
	m.exporting = true
	dir, now, onPanic := m.exportDir, time.Now(), m.opt.OnPanic
	return func() tea.Msg { return writeFigures(runs, dir, now, onPanic) }
}

// figuresDone shows msg and lets the next export or figures start.
func (m *Model) figuresDone(msg figuresMsg) {
	m.exporting = false
	m.say(msg.Err != nil, "%s", msg.String())
}

// figureTags tell the compared runs' directories apart: both are written
// at the same moment, often of the same scenario.
var figureTags = [numRuns]string{runMain: "", runA: "compare-a", runB: "compare-b", runC: "compare-c", runD: "compare-d"}

// figureRun is one run to draw; tag tells two runs of one moment apart in
// the directory name ("" for the main run).
type figureRun struct {
	t   *trainer
	tag string
}

// writeFigures draws each run's figures (figuresRun) into dir (the working
// directory when ""). A panic is recovered as the message's error.
func writeFigures(runs []figureRun, dir string, now time.Time, onPanic func(error)) (msg figuresMsg) {
	defer func() {
		if p := recover(); p != nil {
			msg = figuresMsg{Dirs: msg.Dirs, N: msg.N, Err: recovered("figures", p, onPanic)}
		}
	}()
	fault("figures")
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return figuresMsg{Err: err}
		}
	}
	for _, r := range runs {
		out, n, err := figuresRun(r.t, dir, r.tag, now)
		if out != "" {
			msg.Dirs = append(msg.Dirs, out)
		}
		msg.N += n
		if err != nil {
			msg.Err = err
			return msg
		}
	}
	return msg
}

// figuresRun writes t's figures, those `--batch --plots` draws from the
// same records, into a new directory in dir named like the export,
// initscope-<scenario>-<time>[-<tag>]-figures. It returns the directory
// (once made), the files written and the error that stopped it. It reads
// a consistent copy of the run, so the run may train meanwhile; a run that
// is reset or closed meanwhile (its trainer ends) stops it between figures.
func figuresRun(t *trainer, dir, tag string, now time.Time) (string, int, error) {
	run, ok := figureData(t)
	if !ok {
		return "", 0, errors.New("nothing to draw yet: the network is still being built")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	select {
	case <-t.done: // already ended: nothing is drawn
		cancel()
	default:
	}
	go func() {
		select {
		case <-t.done:
			cancel()
		case <-ctx.Done():
		}
	}()

	name := fmt.Sprintf("initscope-%s-%s", safeName(run.Run.Scenario.Name), now.Format("20060102-150405"))
	if tag != "" {
		name += "-" + tag
	}
	out, err := newDir(dir, name, "-figures")
	if err != nil {
		return "", 0, err
	}
	files, err := plot.WriteContext(ctx, out, run)
	if err == nil {
		return out, len(files), nil
	}
	if ctx.Err() != nil {
		err = errors.New("stopped: the run was reset or closed while its figures were drawn")
	}
	if len(files) == 0 && os.Remove(out) == nil { // leave no empty directory behind
		out = ""
	}
	return out, len(files), err
}

// newDir makes a new directory dir/name+suffix, or dir/name-2+suffix and
// so on when one of that name exists (two presses in one second).
func newDir(dir, name, suffix string) (string, error) {
	path := filepath.Join(dir, name+suffix)
	for i := 2; ; i++ {
		err := os.Mkdir(path, 0o755)
		if err == nil || !errors.Is(err, os.ErrExist) || i > 9 {
			return path, err
		}
		path = filepath.Join(dir, fmt.Sprintf("%s-%d%s", name, i, suffix))
	}
}

// figureData is t's run as the figures read it: the records the export
// writes, taken under the trainer's lock (the history is copy-on-write, so
// the slice taken stays as it was while the run trains), through plot.Run.Add
// as --plots keeps them. Unlike the export it keeps the histograms the app
// records whatever the scenario says: the Histograms view shows them, so
// the figures do too.
func figureData(t *trainer) (plot.Run, bool) {
	t.mu.Lock()
	rec, d := t.record, t.data
	t.mu.Unlock()
	if d.State == stateBuilding || d.State == stateFailed || len(d.Snaps) == 0 {
		return plot.Run{}, false
	}
	run := plot.Run{Run: rec}
	for _, s := range d.Snaps {
		run.Add(batch.NewSnapshotRecord(s))
	}
	return run, true
}
