package tui

import (
	"bytes"
	"encoding/base64"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"initscope/scenarios"
	"initscope/scenarios/preset"
)

// formModel is the app on fixed data at 80x24 with the settings panel
// open on the line labelled field; copies land in *clip.
func formModel(t *testing.T, field string) (m *Model, clip *string) {
	t.Helper()
	m = goldenModel(t, 80, 24)
	m.Update(press("c"))
	p := m.overlay.(settingsPanel)
	clip = new(string)
	p.form.env.clip = func(s string) { *clip = s }
	m.overlay = p
	goToField(t, m, field)
	return m, clip
}

func goToField(t *testing.T, m *Model, label string) {
	t.Helper()
	for range settingsFields() {
		if p := m.overlay.(settingsPanel); settingsFields()[p.field].name == label {
			return
		}
		m.Update(press("down"))
	}
	t.Fatalf("no settings line %q", label)
}

// typeText sends text one key at a time, as typed.
func typeText(m *Model, text string) {
	for _, r := range text {
		m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func clearField(m *Model) { m.Update(tea.KeyMsg{Type: tea.KeyCtrlU}) }

func panelOf(t *testing.T, m *Model) settingsPanel {
	t.Helper()
	p, ok := m.overlay.(settingsPanel)
	if !ok {
		t.Fatalf("the settings panel is not open:\n%s", m.View())
	}
	return p
}

// A learning rate typed (a digit opens the field) is applied when enter
// is pressed, and enter again proposes it for the run; the run had
// trained, so it asks first.
func TestFormTypedLearningRate(t *testing.T) {
	m, _ := formModel(t, "learning rate")
	typeText(m, "0.003")
	if !panelOf(t, m).typing() || !strings.Contains(m.View(), "0.003") {
		t.Fatalf("typing 0.003 does not show it in a text field:\n%s", m.View())
	}
	m.Update(press("enter"))
	if p := panelOf(t, m); p.sc.LR != 0.003 || p.typing() {
		t.Fatalf("after enter: lr %g, typing %v", p.sc.LR, p.typing())
	}
	if v := m.View(); !strings.Contains(v, "◀ 0.003 ▶ *") || !strings.Contains(v, "learning rate set to 0.003") {
		t.Errorf("the panel does not show the typed rate:\n%s", v)
	}
	m.Update(press("enter"))
	if !isOverlay[confirmQuestion](m) {
		t.Fatalf("a new rate for a run at step 5,900 does not ask first:\n%s", m.View())
	}
	m.Update(press("y"))
	if got := m.data[runMain].Scenario.LR; got != 0.003 {
		t.Errorf("after yes the run's rate is %g", got)
	}
}

// Out of range, unparsable, or over a server's cap: the form says so in
// the table's words on one line and the value stays; esc cancels typing.
func TestFormRefusesAndKeeps(t *testing.T) {
	for _, c := range []struct {
		field, typed, msg string
		limits            Limits
	}{
		{"learning rate", "200", "lr 200 out of range (0..100) · kept 0.02", Limits{}},
		{"learning rate", "0", "lr 0 must be above 0 (e.g. 0.01) · kept 0.02", Limits{}},
		{"learning rate", "1e309", `lr "1e309" out of range`, Limits{}},
		{"depth", "2.5", `depth "2.5" is not a whole number`, Limits{}},
		{"width", "4096", "width 4096 units is above this server's limit of 1000 · kept 256 units", Limits{MaxWidth: 1000}},
		{"data set", "imagenet:/x", `unknown dataset "imagenet:/x" (valid: shapeset, tiny, mnist:DIR`, Limits{}},
	} {
		m, _ := formModel(t, c.field)
		p := panelOf(t, m)
		p.limits = c.limits
		m.overlay = p
		before := p.sc
		m.Update(press("e"))
		clearField(m)
		typeText(m, c.typed)
		m.Update(press("enter"))
		p = panelOf(t, m)
		if p.sc != before {
			t.Errorf("%s %q: the scenario changed", c.field, c.typed)
		}
		flat := strings.Join(strings.Fields(m.View()), " ")
		if !strings.Contains(flat, c.msg) {
			t.Errorf("%s %q: the form does not say %q:\n%s", c.field, c.typed, c.msg, m.View())
		}
	}
	m, _ := formModel(t, "learning rate")
	typeText(m, "5")
	m.Update(press("esc"))
	if p := panelOf(t, m); p.typing() || p.sc.LR != 0.02 {
		t.Errorf("esc while typing: typing %v, lr %g", p.typing(), p.sc.LR)
	}
}

// A data set spec is typed into the data set line (the arrows offer only
// those that need no files), and a huge paste is bounded and refused in
// one line.
func TestFormDatasetSpec(t *testing.T) {
	m, _ := formModel(t, "data set")
	m.Update(press("e"))
	clearField(m)
	typeText(m, "mnist:/data/my mnist")
	m.Update(press("enter"))
	if p := panelOf(t, m); p.sc.Dataset != "mnist:/data/my mnist" {
		t.Fatalf("data set %q", p.sc.Dataset)
	}
	if v := m.View(); !strings.Contains(v, "◀ mnist:/data/my mnist ▶ *") {
		t.Errorf("the typed spec is not shown:\n%s", v)
	}
	m.Update(press("e"))
	m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(strings.Repeat("☃", 100000)), Paste: true})
	if n := len([]rune(panelOf(t, m).form.input.Value())); n > scenarios.MaxTextBytes {
		t.Errorf("a 100,000-rune paste left %d runes in the field", n)
	}
	m.Update(press("enter"))
	p := panelOf(t, m)
	if p.sc.Dataset != "mnist:/data/my mnist" || !p.form.bad || strings.Contains(p.form.note, "\n") || len(p.form.note) > 300 {
		t.Errorf("after the paste: data set %.40q, note %.300q", p.sc.Dataset, p.form.note)
	}
}

// w saves the edited settings as a scenario file that --scenario loads
// back to the same settings; an existing file is replaced only after a
// yes; a device is refused.
func TestFormSaveScenario(t *testing.T) {
	m, _ := formModel(t, "learning rate")
	typeText(m, "0.003")
	m.Update(press("enter"))
	want := panelOf(t, m).scenario()
	path := filepath.Join(t.TempDir(), "my run.toml")
	save := func() {
		m.Update(press("w"))
		if !panelOf(t, m).typing() || !strings.Contains(m.View(), "save as: ./initscope-custom.toml") {
			t.Fatalf("w does not offer a path:\n%s", m.View())
		}
		clearField(m)
		typeText(m, path)
		m.Update(press("enter"))
	}
	save()
	if flat := strings.Join(strings.Fields(m.View()), " "); !strings.Contains(flat, "saved "+path) {
		t.Fatalf("the form does not say where the file went:\n%s", m.View())
	}
	got, err := preset.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want.Name = "my run" // a file's "custom" scenario takes the file's name
	if got != want {
		t.Errorf("loaded back:\n%+v\nwant\n%+v", got, want)
	}
	if err := os.WriteFile(path, []byte("# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	save()
	if !strings.Contains(m.View(), "exists: overwrite it?") {
		t.Fatalf("an existing file is not asked about:\n%s", m.View())
	}
	m.Update(press("n"))
	if data, _ := os.ReadFile(path); string(data) != "# mine\n" {
		t.Errorf("no overwrote the file: %q", data)
	}
	save()
	m.Update(press("y"))
	if got, err := preset.Load(path); err != nil || got != want {
		t.Errorf("yes: %v\n%+v", err, got)
	}
	// A device is refused before it is opened (no hang on a pipe either).
	m.Update(press("w"))
	clearField(m)
	typeText(m, os.DevNull)
	m.Update(press("enter"))
	if p := panelOf(t, m); !p.form.bad || !strings.Contains(p.form.note, "not a regular file") {
		t.Errorf("saving to %s: %q", os.DevNull, p.form.note)
	}
	// Without file access (the SSH demo) w says so.
	p := panelOf(t, m)
	p.form.env.noFiles = true
	m.overlay = p
	m.Update(press("w"))
	if p := panelOf(t, m); p.typing() || !strings.Contains(p.form.note, "saving is disabled here") {
		t.Errorf("w without file access: typing %v, %q", p.typing(), p.form.note)
	}
}

// y shows and copies the shortest command line; a shell splits it and the
// command line's flags, on the preset it names, give the same settings.
func TestFormCopyCommandLine(t *testing.T) {
	m, clip := formModel(t, "learning rate")
	typeText(m, "0.003")
	m.Update(press("enter"))
	goToField(t, m, "data set")
	m.Update(press("e"))
	clearField(m)
	typeText(m, "csv:/data/it's mine.csv")
	m.Update(press("enter"))
	want := panelOf(t, m).sc
	m.Update(press("y"))
	if *clip != `initscope --depth 5 --dataset 'csv:/data/it'\''s mine.csv' --lr 0.003` { // goldenScenario is quick at depth 5
		t.Errorf("copied %q", *clip)
	}
	if flat := strings.Join(strings.Fields(m.View()), " "); !strings.Contains(flat, "copied (OSC 52): "+*clip) {
		t.Errorf("the line is not shown whole:\n%s", m.View())
	}
	got := parseCommandLine(t, *clip)
	want.Name, want.Description = got.Name, got.Description
	if got != want {
		t.Errorf("%s gives\n%+v\nwant\n%+v", *clip, got, want)
	}
	// From a preset other than the bare one, the line names it.
	sc, _ := preset.Lookup("fig6-standard")
	line := commandLine(sc, sc)
	if line != "initscope --scenario fig6-standard" {
		t.Errorf("an unchanged preset: %q", line)
	}
}

// parseCommandLine splits line as sh does and reads it as initscope's
// command line does: --scenario's preset, then the table's flags on it.
func parseCommandLine(t *testing.T, line string) scenarios.Scenario {
	t.Helper()
	out, err := exec.Command("sh", "-c", `for w in `+strings.TrimPrefix(line, "initscope ")+`; do printf '%s\0' "$w"; done`).Output()
	if err != nil {
		t.Skipf("skipped: needs a POSIX sh (%v)", err)
	}
	args := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	fs := flag.NewFlagSet("initscope", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	name := fs.String("scenario", preset.DefaultName, "")
	f := scenarios.RegisterFlags(fs, scenarios.Default())
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		t.Fatalf("%q does not parse: %v %q", line, err, fs.Args())
	}
	base, err := preset.Load(*name)
	if err != nil {
		t.Fatal(err)
	}
	return f.Apply(base)
}

// FuzzFormTyping: any text typed or pasted into any line's field, then
// enter, leaves a valid scenario and at most a one-line message.
func FuzzFormTyping(f *testing.F) {
	for _, s := range []string{"0.003", "1e309", "NaN", "-0", "99999999999999999999", "mnist:/dev/zero", "csv:" + strings.Repeat("x", 5000),
		strings.Repeat("9", 100000), "\x1b[2J", "on"} {
		f.Add(0, s, false)
		f.Add(7, s, true)
	}
	f.Fuzz(func(t *testing.T, line int, text string, paste bool) {
		m := goldenModel(t, 80, 24)
		m.Update(press("c"))
		fs := settingsFields()
		for range (line%len(fs) + len(fs)) % len(fs) {
			m.Update(press("down"))
		}
		m.Update(press("e"))
		clearField(m)
		m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(text), Paste: paste})
		m.Update(press("enter"))
		p := panelOf(t, m)
		if _, err := p.sc.Validate(); err != nil {
			t.Fatalf("%q: the form holds an invalid scenario: %v", text, err)
		}
		if strings.Contains(p.form.note, "\n") || len(p.form.note) > 400 {
			t.Fatalf("%q: the note is not one short line: %q", text, p.form.note)
		}
	})
}

// On the data set line the key line names the specs only typing gives
// (dataset.List's, through the table), in 80 columns with w and y.
func TestFormDatasetKeys(t *testing.T) {
	m, _ := formModel(t, "data set")
	line := "e: type mnist:DIR fashion:DIR cifar10:DIR csv:FILE · w: save file · y: copy cmd"
	if !strings.Contains(m.View(), line) {
		t.Errorf("the data set line's keys are not %q:\n%s", line, m.View())
	}
}

// y writes the OSC 52 escape to the app's renderer's output, which is the
// user's terminal: over SSH the session's, not the server's stdout.
func TestFormCopyGoesToTheRenderer(t *testing.T) {
	var out bytes.Buffer
	r := lipgloss.NewRenderer(&out, termenv.WithProfile(termenv.Ascii))
	m := newModel(Options{Scenario: goldenScenario(t), Renderer: r}, false)
	m.Close()
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(press("c"))
	m.Update(press("y"))
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("initscope --depth 5")) + "\x07"
	if !strings.Contains(out.String(), want) {
		t.Errorf("the renderer's output has %q, want the OSC 52 of the command line %q", out.String(), want)
	}
}

// The escape is OSC 52 with the text in base64, and for GNU screen the
// same inside DCS strings.
func TestOSC52(t *testing.T) {
	if got, want := osc52("initscope --lr 0.003", false), "\x1b]52;c;aW5pdHNjb3BlIC0tbHIgMC4wMDM=\x07"; got != want {
		t.Errorf("plain: %q, want %q", got, want)
	}
	if got := osc52("x", true); !strings.HasPrefix(got, "\x1bP\x1b]52;c;eA==") || !strings.HasSuffix(got, "\x1b\\") {
		t.Errorf("for screen: %q", got)
	}
}

// Over SSH (no file access) a typed data set that reads files is refused,
// whole and in one line, and the old one kept: a visitor must not make the
// server read its own files (whose parse errors would quote them).
func TestFormNoFilesRefusesFileDatasets(t *testing.T) {
	for _, spec := range []string{"csv:/etc/passwd", "mnist:/", "fashion:/usr/share", "cifar10:~/data"} {
		m, _ := formModel(t, "data set")
		p := m.overlay.(settingsPanel)
		p.form.env.noFiles = true
		m.overlay = p
		before := panelOf(t, m).sc.Dataset
		m.Update(press("e"))
		clearField(m)
		typeText(m, spec)
		m.Update(press("enter"))
		p = panelOf(t, m)
		if p.sc.Dataset != before || !p.form.bad || !strings.Contains(p.form.note, "reads files") || strings.Contains(p.form.note, "\n") {
			t.Errorf("%s with no file access: data set %q, note %q", spec, p.sc.Dataset, p.form.note)
		}
	}
	m, _ := formModel(t, "data set")
	p := m.overlay.(settingsPanel)
	p.form.env.noFiles = true
	m.overlay = p
	m.Update(press("e"))
	clearField(m)
	typeText(m, "tiny")
	m.Update(press("enter"))
	if p := panelOf(t, m); p.sc.Dataset != "tiny" || p.form.bad {
		t.Errorf("tiny with no file access: data set %q, note %q", p.sc.Dataset, p.form.note)
	}
}
