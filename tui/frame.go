package tui

import (
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// frameRate is how often the UI takes the trainers' latest snapshots.
const frameRate = 100 * time.Millisecond

// Frames are paced by what they cost, so that drawing takes at most about
// a quarter of a core however large the terminal (a line chart of 500x200
// cells takes a quarter of a second) and however fast keys arrive (a held
// key, pasted text): the tick comes every max(frameRate, frameBudget*cost)
// of the last frame, and a key or resize draws at once only when the last
// frame is older than max(keyFrameGap, frameBudget*cost); otherwise the
// next tick draws it.
const (
	keyFrameGap = 25 * time.Millisecond
	frameBudget = 3
)

// tick asks for the next frame, later when frames cost more.
func (m *Model) tick() tea.Cmd {
	return tea.Tick(max(frameRate, frameBudget*m.drawCost), func(t time.Time) tea.Msg { return tickMsg(t) })
}

// tooSoon reports whether a key or resize should leave its frame to the
// next tick, marking the frame out of date if so.
func (m *Model) tooSoon() bool {
	if m.paced && time.Since(m.drawnAt) < max(keyFrameGap, frameBudget*m.drawCost) {
		m.dirty = true
		return true
	}
	return false
}

// View returns the screen drawn by the last Update.
func (m *Model) View() string {
	if m.frame == "" {
		m.draw()
	}
	return m.frame
}

// draw recomputes the cached screen from the model's state: the header
// and status lines, the open overlay's or the current view's render, the
// message and the key hint. It is the only writer of the cache, so the
// screen is a function of the state; pacing decides only when it runs.
func (m *Model) draw() {
	start := time.Now()
	defer func() {
		m.drawnAt = time.Now()
		m.drawCost, m.dirty = m.drawnAt.Sub(start), false
		m.frames++
	}()
	w, h := m.width, m.height
	if w == 0 || h == 0 {
		m.frame = "starting initscope…"
		return
	}
	if w < MinWidth || h < MinHeight {
		m.frame = strings.Join(fixHeight(m.tooSmall(w, h), w, h), "\n")
		return
	}
	m.setCursors()
	bodyH := h - 5
	head := []string{m.header(w), m.configLine(w), m.statusLine(w)}
	body := m.body(w, bodyH)
	foot := []string{m.messageLine(w), fit(hint(m.shortHelp(), w, m.st), w)}
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
	if m.overlay != nil {
		return m.overlay.View(&m.data, w, h, m.st)
	}
	if m.view < 0 || m.view >= numViews {
		return ""
	}
	return m.views[m.view].View(&m.data, w, h, m.st)
}

// tooSmallWordings are the request to enlarge the window, longest first:
// each is paragraphs (the request, then what to do) of phrases that are
// never split, so a number is never cut ("have 40x" of "40x10"). The
// first that fits is shown.
var tooSmallWordings = [][][]string{
	{{"terminal too small:", "need {need},", "have {have}"}, {"enlarge the window,", "or press q to quit"}},
	{{"terminal too small:", "need {need},", "have {have}"}},
	{{"need {need},", "have {have}"}},
	{{"{need} needed"}},
	{{"{need}"}},
	{{"…"}}, // nothing meaningful fits in under 5 columns
}

// tooSmall is the screen of a terminal smaller than MinWidth x MinHeight:
// the longest wording of tooSmallWordings whose phrases, filled into
// lines of w cells, take at most h lines, centred.
func (m *Model) tooSmall(w, h int) string {
	sizes := strings.NewReplacer("{need}", sprintf("%dx%d", MinWidth, MinHeight), "{have}", sprintf("%dx%d", w, h))
	for _, wording := range tooSmallWordings {
		var lines []string
		fits := true
		for i, para := range wording {
			style := m.st.Bad
			if i > 0 {
				style = m.st.Hint
			}
			filled, ok := fillPhrases(para, w, sizes)
			fits = fits && ok
			for _, l := range filled {
				lines = append(lines, style.Render(l))
			}
		}
		if fits && len(lines) <= h {
			return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, lipgloss.JoinVertical(lipgloss.Center, lines...))
		}
	}
	return ""
}

// fillPhrases fills lines of at most w cells with the phrases (their
// sizes filled in), joined by spaces; ok is false when one phrase alone
// is wider than w.
func fillPhrases(phrases []string, w int, sizes *strings.Replacer) (lines []string, ok bool) {
	filled := make([]string, len(phrases))
	for i, p := range phrases {
		filled[i] = sizes.Replace(p)
		if lipgloss.Width(filled[i]) > w {
			return nil, false
		}
	}
	return fillLines(filled, w), true
}
