package scenarios

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"initscope/scenarios/dataset"
)

// ParseValue stores text, a value as a user typed it in the app's settings
// form, in the setting's field of sc. The range and its message are the
// table's (Range.check, as Validate and the flags use them); names are
// checked by Validate, data sets by their spec's shape (dataset.List);
// integers may be written 1e6. On any error sc is left as it was, and the
// error is one line that names the setting, what was typed (shortened)
// and the valid values.
func (st Setting) ParseValue(sc *Scenario, text string) error {
	name := st.Name()
	// Bound the input before anything copies it: a 100,000-rune paste is
	// refused at once.
	if len(text) > MaxTextBytes {
		return fmt.Errorf("%s: %d bytes typed, over the limit of %d", name, len(text), MaxTextBytes)
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return fmt.Errorf("%s: nothing typed (esc keeps %s)", name, st.shown(sc))
	}
	switch p := st.field(sc).(type) {
	case *string:
		if err := checkText(name, text); err != nil {
			return err
		}
		if st.Key == "dataset" {
			if err := checkSpec(text); err != nil {
				return err
			}
		}
		try := *sc
		*st.field(&try).(*string) = text
		if _, err := try.Validate(); err != nil {
			var se *SettingError
			if errors.As(err, &se) && se.Key == st.errKey() {
				// The parsers quote the whole name: shorten it.
				return errors.New(strings.Replace(err.Error(), strconv.Quote(text), quoteTyped(text), 1))
			}
		}
		*p = text
		return nil
	case *bool:
		switch strings.ToLower(text) {
		case "on", "true", "yes", "1":
			*p = true
		case "off", "false", "no", "0":
			*p = false
		default:
			return fmt.Errorf("%s %s: type on or off", name, quoteTyped(text))
		}
		return nil
	case *ByteSize:
		b, err := ParseByteSize(text)
		if err != nil { // its message quotes the text whole: cut it as the others do
			return fmt.Errorf("%s: %s", name, strings.Replace(err.Error(), strconv.Quote(text), quoteTyped(text), 1))
		}
		*p = b
		return nil
	}
	v, err := st.parseNumber(text)
	if err != nil {
		return err
	}
	if st.Range != nil {
		if err := st.Range.check(name, v); err != nil {
			return err
		}
	}
	if u, ok := st.field(sc).(*uint64); ok { // exact: a float64 rounds a seed above 2^53
		n, err := strconv.ParseUint(text, 0, 64)
		if err != nil {
			n = uint64(v)
		}
		*u = n
		return nil
	}
	if i, ok := st.field(sc).(*int64); ok {
		n, err := strconv.ParseInt(text, 0, 64)
		if err != nil {
			n = int64(v)
		}
		*i = n
		return nil
	}
	st.SetNumber(sc, v)
	return nil
}

// parseNumber reads a number typed for the setting: a float for a float
// setting; for an integer one a whole number, in Go's syntax (as the flags
// read it) or as a float with no fraction (1e6). The value is checked
// against the field's type, not yet against the setting's range.
func (st Setting) parseNumber(text string) (float64, error) {
	var zero Scenario
	name := st.Name()
	f, ferr := strconv.ParseFloat(text, 64)
	if ferr != nil && !errors.Is(ferr, strconv.ErrRange) {
		f = math.NaN()
	}
	switch st.field(&zero).(type) {
	case *float64:
		if ferr != nil && !errors.Is(ferr, strconv.ErrRange) {
			return 0, fmt.Errorf("%s %s is not a number%s", name, quoteTyped(text), st.rangeNote())
		}
		if ferr != nil && math.IsInf(f, 0) { // 1e309: say what was typed
			return 0, fmt.Errorf("%s %s out of range%s", name, quoteTyped(text), st.rangeNote())
		}
		return f, nil
	case *int, *int64:
		if n, err := strconv.ParseInt(text, 0, 64); err == nil {
			return float64(n), nil
		}
	case *uint64:
		if n, err := strconv.ParseUint(text, 0, 64); err == nil {
			return float64(n), nil
		}
		if f < 0 || f >= math.MaxUint64 {
			return 0, fmt.Errorf("%s %s out of range (0..%d)", name, quoteTyped(text), uint64(math.MaxUint64))
		}
	default:
		panic("scenarios: parseNumber on the non-numeric setting " + name)
	}
	switch {
	case math.IsNaN(f):
		return 0, fmt.Errorf("%s %s is not a number%s", name, quoteTyped(text), st.rangeNote())
	case f != math.Trunc(f):
		return 0, fmt.Errorf("%s %s is not a whole number%s", name, quoteTyped(text), st.rangeNote())
	case math.Abs(f) >= 1<<63:
		if st.Range != nil { // the range's message, with the value as typed
			return 0, fmt.Errorf("%s %s out of range (%s)", name, quoteTyped(text), st.Range.bounds())
		}
		return 0, fmt.Errorf("%s %s is too large", name, quoteTyped(text))
	}
	return f, nil
}

// rangeNote is " (lo..hi)" for a setting with a range, for messages.
func (st Setting) rangeNote() string {
	if st.Range != nil {
		return " (" + st.Range.String() + ")"
	}
	return ""
}

// shown is the setting's value in sc for a message.
func (st Setting) shown(sc *Scenario) string {
	v, _ := flagValue(st.field(sc))
	return quoteTyped(v)
}

// quoteTyped quotes what a user typed for a one-line message: escaped, and
// cut to 40 runes.
func quoteTyped(s string) string {
	const most = 40
	if utf8.RuneCountInString(s) > most {
		i := 0
		for n := 0; n < most; n++ {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
		return strconv.Quote(s[:i]) + "…"
	}
	return strconv.Quote(s)
}

// checkSpec checks the shape of a data set spec against the kinds
// dataset.List offers: a known kind, with a path where its usage has one
// (mnist:DIR) and none where it has not (shapeset). The files themselves
// are read when the run is built, whose error names them.
func checkSpec(spec string) error {
	kind, arg, hasArg := strings.Cut(spec, ":")
	var usages []string
	for _, in := range dataset.List() {
		usages = append(usages, in.Usage)
		if !strings.EqualFold(in.Name, kind) {
			continue
		}
		_, wants, takes := strings.Cut(in.Usage, ":")
		switch {
		case takes && strings.TrimSpace(arg) == "":
			return fmt.Errorf("dataset %s needs a %s: write %s", quoteTyped(spec), strings.ToLower(wants), in.Usage)
		case !takes && hasArg:
			return fmt.Errorf("dataset %s: %s takes no path (write %s)", quoteTyped(spec), in.Name, in.Usage)
		}
		return nil
	}
	return fmt.Errorf("unknown dataset %s (valid: %s)", quoteTyped(spec), strings.Join(usages, ", "))
}
