package scenarios

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

var update = flag.Bool("update", false, "rewrite README.md's flag rows and scenario-file block from the settings table")

// Every field of Scenario is exactly one setting, and keys and flags are
// unique: a field added to the struct without a row fails here.
func TestSettingsCoverScenario(t *testing.T) {
	var sc Scenario
	base := uintptr(unsafe.Pointer(&sc))
	byOffset := map[uintptr]string{}
	keys, flags := map[string]bool{}, map[string]bool{}
	for _, st := range Settings() {
		name := st.Key + "/" + st.Flag
		off := reflect.ValueOf(st.Ptr(&sc)).Pointer() - base
		if prev, dup := byOffset[off]; dup {
			t.Errorf("settings %s and %s set the same field", prev, name)
		}
		byOffset[off] = name
		if st.Key == "" && st.Flag == "" || keys[st.Key] || flags[st.Flag] {
			t.Errorf("setting %s: no name, or a key or flag used twice", name)
		}
		if st.Key != "" {
			keys[st.Key] = true
		}
		if st.Flag != "" {
			flags[st.Flag] = true
		}
		if st.Usage == "" || strings.Contains(st.Usage, "\n") {
			t.Errorf("setting %s: usage must be one line", name)
		}
		if r := st.Range; r != nil && !(r.Lo < r.Hi) {
			t.Errorf("setting %s: empty range %v..%v", name, r.Lo, r.Hi)
		}
	}
	typ := reflect.TypeFor[Scenario]()
	for i := range typ.NumField() {
		if _, ok := byOffset[typ.Field(i).Offset]; !ok {
			t.Errorf("field %s has no setting in settings.go", typ.Field(i).Name)
		}
	}
}

// Default is built from the table (a Default of the wrong type panics) and
// is a valid scenario; each range's ends are valid, and one step past
// them gives the message users see.
func TestDefaultAndRanges(t *testing.T) {
	if _, err := Default().Validate(); err != nil {
		t.Fatalf("Default() is invalid: %v", err)
	}
	for _, st := range Settings() {
		r := st.Range
		if r == nil {
			continue
		}
		for _, c := range []struct {
			v    float64
			want string
		}{
			{r.Lo, ""},
			{r.Hi, ""},
			{r.Lo - 1, fmt.Sprintf("%s %s out of range (%s..%s)", st.Flag, plain(r.Lo-1), plain(r.Lo), plain(r.Hi))},
			{r.Hi + 1, fmt.Sprintf("%s %s out of range (%s..%s)", st.Flag, plain(r.Hi+1), plain(r.Lo), plain(r.Hi))},
		} {
			if c.v == r.Lo && r.Above {
				c.want = fmt.Sprintf("%s %v must be above %s", st.Flag, r.Lo, plain(r.Lo))
			}
			sc := Default()
			st.SetNumber(&sc, c.v)
			_, err := sc.Validate()
			switch {
			case c.want == "" && err != nil:
				t.Errorf("%s = %v: %v", st.Flag, c.v, err)
			case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want)):
				t.Errorf("%s = %v: error %v, want %q", st.Flag, c.v, err, c.want)
			case c.want != "":
				if se, ok := err.(*SettingError); !ok || se.Key != st.Key {
					t.Errorf("%s = %v: error %#v does not carry the key %q", st.Flag, c.v, err, st.Key)
				}
			}
		}
	}
}

// --help shows every setting's range and, as its default, the value of
// the preset a bare run uses.
func TestFlagHelp(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	RegisterFlags(fs)
	quick, _ := Lookup(DefaultName)
	for _, st := range Settings() {
		if st.Flag == "" {
			continue
		}
		fl := fs.Lookup(st.Flag)
		if fl == nil {
			t.Fatalf("no flag --%s", st.Flag)
		}
		if fl.Usage != st.Help() {
			t.Errorf("--%s usage %q, want %q", st.Flag, fl.Usage, st.Help())
		}
		if r := st.Range; r != nil && !strings.Contains(fl.Usage, plain(r.Hi)) {
			t.Errorf("--%s usage %q does not give the range", st.Flag, fl.Usage)
		}
		if st.Key != "" && fl.DefValue != flagText(st, quick) {
			t.Errorf("--%s default %q, want the %s preset's %q", st.Flag, fl.DefValue, DefaultName, flagText(st, quick))
		}
	}
}

// flagText is sc's value of st as the flag package prints it.
func flagText(st Setting, sc Scenario) string {
	return fmt.Sprint(reflect.ValueOf(st.Ptr(&sc)).Elem().Interface())
}

// The README's training-flag rows and scenario-file block are the table's
// (go test -run TestREADME -update rewrites them).
func TestREADME(t *testing.T) {
	const path = "../README.md"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	rows, block := readmeFlagRows(), readmeFileBlock()
	// The rows are the README's table lines that start with a setting's
	// flag (from the first such line to the last).
	isRow := func(line string) bool {
		for _, st := range Settings() {
			if st.Key != "" && st.Flag != "" && (strings.HasPrefix(line, "| `--"+st.Flag+" ") || strings.HasPrefix(line, "| `--"+st.Flag+"`")) {
				return true
			}
		}
		return false
	}
	lines := strings.SplitAfter(readme, "\n")
	first, last := -1, -1
	for i, l := range lines {
		if isRow(l) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	fileStart := strings.Index(readme, "```toml\nname = ")
	fileEnd := strings.Index(readme[max(fileStart, 0):], "\n```\n") + max(fileStart, 0) + len("\n```\n")
	if first < 0 || fileStart < 0 {
		t.Fatalf("README.md has no flag rows or no ```toml block starting with name =")
	}
	if *update {
		gotRows := strings.Join(lines[first:last+1], "")
		readme = strings.Replace(readme, readme[fileStart:fileEnd], block, 1)
		readme = strings.Replace(readme, gotRows, rows, 1)
		if err := os.WriteFile(path, []byte(readme), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := strings.Join(lines[first:last+1], ""); got != rows {
		t.Errorf("README.md's training-flag rows differ from the settings table (go test -run TestREADME -update); want:\n%s", rows)
	}
	if got := readme[fileStart:fileEnd]; got != block {
		t.Errorf("README.md's scenario-file block differs from the settings table (go test -run TestREADME -update); want:\n%s", block)
	}
	// The block says it shows the defaults: as a file it is Default().
	toml := strings.TrimSuffix(strings.TrimPrefix(readme[fileStart:fileEnd], "```toml\n"), "```\n")
	if sc, err := Parse("", []byte(toml)); err != nil || sc != Default() {
		t.Errorf("README.md's scenario-file block parses to %+v, %v; want Default() %+v", sc, err, Default())
	}
}

// readmeFlagRows is a Markdown table row for every setting a file and a
// flag share, in the table's order.
func readmeFlagRows() string {
	var b strings.Builder
	for _, st := range Settings() {
		if st.Key == "" || st.Flag == "" {
			continue
		}
		arg := map[string]string{"*int": " N", "*int64": " N", "*uint64": " N", "*float64": " X", "*string": " NAME", "*bool": ""}[fmt.Sprintf("%T", st.Ptr(&Scenario{}))]
		fmt.Fprintf(&b, "| `--%s%s` | %s |\n", st.Flag, arg, strings.ReplaceAll(st.Help(), "|", `\|`))
	}
	return b.String()
}

// readmeFileBlock is a scenario file giving every key its default, each
// with its help as a comment.
func readmeFileBlock() string {
	d := Default()
	var lines []string
	width := 0
	for _, st := range Settings() {
		if st.Key == "" {
			continue
		}
		var v string
		switch p := st.Ptr(&d).(type) {
		case *string:
			v = fmt.Sprintf("%q", *p)
		case *float64:
			v = strconv.FormatFloat(*p, 'g', -1, 64)
			if !strings.ContainsAny(v, ".eIN") {
				v += ".0" // 1.0, not 1: TOML's float
			}
		default:
			v = flagText(st, d)
		}
		lines = append(lines, st.Key+" = "+v+"\x00"+st.Help())
		if n := len(st.Key + " = " + v); n <= 24 { // the names overhang
			width = max(width, n)
		}
	}
	var b strings.Builder
	b.WriteString("```toml\n")
	for _, l := range lines {
		kv, help, _ := strings.Cut(l, "\x00")
		fmt.Fprintf(&b, "%-*s  # %s\n", width, kv, help)
	}
	fmt.Fprintf(&b, "# a run without --scenario uses the %s preset instead (--help shows its values)\n```\n", DefaultName)
	return b.String()
}
