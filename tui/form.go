package tui

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	osc52pkg "github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"initscope/scenarios"
	"initscope/scenarios/dataset"
	"initscope/scenarios/preset"
)

// The settings panel is a form: besides stepping a value with ←→, a value
// can be typed (e, or a digit on a numeric line) into a bubbles/textinput,
// checked by the settings table when enter applies it
// (scenarios.Setting.ParseValue, with the server's caps); the settings can
// be saved as a scenario file (w) and the command line that gives them
// copied (y). This file holds those parts; settings.go the panel.

// formMode is what the panel's keys do.
type formMode int

const (
	formBrowse    formMode = iota // ↑↓ choose a line, ←→ step it
	formValue                     // typing the chosen line's value
	formPath                      // typing the path to save the scenario to
	formOverwrite                 // asking whether to overwrite that file
)

// formState is the form's part of the panel.
type formState struct {
	mode  formMode
	input textinput.Model
	note  string // the last action's one line: a range message, where a file went
	bad   bool
	path  string // formOverwrite: the file that exists
	env   formEnv
}

// formEnv is what the form may do outside the app.
type formEnv struct {
	noFiles bool         // saving is refused (the SSH demo gives no file access)
	clip    func(string) // copies text to the user's clipboard; nil: the line is only shown
}

// settingsPanelFor is the panel the app opens on run: it may save files
// unless the app may not, and copies through the terminal's OSC 52 escape
// (over SSH it goes to the user's terminal: the session's renderer
// writes to it).
func (m *Model) settingsPanelFor(run int, sc scenarios.Scenario) settingsPanel {
	p := newSettingsPanel(run, sc, m.opt.Limits)
	out := m.st.r.Output()
	// Only a local run can tell GNU screen ($STY) from tmux, which
	// often sets TERM=screen too; over SSH the escape goes plain.
	screen := m.opt.Renderer == nil && os.Getenv("STY") != ""
	p.form.env = formEnv{noFiles: m.opt.NoExport, clip: func(s string) { _, _ = io.WriteString(out, osc52(s, screen)) }}
	return p
}

// osc52 is the escape that asks the terminal to put s on its clipboard,
// wrapped for GNU screen to pass on when screen is set. Not termenv's
// Copy: it wraps whenever TERM starts with "screen", as tmux's often
// does, and tmux drops the wrapped form; it takes the plain one when its
// set-clipboard option is on.
func osc52(s string, screen bool) string {
	seq := osc52pkg.New(s)
	if screen {
		seq = seq.Screen()
	}
	return seq.String()
}

// typing reports whether keys go to a text field (model.go routes pasted
// text and runes typed together to it whole).
func (p settingsPanel) typing() bool { return p.form.mode == formValue || p.form.mode == formPath }

// newInput is a text field holding v with the cursor at its end. Its
// clipboard paste (ctrl+v) is off: it would read the clipboard of the
// machine the app runs on, the server's over SSH; the terminal's own
// paste arrives as typed text.
func newInput(v string) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = scenarios.MaxTextBytes
	in.KeyMap.Paste.SetEnabled(false)
	in.Focus()
	in.SetValue(v)
	in.CursorEnd()
	return in
}

// startsNumber reports whether msg is a key that starts typing a number
// on a numeric line: a digit or a decimal point.
func startsNumber(msg tea.KeyMsg) bool {
	if msg.Type != tea.KeyRunes || len(msg.Runes) != 1 {
		return false
	}
	r := msg.Runes[0]
	return r >= '0' && r <= '9' || r == '.'
}

// edit opens the text field on the chosen line, holding v.
func (p settingsPanel) edit(v string) settingsPanel {
	p.form.mode, p.form.input, p.form.note = formValue, newInput(v), ""
	return p
}

// formKey handles a key while the form types or asks.
func (p settingsPanel) formKey(msg tea.KeyMsg) (overlay, outcome) {
	f := &p.form
	if f.mode == formOverwrite {
		switch msg.String() {
		case "y":
			p.save(f.path, true)
		case "n", "esc":
			f.mode, f.note, f.bad = formBrowse, "not saved: "+f.path+" is kept as it was", false
		}
		return p, stay
	}
	switch msg.Type {
	case tea.KeyEsc:
		f.mode, f.note = formBrowse, ""
		return p, stay
	case tea.KeyEnter:
		mode := f.mode
		f.mode = formBrowse
		if mode == formPath {
			p.save(strings.TrimSpace(f.input.Value()), false)
		} else {
			p.applyTyped(f.input.Value())
		}
		return p, stay
	}
	f.input, _ = f.input.Update(msg)
	return p, stay
}

// applyTyped sets the chosen line's setting to text when the table and the
// server's caps allow it; otherwise the line keeps its value and the form
// says why, in the table's words.
func (p *settingsPanel) applyTyped(text string) {
	fl := settingsFields()[p.field]
	st := fl.setting
	sc := p.sc
	if err := st.ParseValue(&sc, text); err != nil {
		p.form.note, p.form.bad = err.Error()+" · kept "+fl.show(&p.sc), true
		return
	}
	if p.form.env.noFiles && st.Panel != nil && st.Panel.Names != nil {
		// Over SSH a spec naming files would make the server read its own
		// files for a visitor (and a parse error quote them): only the
		// data sets that need no files are offered.
		if v := *st.Ptr(&sc).(*string); !slices.Contains(st.Panel.Names(), v) {
			p.form.note, p.form.bad = sprintf("%s %s reads files, which this session may not (choose %s) · kept %s", st.Name(), quoteShort(v), strings.Join(st.Panel.Names(), " or "), fl.show(&p.sc)), true
			return
		}
	}
	if c := p.limits.of(st.Key); c > 0 {
		if v, ok := st.Number(&sc); ok && v > c {
			p.form.note, p.form.bad = sprintf("%s %s is above this server's limit of %s · kept %s", st.Name(), fl.show(&sc), plainNum(c), fl.show(&p.sc)), true
			return
		}
	}
	p.sc = sc
	p.form.note, p.form.bad = fl.name+" set to "+cutRunes(fl.show(&sc), 60), false
}

func plainNum(v float64) string { return sprintf("%.15g", v) }

// startSave opens the path field, holding ./initscope-<name>.toml.
func (p settingsPanel) startSave() settingsPanel {
	if p.form.env.noFiles {
		p.form.note, p.form.bad = "saving is disabled here (no file access in this session); y copies the command line instead", true
		return p
	}
	if _, err := p.sc.Validate(); err != nil {
		p.form.note, p.form.bad = "cannot save: "+err.Error(), true
		return p
	}
	p.form.mode = formPath
	p.form.input = newInput("./initscope-" + safeName(p.scenario().Name) + ".toml")
	p.form.note = ""
	return p
}

// save writes the edited scenario to path as a scenario file. An existing
// file is overwritten only when asked (overwrite), and only a regular
// one: a device or a pipe is refused before it is opened, so a hostile
// path cannot make the app wait.
func (p *settingsPanel) save(path string, overwrite bool) {
	f := &p.form
	f.mode = formBrowse
	if path == "" {
		f.note, f.bad = "not saved: no path typed", true
		return
	}
	path = dataset.ExpandHome(path)
	data, err := p.scenario().TOML()
	if err == nil {
		var exists bool
		exists, err = writeNew(path, data, overwrite)
		if exists {
			f.mode, f.path, f.note, f.bad = formOverwrite, path, "", false
			return
		}
	}
	if err != nil {
		f.note, f.bad = "not saved: "+oneLine(err.Error()), true
		return
	}
	abs, aerr := filepath.Abs(path)
	if aerr != nil {
		abs = path
	}
	f.note, f.bad = "saved "+abs+" · load it with: initscope --scenario "+scenarios.ShellQuote([]string{abs}), false
}

// writeNew writes data to a new file at path; exists reports a file
// already there, which is replaced only when overwrite is set and it is a
// regular file.
func writeNew(path string, data []byte, overwrite bool) (exists bool, err error) {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if fi, err := os.Lstat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return false, fmt.Errorf("%s is not a regular file (choose another path)", path)
		}
		if !overwrite {
			return true, nil
		}
		flags = os.O_WRONLY | os.O_TRUNC
	}
	file, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return false, err
	}
	_, err = file.Write(data)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return false, err
}

// commandLine is the shortest command line that starts the app on sc:
// `initscope --scenario NAME` for the preset the panel was opened on (none
// for the one a bare initscope opens) and the flags of the settings that
// differ from it (scenarios.CommandLine). Only the differences, so the
// line says what was changed; from a run that is no preset, the
// differences from the bare one. Names have no flag: the line gives the
// settings, not the name.
func commandLine(orig, sc scenarios.Scenario) string {
	args := []string{"initscope"}
	base, ok := preset.Lookup(orig.Name)
	if !ok {
		base, _ = preset.Lookup(preset.DefaultName)
	} else if orig.Name != preset.DefaultName {
		args = append(args, "--scenario", orig.Name)
	}
	return scenarios.ShellQuote(append(args, sc.CommandLine(base)...))
}

// copyLine shows the command line of the edited settings and copies it.
func (p settingsPanel) copyLine() settingsPanel {
	if _, err := p.sc.Validate(); err != nil {
		p.form.note, p.form.bad = "no command line: "+err.Error(), true
		return p
	}
	line := commandLine(p.orig, p.sc)
	p.form.note, p.form.bad = line, false
	if p.form.env.clip != nil {
		p.form.env.clip(line)
		p.form.note = "copied (OSC 52): " + line
	}
	return p
}

// formLines are the form's lines under the panel's, at most h of them in
// w cells: the text field being typed, or the question, or the last
// action's note (wrapped whole: a command line is not cut while it fits),
// then the form's keys.
func (p settingsPanel) formLines(w, h int, st Styles) []string {
	if h <= 0 {
		return nil
	}
	var lines []string
	switch p.form.mode {
	case formPath:
		lines = append(lines, st.Label.Render("save as: ")+inputView(p.form.input, max(1, w-10), st))
	case formOverwrite:
		lines = append(lines, st.Warn.Render(truncate(p.form.path, max(1, w-30))+" exists: overwrite it? ")+
			st.Value.Render("y")+st.Hint.Render(" yes  ")+st.Value.Render("n")+st.Hint.Render(" no"))
	default:
		if p.form.note != "" {
			style := st.Good
			if p.form.bad {
				style = st.Bad
			}
			wrapped := wrapWords(p.form.note, max(1, w))
			if len(wrapped) > h-1 && h > 1 {
				wrapped = wrapped[:h-1]
				wrapped[h-2] = truncate(wrapped[h-2]+" …", w)
			}
			for _, l := range wrapped {
				lines = append(lines, style.Render(l))
			}
		}
	}
	keys := p.browseKeys(w)
	switch p.form.mode {
	case formValue, formPath:
		keys = hintLine(w, "enter: apply", "esc: cancel", "←→ home end: move", "ctrl+u: clear")
	case formOverwrite:
		keys = ""
	}
	if keys = strings.TrimRight(keys, " "); keys != "" {
		lines = append(lines, st.Hint.Render(keys))
	}
	if len(lines) > h {
		lines = lines[len(lines)-h:]
	}
	return lines
}

// browseKeys is the form's key line while browsing, in w cells. On a
// line whose arrows offer fewer values than it takes (the data set's:
// those that need no files), it names the others, which only typing
// gives; shorter words when the long ones do not fit.
func (p settingsPanel) browseKeys(w int) string {
	edit := "e or 0-9: type a value"
	if more := typedOnly(settingsFields()[p.field].setting); len(more) > 0 {
		edit = "e: type " + strings.Join(more, " ")
	}
	for _, words := range [][]string{
		{edit, "w: save as scenario file", "y: copy the command line"},
		{edit, "w: save file", "y: copy cmd"},
	} {
		if line := strings.Join(words, " · "); lipgloss.Width(line) <= w {
			return line
		}
	}
	return hintLine(w, edit, "w: save file", "y: copy cmd")
}

// typedOnly are the values of a setting that its arrows do not offer:
// its choices outside the panel's Names (mnist:DIR, csv:FILE...).
func typedOnly(st scenarios.Setting) []string {
	if st.Choices == nil || st.Panel == nil || st.Panel.Names == nil {
		return nil
	}
	var more []string
	for _, c := range st.Choices() {
		if !slices.Contains(st.Panel.Names(), c) {
			more = append(more, c)
		}
	}
	return more
}

// inputView draws a text field in w cells: the part around the cursor,
// the cursor in reverse video, or as ▏ where there is no colour (a
// reversed cell would not show).
func inputView(in textinput.Model, w int, st Styles) string {
	r := []rune(in.Value())
	pos := min(in.Position(), len(r))
	from := max(0, pos-(w-1))
	to := min(len(r), from+w-1)
	before, after := string(r[from:pos]), string(r[pos:to])
	if st.Plain() {
		return truncate(before+"▏"+after, w)
	}
	cur := " "
	if pos < to {
		cur, after = string(r[pos]), string(r[pos+1:to])
	}
	return truncate(st.Value.Render(before)+st.Selected.Render(cur)+st.Value.Render(after), w)
}

// quoteShort quotes a typed value for a one-line message, cut to 40 runes.
func quoteShort(v string) string { return sprintf("%q", cutRunes(v, 40)) }

// cutRunes cuts s to n runes, marking the cut with …: a typed value of
// thousands of characters stays one line of the form.
func cutRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
