package tui

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"initscope/scenarios"
)

// The smallest terminal the app draws in.
const minWidth, minHeight = 80, 24

// frameRate is how often the UI takes the trainers' latest snapshots.
const frameRate = 100 * time.Millisecond

type viewID int

const (
	viewLayers viewID = iota
	viewDynamics
	viewHist
	viewLearning
	viewTheory
	viewCompare
	numViews
)

var viewNames = [numViews]string{"Layers", "Dynamics", "Histograms", "Learning", "Theory", "Compare"}

// overlay is a panel drawn in place of the view.
type overlay int

const (
	overlayNone overlay = iota
	overlayHelp
	overlaySettings
	overlayScenarios
	overlayConfirm
)

// Runs the model holds: the main one and the two of the Compare view.
const (
	runMain = iota
	runA
	runB
	numRuns
)

var runNames = [numRuns]string{"main run", "compare A", "compare B"}

// tickMsg asks the model to take the trainers' latest data.
type tickMsg time.Time

// dataMsg sets what the model shows of one run. The tick makes them from
// the trainers; tests send fixed ones.
type dataMsg struct {
	Run  int
	Data runData
}

// exportedMsg reports an export.
type exportedMsg struct {
	Path string
	N    int
	Err  error
}

// Model is the app. Update and View follow Bubble Tea; Close ends training.
type Model struct {
	opt    Options
	st     Styles
	keys   KeyMap
	help   help.Model
	width  int
	height int

	view     viewID
	overlay  overlay
	histKind int // which histogram the narrow Histograms view shows

	mu       sync.Mutex // guards trainers and closed against Close from another goroutine
	trainers [numRuns]*trainer
	closed   bool

	data [numRuns]runData

	settings  settingsPanel
	scenarios []scenarios.Scenario
	scenIdx   int
	pending   *pendingChange // what the confirm overlay asks about

	message    string
	messageBad bool
	messageAt  time.Time

	exportDir string // "" is the current directory
	frame     string // the cached screen View returns
}

// pendingChange is a new scenario waiting for the user's yes.
type pendingChange struct {
	run int
	sc  scenarios.Scenario
}

// New builds the app on opt.Scenario and starts building its network in
// the background, paused at step 0.
func New(opt Options) *Model { return newModel(opt, true) }

// newModel is New; tests that show fixed data pass train false.
func newModel(opt Options, train bool) *Model {
	sc := opt.Limits.clamp(opt.Scenario)
	if sc.Name == "" {
		sc, _ = scenarios.Lookup(scenarios.DefaultName)
	}
	h := help.New()
	h.ShortSeparator = " · "
	st := NewStyles(opt.Renderer)
	h.Styles.ShortKey = st.Value
	h.Styles.ShortDesc = st.Hint
	h.Styles.ShortSeparator = st.Dim
	h.Styles.FullKey = st.Value
	h.Styles.FullDesc = st.Hint
	h.Styles.FullSeparator = st.Dim
	h.Styles.Ellipsis = st.Dim
	m := &Model{opt: opt, st: st, keys: DefaultKeyMap(), help: h, scenarios: scenarios.Presets()}
	m.opt.Scenario = sc
	m.data[runMain] = runData{Scenario: sc, State: stateBuilding, Version: 0}
	if train {
		m.trainers[runMain] = startTrainer(sc, opt.Pool)
	}
	return m
}

// clamp caps a scenario to the limits.
func (l Limits) clamp(sc scenarios.Scenario) scenarios.Scenario {
	if l.MaxDepth > 0 && sc.Depth > l.MaxDepth {
		sc.Depth = l.MaxDepth
	}
	if l.MaxWidth > 0 && sc.Width > l.MaxWidth {
		sc.Width = l.MaxWidth
	}
	if l.MaxSteps > 0 && sc.Steps > l.MaxSteps {
		sc.Steps = l.MaxSteps
	}
	return sc
}

// Close stops every run and waits for their goroutines to end. It is safe
// to call more than once and from any goroutine.
func (m *Model) Close() {
	m.mu.Lock()
	m.closed = true
	ts := m.trainers
	m.trainers = [numRuns]*trainer{}
	m.mu.Unlock()
	for _, t := range ts {
		if t != nil {
			t.stop()
		}
	}
}

// trainer returns run's trainer, or nil.
func (m *Model) trainer(run int) *trainer {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.trainers[run]
}

// restart replaces run's trainer with a new one on sc, at step 0.
func (m *Model) restart(run int, sc scenarios.Scenario) {
	m.mu.Lock()
	old := m.trainers[run]
	m.trainers[run] = nil
	if !m.closed {
		m.trainers[run] = startTrainer(sc, m.opt.Pool)
	}
	m.mu.Unlock()
	if old != nil {
		old.cancel() // it ends on its own; Close need not wait for it
	}
	m.data[run] = runData{Scenario: sc, State: stateBuilding}
}

// stopAll asks every run to stop without waiting (Close waits).
func (m *Model) stopAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.trainers {
		if t != nil {
			t.cancel()
		}
	}
}

// Init starts the frame tick.
func (m *Model) Init() tea.Cmd { return tick() }

func tick() tea.Cmd {
	return tea.Tick(frameRate, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// Update handles keys, sizes, ticks and data.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.Width = msg.Width
	case tickMsg:
		if !m.pull() && !m.messageExpired() {
			return m, tick()
		}
		cmd = tick()
	case dataMsg:
		m.data[msg.Run] = msg.Data
	case exportedMsg:
		if msg.Err != nil {
			m.say(true, "export failed: %v", msg.Err)
		} else {
			m.say(false, "exported %d snapshots to %s", msg.N, msg.Path)
		}
	case tea.KeyMsg:
		if keys := splitRunes(msg); keys != nil {
			// Keys typed fast (or arriving together over SSH) come as one
			// message, "4q": each is a command of its own.
			var cmds []tea.Cmd
			for _, k := range keys {
				_, c := m.Update(k)
				cmds = append(cmds, c)
			}
			return m, tea.Batch(cmds...)
		}
		if key.Matches(msg, m.keys.Quit) && (msg.String() == "ctrl+c" || m.overlay == overlayNone || m.overlay == overlayHelp) {
			m.stopAll()
			return m, tea.Quit
		}
		cmd = m.handleKey(msg)
	}
	m.render()
	return m, cmd
}

// shortHelp is the key hint, without export where it is disabled (the key
// still answers with a message saying so).
func (m *Model) shortHelp() []key.Binding {
	hints := m.keys.ShortHelp()
	if m.opt.NoExport {
		hints = slices.DeleteFunc(hints, func(b key.Binding) bool { return b.Help().Key == m.keys.Export.Help().Key })
	}
	return hints
}

// splitRunes splits a typed (not pasted) multi-rune key message into one
// message per rune; it returns nil for any other key.
func splitRunes(msg tea.KeyMsg) []tea.KeyMsg {
	if msg.Type != tea.KeyRunes || msg.Paste || len(msg.Runes) < 2 {
		return nil
	}
	keys := make([]tea.KeyMsg, len(msg.Runes))
	for i, r := range msg.Runes {
		keys[i] = tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}
	}
	return keys
}

// pull takes every trainer's latest data; it reports whether anything changed.
func (m *Model) pull() bool {
	changed := false
	for run := range numRuns {
		t := m.trainer(run)
		if t == nil {
			continue
		}
		if m.view == viewTheory && run == runMain {
			t.requestJacobian()
		}
		d := t.read()
		if d.Version != m.data[run].Version {
			m.data[run] = d
			changed = true
		}
	}
	return changed
}

func (m *Model) say(bad bool, format string, args ...any) {
	m.message = sprintf(format, args...)
	m.messageBad = bad
	m.messageAt = time.Now()
}

// messageExpired clears a message after a while; it reports whether it did.
func (m *Model) messageExpired() bool {
	if m.message != "" && time.Since(m.messageAt) > 8*time.Second {
		m.message = ""
		return true
	}
	return false
}

// View returns the screen drawn by the last Update.
func (m *Model) View() string {
	if m.frame == "" {
		m.render()
	}
	return m.frame
}

// render draws the whole screen into the cache.
func (m *Model) render() {
	w, h := m.width, m.height
	if w == 0 || h == 0 {
		m.frame = "starting initscope…"
		return
	}
	if w < minWidth || h < minHeight {
		msg := m.st.Bad.Render(sprintf("terminal too small: need %dx%d, have %dx%d", minWidth, minHeight, w, h)) +
			"\n" + m.st.Hint.Render("enlarge the window, or press q to quit")
		m.frame = lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, msg)
		return
	}
	bodyH := h - 5
	head := []string{m.header(w), m.configLine(w), m.statusLine(w)}
	body := m.body(w, bodyH)
	foot := []string{m.messageLine(w), fit(m.help.ShortHelpView(m.shortHelp()), w)}
	lines := make([]string, 0, h)
	lines = append(lines, head...)
	lines = append(lines, fixHeight(body, w, bodyH)...)
	lines = append(lines, foot...)
	m.frame = strings.Join(lines, "\n")
}

// fixHeight makes body exactly height lines of at most width cells.
func fixHeight(body string, width, height int) []string {
	lines := strings.Split(body, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > width {
			lines[i] = ansi.Truncate(l, width, "")
		}
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return lines
}

func truncate(s string, width int) string { return ansi.Truncate(s, width, "…") }

func (m *Model) body(w, h int) string {
	switch m.overlay {
	case overlayHelp:
		return m.helpView(w, h)
	case overlaySettings:
		return m.settings.view(w, h, m.st)
	case overlayScenarios:
		return renderScenarioList(m.scenarios, m.scenIdx, w, h, m.st)
	case overlayConfirm:
		return m.confirmView(w, h)
	}
	switch m.view {
	case viewLayers:
		return renderLayers(m.data[runMain], w, h, m.st)
	case viewDynamics:
		return renderDynamics(m.data[runMain], w, h, m.st)
	case viewHist:
		return renderHistograms(m.data[runMain], w, h, m.histKind, m.st)
	case viewLearning:
		return renderLearning(m.data[runMain], w, h, m.st)
	case viewTheory:
		return renderTheory(m.data[runMain], w, h, m.st)
	case viewCompare:
		return renderCompare(m.data[runA], m.data[runB], w, h, m.st)
	}
	return ""
}
