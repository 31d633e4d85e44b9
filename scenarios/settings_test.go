package scenarios

import (
	"flag"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

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
			{r.Lo - 1, fmt.Sprintf("%s %s out of range (%s)", st.Flag, plain(r.Lo-1), r.bounds())},
			{r.Hi + 1, fmt.Sprintf("%s %s out of range (%s)", st.Flag, plain(r.Hi+1), r.bounds())},
			{math.Max(r.Least, r.Lo), ""},
			{math.Max(r.Least-1, r.Lo), ""},
		} {
			if r.Least > r.Lo+1 && c.v == r.Least-1 { // between "none" and the least
				c.want = fmt.Sprintf("%s %s out of range (%s, or %s..%s)", st.Flag, plain(c.v), plain(r.Lo), plain(r.Least), plain(r.Hi))
			}
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
// the scenario RegisterFlags was given (the command line gives the preset a
// bare run uses).
func TestFlagHelp(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	quick := Default() // some values that are not the defaults
	quick.Activation, quick.Width, quick.LR, quick.Steps, quick.Seed, quick.Hist = "relu", 77, 0.125, 123, 42, true
	RegisterFlags(fs, quick)
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
			t.Errorf("--%s default %q, want the given scenario's %q", st.Flag, fl.DefValue, flagText(st, quick))
		}
	}
}

// flagText is sc's value of st as the flag package prints it.
func flagText(st Setting, sc Scenario) string {
	return fmt.Sprint(reflect.ValueOf(st.Ptr(&sc)).Elem().Interface())
}
