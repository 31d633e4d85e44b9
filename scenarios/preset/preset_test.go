package preset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"initscope/scenarios"
)

// Every preset parses, validates and has a description; the figures the
// issue names are all there.
func TestPresets(t *testing.T) {
	all := Presets()
	names := map[string]bool{}
	for _, sc := range all {
		if _, err := sc.Validate(); err != nil {
			t.Errorf("preset %s: %v", sc.Name, err)
		}
		if sc.Description == "" || strings.Contains(sc.Description, "\n") {
			t.Errorf("preset %s: description must be one line", sc.Name)
		}
		names[sc.Name] = true
	}
	for _, want := range []string{DefaultName, "fig2-sigmoid", "fig3-tanh", "fig3-softsign", "fig6-standard",
		"fig6-normalized", "fig10-tanh-normalized", "table1-tanh-n", "table1-sigmoid"} {
		if !names[want] {
			t.Errorf("missing preset %s", want)
		}
	}
	fig2, _ := Lookup("fig2-sigmoid")
	if fig2.Activation != "sigmoid" || fig2.Depth != 4 || fig2.Init != "standard" {
		t.Errorf("fig2-sigmoid = %+v, want sigmoid, depth 4, standard", fig2)
	}
}

func TestParseFileDefaultsAndName(t *testing.T) {
	sc, err := Parse("dir/mine.toml", []byte("# comment\ndepth = 3\nactivation = \"softsign\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := scenarios.Default()
	want.Name, want.Depth, want.Activation = "mine", 3, "softsign"
	if sc != want {
		t.Errorf("got %+v\nwant %+v", sc, want)
	}
}

// Malformed files: the file, the line and the problem in one line.
func TestParseErrors(t *testing.T) {
	cases := []struct{ text, want string }{
		{"depth = 3\nwidth = \n", "bad.toml:2:"},
		{"depth = 3\nwidht = 10\n", `bad.toml:2: unknown key "widht"`},
		{"depth = 300\n", "bad.toml:1: depth 300 out of range (1..20)"},
		{"name = \"x\"\nactivation = \"swish\"\n", `bad.toml:2: unknown activation "swish" (valid: sigmoid, tanh`},
		{"lr = -1\n", "bad.toml:1: lr -1 out of range"},
		{"init_scale = 0\n", "bad.toml:1: init-scale 0 must be above 0"},
		{"depth = \"deep\"\n", "bad.toml:1:"},
	}
	for _, c := range cases {
		_, err := Parse("bad.toml", []byte(c.text))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%q) error = %v, want a line starting %q", c.text, err, c.want)
		}
	}
}

func TestLoad(t *testing.T) {
	if sc, err := Load("fig3-tanh"); err != nil || sc.Activation != "tanh" {
		t.Errorf("Load(fig3-tanh) = %+v, %v", sc, err)
	}
	_, err := Load("fig99")
	if err == nil || !strings.Contains(err.Error(), `unknown scenario "fig99" (valid: fig2-sigmoid, fig3-softsign`) {
		t.Errorf("Load(fig99) error = %v", err)
	}
	path := filepath.Join(t.TempDir(), "exp.toml")
	os.WriteFile(path, []byte("width = 64\n"), 0o644)
	if sc, err := Load(path); err != nil || sc.Width != 64 || sc.Name != "exp" {
		t.Errorf("Load(file) = %+v, %v", sc, err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.toml")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("Load(missing) error = %v", err)
	}
}
