package tui

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"initscope/scenarios"
)

// The model's side of the comparison: which runs it holds, restarting
// them together, adding and dropping runs, taking their lockstep data.

// comparedRuns are the runs of the Compare view, A first (two before the
// view was first shown).
func (m *Model) comparedRuns() []int {
	n := max(2, min(maxCompare, m.compared))
	runs := make([]int, n)
	for i := range runs {
		runs[i] = runA + i
	}
	return runs
}

// comparedScenarios are the compared runs' scenarios, A first.
func (m *Model) comparedScenarios() []scenarios.Scenario {
	var scs []scenarios.Scenario
	for _, run := range m.comparedRuns() {
		scs = append(scs, m.data[run].Scenario)
	}
	return scs
}

// restartCompare replaces the compared runs by scs (at most maxCompare),
// all at step 0 and trained in lockstep by one new crew; the old crew is
// cancelled and the new one builds once it has ended (launch).
func (m *Model) restartCompare(scs []scenarios.Scenario) {
	scs = scs[:min(len(scs), maxCompare)]
	m.mu.Lock()
	old := m.crew
	m.crew = nil
	for run := runA; run < numRuns; run++ {
		m.trainers[run] = nil
	}
	if !m.closed {
		m.crew = launchCrew(scs, m.trainerConfig(runA), old)
		for i, t := range m.crew.crew {
			m.trainers[runA+i] = t
		}
	} else if old != nil {
		old.retire()
	}
	m.mu.Unlock()
	m.compared = len(scs)
	for run := runA; run < numRuns; run++ {
		m.data[run] = runData{}
		m.cursors[run] = timeCursor{}
	}
	for i, sc := range scs {
		if sc.Every != scs[0].Every {
			m.say(false, "%s snapshots every %s steps, as A: the compared runs are measured at the same steps",
				runLetter(runA+i), fmtCount(scs[0].Every))
		}
		sc.Every = scs[0].Every // as launchCrew: one cadence
		m.data[runA+i] = runData{Scenario: sc, State: stateBuilding}
	}
}

// pullCrew takes the compared runs' data as the crew's last round left
// them; it reports whether anything changed.
func (m *Model) pullCrew() bool {
	m.mu.Lock()
	c := m.crew
	m.mu.Unlock()
	if c == nil {
		return false
	}
	changed := false
	for i, d := range c.crewData() {
		if run := runA + i; run < numRuns && d.Version != m.data[run].Version {
			m.data[run] = d
			changed = true
		}
	}
	return changed
}

// addCompared adds a run to the comparison, a copy of the last one, and
// opens its settings so the user sets what differs; all the runs start
// again at step 0 (they train in lockstep), after a question when one
// trained long. At maxCompare runs it says so.
func (m *Model) addCompared() {
	runs := m.comparedRuns()
	if len(runs) >= maxCompare {
		m.say(true, "a comparison holds at most %d runs: - drops the last", maxCompare)
		return
	}
	last := m.data[runs[len(runs)-1]].Scenario
	last.Name = runLetter(runA + len(runs))
	last.Description = fmt.Sprintf("compare %s: a copy of %s", last.Name, runLetter(runs[len(runs)-1]))
	if m.proposeCompare(append(m.comparedScenarios(), last), fmt.Sprintf("run %s added (a copy of %s): set what differs", last.Name, runLetter(runs[len(runs)-1]))) {
		m.openSettings(runA + len(runs))
	}
}

// dropCompared drops the last run of the comparison, down to two.
func (m *Model) dropCompared() {
	runs := m.comparedRuns()
	if len(runs) <= 2 {
		m.say(true, "a comparison holds at least 2 runs: + adds one")
		return
	}
	m.proposeCompare(m.comparedScenarios()[:len(runs)-1], fmt.Sprintf("run %s dropped", runLetter(runs[len(runs)-1])))
}

// proposeCompare restarts the comparison on scs and says done, unless a
// compared run trained long enough to be worth keeping: then it says how
// to go on and reports false.
func (m *Model) proposeCompare(scs []scenarios.Scenario, done string) bool {
	if worth := m.worthKeeping(m.comparedRuns()); len(worth) > 0 {
		m.say(true, "the compared runs trained a while: r resets them first, then + or - (nothing was changed)")
		return false
	}
	m.restartCompare(scs)
	m.say(false, "%s", done)
	return true
}

// runLetter is a compared run's letter: "A" for runA.
func runLetter(run int) string {
	if run < runA || run >= numRuns {
		return "?"
	}
	return string(rune('A' + run - runA))
}

// exportCompare writes every compared run, as the crew's last round left
// them (all at one step), to a file each, named by the run's letter.
func (m *Model) exportCompare() tea.Cmd {
	m.mu.Lock()
	crew := m.crew
	m.mu.Unlock()
	if crew == nil {
		m.say(true, "nothing to export yet: the compared runs are not built")
		return nil
	}
	if m.exporting {
		m.say(false, "an export is being written: press e again when it is done")
		return nil
	}
	m.exporting = true
	dir, now, onPanic := m.exportDir, time.Now(), m.opt.OnPanic
	return func() tea.Msg { return exportCrew(crew, dir, now, onPanic) }
}

// exportCrew writes each member of crew to its own file in dir,
// initscope-<scenario>-<time>-compare-<letter>.jsonl. A panic is recovered
// as the export's error.
func exportCrew(crew *trainer, dir string, now time.Time, onPanic func(error)) (msg exportedMsg) {
	defer func() {
		if p := recover(); p != nil {
			msg = exportedMsg{Paths: msg.Paths, Err: recovered("export", p, onPanic)}
		}
	}()
	fault("export")
	n := len(crew.crewData())
	for i := range n {
		rec, p, ok := crew.crewExport(i)
		if !ok {
			return exportedMsg{Paths: msg.Paths, Err: fmt.Errorf("nothing to export yet: run %s is not built", runLetter(runA+i))}
		}
		snaps := p.data.Snaps
		if !rec.Hist {
			snaps = withoutHist(snaps) // the app's own histograms are not the scenario's output
		}
		path, err := writeExport(dir, exportName(rec.Name, now, "compare-"+strings.ToLower(runLetter(runA+i))), rec, snaps, p.sum)
		if path != "" {
			msg.Paths = append(msg.Paths, path)
		}
		if err != nil {
			msg.Err = err
			return msg
		}
		msg.N = len(snaps)
	}
	if len(msg.Paths) > 0 {
		msg.Path = msg.Paths[0]
	}
	return msg
}

// compareText is the message of a Compare export: how many runs, the
// snapshots each, the directory and the files.
func (msg exportedMsg) compareText() string {
	names := make([]string, len(msg.Paths))
	for i, p := range msg.Paths {
		names[i] = filepath.Base(p)
	}
	return fmt.Sprintf("exported %d runs (%d snapshots each) to %s: %s", len(msg.Paths), msg.N, filepath.Dir(msg.Path), strings.Join(names, ", "))
}

// comparingInBackground names the compared runs that train while another
// view is shown ("A B"), "" when none does: the header says so.
func (m *Model) comparingInBackground() string {
	if m.view == viewCompare && m.overlay == nil {
		return ""
	}
	var ls []string
	for _, run := range m.comparedRuns() {
		if m.data[run].State == stateRunning {
			ls = append(ls, runLetter(run))
		}
	}
	if len(ls) == 0 {
		return ""
	}
	return "compare " + strings.Join(ls, " ")
}

// comparedLetters names the compared runs: "A and B", "A, B and C".
func (m *Model) comparedLetters() string {
	var ls []string
	for _, run := range m.comparedRuns() {
		ls = append(ls, runLetter(run))
	}
	return strings.Join(ls[:len(ls)-1], ", ") + " and " + ls[len(ls)-1]
}

// compareStatus is the Compare view's status line: each run's state and
// step ("A: ▶ training step 5,000   B: ▶ training step 5,000"), or where
// that does not fit, the runs that share a state and step together
// ("A B C D: ▶ training step 5,000").
func (m *Model) compareStatus(w int) string {
	runs := m.comparedRuns()
	var parts []string
	for _, run := range runs {
		parts = append(parts, m.st.Label.Render(runLetter(run)+": ")+m.shortStatus(m.data[run]))
	}
	line := strings.Join(parts, "   ")
	if lipgloss.Width(line) <= w {
		return fit(line, w)
	}
	parts = parts[:0]
	for i := 0; i < len(runs); {
		j, letters := i+1, runLetter(runs[i])
		for j < len(runs) && m.shortStatus(m.data[runs[j]]) == m.shortStatus(m.data[runs[i]]) {
			letters += " " + runLetter(runs[j])
			j++
		}
		parts = append(parts, m.st.Label.Render(letters+": ")+m.shortStatus(m.data[runs[i]]))
		i = j
	}
	return fit(strings.Join(parts, "   "), w)
}
