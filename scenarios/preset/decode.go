package preset

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"initscope/scenarios"
)

// Decode is the first half of Parse for the project's other TOML files
// (sweep files, package sweep): the same size limit (MaxFileBytes), the
// same nesting limit (one level of brackets, checked before the decoder
// sees the data) and the same one-line errors, "file:line: problem". It
// returns the decoded values and the file's keys in the file's order, each
// a dotted path ("vary", "lr" for vary.lr).
func Decode(file string, data []byte) (map[string]any, [][]string, error) {
	if len(data) > MaxFileBytes {
		return nil, nil, tooBig(file, int64(len(data)))
	}
	if line, ok := flat(data); !ok {
		return nil, nil, fmt.Errorf("%s:%d: nested tables and arrays go deeper than this file's tables and lists allow", file, line)
	}
	var raw map[string]any
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			return nil, nil, fmt.Errorf("%s:%d: %s", file, perr.Position.Line, oneLine(perr.Message))
		}
		return nil, nil, fmt.Errorf("%s: %s", file, oneLine(err.Error()))
	}
	var keys [][]string
	for _, k := range md.Keys() {
		keys = append(keys, slices.Clone([]string(k)))
	}
	return raw, keys, nil
}

// SetKey stores a decoded TOML value v in the setting whose scenario-file
// key is key, with Parse's type checks (a string for a name, an integer
// for a count, no negative seed). Ranges are left to Validate. An unknown
// key is an error listing the valid ones.
func SetKey(sc *scenarios.Scenario, key string, v any) error {
	for _, st := range scenarios.Settings() {
		if st.Key != "" && st.Key == key {
			return set(st, sc, v)
		}
	}
	return fmt.Errorf("unknown key %q (valid keys: %s)", key, strings.Join(scenarios.Keys(), ", "))
}

// TypeName names a decoded TOML value's type for messages: "a string",
// "an array", "a table".
func TypeName(v any) string { return tomlType(v) }
