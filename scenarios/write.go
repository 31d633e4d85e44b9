package scenarios

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The two writers below turn a scenario back into what a user would have
// typed: a scenario file (TOML) and a command line. Both walk the settings
// table, so a new setting is written, read and flagged alike with no
// change here; preset.Parse and RegisterFlags read them back, and the
// tests check that they give the same Scenario.

// TOML writes sc as a scenario file that `initscope --scenario FILE` reads
// back to sc: every setting with a key, in the table's order. It writes
// every key, not only those that differ from Default, so the file says the
// whole experiment and does not change meaning if a default does. A seed
// above 2^63-1 has no TOML integer (they are signed 64-bit) and is an
// error naming --seed, which takes it. MemBudget has no key: a file never
// carries it.
func (sc Scenario) TOML() ([]byte, error) {
	var b strings.Builder
	b.WriteString("# initscope scenario: initscope --scenario THIS-FILE.toml\n")
	for _, st := range settings {
		if st.Key == "" {
			continue
		}
		var v string
		switch p := st.field(&sc).(type) {
		case *string:
			v = tomlString(*p)
		case *int:
			v = strconv.Itoa(*p)
		case *int64:
			v = strconv.FormatInt(*p, 10)
		case *uint64:
			if *p > math.MaxInt64 {
				return nil, fmt.Errorf("%s %d is above %d, the largest integer a scenario file holds (use --%s %d on the command line)",
					st.Key, *p, int64(math.MaxInt64), st.Flag, *p)
			}
			v = strconv.FormatUint(*p, 10)
		case *float64:
			v = tomlFloat(*p)
		case *bool:
			v = strconv.FormatBool(*p)
		case *ByteSize:
			v = strconv.FormatInt(int64(*p), 10)
		default:
			panic(fmt.Sprintf("scenarios: no TOML for setting %s of type %T", st.Key, p))
		}
		fmt.Fprintf(&b, "%s = %s\n", st.Key, v)
	}
	return []byte(b.String()), nil
}

// tomlFloat writes v as a TOML float that reads back exactly: shortest
// digits, with ".0" on a whole number (TOML would read "1" as an integer),
// and TOML's nan and inf.
func tomlFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// tomlString writes s as a TOML basic string: quotes, backslashes and
// control characters escaped (Validate refuses all control characters but
// newline and tab; the writer escapes every one anyway).
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// CommandLine is the flags that turn base into sc: for every setting with
// a flag whose value in sc differs from base's, "--flag value" ("--flag"
// or "--flag=false" for a switch). Only the differences, so that with
// base a preset the line is `initscope --scenario PRESET` and what was
// changed, which says what the experiment is; name and description have
// no flag and stay base's. The arguments are unquoted: ShellQuote joins
// them for a shell.
func (sc Scenario) CommandLine(base Scenario) []string {
	var args []string
	for _, st := range settings {
		if st.Flag == "" {
			continue
		}
		v, isBool := flagValue(st.field(&sc))
		if was, _ := flagValue(st.field(&base)); v == was {
			continue
		}
		switch {
		case isBool && v == "true":
			args = append(args, "--"+st.Flag)
		case isBool:
			args = append(args, "--"+st.Flag+"=false")
		default:
			args = append(args, "--"+st.Flag, v)
		}
	}
	return args
}

// flagValue is a field's value as its flag parses it back exactly.
func flagValue(ptr any) (v string, isBool bool) {
	switch p := ptr.(type) {
	case *string:
		return *p, false
	case *int:
		return strconv.Itoa(*p), false
	case *int64:
		return strconv.FormatInt(*p, 10), false
	case *uint64:
		return strconv.FormatUint(*p, 10), false
	case *float64:
		return strconv.FormatFloat(*p, 'g', -1, 64), false
	case *bool:
		return strconv.FormatBool(*p), true
	case fmt.Stringer:
		return p.String(), false
	}
	panic(fmt.Sprintf("scenarios: no flag value for a field of type %T", ptr))
}

// ShellQuote joins args into one line that a POSIX shell splits back into
// args: a word of only safe characters as it is, any other in single
// quotes, where a quote is closed, escaped and reopened.
func ShellQuote(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = shellWord(a)
	}
	return strings.Join(quoted, " ")
}

func shellWord(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_@%+=:,./-", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
