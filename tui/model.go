package tui

import (
	"slices"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"initscope/scenarios"
	"initscope/scenarios/preset"
)

// Terminal sizes, in cells. The app draws its views in at least
// MinWidth x MinHeight (a smaller window gets a one-line request to
// enlarge it) and at most MaxWidth x MaxHeight: every size it is told is
// clamped to [0, Max] first, since a client may claim 4294967295 columns
// and layout allocates by the size. An SSH server clamps to the same
// maximum before it hands sizes on.
const (
	MinWidth, MinHeight = 80, 24
	MaxWidth, MaxHeight = 500, 200
)

// clampSize bounds a terminal size to [0, MaxWidth] x [0, MaxHeight].
func clampSize(w, h int) (int, int) {
	return max(0, min(MaxWidth, w)), max(0, min(MaxHeight, h))
}

type viewID int

const (
	viewLayers viewID = iota
	viewDynamics
	viewHist
	viewLearning
	viewTheory
	viewCompare
	viewProfile
	viewSurface
	numViews
)

var viewNames = [numViews]string{"Layers", "Dynamics", "Histograms", "Learning", "Theory", "Compare", "Profile", "Surface"}

// viewShortNames are the names the header uses when the full ones do not
// fit (80 columns).
var viewShortNames = [numViews]string{"Layers", "Dynamics", "Hists", "Learning", "Theory", "Compare", "Profile", "Surface"}

// Runs the model holds: the main one and those of the Compare view, A to
// D (runA+i is the i-th; compare_train.go's maxCompare counts them).
const (
	runMain = iota
	runA
	runB
	runC
	runD
	numRuns
)

var runNames = [numRuns]string{"main run", "compare A", "compare B", "compare C", "compare D"}

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
	// Compare's export: a file per compared run, in Path's directory
	// (Path is the first), with N snapshots each.
	Paths []string
}

// Model is the app. Update and View follow Bubble Tea; Close ends training.
type Model struct {
	opt    Options
	st     Styles
	keys   KeyMap
	help   help.Model
	width  int
	height int

	view    viewID
	views   [numViews]viewModel
	overlay overlay // the open panel, nil when none is

	mu       sync.Mutex // guards trainers and closed against Close from another goroutine
	trainers [numRuns]*trainer
	crew     *trainer // the Compare view's runs' leader (compare_train.go), nil before the first visit
	closed   bool
	quitting bool           // a quit key was pressed
	running  sync.WaitGroup // every trainer goroutine, replaced ones too

	data     [numRuns]runData
	compared int                 // how many runs the Compare view holds, from runA (2 by default)
	cursors  [numRuns]timeCursor // each run's time cursor; draw sets data[run].Cursor from it

	presets []scenarios.Scenario // the built-in scenarios the picker offers

	message    string
	messageBad bool
	messageAt  time.Time

	exportDir string // "" is the current directory
	exporting bool   // an export is being written (one at a time)
	frame     string // the cached screen View returns

	paced    bool          // keys and resizes draw at most every keyFrameGap (New; tests draw every time)
	dirty    bool          // the frame is older than the model: the next tick draws
	drawnAt  time.Time     // when the frame was drawn
	drawCost time.Duration // how long it took
	frames   int           // frames drawn (tests read it)
}

// pendingChange is a new scenario for a run.
type pendingChange struct {
	run int
	sc  scenarios.Scenario
}

// New builds the app on opt.Scenario and starts building its network in
// the background, paused at step 0.
func New(opt Options) *Model {
	m := newModel(opt, true)
	m.paced = true
	return m
}

// newModel is New; tests that show fixed data pass train false.
func newModel(opt Options, train bool) *Model {
	sc := opt.Limits.clamp(opt.Scenario)
	if sc.Name == "" {
		sc, _ = preset.Lookup(preset.DefaultName)
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
	m := &Model{opt: opt, st: st, keys: DefaultKeyMap(), help: h, views: newViews(), presets: preset.Presets()}
	m.opt.Scenario = sc
	m.data[runMain] = runData{Scenario: sc, State: stateBuilding, Version: 0}
	if train {
		m.trainers[runMain] = launch(sc, m.trainerConfig(runMain), nil)
	}
	return m
}

// trainerConfig is what run's trainers share.
func (m *Model) trainerConfig(run int) trainerConfig {
	return trainerConfig{pool: m.opt.Pool, onPanic: m.opt.OnPanic, where: runNames[run], wg: &m.running}
}

// Close stops every run and waits for their goroutines to end. It is safe
// to call more than once and from any goroutine.
func (m *Model) Close() {
	m.mu.Lock()
	m.closed = true
	ts := m.trainers
	m.trainers = [numRuns]*trainer{}
	m.crew = nil
	m.mu.Unlock()
	for _, t := range ts {
		if t != nil {
			t.stop()
		}
	}
	m.running.Wait()
}

// trainer returns run's trainer, or nil.
func (m *Model) trainer(run int) *trainer {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.trainers[run]
}

// restart replaces run's trainer with a new one on sc, at step 0. The old
// one is cancelled and ends on its own; the new one builds after it has
// ended, so however often a run is reset it holds one network at a time,
// and a burst of resets builds once (launch).
func (m *Model) restart(run int, sc scenarios.Scenario) {
	if run >= runA {
		// The compared runs train in lockstep: all start again.
		scs := m.comparedScenarios()
		if i := run - runA; i < len(scs) {
			scs[i] = sc
		} else {
			scs = append(scs, sc)
		}
		m.restartCompare(scs)
		return
	}
	m.mu.Lock()
	old := m.trainers[run]
	m.trainers[run] = nil
	if !m.closed {
		m.trainers[run] = launch(sc, m.trainerConfig(run), old)
	} else if old != nil {
		old.retire()
	}
	m.mu.Unlock()
	m.data[run] = runData{Scenario: sc, State: stateBuilding}
	m.cursors[run] = timeCursor{}
}

// stopAll asks every run to stop without waiting (Close waits).
func (m *Model) stopAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range m.trainers {
		if t != nil {
			t.retire()
		}
	}
}

// Init starts the frame tick and asks for mouse reports (update.go's mouse).
func (m *Model) Init() tea.Cmd { return tea.Batch(m.tick(), tea.EnableMouseCellMotion) }

// Update handles keys, sizes, ticks and data.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = clampSize(msg.Width, msg.Height)
		m.help.Width = m.width
		if m.tooSoon() {
			return m, nil
		}
	case tickMsg:
		if !m.pull() && !m.messageExpired() && !m.dirty && !m.surfaceArrived() {
			return m, m.tick()
		}
		cmd = m.tick()
	case dataMsg:
		m.data[msg.Run] = msg.Data
	case figuresMsg:
		m.figuresDone(msg)
	case exportedMsg:
		m.exporting = false
		if msg.Err != nil {
			m.say(true, "export failed: %v", msg.Err)
		} else if len(msg.Paths) > 0 {
			m.say(false, "%s", msg.compareText())
		} else {
			m.say(false, "exported %d snapshots to %s", msg.N, msg.Path)
		}
	case tea.KeyMsg:
		cmd = m.keys1(msg)
		if m.tooSoon() {
			return m, cmd
		}
	case tea.MouseMsg:
		m.mouse(msg)
		if m.tooSoon() {
			return m, nil
		}
	}
	m.draw()
	return m, cmd
}

// maxKeysPerMsg is the most keys one message acts on. Keys typed fast (or
// arriving together over SSH) come as one message, "4q", and each is a
// command; text pasted without bracketed paste comes the same way, and
// beyond this many runes the rest of the message is dropped, so a 100 KB
// paste costs a few hundred key presses, not 100,000 (and one frame).
const maxKeysPerMsg = 32

// keys1 acts on one key message: a key, or several typed together.
func (m *Model) keys1(msg tea.KeyMsg) tea.Cmd {
	if tf, ok := m.overlay.(interface{ typing() bool }); ok && tf.typing() && msg.Type == tea.KeyRunes {
		// The settings form's text field takes typed and pasted text
		// whole (its length is bounded there).
		return m.key(msg)
	}
	if msg.Paste {
		// Outside a text field pasted text is not commands.
		return nil
	}
	if msg.Type != tea.KeyRunes || len(msg.Runes) < 2 {
		return m.key(msg)
	}
	var cmds []tea.Cmd
	for _, r := range msg.Runes[:min(len(msg.Runes), maxKeysPerMsg)] {
		c := m.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
		cmds = append(cmds, c)
		if m.quitting {
			break
		}
	}
	return tea.Batch(cmds...)
}

// key acts on one key.
func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	if msg.String() == "ctrl+c" {
		return m.quit() // always at once, whatever is open
	}
	if m.overlay == nil && key.Matches(msg, m.keys.Quit) {
		return m.requestQuit()
	}
	return m.handleKey(msg)
}

// requestQuit quits, or asks first when a run that trained long would be
// lost. A terminal too small to show the question quits at once: its
// message says q quits.
func (m *Model) requestQuit() tea.Cmd {
	worth := m.worthKeeping(append([]int{runMain}, m.comparedRuns()...))
	if len(worth) == 0 || m.width < MinWidth || m.height < MinHeight {
		return m.quit()
	}
	m.overlay = newDiscardQuestion(confirmQuit, worth)
	return nil
}

// quit stops the runs and ends the program.
func (m *Model) quit() tea.Cmd {
	m.stopAll()
	m.quitting = true
	return tea.Quit
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

// pull takes every trainer's latest data; it reports whether anything changed.
func (m *Model) pull() bool {
	changed := false
	if m.pullCrew() {
		changed = true
	}
	for run := range numRuns {
		t := m.trainer(run)
		if t == nil || run >= runA { // the compared runs come from their crew
			continue
		}
		// Theory (and Profile) re-measure the state shown when that is the latest:
		// while training, every jacobianEvery; paused or done, once for
		// the state the run stopped at (trainer.measureStopped). A past
		// snapshot's weights are gone: Theory shows what it recorded.
		if drawsJacobian(m.view) && run == runMain && m.following(run) {
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

// following reports whether run's views show its latest snapshot.
func (m *Model) following(run int) bool {
	d := m.data[run]
	d.Cursor = m.cursors[run].position(d.Snaps)
	return d.following()
}

// setCursors hands each run's time cursor to the data the views draw.
func (m *Model) setCursors() {
	for run := range numRuns {
		m.data[run].Cursor = m.cursors[run].position(m.data[run].Snaps)
	}
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
