package scenarios

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"initscope/nn"
)

// Part is one item of a memory estimate.
type Part struct {
	Name  string // what it is, as the refusal names it
	Flags string // the flags that shrink it, e.g. "--probe/--width"
	Bytes int64
}

// MemoryEstimate is what a run allocates, in bytes, part by part. Not in
// it: the data set's own tables (the loaders bound their memory by the
// files' sizes before the estimate is made), the matrix multiply's packing
// buffers (a few MiB per core for the life of the process, whatever the
// configuration) and the Go runtime's own overhead.
type MemoryEstimate struct {
	Total int64
	Parts []Part // largest first
}

// Estimate returns the memory a run of sc needs on a data set of dim inputs
// and classes classes: the same buffers NewRunner and the snapshots
// allocate, sized by nn's own functions (nn.WeightBytes, nn.PassBytes,
// nn.StatsBytes). sc must be valid.
//
// The test set goes through the probe set's buffers, and training updates
// the weights in place, so neither needs a buffer of its own beyond its
// inputs.
func Estimate(sc Scenario, dim, classes int) MemoryEstimate {
	cfg := nn.Config{Inputs: dim, Classes: classes, Depth: sc.Depth, Width: sc.Width}
	set := func(n int) int64 { return int64(n) * (int64(dim) + 1) * 4 } // float32 inputs, int32 label
	stats := nn.StatsBytes(cfg, sc.Probe, sc.statsOptions())
	// Histograms: three per hidden layer per snapshot, plus one weight
	// histogram per core while they are merged; bins of 8 bytes.
	hist := int64(sc.Depth) * 3 * nn.DefaultBins * 8 * 2
	if !sc.Hist {
		hist = 0
	}
	// --init pretrained's autoencoder buffers (nn.PretrainBytes), freed
	// before the probe statistics are built but counted with them: the
	// estimate is a bound, not a timeline.
	var pretrain int64
	if kind, err := nn.ParseInit(sc.Init); err == nil && kind == nn.Pretrained {
		pretrain = nn.PretrainBytes(cfg, sc.BatchSize)
	}
	parts := []Part{
		{"weights", "--width/--depth", nn.WeightBytes(cfg)},
		{"training pass", "--batch-size/--width", nn.PassBytes(cfg, sc.BatchSize) + set(sc.BatchSize)},
		{"probe set", "--probe", set(sc.Probe)},
		{"probe passes", "--probe/--width", stats.Pass + stats.Scratch},
		{"weight gradient and W W^T", "--width", stats.Dw},
		{"test set", "--test", set(sc.Test)},
		{"Jacobian workspaces", "--width", stats.Jacobian},
		{"histograms", "--hist", hist},
		{"pre-training buffers", "--batch-size/--width", pretrain},
	}
	slices.SortStableFunc(parts, func(a, b Part) int {
		switch {
		case a.Bytes > b.Bytes:
			return -1
		case a.Bytes < b.Bytes:
			return 1
		}
		return 0
	})
	var total int64
	for _, p := range parts {
		total += p.Bytes
	}
	return MemoryEstimate{Total: total, Parts: parts}
}

// Budget is the most memory a run may plan to use, and where the figure
// came from, for messages.
type Budget struct {
	Bytes  int64
	Source string // e.g. "half of this machine's memory", "--mem-budget"
}

// fallbackBudget is the budget when the machine's memory cannot be read.
const fallbackBudget = 4 << 30

// DefaultBudget is half of the machine's memory (MemTotal in
// /proc/meminfo), or 4 GiB where that cannot be read. Half leaves room for
// the data set's tables, the Go runtime's own overhead and the rest of the
// machine.
func DefaultBudget() Budget {
	f, err := os.Open("/proc/meminfo")
	if err == nil {
		defer f.Close()
		if total, err := memTotal(f); err == nil {
			return Budget{Bytes: total / 2, Source: "half of this machine's memory"}
		}
	}
	return Budget{Bytes: fallbackBudget, Source: "the default when the machine's memory is unknown"}
}

// memTotal reads the "MemTotal: N kB" line of /proc/meminfo.
func memTotal(r io.Reader) (int64, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			break
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || kb <= 0 || kb > math.MaxInt64/1024 {
			break
		}
		return kb * 1024, nil
	}
	return 0, errors.New("no MemTotal line in kB")
}

// Budget is the scenario's memory budget: --mem-budget when given, else
// the machine's default.
func (s Scenario) Budget() Budget {
	if s.MemBudget > 0 {
		return Budget{Bytes: int64(s.MemBudget), Source: "--mem-budget"}
	}
	return DefaultBudget()
}

// BudgetError refuses a configuration whose estimate exceeds the budget.
type BudgetError struct {
	Estimate MemoryEstimate
	Budget   Budget
}

// Error reads "configuration needs about 13.2 GiB (probe passes 12.8 GiB,
// weights 256.1 MiB, ...), over the memory budget of 11.8 GiB (half of this
// machine's memory); lower --probe/--width, or raise --mem-budget".
func (e *BudgetError) Error() string {
	var parts []string
	for _, p := range e.Estimate.Parts[:3] {
		parts = append(parts, p.Name+" "+ByteSize(p.Bytes).human())
	}
	return fmt.Sprintf("configuration needs about %s (%s, ...), over the memory budget of %s (%s); lower %s, or raise --mem-budget",
		ByteSize(e.Estimate.Total).human(), strings.Join(parts, ", "), ByteSize(e.Budget.Bytes).human(), e.Budget.Source,
		e.Estimate.Parts[0].Flags)
}

// checkBudget refuses sc on a data set of dim inputs and classes classes
// when its estimate exceeds its budget.
func checkBudget(sc Scenario, dim, classes int) error {
	est := Estimate(sc, dim, classes)
	if b := sc.Budget(); est.Total > b.Bytes {
		return &BudgetError{Estimate: est, Budget: b}
	}
	return nil
}

// ByteSize is a number of bytes written with a unit: 512MiB, 8GiB, 1.5GB,
// 4096 (bytes). KiB ... PiB and K, M, G, T, P are powers of 1024; kB ...
// PB powers of 1000; case does not matter and a trailing "B" or
// space is optional.
type ByteSize int64

// maxByteSize bounds parsed sizes: 1 PiB, beyond any machine this runs on.
const maxByteSize = 1 << 50

var byteUnits = []struct {
	suffix string
	mult   float64
}{
	// Longest first, so "kib" is not read as "b" after a number "k".
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40}, {"pib", 1 << 50},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12}, {"pb", 1e15},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40}, {"p", 1 << 50},
	{"b", 1},
}

// ParseByteSize reads a size such as "8GiB"; it must be above 0 and at
// most 1 PiB.
func ParseByteSize(s string) (ByteSize, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	mult := 1.0
	for _, u := range byteUnits {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("size %q is not a number of bytes (write e.g. 8GiB, 512MiB)", s)
	}
	b := v * mult
	if !(b >= 1) || b > maxByteSize {
		return 0, fmt.Errorf("size %q out of range (1 byte to 1PiB; write e.g. 8GiB, 512MiB)", s)
	}
	return ByteSize(b), nil
}

// String writes the size so ParseByteSize reads it back exactly: with a
// binary unit when it is a whole number of them, else in bytes.
func (b ByteSize) String() string {
	for _, u := range []struct {
		name  string
		shift uint
	}{{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
		if b != 0 && b%(1<<u.shift) == 0 {
			return strconv.FormatInt(int64(b)>>u.shift, 10) + u.name
		}
	}
	return strconv.FormatInt(int64(b), 10)
}

// human writes the size for messages, to a tenth of its unit: 13.2 GiB.
func (b ByteSize) human() string {
	v := float64(b)
	for _, unit := range []string{"B", "KiB", "MiB", "GiB", "TiB"} {
		if v < 1024 || unit == "TiB" {
			if unit == "B" {
				return fmt.Sprintf("%d B", int64(b))
			}
			return fmt.Sprintf("%.1f %s", v, unit)
		}
		v /= 1024
	}
	panic("unreachable")
}

// Set parses a flag's value.
func (b *ByteSize) Set(s string) error {
	v, err := ParseByteSize(s)
	if err != nil {
		return err
	}
	*b = v
	return nil
}
