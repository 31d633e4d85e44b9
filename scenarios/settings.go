package scenarios

import (
	"flag"
	"fmt"
	"math"
	"strings"

	"initscope/nn"
	"initscope/scenarios/dataset"
	"initscope/scenarios/surface"
)

// Setting is one scenario setting, written once. The scenario file's keys
// and their type checks (preset.Parse), the command-line flags and their
// --help (RegisterFlags), the range checks and their messages (Validate),
// the defaults (Default), the app's settings panel and the README's flag
// rows and scenario-file block all read this table; a new setting is a
// field of Scenario plus one entry in settings.
type Setting struct {
	Key   string // TOML key in a scenario file; "" for a flag-only setting
	Flag  string // command-line flag; "" for a file-only setting
	Usage string // what it is, one line without the range (Help adds it)
	// Default is the value a scenario file leaves unsaid, of the field's
	// own Go type (int64(500) for an int64 field); nil for the zero value.
	Default any
	Range   *Range          // the valid values of a number; nil: any value of its type
	Choices func() []string // the names a string setting takes, for --help and the panel
	Panel   *Panel          // how the app's settings panel shows and steps it; nil: not shown
	// Applies says whether the setting does anything in sc (the
	// pre-training settings only with --init pretrained); nil: always.
	Applies func(sc *Scenario) bool
	field   func(*Scenario) any
}

// AppliesTo is st.Applies, true when it is nil.
func (st Setting) AppliesTo(sc *Scenario) bool { return st.Applies == nil || st.Applies(sc) }

// pretrains says whether sc's network is pre-trained.
func pretrains(sc *Scenario) bool {
	kind, err := nn.ParseInit(sc.Init)
	return err == nil && kind == nn.Pretrained
}

// Range is the valid values of a numeric setting: Lo..Hi, with Lo itself
// refused when Above is set (a learning rate of 0 never trains).
type Range struct {
	Lo, Hi float64
	Above  bool
	Hint   string // said after "must be above Lo": what to use instead
	// ZeroIsAll says that 0 stands for "as many as the machine has"
	// (threads: every core), so a cap below Hi replaces a 0 too.
	ZeroIsAll bool
	// Least, when set, is the smallest valid value above Lo: Lo means
	// "none" and the values between are refused (a cost surface of one
	// point per axis is no surface).
	Least float64
}

// String is the range as --help writes it: "1..20", "above 0, at most
// 100", "0, or 2..101".
func (r *Range) String() string {
	if r.Above {
		return fmt.Sprintf("above %s, at most %s", plain(r.Lo), plain(r.Hi))
	}
	return r.bounds()
}

// bounds is the range as an out-of-range message writes it: "0..100",
// "0, or 2..101".
func (r *Range) bounds() string {
	if r.Least > r.Lo {
		return fmt.Sprintf("%s, or %s..%s", plain(r.Lo), plain(r.Least), plain(r.Hi))
	}
	return fmt.Sprintf("%s..%s", plain(r.Lo), plain(r.Hi))
}

// Panel is how the app's settings panel shows a setting.
type Panel struct {
	Label string
	// Format wraps the shown value ("%s hidden layers"); "" shows it bare.
	Format string
	// Steps are the values ←→ move between, within the Range; nil moves a
	// number by one (from 1 when it has no Range) and cycles a string
	// through Names.
	Steps []float64
	// Names are the values a string cycles through when they are not the
	// setting's Choices (the data sets that need no files).
	Names    func() []string
	About    string              // the hint line under the panel
	Describe func(string) string // or the hint for the value shown
}

// Ranges of the numeric settings, checked by Validate.
const (
	MaxBatchSize = 10000
	MaxSteps     = 1 << 40
	MaxProbe     = 100000
	MaxTest      = 1000000
	// MaxThreads is sgemm's own bound on one product's goroutines.
	MaxThreads = 64
	// MaxCorruption bounds the masking noise of pre-training: masking
	// every input would leave nothing to reconstruct from.
	MaxCorruption = 0.99
)

// settings is the table. Its order is the order of Keys, of the README's
// rows and scenario-file block, and of the app's settings panel.
var settings = []Setting{
	{Key: "name", Usage: "the scenario's name (a file's default: the file's name)", Default: "custom",
		field: func(s *Scenario) any { return &s.Name }},
	{Key: "description", Usage: "one line about it", Default: "a user-defined experiment",
		field: func(s *Scenario) any { return &s.Description }},
	{Key: "activation", Flag: "activation", Usage: "hidden-layer activation", Default: "tanh",
		Choices: func() []string { return names(nn.Activations()) },
		Panel:   &Panel{Label: "activation", Describe: describeBy(nn.ParseActivation)},
		field:   func(s *Scenario) any { return &s.Activation }},
	{Key: "init", Flag: "init", Usage: "weight initializer", Default: "standard",
		Choices: func() []string { return names(nn.InitKinds()) },
		Panel:   &Panel{Label: "initializer", Describe: describeBy(nn.ParseInit)},
		field:   func(s *Scenario) any { return &s.Init }},
	{Key: "init_scale", Flag: "init-scale", Usage: "multiplier on the initial weights: 0.5 is too small, 2 too large", Default: 1.0,
		Range: &Range{Lo: 0, Hi: 100, Above: true, Hint: "(use --init zeros for all-zero weights)"},
		Panel: &Panel{Label: "init scale", Format: "×%s", Steps: []float64{0.1, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4},
			About: "multiplies the initial weights (1 is the initializer as published)"},
		field: func(s *Scenario) any { return &s.InitScale }},
	{Key: "gain", Flag: "gain", Usage: "gain of the orthogonal initializer", Default: 1.0,
		Range: &Range{Lo: 0, Hi: 100, Above: true},
		field: func(s *Scenario) any { return &s.Gain }},
	{Key: "depth", Flag: "depth", Usage: "number of hidden layers", Default: 5,
		Range: &Range{Lo: 1, Hi: nn.MaxDepth},
		Panel: &Panel{Label: "depth", Format: "%s hidden layers", About: "the paper trains 1 to 5 hidden layers"},
		field: func(s *Scenario) any { return &s.Depth }},
	{Key: "width", Flag: "width", Usage: "units per hidden layer", Default: 1000,
		Range: &Range{Lo: 1, Hi: nn.MaxWidth},
		Panel: &Panel{Label: "width", Format: "%s units", Steps: []float64{4, 8, 16, 32, 64, 128, 256, 512, 1000, 2000, 4096},
			About: "units per hidden layer (the paper: 1000)"},
		field: func(s *Scenario) any { return &s.Width }},
	{Key: "loss", Flag: "loss", Usage: "cost", Default: "cross-entropy",
		Choices: func() []string { return names(nn.Costs()) },
		Panel:   &Panel{Label: "cost", Describe: describeBy(nn.ParseCost)},
		field:   func(s *Scenario) any { return &s.Loss }},
	{Key: "dataset", Flag: "dataset", Usage: "data set", Default: "shapeset",
		Choices: func() []string {
			var specs []string
			for _, in := range dataset.List() {
				specs = append(specs, in.Usage)
			}
			return specs
		},
		Panel: &Panel{Label: "data set", Names: func() []string { return []string{"shapeset", "tiny"} },
			Describe: func(v string) string {
				kind, _, _ := strings.Cut(v, ":")
				for _, in := range dataset.List() {
					if in.Name == kind {
						return in.Description + " (files: --dataset " + in.Usage + ")"
					}
				}
				return ""
			}},
		field: func(s *Scenario) any { return &s.Dataset }},
	{Key: "lr", Flag: "lr", Usage: "SGD learning rate", Default: 0.01,
		Range: &Range{Lo: 0, Hi: 100, Above: true, Hint: "(e.g. 0.01)"},
		Panel: &Panel{Label: "learning rate", Steps: []float64{1e-4, 3e-4, 1e-3, 3e-3, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.3, 1},
			About: "plain SGD step size"},
		field: func(s *Scenario) any { return &s.LR }},
	{Key: "batch_size", Flag: "batch-size", Usage: "minibatch size", Default: 10,
		Range: &Range{Lo: 1, Hi: MaxBatchSize},
		Panel: &Panel{Label: "batch size", Steps: []float64{1, 2, 5, 10, 20, 50, 100, 200, 500},
			About: "examples per SGD step (the paper: 10)"},
		field: func(s *Scenario) any { return &s.BatchSize }},
	{Key: "steps", Flag: "steps", Usage: "training steps; 0 measures at initialization only", Default: int64(10000),
		Range: &Range{Lo: 0, Hi: MaxSteps},
		Panel: &Panel{Label: "steps", Steps: []float64{100, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1e6, 1e7},
			About: "length of the run; changing only this keeps the current network"},
		field: func(s *Scenario) any { return &s.Steps }},
	{Key: "every", Flag: "every", Usage: "snapshot interval in steps", Default: int64(500),
		Range: &Range{Lo: 1, Hi: MaxSteps},
		Panel: &Panel{Label: "snapshot every", Format: "%s steps", Steps: []float64{1, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000},
			About: "how often every layer is measured on the probe set"},
		field: func(s *Scenario) any { return &s.Every }},
	{Key: "probe", Flag: "probe", Usage: "probe examples for per-layer statistics", Default: 300,
		Range: &Range{Lo: 1, Hi: MaxProbe},
		field: func(s *Scenario) any { return &s.Probe }},
	{Key: "test", Flag: "test", Usage: "held-out test examples for the test error", Default: 1000,
		Range: &Range{Lo: 1, Hi: MaxTest},
		field: func(s *Scenario) any { return &s.Test }},
	{Key: "seed", Flag: "seed", Usage: "random seed for weights and data: same seed, same numbers", Default: uint64(1),
		Panel: &Panel{Label: "seed", About: "fixes the weights and the data; same seed, same numbers"},
		field: func(s *Scenario) any { return &s.Seed }},
	{Key: "hist", Flag: "hist", Usage: "record histograms of activations, gradients and weight gradients",
		Panel: &Panel{Label: "histograms", About: "measure histograms at every snapshot (the Histograms view)"},
		field: func(s *Scenario) any { return &s.Hist }},
	{Key: "jacobian", Flag: "jacobian", Usage: "measure Jacobian singular values at every snapshot (always at step 0)",
		field: func(s *Scenario) any { return &s.Jacobian }},
	// A file may say it: threads change how fast a run goes, not its
	// numbers (Scenario.Threads), and a server caps them.
	{Key: "threads", Flag: "threads", Usage: "compute threads one run's products and measurements use; 0 uses every core",
		Range: &Range{Lo: 0, Hi: MaxThreads, ZeroIsAll: true},
		field: func(s *Scenario) any { return &s.Threads }},
	// No TOML key: a scenario file, which may come from anywhere, cannot
	// raise the memory budget; Validate checks its sign.
	{Flag: "mem-budget", Usage: "memory the run may plan to use, as a `SIZE` such as 8GiB or 512MiB; a larger configuration is refused before anything is allocated (default: half of this machine's memory)",
		field: func(s *Scenario) any { return &s.MemBudget }},
	// Checked again where the surfaces are made (surface.Check, before
	// the run starts), with the network's size.
	{Key: "surface", Flag: "surface", Usage: "cost surfaces (Fig 5) in --batch: both costs over N x N values of one first-layer and one output-layer weight at step 0, on --probe random examples; 0 for none",
		Range: &Range{Lo: 0, Least: surface.MinGrid, Hi: surface.MaxGrid},
		field: func(s *Scenario) any { return &s.Surface }},
	// --init pretrained's layer-wise denoising autoencoders (nn.Pretrain).
	// Vincent et al. (2008) mask a fraction of the inputs and find 25%
	// among the best; the updates per layer are ours (the paper does not
	// give them): 10,000 minibatches per layer, a tenth of a
	// 100,000-update supervised run.
	{Key: "pretrain_corruption", Flag: "pretrain-corruption", Usage: "with --init pretrained: fraction of each layer's inputs masked to 0 (denoising autoencoder)", Default: 0.25,
		Range:   &Range{Lo: 0, Hi: MaxCorruption},
		Applies: pretrains,
		field:   func(s *Scenario) any { return &s.PretrainCorruption }},
	{Key: "pretrain_updates", Flag: "pretrain-updates", Usage: "with --init pretrained: SGD updates per hidden layer, at --batch-size and --pretrain-lr", Default: int64(10000),
		Range:   &Range{Lo: 0, Hi: MaxSteps},
		Applies: pretrains,
		field:   func(s *Scenario) any { return &s.PretrainUpdates }},
	// The reconstruction cost sums over a layer's inputs, so its
	// curvature grows with the width (about |y|^2 for a linear decoder):
	// the supervised rate of 0.01 diverges on the second layer of a
	// 1000-wide tanh network, and Vincent et al. (2010) tune this rate
	// on its own. 0.001 pre-trains 5 x 1000 tanh and sigmoid networks
	// on MNIST and Shapeset without diverging.
	{Key: "pretrain_lr", Flag: "pretrain-lr", Usage: "with --init pretrained: learning rate of the autoencoders' SGD", Default: 0.001,
		Range:   &Range{Lo: 0, Hi: 100, Above: true, Hint: "(e.g. 0.001)"},
		Applies: pretrains,
		field:   func(s *Scenario) any { return &s.PretrainLR }},
}

// Settings returns the table of settings (a fresh copy).
func Settings() []Setting { return append([]Setting(nil), settings...) }

// Ptr returns a pointer to the setting's field of sc: *string, *int,
// *int64, *uint64, *float64, *bool or *ByteSize.
func (st Setting) Ptr(sc *Scenario) any { return st.field(sc) }

// Number returns a numeric setting's value in sc as a float64; ok is false
// for a string or a bool.
func (st Setting) Number(sc *Scenario) (v float64, ok bool) {
	switch p := st.field(sc).(type) {
	case *int:
		return float64(*p), true
	case *int64:
		return float64(*p), true
	case *uint64:
		return float64(*p), true
	case *float64:
		return *p, true
	case *ByteSize:
		return float64(*p), true
	}
	return 0, false
}

// SetNumber stores v in a numeric setting of sc, converted to its type.
func (st Setting) SetNumber(sc *Scenario, v float64) {
	switch p := st.field(sc).(type) {
	case *int:
		*p = int(v)
	case *int64:
		*p = int64(v)
	case *uint64:
		*p = uint64(v)
	case *float64:
		*p = v
	case *ByteSize:
		*p = ByteSize(v)
	default:
		panic("scenarios: SetNumber on the non-numeric setting " + st.Name())
	}
}

// Name is the flag's name, or the key of a file-only setting: what
// messages call it.
func (st Setting) Name() string {
	if st.Flag != "" {
		return st.Flag
	}
	return st.Key
}

// errKey is the key a SettingError carries: the TOML key, or for a
// flag-only setting its flag spelt as a key.
func (st Setting) errKey() string {
	if st.Key != "" {
		return st.Key
	}
	return strings.ReplaceAll(st.Flag, "-", "_")
}

// Help is the setting's line in --help and the README: the usage, the
// choices and the range.
func (st Setting) Help() string {
	h := st.Usage
	if st.Choices != nil {
		h += ": " + strings.Join(st.Choices(), ", ")
	}
	return h + st.rangeNote()
}

// check returns the range error for v, in the shape users see:
// "depth 30 out of range (1..20)".
func (r *Range) check(flag string, v float64) error {
	if math.IsNaN(v) || v < r.Lo || v > r.Hi || v != r.Lo && v < r.Least {
		return fmt.Errorf("%s %s out of range (%s)", flag, plain(v), r.bounds())
	}
	if r.Above && v == r.Lo {
		msg := fmt.Sprintf("%s %v must be above %s", flag, v, plain(r.Lo))
		if r.Hint != "" {
			msg += " " + r.Hint
		}
		return fmt.Errorf("%s", msg)
	}
	return nil
}

// bind defines the setting's flag on fs, bound to its field of sc, with
// that field's value as the flag's default.
func (st Setting) bind(fs *flag.FlagSet, sc *Scenario) {
	help := st.Help()
	switch p := st.field(sc).(type) {
	case *string:
		fs.StringVar(p, st.Flag, *p, help)
	case *int:
		fs.IntVar(p, st.Flag, *p, help)
	case *int64:
		fs.Int64Var(p, st.Flag, *p, help)
	case *uint64:
		fs.Uint64Var(p, st.Flag, *p, help)
	case *float64:
		fs.Float64Var(p, st.Flag, *p, help)
	case *bool:
		fs.BoolVar(p, st.Flag, *p, help)
	case flag.Value:
		fs.Var(p, st.Flag, help)
	default:
		panic(fmt.Sprintf("scenarios: no flag for setting %s of type %T", st.Flag, p))
	}
}

// setDefault stores the setting's Default in sc; a Default of another type
// than the field's is a mistake in the table and panics.
func (st Setting) setDefault(sc *Scenario) {
	if st.Default == nil {
		return
	}
	switch p := st.field(sc).(type) {
	case *string:
		*p = st.Default.(string)
	case *int:
		*p = st.Default.(int)
	case *int64:
		*p = st.Default.(int64)
	case *uint64:
		*p = st.Default.(uint64)
	case *float64:
		*p = st.Default.(float64)
	case *bool:
		*p = st.Default.(bool)
	default:
		panic(fmt.Sprintf("scenarios: no default for setting %s of type %T", st.Name(), p))
	}
}

// Default is what a scenario file leaves unsaid: the paper's setup
// (Shapeset, tanh, standard init, cross-entropy, SGD with minibatch 10) at
// a size that trains quickly; each value is its setting's Default.
func Default() Scenario {
	var sc Scenario
	for _, st := range settings {
		st.setDefault(&sc)
	}
	return sc
}

// Keys lists the TOML keys a scenario file may use, in the table's order.
func Keys() []string {
	var keys []string
	for _, st := range settings {
		if st.Key != "" {
			keys = append(keys, st.Key)
		}
	}
	return keys
}

// describeBy is a Panel.Describe from the parser of a setting's names.
func describeBy[T interface{ Description() string }](parse func(string) (T, error)) func(string) string {
	return func(v string) string {
		x, err := parse(v)
		if err != nil {
			return ""
		}
		return x.Description()
	}
}

func names[T fmt.Stringer](all []T) []string {
	out := make([]string, len(all))
	for i, a := range all {
		out[i] = a.String()
	}
	return out
}
