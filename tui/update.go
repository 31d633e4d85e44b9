package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"initscope/nn"
	"initscope/scenarios"
	"initscope/scenarios/batch"
)

var sprintf = fmt.Sprintf

// handleKey routes a key to the open overlay or to the views.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	if m.overlay != nil {
		var out outcome
		m.overlay, out = m.overlay.Update(msg)
		return m.act(out)
	}

	switch {
	case key.Matches(msg, k.Help):
		m.overlay = newHelpOverlay(m.help, m.helpGroups())
	case key.Matches(msg, k.Next):
		m.setView((m.view + 1) % numViews)
	case key.Matches(msg, k.Prev):
		m.setView((m.view + numViews - 1) % numViews)
	case key.Matches(msg, k.Views):
		m.setView(viewID(msg.String()[0] - '1'))
	case key.Matches(msg, k.Train):
		m.control(ctlMsg{op: ctlToggle})
	case key.Matches(msg, k.Step):
		m.control(ctlMsg{op: ctlStep})
	case key.Matches(msg, k.Reset):
		if worth := m.worthKeeping(m.activeRuns()); len(worth) > 0 {
			m.overlay = newDiscardQuestion(confirmReset, worth)
			return nil
		}
		m.reset()
	case key.Matches(msg, k.Settings):
		run := runMain
		if m.view == viewCompare {
			run = runA // c edits A, or C once there is one
			if len(m.comparedRuns()) > 2 {
				run = runC
			}
		}
		m.openSettings(run)
	case key.Matches(msg, k.EditA):
		m.setView(viewCompare)
		m.openSettings(runA)
	case key.Matches(msg, k.EditB):
		m.setView(viewCompare)
		m.openSettings(runB)
	case m.view == viewCompare && key.Matches(msg, k.EditD):
		if len(m.comparedRuns()) < 4 {
			m.say(true, "no run D: + adds runs to the comparison")
			return nil
		}
		m.openSettings(runD)
	case m.view == viewCompare && key.Matches(msg, k.More):
		m.addCompared()
	case m.view == viewCompare && key.Matches(msg, k.Fewer):
		m.dropCompared()
	case key.Matches(msg, k.Scenarios):
		m.overlay = newScenarioPicker(m.presets, m.data[runMain].Scenario.Name, m.opt.Limits)
	case key.Matches(msg, k.Export):
		return m.export()
	case key.Matches(msg, k.Figures):
		return m.figures()
	case key.Matches(msg, k.Back):
		m.moveCursor(-1, false, false)
	case key.Matches(msg, k.Forward):
		m.moveCursor(1, false, false)
	case key.Matches(msg, k.First):
		m.moveCursor(0, true, false)
	case key.Matches(msg, k.Latest):
		m.moveCursor(0, false, true)
	default:
		m.viewKey(msg)
	}
	return nil
}

// reset starts the shown runs again at step 0.
func (m *Model) reset() {
	if m.view == viewCompare {
		m.restartCompare(m.comparedScenarios()) // in lockstep: together
		m.say(false, "reset: %s back at step 0", m.activeName())
		return
	}
	for _, run := range m.activeRuns() {
		m.restart(run, m.data[run].Scenario)
	}
	m.say(false, "reset: %s back at step 0", m.activeName())
}

// worthKeeping are those of runs that trained for more than discardWork
// seconds: r and q ask before throwing them away.
func (m *Model) worthKeeping(runs []int) []int {
	var worth []int
	for _, run := range runs {
		if d := m.data[run]; d.State != stateFailed && trainedFor(d) > discardWork {
			worth = append(worth, run)
		}
	}
	return worth
}

// viewKey offers a key the app does not use to the views with keys of
// their own, whichever view is shown.
func (m *Model) viewKey(msg tea.KeyMsg) {
	for i, v := range m.views {
		if kv, ok := v.(keyedView); ok {
			if nv, used := kv.Update(msg); used {
				m.views[i] = nv
				return
			}
		}
	}
}

// moveCursor moves the time cursor of the runs the view shows (see
// timeCursor.moved). Compare's two runs move together: B goes to A's
// step, or the nearest it recorded.
func (m *Model) moveCursor(delta int, home, end bool) {
	runs := m.activeRuns()
	lead := runs[0]
	c, changed := m.cursors[lead].moved(m.data[lead].Snaps, delta, home, end)
	for _, run := range runs {
		m.cursors[run] = c
	}
	if !changed && len(m.data[lead].Snaps) > 0 {
		switch {
		case delta < 0 || home:
			m.say(false, "the first snapshot (step 0) is shown")
		default:
			m.say(false, "the latest snapshot is shown: the views follow the run")
		}
	}
}

// activeRuns are the runs the training keys act on in the current view.
func (m *Model) activeRuns() []int {
	if m.view == viewCompare {
		return m.comparedRuns()
	}
	return []int{runMain}
}

func (m *Model) activeName() string {
	if m.view == viewCompare {
		return "the compared runs"
	}
	return "the run"
}

func (m *Model) control(c ctlMsg) {
	if m.view == viewCompare {
		// One control for the crew: its runs go in lockstep.
		m.mu.Lock()
		crew := m.crew
		m.mu.Unlock()
		if crew != nil {
			crew.send(c)
		}
		return
	}
	for _, run := range m.activeRuns() {
		if t := m.trainer(run); t != nil {
			t.send(c)
		}
	}
}

// setView switches views; the Compare view builds its two runs on the
// first visit: the main run's settings with standard and with normalized
// init, the paper's central comparison.
func (m *Model) setView(v viewID) {
	if v < 0 || v >= numViews {
		return
	}
	m.view = v
	if v == viewCompare && m.trainer(runA) == nil && m.data[runA].Scenario.Name == "" {
		a, b := compareDefaults(m.data[runMain].Scenario)
		m.restartCompare([]scenarios.Scenario{a, b})
	}
}

// compareDefaults pairs sc under standard init with sc under normalized init.
func compareDefaults(sc scenarios.Scenario) (a, b scenarios.Scenario) {
	a, b = sc, sc
	a.Init, b.Init = nn.Standard.String(), nn.Normalized.String()
	a.InitScale, b.InitScale = 1, 1
	a.Name, b.Name = "A", "B"
	a.Description, b.Description = "compare A: "+sc.Name+" with standard init", "compare B: "+sc.Name+" with normalized init"
	return a, b
}

func (m *Model) openSettings(run int) {
	sc := m.data[run].Scenario
	if sc.Name == "" {
		sc = m.data[runMain].Scenario
	}
	m.overlay = m.settingsPanelFor(run, sc)
}

// propose applies a new scenario to run: at once if nothing would be lost,
// after a yes when the run has trained; a change of length alone keeps the
// network and its progress.
func (m *Model) propose(run int, sc scenarios.Scenario) {
	cur := m.data[run]
	if sameNetwork(cur.Scenario, sc) {
		if sc.Steps != cur.Scenario.Steps {
			if run >= runA {
				m.mu.Lock()
				if m.crew != nil {
					m.crew.send(ctlMsg{op: ctlSteps, steps: sc.Steps, member: run - runA})
				}
				m.mu.Unlock()
			} else if t := m.trainer(run); t != nil {
				t.send(ctlMsg{op: ctlSteps, steps: sc.Steps})
			}
			m.say(false, "%s now runs %s steps", runNames[run], fmtCount(sc.Steps))
		}
		return
	}
	if cur.Step == 0 || cur.State == stateFailed {
		m.apply(pendingChange{run, sc})
		return
	}
	q := newConfirmQuestion(pendingChange{run, sc})
	if run >= runA {
		q.restarts = m.comparedLetters() // a compared run's change restarts every compared run
	}
	m.overlay = q
}

func (m *Model) apply(p pendingChange) {
	m.restart(p.run, p.sc)
	msg := sprintf("%s: new network %s", runNames[p.run], describe(p.sc))
	if p.run >= runA {
		// The compared runs go in lockstep: all of them start again, on
		// A's snapshot cadence.
		msg += sprintf("; %s start again at step 0, in lockstep", m.comparedLetters())
		if every := m.data[runA].Scenario.Every; p.sc.Every != every {
			msg += sprintf(", snapshots every %s steps as A's", fmtCount(every))
		}
	}
	m.say(false, "%s", msg)
}

// sameNetwork reports whether a and b differ at most in their length.
func sameNetwork(a, b scenarios.Scenario) bool {
	a.Steps = b.Steps
	return a == b
}

// export writes the main run's snapshots as the --batch JSON Lines.
func (m *Model) export() tea.Cmd {
	if m.opt.NoExport {
		m.say(true, "export is disabled here (no file access in this session)")
		return nil
	}
	if m.view == viewCompare {
		return m.exportCompare()
	}
	t := m.trainer(runMain)
	if t == nil {
		return nil
	}
	if m.exporting {
		m.say(false, "an export is being written: press e again when it is done")
		return nil
	}
	m.exporting = true
	dir := m.exportDir
	now := time.Now()
	onPanic := m.opt.OnPanic
	return func() tea.Msg { return exportRun(t, dir, now, onPanic) }
}

// exportRun writes t's run to a new file in dir (the working directory
// when ""). A panic is recovered as the export's error.
func exportRun(t *trainer, dir string, now time.Time, onPanic func(error)) (msg exportedMsg) {
	defer func() {
		if p := recover(); p != nil {
			msg = exportedMsg{Err: recovered("export", p, onPanic)}
		}
	}()
	fault("export")
	run, snaps, sum, ok := t.exportData()
	if !ok {
		return exportedMsg{Err: errors.New("nothing to export yet: the network is still being built")}
	}
	path, err := writeExport(dir, exportName(run.Name, now, ""), run, snaps, sum)
	return exportedMsg{Path: path, N: len(snaps), Err: err}
}

// exportName is the file an export writes: initscope-<scenario>-<time>
// and, for a compared run, its tag ("compare-a").
func exportName(scenario string, now time.Time, tag string) string {
	name := fmt.Sprintf("initscope-%s-%s", safeName(scenario), now.Format("20060102-150405"))
	if tag != "" {
		name += "-" + tag
	}
	return name + ".jsonl"
}

// writeExport writes a run as --batch JSON Lines to a new file name in
// dir (the working directory when "") and returns its path.
func writeExport(dir, name string, run batch.RunRecord, snaps []nn.Snapshot, sum scenarios.Summary) (string, error) {
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return "", err
		}
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", err
	}
	w, _ := batch.NewWriter("jsonl", f)
	err = batch.WriteRun(w, run, snaps, sum)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return path, err
}

// safeName keeps a scenario name usable in a file name.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '-'
	}, s)
	if s == "" {
		return "run"
	}
	return s
}

// helpGroups are the help overlay's columns: the app's keys, the views'
// among those that switch views, then the settings panel's.
func (m *Model) helpGroups() [][]key.Binding {
	k := m.keys
	views := []key.Binding{k.Views, k.Next, k.Prev}
	var compare []key.Binding // Compare's keys go with the keys that edit its runs
	for _, v := range m.views {
		if cv, ok := v.(compareView); ok {
			compare = cv.FullHelp()
		} else if kv, ok := v.(keyedView); ok {
			views = append(views, kv.FullHelp()...)
		}
	}
	return [][]key.Binding{
		{k.Train, k.Step, k.Reset, k.Export, k.Figures, k.Quit},
		append(views, k.Help),
		append(append(k.compareHelp(), compare...), k.timeHelp()...),
		defaultSettingsKeys().FullHelp(),
	}
}

// Run opens the app on sc in the terminal's alternate screen and returns
// when the user quits or ctx is cancelled; the terminal is restored either way.
func Run(ctx context.Context, sc scenarios.Scenario) error {
	m := New(Options{Scenario: sc})
	defer m.Close()
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx))
	_, err := p.Run()
	if err != nil && ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}

// The mouse: a left click on a tab of the header shows its view, and the
// wheel moves the time cursor, up to earlier snapshots and down to later
// ones, as the left and right keys do. Init asks the terminal for mouse
// reports (tea.EnableMouseCellMotion), so every program that runs the
// model has them, the terminal app's and each SSH session's; Bubble Tea
// turns them off when the program ends. With an overlay open, or a
// terminal too small to draw the views, the mouse does nothing: a click
// must not answer a question by going round it.

// mouse acts on one mouse event.
func (m *Model) mouse(msg tea.MouseMsg) {
	if m.overlay != nil || m.width < MinWidth || m.height < MinHeight {
		return
	}
	switch {
	case msg.Button == tea.MouseButtonWheelUp:
		m.moveCursor(-1, false, false)
	case msg.Button == tea.MouseButtonWheelDown:
		m.moveCursor(1, false, false)
	case msg.Button == tea.MouseButtonLeft && msg.Action == tea.MouseActionPress && msg.Y == 0:
		_, spans := m.headerTabs(m.width)
		for v, sp := range spans {
			if msg.X >= sp[0] && msg.X < sp[1] {
				m.setView(viewID(v))
				return
			}
		}
	case msg.Button == tea.MouseButtonLeft && msg.Action == tea.MouseActionPress:
		m.clickLayer(msg.X, msg.Y)
	}
}
