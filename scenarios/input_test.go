package scenarios

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func settingNamed(t testing.TB, key string) Setting {
	t.Helper()
	for _, st := range Settings() {
		if st.Key == key {
			return st
		}
	}
	t.Fatalf("no setting %q", key)
	return Setting{}
}

// Typed values: a valid one is stored; an invalid one leaves the old value
// and gives the table's range message (the same as Validate's), or says
// what is wrong with what was typed.
func TestParseValue(t *testing.T) {
	for _, c := range []struct {
		key, text string
		want      string // the field's value after, as a flag writes it
		err       string // a part of the message; "" for none
	}{
		{"lr", "0.003", "0.003", ""},
		{"lr", " 1e-5 ", "1e-05", ""},
		{"lr", "200", "0.01", "lr 200 out of range (0..100)"},
		{"lr", "0", "0.01", "lr 0 must be above 0 (e.g. 0.01)"},
		{"lr", "-0", "0.01", "must be above 0"},
		{"lr", "NaN", "0.01", "lr NaN out of range (0..100)"},
		{"lr", "1e309", "0.01", `lr "1e309" out of range (above 0, at most 100)`},
		{"lr", "abc", "0.01", `lr "abc" is not a number (above 0, at most 100)`},
		{"lr", "", "0.01", "nothing typed"},
		{"width", "512", "512", ""},
		{"width", "1e3", "1000", ""},
		{"width", "2.5", "1000", `width "2.5" is not a whole number (1..`},
		{"width", "0", "1000", "width 0 out of range (1.."},
		{"width", "99999999999999999999999", "1000", "out of range (1.."},
		{"depth", "0x3", "3", ""},
		{"steps", "1e6", "1000000", ""},
		{"steps", "1099511627777", "10000", "steps 1099511627777 out of range (0..1099511627776)"},
		{"seed", "18446744073709551615", "18446744073709551615", ""},
		{"seed", "18446744073709551616", "1", "out of range (0..18446744073709551615)"},
		{"seed", "-1", "1", "out of range"},
		{"seed", "1e3", "1000", ""},
		{"hist", "on", "true", ""},
		{"hist", "maybe", "false", "type on or off"},
		{"activation", "relu", "relu", ""},
		{"activation", "rectifier", "tanh", `unknown activation "rectifier"`},
		{"dataset", "mnist:/data/mnist", "mnist:/data/mnist", ""},
		{"dataset", "csv:my file.csv", "csv:my file.csv", ""},
		{"dataset", "fashion:", "shapeset", "needs a dir: write fashion:DIR"},
		{"dataset", "tiny:x", "shapeset", "tiny takes no path"},
		{"dataset", "imagenet:/x", "shapeset", "unknown dataset \"imagenet:/x\" (valid: shapeset, tiny, mnist:DIR"},
		{"dataset", "csv:\x1b]52;c;x\x07", "shapeset", "control character"},
		{"dataset", "csv:" + strings.Repeat("a", MaxTextBytes), "shapeset", "over the limit of 4096"},
	} {
		st := settingNamed(t, c.key)
		sc := Default()
		err := st.ParseValue(&sc, c.text)
		got, _ := flagValue(st.Ptr(&sc))
		if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%s %q: error %v, want %q", c.key, c.text, err, c.err)
		}
		if got != c.want {
			t.Errorf("%s %q: value %s, want %s", c.key, c.text, got, c.want)
		}
		if err != nil && (strings.Contains(err.Error(), "\n") || len(err.Error()) > 200) {
			t.Errorf("%s %q: the message is not one short line: %q", c.key, c.text, err)
		}
	}
}

// The form's range message is the one Validate gives the command line.
func TestParseValueMessageIsValidates(t *testing.T) {
	st := settingNamed(t, "depth")
	sc := Default()
	perr := st.ParseValue(&sc, "30")
	sc.Depth = 30
	_, verr := sc.Validate()
	if perr == nil || verr == nil || perr.Error() != verr.Error() {
		t.Errorf("typed: %v; Validate: %v", perr, verr)
	}
}

// FuzzParseValue: whatever is typed into any setting, ParseValue does not
// panic, keeps a valid scenario valid, changes only its own field, and
// answers in one bounded line.
func FuzzParseValue(f *testing.F) {
	for _, s := range []string{"0.01", "1e309", "-1e309", "NaN", "-NaN", "+Inf", "-0", "0x1p-1074", "1e-400",
		"99999999999999999999999999", "18446744073709551616", "9223372036854775808", "-9223372036854775809",
		"1_000", "0b101", "１２", "\x00", "\xff\xfe", "mnist:" + strings.Repeat("ü", 3000), strings.Repeat("9", 100000),
		strings.Repeat("☃", 100000), "csv:/dev/zero", "mnist:../../../../etc", "on", " ", "\u202e1"} {
		for i := range Settings() {
			f.Add(i, s)
		}
	}
	f.Fuzz(func(t *testing.T, i int, text string) {
		all := Settings()
		st := all[(i%len(all)+len(all))%len(all)]
		before := Default()
		sc := before
		err := st.ParseValue(&sc, text)
		if _, verr := sc.Validate(); verr != nil && err == nil {
			t.Fatalf("%s %q: accepted into an invalid scenario: %v", st.Name(), text, verr)
		}
		if err != nil {
			if sc != before {
				t.Fatalf("%s %q: refused (%v) but changed the scenario", st.Name(), text, err)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || utf8.RuneCountInString(msg) > 300 {
				t.Fatalf("%s %q: the message is not one short line (%d runes)", st.Name(), text, utf8.RuneCountInString(msg))
			}
		}
		// Only its own field may change.
		mine := sc
		if p, ok := st.Ptr(&before).(*float64); ok && math.IsNaN(*p) {
			return
		}
		switch p := st.Ptr(&mine).(type) {
		case *string:
			*p = *st.Ptr(&before).(*string)
		default:
			if v, ok := st.Number(&before); ok {
				if _, isU := p.(*uint64); isU {
					*p.(*uint64) = *st.Ptr(&before).(*uint64)
				} else if _, isI := p.(*int64); isI {
					*p.(*int64) = *st.Ptr(&before).(*int64)
				} else {
					st.SetNumber(&mine, v)
				}
			} else if b, ok := p.(*bool); ok {
				*b = *st.Ptr(&before).(*bool)
			}
		}
		if mine != before {
			t.Fatalf("%s %q: changed another setting", st.Name(), text)
		}
	})
}
