package preset

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"initscope/scenarios"
)

//go:embed presets/*.toml
var presetFiles embed.FS

// DefaultName is the preset the app opens on.
const DefaultName = "quick"

// Presets returns the built-in scenarios, sorted by name in natural order,
// fig2 before fig10 (a fresh copy the caller may change).
func Presets() []scenarios.Scenario { return slices.Clone(presets()) }

// presets parses the embedded files once: Load, Lookup and Names all
// consult them.
var presets = sync.OnceValue(func() []scenarios.Scenario {
	entries, err := presetFiles.ReadDir("presets")
	if err != nil {
		panic("preset: presets missing from the binary: " + err.Error())
	}
	var all []scenarios.Scenario
	for _, e := range entries {
		name := path.Join("presets", e.Name())
		data, err := presetFiles.ReadFile(name)
		if err != nil {
			panic("preset: " + err.Error())
		}
		sc, err := Parse(name, data)
		if err != nil {
			panic("preset: bad built-in preset: " + err.Error())
		}
		all = append(all, sc)
	}
	slices.SortFunc(all, func(a, b scenarios.Scenario) int { return naturalCompare(a.Name, b.Name) })
	return all
})

// naturalCompare orders names as people count: runs of digits compare as
// numbers ("fig2" before "fig10"), the rest byte by byte; names equal so
// ("fig02", "fig2") fall back to plain order, so the order is total.
func naturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			ei, ej := digitsEnd(a, i), digitsEnd(b, j)
			// Compare as numbers without parsing (any length): without
			// leading zeros, the longer is larger, then digit by digit.
			na, nb := strings.TrimLeft(a[i:ei], "0"), strings.TrimLeft(b[j:ej], "0")
			if c := cmpInt(len(na), len(nb)); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			i, j = ei, ej
			continue
		}
		if a[i] != b[j] {
			return cmpInt(int(a[i]), int(b[j]))
		}
		i++
		j++
	}
	if c := cmpInt(len(a)-i, len(b)-j); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digitsEnd is the end of the run of digits in s starting at i.
func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Lookup returns the preset with the given name.
func Lookup(name string) (scenarios.Scenario, bool) {
	for _, sc := range presets() {
		if sc.Name == name {
			return sc, true
		}
	}
	return scenarios.Scenario{}, false
}

// MaxFileBytes bounds a scenario file: a scenario is a dozen key = value
// lines, so anything larger is the wrong file (or a hostile one) and is
// refused before it is read whole.
const MaxFileBytes = 64 << 10

// Load resolves what the user passed to --scenario: a preset's name, or the
// path of a scenario file (anything containing a slash or ending in .toml).
func Load(nameOrFile string) (scenarios.Scenario, error) {
	if sc, ok := Lookup(nameOrFile); ok {
		return sc, nil
	}
	if !strings.ContainsRune(nameOrFile, os.PathSeparator) && !strings.HasSuffix(nameOrFile, ".toml") {
		return scenarios.Scenario{}, fmt.Errorf("unknown scenario %q (valid: %s; or the path of a .toml file)", nameOrFile, strings.Join(Names(), ", "))
	}
	f, err := os.Open(nameOrFile)
	if err != nil {
		return scenarios.Scenario{}, fmt.Errorf("scenario file: %v", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > MaxFileBytes {
		return scenarios.Scenario{}, tooBig(nameOrFile, st.Size())
	}
	// A pipe or device has no size to check: read one byte past the limit
	// and let Parse refuse what is too long.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return scenarios.Scenario{}, fmt.Errorf("scenario file: %v", err)
	}
	return Parse(nameOrFile, data)
}

func tooBig(file string, size int64) error {
	return fmt.Errorf("%s: %d bytes is over the %d-byte limit of a scenario file (a scenario is a dozen key = value lines: is it the right file?)",
		file, size, MaxFileBytes)
}

// Names lists the presets' names.
func Names() []string {
	var names []string
	for _, sc := range presets() {
		names = append(names, sc.Name)
	}
	return names
}

// Parse reads a scenario in TOML from data; file names it in errors, which
// give the line and the problem: "my.toml:3: depth: ...".
//
// The file is decoded into a plain map first and each value is then checked
// against its field's type here, so every error is built from structured
// values (toml.ParseError, the value's Go type) rather than recovered from
// the decoder's message text, and a negative seed cannot wrap around to
// 18446744073709551615 as it would when decoded straight into a uint64.
func Parse(file string, data []byte) (scenarios.Scenario, error) {
	sc := scenarios.Default()
	if len(data) > MaxFileBytes {
		return sc, tooBig(file, int64(len(data)))
	}
	// The TOML parser recurses once per level of nesting and a few KB of
	// "a = {b = {c = ..." took 1.7 s and 420 MB at 3,000 levels: refuse
	// nesting before the parser sees it. A scenario has none.
	if line, ok := flat(data); !ok {
		return sc, fmt.Errorf("%s:%d: nested tables and arrays are not scenario settings (a scenario file is flat key = value lines)", file, line)
	}
	var raw map[string]any
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return sc, fmt.Errorf("%s:%d: %s", file, perr.Position.Line, oneLine(perr.Message))
		}
		return sc, fmt.Errorf("%s: %s", file, oneLine(err.Error()))
	}
	settings := scenarios.Settings()
	for _, k := range md.Keys() { // in the file's order, so the first error is the first bad line
		i := slices.IndexFunc(settings, func(st scenarios.Setting) bool { return st.Key == k[0] })
		if i < 0 || k[0] == "" || len(k) > 1 {
			return sc, fmt.Errorf("%s: unknown key %q (valid keys: %s)", at(file, lineOf(data, k[0])), k.String(), strings.Join(scenarios.Keys(), ", "))
		}
		if err := set(settings[i], &sc, raw[k[0]]); err != nil {
			return sc, fmt.Errorf("%s: %v", at(file, lineOf(data, k[0])), err)
		}
	}
	if sc.Name == "custom" && file != "" {
		sc.Name = strings.TrimSuffix(path.Base(file), ".toml")
	}
	if _, err := sc.Validate(); err != nil {
		var se *scenarios.SettingError
		errors.As(err, &se) // Validate's errors always are
		return sc, fmt.Errorf("%s: %v", at(file, lineOf(data, se.Key)), err)
	}
	return sc, nil
}

// maxNesting is the deepest bracket nesting flat lets through: one level,
// so that `depth = [3]` or a `[table]` header reaches the decoder and gets
// its precise error, and no more.
const maxNesting = 1

// flat reports whether data nests brackets ([ and {) no deeper than
// maxNesting, and if not the line where it goes deeper. It skips strings and
// comments as TOML does, so a description may contain brackets; where it
// and TOML could disagree the input is invalid TOML and the decoder stops
// at that point, before any nesting after it.
func flat(data []byte) (line int, ok bool) {
	line, depth := 1, 0
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '\n':
			line++
		case '#': // a comment, to the end of the line
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			var lines int
			i, lines = skipString(data, i)
			line += lines
		case '[', '{':
			depth++
			if depth > maxNesting {
				return line, false
			}
		case ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return line, true
}

// skipString returns the index of the last byte of the string opening at
// data[i] (a quote) and the newlines inside it. Basic strings (in one or
// three double quotes) have backslash escapes, literal ones (in single
// quotes) do not; a one-line string also ends at a newline (invalid TOML,
// which the decoder reports), left for the caller to count.
func skipString(data []byte, i int) (end, lines int) {
	q := data[i]
	if i+2 < len(data) && data[i+1] == q && data[i+2] == q { // multi-line
		for j := i + 3; j < len(data); j++ {
			switch {
			case data[j] == '\n':
				lines++
			case q == '"' && data[j] == '\\' && j+1 < len(data):
				j++
				if data[j] == '\n' {
					lines++
				}
			case data[j] == q && j+2 < len(data) && data[j+1] == q && data[j+2] == q:
				// The string may end in one or two quotes of its own
				// before the closing three (4 quotes end it in one).
				end = j + 2
				for k := 0; k < 2 && end+1 < len(data) && data[end+1] == q; k++ {
					end++
				}
				return end, lines
			}
		}
		return len(data) - 1, lines
	}
	for j := i + 1; j < len(data); j++ {
		switch {
		case data[j] == '\n':
			return j - 1, lines
		case q == '"' && data[j] == '\\' && j+1 < len(data) && data[j+1] != '\n':
			j++
		case data[j] == q:
			return j, lines
		}
	}
	return len(data) - 1, lines
}

// set stores the decoded TOML value v in the setting's field of sc,
// refusing a value of the wrong type and a negative unsigned integer.
// Ranges are Validate's.
func set(st scenarios.Setting, sc *scenarios.Scenario, v any) error {
	switch p := st.Ptr(sc).(type) {
	case *string:
		s, ok := v.(string)
		if !ok {
			return wrongType(st, v, "a string in quotes")
		}
		*p = s
	case *int:
		n, ok := v.(int64)
		if !ok {
			return wrongType(st, v, "an integer")
		}
		if int64(int(n)) != n {
			return fmt.Errorf("%s %d out of range for this machine's int", st.Name(), n)
		}
		*p = int(n)
	case *int64:
		n, ok := v.(int64)
		if !ok {
			return wrongType(st, v, "an integer")
		}
		*p = n
	case *uint64:
		n, ok := v.(int64)
		if !ok {
			return wrongType(st, v, "an integer")
		}
		if n < 0 { // the flag refuses it too: --seed is 0..2^64-1
			return fmt.Errorf("%s %d out of range (0..%d)", st.Name(), n, uint64(math.MaxUint64))
		}
		*p = uint64(n)
	case *float64:
		switch x := v.(type) {
		case float64: // nan and inf included: Validate refuses them by range
			*p = x
		case int64:
			*p = float64(x)
		default:
			return wrongType(st, v, "a number")
		}
	case *bool:
		b, ok := v.(bool)
		if !ok {
			return wrongType(st, v, "true or false")
		}
		*p = b
	default:
		panic(fmt.Sprintf("preset: no TOML decoding for setting %s of type %T", st.Key, p))
	}
	return nil
}

func wrongType(st scenarios.Setting, v any, want string) error {
	return fmt.Errorf("%s: the value is %s; %s takes %s", st.Key, tomlType(v), st.Key, want)
}

// tomlType names a decoded TOML value's type for an error message.
func tomlType(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case map[string]any:
		return "a table"
	case []any, []map[string]any:
		return "an array"
	default: // time.Time and the toml.Local* types
		return "a date or time"
	}
}

// at is "file:line", or "file" when the line is unknown (0).
func at(file string, line int) string {
	if line == 0 {
		return file
	}
	return fmt.Sprintf("%s:%d", file, line)
}

// lineOf returns the 1-based line where key is set (key = ..., "key" = ...,
// key.sub = ... or a [key] header), or 0 if no line does.
func lineOf(data []byte, key string) int {
	for i, line := range bytes.Split(data, []byte("\n")) {
		s := strings.TrimSpace(string(line))
		if k, _, ok := strings.Cut(s, "="); ok && !strings.HasPrefix(s, "[") {
			s = k
		} else if h, ok := strings.CutPrefix(s, "["); ok {
			s, _, _ = strings.Cut(strings.TrimLeft(h, "["), "]")
		} else {
			continue
		}
		first, _, _ := strings.Cut(s, ".")
		if strings.Trim(strings.TrimSpace(first), `"'`) == key {
			return i + 1
		}
	}
	return 0
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
