package scenarios

import (
	"fmt"
	"math"
	"strconv"
	"unicode"
	"unicode/utf8"

	"initscope/nn"
)

// Scenario is one experiment. Its settings (TOML keys, flags, ranges,
// defaults) are the table in settings.go; a file may give any subset of
// them, the rest come from Default.
type Scenario struct {
	Name        string  `json:"scenario"`
	Description string  `json:"description"`
	Dataset     string  `json:"dataset"`
	Activation  string  `json:"activation"`
	Init        string  `json:"init"`
	InitScale   float64 `json:"init_scale"`
	Gain        float64 `json:"gain"`
	Depth       int     `json:"depth"`
	Width       int     `json:"width"`
	Loss        string  `json:"loss"`
	LR          float64 `json:"lr"`
	BatchSize   int     `json:"batch_size"`
	Steps       int64   `json:"steps"`
	Every       int64   `json:"every"`
	Probe       int     `json:"probe"`
	Test        int     `json:"test"`
	Seed        uint64  `json:"seed"`
	Hist        bool    `json:"hist"`
	Jacobian    bool    `json:"jacobian"`
	// PretrainCorruption, PretrainUpdates and PretrainLR configure --init
	// pretrained's denoising autoencoders (nn.PretrainOptions): the
	// fraction of each layer's inputs masked to 0, the SGD updates per
	// hidden layer, and their learning rate.
	PretrainCorruption float64 `json:"pretrain_corruption"`
	PretrainUpdates    int64   `json:"pretrain_updates"`
	PretrainLR         float64 `json:"pretrain_lr"`
	// Surface is the points per axis of the cost surfaces (Fig 5) a
	// --batch run writes after its step-0 snapshot; 0 for none.
	Surface int `json:"surface"`
	// Threads bounds the goroutines of one run's products and
	// measurements (0: every core). It changes how fast a run goes, not
	// its numbers (but for the last digits of the weight-gradient
	// variance, as a machine with other cores does: nn.StatsOptions), so
	// the records leave it out as they leave out timings.
	Threads int `json:"-"`
	// MemBudget bounds the memory the run may plan to use (0: the
	// machine's default, see DefaultBudget). Only the command line sets
	// it: it has no TOML key, so a scenario file, which may come from
	// anywhere, cannot raise it.
	MemBudget ByteSize `json:"-"`
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
	for _, st := range settings {
		if p, ok := st.field(&s).(*string); ok {
			if err := checkText(st.Name(), *p); err != nil {
				return r, settingErr(st.errKey(), err)
			}
		}
		if v, ok := st.Number(&s); ok && st.Range != nil {
			if err := st.Range.check(st.Flag, v); err != nil {
				return r, settingErr(st.errKey(), err)
			}
		}
	}
	if s.MemBudget < 0 {
		return r, settingErr("mem_budget", fmt.Errorf("mem-budget %d must be above 0 (e.g. 8GiB)", int64(s.MemBudget)))
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

// MaxTextBytes bounds a text setting: a name, a description, a data set's
// path.
const MaxTextBytes = 4096

// checkText refuses text that would do more than read as text: a control
// character in a downloaded scenario's name or description would reach the
// terminal as an escape sequence when the app shows it. Newlines and tabs
// (a multi-line description) are only layout.
func checkText(name, v string) error {
	if len(v) > MaxTextBytes {
		return fmt.Errorf("%s is %d bytes long, over the limit of %d", name, len(v), MaxTextBytes)
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("%s is not valid UTF-8 text", name)
	}
	for _, c := range v {
		if unicode.IsControl(c) && c != '\n' && c != '\t' {
			return fmt.Errorf("%s contains the control character %U (escape sequences are refused; write plain text)", name, c)
		}
	}
	return nil
}
