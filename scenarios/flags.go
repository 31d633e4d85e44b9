package scenarios

import "flag"

// Flags are the command-line settings that override a scenario's. Only the
// flags the user actually set override; the rest leave the scenario alone.
type Flags struct {
	fs   *flag.FlagSet
	vals Scenario
}

// RegisterFlags defines a flag for every setting of the table that has one,
// with defaults's values as the flags' defaults: the command line passes
// the scenario a bare run uses, so that -h shows it.
func RegisterFlags(fs *flag.FlagSet, defaults Scenario) *Flags {
	f := &Flags{fs: fs, vals: defaults}
	bindAll(fs, &f.vals)
	return f
}

func bindAll(fs *flag.FlagSet, sc *Scenario) {
	for _, st := range settings {
		if st.Flag != "" {
			st.bind(fs, sc)
		}
	}
}

// Apply returns base with every flag the user set applied: the set flags'
// values are replayed onto flags bound to base's fields, so each flag's
// parsing lives in one place.
func (f *Flags) Apply(base Scenario) Scenario {
	into := flag.NewFlagSet("", flag.ContinueOnError)
	bindAll(into, &base)
	f.fs.Visit(func(fl *flag.Flag) {
		if into.Lookup(fl.Name) != nil {
			if err := into.Set(fl.Name, fl.Value.String()); err != nil {
				panic("scenarios: replaying flag " + fl.Name + ": " + err.Error())
			}
		}
	})
	return base
}
