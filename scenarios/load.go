package scenarios

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

//go:embed presets/*.toml
var presetFiles embed.FS

// DefaultName is the preset the app opens on.
const DefaultName = "quick"

// Presets returns the built-in scenarios, sorted by name (a fresh copy the
// caller may change).
func Presets() []Scenario { return slices.Clone(presets()) }

// presets parses the embedded files once: Load, Lookup and Names all
// consult them.
var presets = sync.OnceValue(func() []Scenario {
	entries, err := presetFiles.ReadDir("presets")
	if err != nil {
		panic("scenarios: presets missing from the binary: " + err.Error())
	}
	var all []Scenario
	for _, e := range entries {
		name := path.Join("presets", e.Name())
		data, err := presetFiles.ReadFile(name)
		if err != nil {
			panic("scenarios: " + err.Error())
		}
		sc, err := Parse(name, data)
		if err != nil {
			panic("scenarios: bad built-in preset: " + err.Error())
		}
		all = append(all, sc)
	}
	slices.SortFunc(all, func(a, b Scenario) int { return strings.Compare(a.Name, b.Name) })
	return all
})

// Lookup returns the preset with the given name.
func Lookup(name string) (Scenario, bool) {
	for _, sc := range presets() {
		if sc.Name == name {
			return sc, true
		}
	}
	return Scenario{}, false
}

// Load resolves what the user passed to --scenario: a preset's name, or the
// path of a scenario file (anything containing a slash or ending in .toml).
func Load(nameOrFile string) (Scenario, error) {
	if sc, ok := Lookup(nameOrFile); ok {
		return sc, nil
	}
	if !strings.ContainsRune(nameOrFile, os.PathSeparator) && !strings.HasSuffix(nameOrFile, ".toml") {
		return Scenario{}, fmt.Errorf("unknown scenario %q (valid: %s; or the path of a .toml file)", nameOrFile, strings.Join(Names(), ", "))
	}
	data, err := os.ReadFile(nameOrFile)
	if err != nil {
		return Scenario{}, fmt.Errorf("scenario file: %v", err)
	}
	return Parse(nameOrFile, data)
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
func Parse(file string, data []byte) (Scenario, error) {
	sc := Default()
	md, err := toml.Decode(string(data), &sc)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return sc, fmt.Errorf("%s:%d: %s", file, perr.Position.Line, oneLine(perr.Message))
		}
		if m := decodeErr.FindStringSubmatch(err.Error()); m != nil {
			return sc, fmt.Errorf("%s:%s: %s: %s", file, m[1], m[2], oneLine(m[3]))
		}
		return sc, fmt.Errorf("%s: %s", file, oneLine(err.Error()))
	}
	if keys := md.Undecoded(); len(keys) > 0 {
		key := keys[0].String()
		return sc, fmt.Errorf("%s:%d: unknown key %q (valid keys: %s)", file, lineOf(data, keys[0][len(keys[0])-1]), key, strings.Join(Keys(), ", "))
	}
	if sc.Name == "custom" && file != "" {
		sc.Name = strings.TrimSuffix(path.Base(file), ".toml")
	}
	if _, err := sc.Validate(); err != nil {
		var se *SettingError
		errors.As(err, &se) // Validate's errors always are
		return sc, fmt.Errorf("%s:%d: %v", file, lineOf(data, se.Key), err)
	}
	return sc, nil
}

// decodeErr matches BurntSushi/toml's type errors, which are not
// ParseErrors: `toml: line 1 (last key "depth"): incompatible types: ...`.
var decodeErr = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

// Keys lists the TOML keys a scenario file may use.
func Keys() []string {
	return []string{"name", "description", "dataset", "activation", "init", "init_scale", "gain", "depth", "width",
		"loss", "lr", "batch_size", "steps", "every", "probe", "test", "seed", "hist", "jacobian"}
}

// lineOf returns the 1-based line where key is set, or 0 if it is not.
func lineOf(data []byte, key string) int {
	for i, line := range bytes.Split(data, []byte("\n")) {
		k, _, ok := strings.Cut(strings.TrimSpace(string(line)), "=")
		if ok && strings.TrimSpace(k) == key {
			return i + 1
		}
	}
	return 0
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
