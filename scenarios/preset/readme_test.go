package preset

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"initscope/scenarios"
)

var update = flag.Bool("update", false, "rewrite README.md's flag rows and scenario-file block from the settings table")

// The README's training-flag rows and scenario-file block are the table's
// (go test -run TestREADME -update rewrites them).
func TestREADME(t *testing.T) {
	const path = "../../README.md"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	rows, block := readmeFlagRows(), readmeFileBlock()
	// The rows are the README's table lines that start with a setting's
	// flag (from the first such line to the last).
	isRow := func(line string) bool {
		for _, st := range scenarios.Settings() {
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
	if sc, err := Parse("", []byte(toml)); err != nil || sc != scenarios.Default() {
		t.Errorf("README.md's scenario-file block parses to %+v, %v; want scenarios.Default() %+v", sc, err, scenarios.Default())
	}
}

// readmeFlagRows is a Markdown table row for every setting a file and a
// flag share, in the table's order.
func readmeFlagRows() string {
	var b strings.Builder
	for _, st := range scenarios.Settings() {
		if st.Key == "" || st.Flag == "" {
			continue
		}
		arg := map[string]string{"*int": " N", "*int64": " N", "*uint64": " N", "*float64": " X", "*string": " NAME", "*bool": ""}[fmt.Sprintf("%T", st.Ptr(&scenarios.Scenario{}))]
		fmt.Fprintf(&b, "| `--%s%s` | %s |\n", st.Flag, arg, strings.ReplaceAll(st.Help(), "|", `\|`))
	}
	return b.String()
}

// readmeFileBlock is a scenario file giving every key its default, each
// with its help as a comment.
func readmeFileBlock() string {
	d := scenarios.Default()
	var lines []string
	width := 0
	for _, st := range scenarios.Settings() {
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

// flagText is sc's value of st as the flag package prints it.
func flagText(st scenarios.Setting, sc scenarios.Scenario) string {
	return fmt.Sprint(reflect.ValueOf(st.Ptr(&sc)).Elem().Interface())
}
