package scenarios

import (
	"fmt"
	"math"
	"strconv"

	"initscope/nn"
)

// Scenario is one experiment. The TOML keys are the field tags; a file may
// give any subset of them, the rest come from Default.
type Scenario struct {
	Name        string  `toml:"name" json:"scenario"`
	Description string  `toml:"description" json:"description"`
	Dataset     string  `toml:"dataset" json:"dataset"`
	Activation  string  `toml:"activation" json:"activation"`
	Init        string  `toml:"init" json:"init"`
	InitScale   float64 `toml:"init_scale" json:"init_scale"`
	Gain        float64 `toml:"gain" json:"gain"`
	Depth       int     `toml:"depth" json:"depth"`
	Width       int     `toml:"width" json:"width"`
	Loss        string  `toml:"loss" json:"loss"`
	LR          float64 `toml:"lr" json:"lr"`
	BatchSize   int     `toml:"batch_size" json:"batch_size"`
	Steps       int64   `toml:"steps" json:"steps"`
	Every       int64   `toml:"every" json:"every"`
	Probe       int     `toml:"probe" json:"probe"`
	Test        int     `toml:"test" json:"test"`
	Seed        uint64  `toml:"seed" json:"seed"`
	Hist        bool    `toml:"hist" json:"hist"`
	Jacobian    bool    `toml:"jacobian" json:"jacobian"`
	// MemBudget bounds the memory the run may plan to use (0: the
	// machine's default, see DefaultBudget). Only the command line sets
	// it: it has no TOML key, so a scenario file, which may come from
	// anywhere, cannot raise it.
	MemBudget ByteSize `json:"-"`
}

// Ranges of the numeric settings, checked by Validate.
const (
	MaxBatchSize = 10000
	MaxSteps     = 1 << 40
	MaxProbe     = 100000
	MaxTest      = 1000000
)

// Default is what a scenario file leaves unsaid: the paper's setup
// (Shapeset, tanh, standard init, cross-entropy, SGD with minibatch 10) at
// a size that trains quickly.
func Default() Scenario {
	return Scenario{
		Name:        "custom",
		Description: "a user-defined experiment",
		Dataset:     "shapeset",
		Activation:  "tanh",
		Init:        "standard",
		InitScale:   1,
		Gain:        1,
		Depth:       5,
		Width:       1000,
		Loss:        "cross-entropy",
		LR:          0.01,
		BatchSize:   10,
		Steps:       10000,
		Every:       500,
		Probe:       300,
		Test:        1000,
		Seed:        1,
	}
}

// Resolved is a validated scenario with its names parsed.
type Resolved struct {
	Activation nn.Activation
	Init       nn.Init
	Cost       nn.Cost
}

// SettingError is a setting out of range or unknown; Key is its TOML key,
// so a scenario file's error can point at the line.
type SettingError struct {
	Key string
	Err error
}

func (e *SettingError) Error() string { return e.Err.Error() }
func (e *SettingError) Unwrap() error { return e.Err }

func settingErr(key string, err error) error { return &SettingError{Key: key, Err: err} }

// Validate checks every setting and returns the parsed names. Errors are
// *SettingError and name the setting and its valid values or range.
func (s Scenario) Validate() (Resolved, error) {
	var r Resolved
	var err error
	if r.Activation, err = nn.ParseActivation(s.Activation); err != nil {
		return r, settingErr("activation", err)
	}
	kind, err := nn.ParseInit(s.Init)
	if err != nil {
		return r, settingErr("init", err)
	}
	r.Init = nn.Init{Kind: kind, Scale: s.InitScale, Gain: s.Gain}
	if r.Cost, err = nn.ParseCost(s.Loss); err != nil {
		return r, settingErr("loss", err)
	}
	if s.Dataset == "" {
		return r, settingErr("dataset", fmt.Errorf("dataset is empty (try shapeset)"))
	}
	checks := []struct {
		key, flag string
		v, lo, hi float64
	}{
		{"depth", "depth", float64(s.Depth), 1, nn.MaxDepth},
		{"width", "width", float64(s.Width), 1, nn.MaxWidth},
		{"init_scale", "init-scale", s.InitScale, 0, 100},
		{"gain", "gain", s.Gain, 0, 100},
		{"lr", "lr", s.LR, 0, 100},
		{"batch_size", "batch-size", float64(s.BatchSize), 1, MaxBatchSize},
		{"steps", "steps", float64(s.Steps), 0, MaxSteps},
		{"every", "every", float64(s.Every), 1, MaxSteps},
		{"probe", "probe", float64(s.Probe), 1, MaxProbe},
		{"test", "test", float64(s.Test), 1, MaxTest},
	}
	for _, c := range checks {
		if math.IsNaN(c.v) || c.v < c.lo || c.v > c.hi {
			return r, settingErr(c.key, fmt.Errorf("%s %s out of range (%s..%s)", c.flag, plain(c.v), plain(c.lo), plain(c.hi)))
		}
	}
	if s.InitScale <= 0 {
		return r, settingErr("init_scale", fmt.Errorf("init-scale %v must be above 0 (use --init zeros for all-zero weights)", s.InitScale))
	}
	if s.LR <= 0 {
		return r, settingErr("lr", fmt.Errorf("lr %v must be above 0 (e.g. 0.01)", s.LR))
	}
	if s.MemBudget < 0 {
		return r, settingErr("mem_budget", fmt.Errorf("mem-budget %d must be above 0 (e.g. 8GiB)", int64(s.MemBudget)))
	}
	if s.Gain <= 0 {
		return r, settingErr("gain", fmt.Errorf("gain %v must be above 0", s.Gain))
	}
	return r, nil
}

// plain writes a number the way a user would type it: 1099511627776, not
// 1.099511627776e+12; only very large or small ones get an exponent.
func plain(v float64) string {
	if a := math.Abs(v); a == 0 || (a >= 1e-4 && a < 1e15) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
