package sweep

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"initscope/scenarios"
)

// DefaultLRGrid is --lr-search's grid: half-decade steps from 0.001 to
// 0.3, around the rates used for these networks (the paper does not
// publish its grid; its presets here all used 0.01).
var DefaultLRGrid = []float64{0.001, 0.003, 0.01, 0.03, 0.1, 0.3}

// MaxGrid bounds --lr-grid's rates.
const MaxGrid = 64

// ParseGrid reads a comma-separated list of learning rates, each in the
// lr setting's range, at most MaxGrid of them, no repeats.
func ParseGrid(v string) ([]float64, error) {
	parts := strings.Split(v, ",")
	if len(parts) > MaxGrid {
		return nil, fmt.Errorf("--lr-grid has %d rates, over the limit of %d", len(parts), MaxGrid)
	}
	var grid []float64
	for _, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || !(x > 0) || x > 100 || math.IsInf(x, 0) {
			return nil, fmt.Errorf("--lr-grid %q: %q is not a learning rate (a number above 0, at most 100; write e.g. 0.01,0.03,0.1)", v, strings.TrimSpace(p))
		}
		for _, g := range grid {
			if g == x {
				return nil, fmt.Errorf("--lr-grid %q lists %s twice", v, p)
			}
		}
		grid = append(grid, x)
	}
	return grid, nil
}

// SearchSteps is the default budget of each --lr-search run: a tenth of
// the scenario's steps, at least 1,000 (or all of them when fewer).
func SearchSteps(sc scenarios.Scenario) int64 {
	return min(sc.Steps, max(sc.Steps/10, 1000))
}

// LRSearch is the sweep that --lr-search runs: sc's settings in [base]
// (its steps replaced by steps, a snapshot every fifth of them) and the
// grid in [vary]. It is a sweep like any other: sharded, preemption-safe,
// and read back by --report, which chooses the rate on validation error.
func LRSearch(sc scenarios.Scenario, grid []float64, steps int64) (*Sweep, error) {
	if sc.Seed > math.MaxInt64 {
		return nil, fmt.Errorf("--lr-search: seed %d is above 2^63-1, which a sweep file cannot hold (choose a smaller --seed)", sc.Seed)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# --lr-search of %s: %d learning rates at %d steps each\n[base]\n", sc.Name, len(grid), steps)
	sc.Steps, sc.Every = steps, max(steps/5, 1)
	for _, st := range scenarios.Settings() {
		if st.Key == "" || st.Key == "threads" || st.Key == "lr" {
			continue
		}
		fmt.Fprintf(&b, "%s = %s\n", st.Key, tomlValue(st.Ptr(&sc)))
	}
	b.WriteString("[vary]\nlr = [")
	for i, g := range grid {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tomlFloat(g))
	}
	b.WriteString("]\n")
	return Parse("lr-search-"+safe(sc.Name)+".toml", []byte(b.String()))
}

// tomlValue writes a setting's value as TOML: Go's quoting is TOML's for
// the valid UTF-8 without control characters other than \n and \t that
// Validate lets through.
func tomlValue(p any) string {
	switch v := p.(type) {
	case *string:
		return strconv.Quote(*v)
	case *int:
		return strconv.Itoa(*v)
	case *int64:
		return strconv.FormatInt(*v, 10)
	case *uint64:
		return strconv.FormatUint(*v, 10)
	case *float64:
		return tomlFloat(*v)
	case *bool:
		return strconv.FormatBool(*v)
	}
	panic(fmt.Sprintf("sweep: no TOML form for %T", p))
}

// tomlFloat writes x so TOML reads it back as a float: "0.01", "1e-05", "2.0".
func tomlFloat(x float64) string {
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

// Choice is the rate an --lr-search chose, and on what.
type Choice struct {
	LR         float64   `json:"lr"`
	Grid       []float64 `json:"grid"`
	Steps      int64     `json:"steps"`      // each candidate's budget
	Validation int       `json:"validation"` // held-out examples scored
	// Errors are each rate's validation error, in Grid's order; null for
	// a rate that diverged or has none.
	Errors []*float64 `json:"validation_errors"`
}

// Choose reads the rate off a finished --lr-search report: the lowest
// validation error. ok is false while runs are missing or when none has
// a validation line.
func Choose(rep *Report) (Choice, bool) {
	if rep.Finished() < len(rep.Sweep.runs) || len(rep.Configs) != 1 {
		return Choice{}, false
	}
	c := rep.Configs[0]
	if c.Selected < 0 || !c.OnValidation {
		return Choice{}, false
	}
	ch := Choice{LR: c.Rates[c.Selected].LR, Validation: rep.Files[c.Rates[c.Selected].Runs[0]].ValidationN}
	for _, r := range c.Rates {
		ch.Grid = append(ch.Grid, r.LR)
		ch.Errors = append(ch.Errors, finite(r.ValMean))
		ch.Steps = r.Steps
	}
	return ch, true
}
