package scenarios

import "flag"

// Flags are the command-line settings that override a scenario's. Only the
// flags the user actually set override; the rest leave the scenario alone.
type Flags struct {
	fs   *flag.FlagSet
	vals Scenario
}

// overrides maps each flag to the Scenario field it sets.
var overrides = []struct {
	name, usage string
	bind        func(fs *flag.FlagSet, s *Scenario, name, usage string)
}{
	{"activation", "hidden-layer activation (see --list)", strFlag(func(s *Scenario) *string { return &s.Activation })},
	{"init", "weight initializer (see --list)", strFlag(func(s *Scenario) *string { return &s.Init })},
	{"init-scale", "multiplier on the initial weights (0.5 = too small, 2 = too large)", floatFlag(func(s *Scenario) *float64 { return &s.InitScale })},
	{"gain", "gain of the orthogonal initializer", floatFlag(func(s *Scenario) *float64 { return &s.Gain })},
	{"depth", "number of hidden layers (1..20)", intFlag(func(s *Scenario) *int { return &s.Depth })},
	{"width", "units per hidden layer (1..4096)", intFlag(func(s *Scenario) *int { return &s.Width })},
	{"loss", "cost: cross-entropy or quadratic", strFlag(func(s *Scenario) *string { return &s.Loss })},
	{"dataset", "data set: shapeset, tiny, mnist:DIR, fashion:DIR, cifar10:DIR, csv:FILE", strFlag(func(s *Scenario) *string { return &s.Dataset })},
	{"lr", "SGD learning rate", floatFlag(func(s *Scenario) *float64 { return &s.LR })},
	{"batch-size", "minibatch size", intFlag(func(s *Scenario) *int { return &s.BatchSize })},
	{"steps", "training steps (0 = measure at initialization only)", int64Flag(func(s *Scenario) *int64 { return &s.Steps })},
	{"seed", "random seed for weights and data", uint64Flag(func(s *Scenario) *uint64 { return &s.Seed })},
	{"every", "snapshot interval in steps", int64Flag(func(s *Scenario) *int64 { return &s.Every })},
	{"probe", "probe examples for per-layer statistics", intFlag(func(s *Scenario) *int { return &s.Probe })},
	{"test", "held-out test examples for the test error", intFlag(func(s *Scenario) *int { return &s.Test })},
	{"hist", "record histograms of activations and gradients", boolFlag(func(s *Scenario) *bool { return &s.Hist })},
	{"jacobian", "measure Jacobian singular values at every snapshot (always at step 0)", boolFlag(func(s *Scenario) *bool { return &s.Jacobian })},
	{"mem-budget", "memory the run may plan to use, as a `SIZE` such as 8GiB or 512MiB; a larger configuration is refused before anything is allocated (default: half of this machine's memory)",
		sizeFlag(func(s *Scenario) *ByteSize { return &s.MemBudget })},
}

// RegisterFlags defines the override flags on fs.
func RegisterFlags(fs *flag.FlagSet) *Flags {
	// Bound to the default preset so -h shows what a bare run uses.
	vals, ok := Lookup(DefaultName)
	if !ok {
		panic("scenarios: default preset " + DefaultName + " missing")
	}
	f := &Flags{fs: fs, vals: vals}
	for _, o := range overrides {
		o.bind(fs, &f.vals, o.name, o.usage)
	}
	return f
}

// Apply returns base with every flag the user set applied: the set flags'
// values are replayed onto flags bound to base's fields, so each flag's
// parsing lives in one place.
func (f *Flags) Apply(base Scenario) Scenario {
	into := flag.NewFlagSet("", flag.ContinueOnError)
	for _, o := range overrides {
		o.bind(into, &base, o.name, o.usage)
	}
	f.fs.Visit(func(fl *flag.Flag) {
		if into.Lookup(fl.Name) != nil {
			if err := into.Set(fl.Name, fl.Value.String()); err != nil {
				panic("scenarios: replaying flag " + fl.Name + ": " + err.Error())
			}
		}
	})
	return base
}

type binder = func(fs *flag.FlagSet, s *Scenario, name, usage string)

func strFlag(field func(*Scenario) *string) binder {
	return func(fs *flag.FlagSet, s *Scenario, name, usage string) {
		fs.StringVar(field(s), name, *field(s), usage)
	}
}

func intFlag(field func(*Scenario) *int) binder {
	return func(fs *flag.FlagSet, s *Scenario, name, usage string) { fs.IntVar(field(s), name, *field(s), usage) }
}

func int64Flag(field func(*Scenario) *int64) binder {
	return func(fs *flag.FlagSet, s *Scenario, name, usage string) { fs.Int64Var(field(s), name, *field(s), usage) }
}

func uint64Flag(field func(*Scenario) *uint64) binder {
	return func(fs *flag.FlagSet, s *Scenario, name, usage string) {
		fs.Uint64Var(field(s), name, *field(s), usage)
	}
}

func floatFlag(field func(*Scenario) *float64) binder {
	return func(fs *flag.FlagSet, s *Scenario, name, usage string) {
		fs.Float64Var(field(s), name, *field(s), usage)
	}
}

func boolFlag(field func(*Scenario) *bool) binder {
	return func(fs *flag.FlagSet, s *Scenario, name, usage string) { fs.BoolVar(field(s), name, *field(s), usage) }
}

func sizeFlag(field func(*Scenario) *ByteSize) binder {
	return func(fs *flag.FlagSet, s *Scenario, name, usage string) { fs.Var(field(s), name, usage) }
}
