package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"initscope/scenarios"
	"initscope/scenarios/preset"
)

// MaxRuns bounds a sweep: the product of its lists' lengths is checked
// against it, with overflow checks, before any run is expanded. Ten
// thousand runs is a large grid (Table 1 with 5 configurations, 10
// learning rates and 20 seeds is a thousand).
const MaxRuns = 10000

// scenarioKey is the [base] or [vary] key that starts a run from a
// preset, like --scenario.
const scenarioKey = "scenario"

// Sweep is a parsed sweep file.
type Sweep struct {
	Name string // the file's base name without .toml: what run names start with
	File string // where it came from, for messages
	Data []byte // the file's bytes, copied into the output directory

	preset string   // [base] scenario, "" for the defaults
	base   []keyVal // the other [base] keys, in the file's order
	Axes   []Axis   // the [vary] keys, in the file's order
	runs   []Run
}

type keyVal struct {
	key  string
	val  any
	line int
}

// Axis is one [vary] key and its values, as written.
type Axis struct {
	Key    string
	Values []any
	Labels []string // each value as run names show it
	line   int
}

// Run is one run of a sweep.
type Run struct {
	Index    int
	Name     string // from the varied settings: "table1-tanh-n_lr0.01_seed2"
	Scenario scenarios.Scenario
	// Values are the run's value of each axis, as Axis.Labels writes them.
	Values []string
	Stem   string // the output file's name without .jsonl: "03-table1-tanh-n_lr0.01_seed2"
}

// Runs returns every run, in index order (a fresh copy).
func (s *Sweep) Runs() []Run { return slices.Clone(s.runs) }

// Varies reports whether the sweep varies key.
func (s *Sweep) Varies(key string) bool { return s.axis(key) >= 0 }

func (s *Sweep) axis(key string) int {
	return slices.IndexFunc(s.Axes, func(a Axis) bool { return a.Key == key })
}

// notVaried are keys a [vary] list may not name: they describe a run, they
// do not change it.
var notVaried = []string{"name", "description"}

// Parse reads a sweep file. file names it in errors, which are one line:
// "table1.toml:12: vary.lr: ...". Bounds (preset.MaxFileBytes, one level of
// nesting, MaxRuns) are checked before anything is expanded, and every run
// is validated, so a sweep that parses has no run that a scenario check
// would refuse.
func Parse(file string, data []byte) (*Sweep, error) {
	raw, keys, err := preset.Decode(file, data)
	if err != nil {
		return nil, err
	}
	s := &Sweep{Name: strings.TrimSuffix(path.Base(file), ".toml"), File: file, Data: bytes.Clone(data)}
	lines := keyLines(data)
	at := func(table, key string) string {
		l := lines[table+"."+key]
		if table == "" {
			l = max(lines[key], lines["."+key])
		}
		if l > 0 {
			return fmt.Sprintf("%s:%d", file, l)
		}
		return file
	}
	for _, k := range keys {
		switch {
		case len(k) == 1 && (k[0] == "base" || k[0] == "vary"):
			if _, ok := raw[k[0]].(map[string]any); !ok {
				return nil, fmt.Errorf("%s: %s is %s; write it as a table, [%s]", at("", k[0]), k[0], preset.TypeName(raw[k[0]]), k[0])
			}
		case len(k) == 2 && isTable(raw[k[0]].(map[string]any)[k[1]]):
			return nil, fmt.Errorf("%s: %s.%s is a table; [%s] takes key = value lines", at(k[0], k[1]), k[0], k[1], k[0])
		case len(k) == 2 && k[0] == "base":
			if err := s.addBase(k[1], raw["base"].(map[string]any)[k[1]], lines["base."+k[1]]); err != nil {
				return nil, fmt.Errorf("%s: base.%s: %v", at("base", k[1]), k[1], err)
			}
		case len(k) == 2 && k[0] == "vary":
			if err := s.addAxis(k[1], raw["vary"].(map[string]any)[k[1]], lines["vary."+k[1]]); err != nil {
				return nil, fmt.Errorf("%s: vary.%s: %v", at("vary", k[1]), k[1], err)
			}
		case len(k) > 2 && (k[0] == "base" || k[0] == "vary"):
			return nil, fmt.Errorf("%s: %s.%s is a table; [%s] takes key = value lines", at(k[0], k[1]), k[0], k[1], k[0])
		default:
			return nil, fmt.Errorf("%s: unknown key %q (a sweep file has a [base] table of scenario keys and a [vary] table of lists)", at("", k[0]), strings.Join(k, "."))
		}
	}
	n := 1
	for _, a := range s.Axes {
		// n * len <= MaxRuns, checked without overflowing: each length is
		// at most MaxRuns (addAxis) and n stays at most MaxRuns.
		if len(a.Values) > MaxRuns/n {
			return nil, fmt.Errorf("%s: the sweep has more than %d runs (the product of the [vary] lists' lengths); split it into several files or shorten the lists", file, MaxRuns)
		}
		n *= len(a.Values)
	}
	s.runs = make([]Run, 0, n)
	for i := range n {
		r, err := s.expand(i, n)
		if err != nil {
			return nil, err
		}
		s.runs = append(s.runs, r)
	}
	return s, nil
}

func isTable(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

// checkKey refuses a key that is not a scenario file's, before its value
// is looked at.
func checkKey(key string) error {
	if key == scenarioKey || slices.Contains(scenarios.Keys(), key) {
		return nil
	}
	return fmt.Errorf("unknown key %q (valid keys: %s, %s)", key, scenarioKey, strings.Join(scenarios.Keys(), ", "))
}

func (s *Sweep) addBase(key string, v any, line int) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if key == scenarioKey {
		name, ok := v.(string)
		if !ok {
			return fmt.Errorf("the value is %s; scenario takes a preset's name in quotes (valid: %s)", preset.TypeName(v), strings.Join(preset.Names(), ", "))
		}
		if _, ok := preset.Lookup(name); !ok {
			return fmt.Errorf("unknown scenario %q (valid: %s)", name, strings.Join(preset.Names(), ", "))
		}
		s.preset = name
		return nil
	}
	sc := scenarios.Default()
	if err := preset.SetKey(&sc, key, v); err != nil {
		return err
	}
	s.base = append(s.base, keyVal{key, v, line})
	return nil
}

func (s *Sweep) addAxis(key string, v any, line int) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if slices.Contains(notVaried, key) {
		return fmt.Errorf("%s describes a run and cannot be varied (vary the settings that change it)", key)
	}
	list, ok := v.([]any)
	if !ok {
		return fmt.Errorf("the value is %s; a [vary] key takes a list, e.g. %s = [a, b]", preset.TypeName(v), key)
	}
	if len(list) == 0 {
		return fmt.Errorf("the list is empty; give at least one value (a sweep of no runs is a mistake)")
	}
	if len(list) > MaxRuns {
		return fmt.Errorf("%d values, over the limit of %d runs in a sweep", len(list), MaxRuns)
	}
	a := Axis{Key: key, Values: list, line: line}
	seen := map[string]int{}
	for i, x := range list {
		var label string
		if key == scenarioKey {
			name, ok := x.(string)
			if !ok {
				return fmt.Errorf("value %d is %s; scenario takes presets' names in quotes", i+1, preset.TypeName(x))
			}
			if _, ok := preset.Lookup(name); !ok {
				return fmt.Errorf("unknown scenario %q (valid: %s)", name, strings.Join(preset.Names(), ", "))
			}
			label = safe(name)
		} else {
			sc := scenarios.Default()
			if err := preset.SetKey(&sc, key, x); err != nil {
				return fmt.Errorf("value %d: %v", i+1, err)
			}
			label = labelOf(key, &sc)
		}
		if j, dup := seen[label]; dup {
			return fmt.Errorf("values %d and %d are the same run (%s); list each value once", j+1, i+1, label)
		}
		seen[label] = i
		a.Labels = append(a.Labels, label)
	}
	s.Axes = append(s.Axes, a)
	return nil
}

// expand builds run i of n: the last [vary] key changes fastest, like
// nested loops written in the file's order. Settings apply in this order:
// the preset (vary's scenario, else base's, else the defaults), then the
// [base] keys, then the other [vary] keys.
func (s *Sweep) expand(i, n int) (Run, error) {
	r := Run{Index: i, Values: make([]string, len(s.Axes))}
	pick := make([]int, len(s.Axes))
	rest := i
	for a := len(s.Axes) - 1; a >= 0; a-- {
		k := len(s.Axes[a].Values)
		pick[a], rest = rest%k, rest/k
		r.Values[a] = s.Axes[a].Labels[pick[a]]
	}
	sc := scenarios.Default()
	name := s.preset
	if a := s.axis(scenarioKey); a >= 0 {
		name = s.Axes[a].Values[pick[a]].(string)
	}
	if name != "" {
		sc, _ = preset.Lookup(name) // checked by addBase and addAxis
	}
	for _, kv := range s.base {
		preset.SetKey(&sc, kv.key, kv.val) // checked by addBase
	}
	for a, ax := range s.Axes {
		if ax.Key != scenarioKey {
			preset.SetKey(&sc, ax.Key, ax.Values[pick[a]]) // checked by addAxis
		}
	}
	r.Name = runName(r.Values)
	r.Stem = fmt.Sprintf("%0*d-%s", len(strconv.Itoa(max(n-1, 0))), i, r.Name)
	if len(r.Stem) > MaxNameBytes {
		return r, fmt.Errorf("%s: run %d's file name would be %d bytes, over the limit of %d (vary fewer settings, or shorter values)", s.File, i, len(r.Stem), MaxNameBytes)
	}
	// The run line names the run by its file, whatever the sweep file is
	// called (the report reads a copy named sweep.toml).
	sc.Name = r.Stem
	if _, err := sc.Validate(); err != nil {
		var se *scenarios.SettingError
		line := 0
		if errors.As(err, &se) {
			line = s.lineOf(se.Key)
		}
		where := s.File
		if line > 0 {
			where = fmt.Sprintf("%s:%d", s.File, line)
		}
		return r, fmt.Errorf("%s: run %d (%s): %v", where, i, r.Name, err)
	}
	r.Scenario = sc
	return r, nil
}

// lineOf is the line that set key for the runs: its [vary] list, else its
// [base] line, else 0.
func (s *Sweep) lineOf(key string) int {
	if a := s.axis(key); a >= 0 {
		return s.Axes[a].line
	}
	for _, kv := range s.base {
		if kv.key == key {
			return kv.line
		}
	}
	return 0
}

// runName joins the varied values' labels; a sweep with nothing varied
// has one run, "base".
func runName(labels []string) string {
	if len(labels) == 0 {
		return "base"
	}
	return strings.Join(labels, "_")
}

// maxLabel bounds one value's part of a run's name (a data set's path can
// be long); MaxNameBytes bounds the whole.
const maxLabel = 48

// MaxNameBytes bounds a run's file name (255 bytes on most file systems),
// leaving room for the index and the temporary suffix.
const MaxNameBytes = 200

// labelOf writes key's value in sc for a run's name: names (activation,
// init, loss, data set) bare, numbers after their key ("lr0.01",
// "seed2"), booleans as the key or "no" and the key.
func labelOf(key string, sc *scenarios.Scenario) string {
	for _, st := range scenarios.Settings() {
		if st.Key != key {
			continue
		}
		switch p := st.Ptr(sc).(type) {
		case *string:
			return safe(*p)
		case *bool:
			if *p {
				return safe(key)
			}
			return "no" + safe(key)
		case *float64: // digits, '.', '-', '+', 'e', NaN, +Inf: all safe
			return safe(key) + strconv.FormatFloat(*p, 'g', -1, 64)
		case *int:
			return safe(key) + strconv.Itoa(*p)
		case *int64:
			return safe(key) + strconv.FormatInt(*p, 10)
		case *uint64:
			return safe(key) + strconv.FormatUint(*p, 10)
		}
		return safe(key)
	}
	return safe(key)
}

// safe makes s a file-name part: letters, digits, '.', '+' and '-' stay,
// every other run of bytes becomes one '-', at most maxLabel bytes, never
// empty and never starting with '.' or '-'.
func safe(s string) string {
	var b strings.Builder
	dash := false
	for i := 0; i < len(s) && b.Len() < maxLabel; i++ {
		c := s[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '+' || c == '-'
		if ok {
			b.WriteByte(c)
			dash = c == '-'
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimLeft(strings.TrimRight(b.String(), "-"), ".-")
	if out == "" {
		return "x"
	}
	return out
}

// keyLines maps "table.key" to the line that sets it (and "" + "." + table
// to a table's header line), for messages. It reads lines the way a
// person writes a sweep file; a line it cannot place only costs a message
// its line number.
func keyLines(data []byte) map[string]int {
	lines := map[string]int{}
	table := ""
	for i, raw := range bytes.Split(data, []byte("\n")) {
		s := strings.TrimSpace(string(raw))
		if h, ok := strings.CutPrefix(s, "["); ok {
			h, _, _ = strings.Cut(h, "]")
			table = strings.Trim(strings.TrimSpace(h), `"'`)
			if _, seen := lines["."+table]; !seen {
				lines["."+table] = i + 1
			}
			continue
		}
		k, _, ok := strings.Cut(s, "=")
		if !ok || strings.HasPrefix(s, "#") {
			continue
		}
		k = strings.Trim(strings.TrimSpace(k), `"'`)
		full := k
		if table != "" {
			full = table + "." + k
		}
		if _, seen := lines[full]; !seen {
			lines[full] = i + 1
		}
	}
	return lines
}

// Configs groups the runs by their varied values other than except (the
// seed, the learning rate): one group per configuration, in the order of
// each group's first run.
func (s *Sweep) Configs(except ...string) []Config {
	var out []Config
	index := map[string]int{}
	for _, r := range s.runs {
		var parts []string
		for a, ax := range s.Axes {
			if !slices.Contains(except, ax.Key) {
				parts = append(parts, r.Values[a])
			}
		}
		name := runName(parts)
		i, ok := index[name]
		if !ok {
			i = len(out)
			index[name] = i
			out = append(out, Config{Name: name})
		}
		out[i].Runs = append(out[i].Runs, r.Index)
	}
	return out
}

// Config is a group of runs that differ only in the settings Configs left
// out.
type Config struct {
	Name string
	Runs []int // indices into Runs()
}
