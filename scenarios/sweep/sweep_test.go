package sweep

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"initscope/scenarios/preset"
)

const small = `# a small sweep
[base]
dataset = "tiny"
depth = 2
width = 8
steps = 20

[vary]
activation = ["tanh", "softsign"]
lr = [0.01, 0.1, 0.03]
seed = [1, 2]
`

func mustParse(t *testing.T, data string) *Sweep {
	t.Helper()
	s, err := Parse("s.toml", []byte(data))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

// The expansion is the file's nested loops, last key fastest; names come
// from the varied values; the index is padded to the count's width.
func TestExpand(t *testing.T) {
	s := mustParse(t, small)
	runs := s.Runs()
	if len(runs) != 12 {
		t.Fatalf("%d runs, want 2*3*2 = 12", len(runs))
	}
	want := []string{"tanh_lr0.01_seed1", "tanh_lr0.01_seed2", "tanh_lr0.1_seed1"}
	for i, w := range want {
		if runs[i].Name != w || runs[i].Index != i {
			t.Errorf("run %d is %d %q, want %q", i, runs[i].Index, runs[i].Name, w)
		}
	}
	r := runs[11]
	if r.Stem != "11-softsign_lr0.03_seed2" || r.Scenario.Activation != "softsign" || r.Scenario.LR != 0.03 ||
		r.Scenario.Seed != 2 || r.Scenario.Depth != 2 || r.Scenario.Dataset != "tiny" || r.Scenario.Name != "11-softsign_lr0.03_seed2" {
		t.Errorf("last run %+v", r)
	}
	if runs[0].Stem != "00-tanh_lr0.01_seed1" {
		t.Errorf("first stem %q", runs[0].Stem)
	}
	// Parsing again gives the same list: nothing depends on map order.
	for range 5 {
		again := mustParse(t, small).Runs()
		for i := range runs {
			if again[i].Stem != runs[i].Stem || again[i].Scenario != runs[i].Scenario {
				t.Fatalf("run %d differs between parses: %+v vs %+v", i, again[i], runs[i])
			}
		}
	}
}

// A preset in [base] or [vary]: base keys override it, vary keys override both.
func TestPresetBase(t *testing.T) {
	s := mustParse(t, `[base]
steps = 7
[vary]
scenario = ["table1-tanh", "table1-sigmoid"]
lr = [0.5]
`)
	runs := s.Runs()
	tanh, _ := preset.Lookup("table1-tanh")
	if len(runs) != 2 || runs[0].Name != "table1-tanh_lr0.5" || runs[0].Scenario.Steps != 7 || runs[0].Scenario.LR != 0.5 ||
		runs[0].Scenario.Width != tanh.Width || runs[1].Scenario.Activation != "sigmoid" {
		t.Errorf("runs %+v", runs)
	}
	one := mustParse(t, "[base]\nscenario = \"tiny\"\nseed = 3\n").Runs()
	if len(one) != 1 || one[0].Name != "base" || one[0].Scenario.Seed != 3 || one[0].Scenario.Dataset != "tiny" {
		t.Errorf("no [vary]: %+v", one)
	}
}

// Every run lands in exactly one shard, for every shard count 1..17 (and
// sweeps of 1..40 runs, so some shards are empty).
func TestPartition(t *testing.T) {
	for runs := 1; runs <= 40; runs++ {
		var vals []string
		for i := range runs {
			vals = append(vals, fmt.Sprint(i+1))
		}
		s := mustParse(t, "[base]\ndataset = \"tiny\"\n[vary]\nseed = ["+strings.Join(vals, ", ")+"]\n")
		all := s.Runs()
		for n := 1; n <= 17; n++ {
			seen := make([]int, len(all))
			for k := range n {
				sh, err := ParseShard(fmt.Sprintf("%d/%d", k, n))
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range sh.Select(all) {
					seen[r.Index]++
				}
			}
			for i, c := range seen {
				if c != 1 {
					t.Fatalf("%d runs, %d shards: run %d is in %d shards", runs, n, i, c)
				}
			}
		}
	}
}

func TestParseShard(t *testing.T) {
	good := map[string]Shard{"0/1": {0, 1}, "3/4": {3, 4}, " 2/17 ": {2, 17}}
	for in, want := range good {
		if got, err := ParseShard(in); err != nil || got != want {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"4/4", "-1/4", "0/0", "1", "a/b", "1/-3", "0/99999999999999999999", "", "1/2/3"} {
		if _, err := ParseShard(in); err == nil {
			t.Errorf("ParseShard(%q) accepted", in)
		}
	}
}

// The engines' variables: Kubernetes' index with our count, Slurm's ID
// minus MIN of COUNT; an index outside 0..N-1 is an error.
func TestShardFromEnv(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want Shard
		err  string
	}{
		{map[string]string{}, All, ""},
		{map[string]string{"JOB_COMPLETION_INDEX": "2", "INITSCOPE_SHARDS": "5"}, Shard{2, 5}, ""},
		{map[string]string{"JOB_COMPLETION_INDEX": "2"}, Shard{}, "INITSCOPE_SHARDS is not set"},
		{map[string]string{"JOB_COMPLETION_INDEX": "5", "INITSCOPE_SHARDS": "5"}, Shard{}, "from 0 to 4"},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"}, Shard{3, 4}, ""},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"}, Shard{3, 4}, ""},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_COUNT": "5", "SLURM_ARRAY_TASK_MIN": "0"}, Shard{}, "no step"},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "2"}, Shard{}, "at most the task ID"},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, Shard{}, "SLURM_ARRAY_TASK_COUNT is not set"},
		// Kubernetes first: a pod of an Indexed Job inside a Slurm allocation is odd, but its index is the pod's.
		{map[string]string{"JOB_COMPLETION_INDEX": "0", "INITSCOPE_SHARDS": "2", "SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2"}, Shard{0, 2}, ""},
	}
	for _, c := range cases {
		got, _, _, err := ShardFromEnv(func(k string) string { return c.env[k] })
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: %v, %v; want an error with %q", c.env, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%v: %v, %v; want %v", c.env, got, err, c.want)
		}
	}
}

// Bad sweep files: one line naming the file, the line and the fix.
func TestParseErrors(t *testing.T) {
	big := "[vary]\nseed = [" + strings.Repeat("1,", 40000) + "1]\n"
	cases := []struct{ data, want string }{
		{"[vary]\nlr = 0.1\n", "s.toml:2: vary.lr: the value is a float; a [vary] key takes a list"},
		{"[vary]\nlr = []\n", "s.toml:2: vary.lr: the list is empty"},
		{"[vary]\nlr = [0.1, 0.10]\n", "s.toml:2: vary.lr: values 1 and 2 are the same run (lr0.1)"},
		{"[vary]\nlr = [0.1, -1]\n", "s.toml:2: run 1 (lr-1): lr -1 out of range"},
		{"[vary]\ndepth = [\"3\"]\n", "s.toml:2: vary.depth: value 1: depth: the value is a string"},
		{"[vary]\nname = [\"a\"]\n", "name describes a run and cannot be varied"},
		{"[vary]\nwidthh = [3]\n", `s.toml:2: vary.widthh: unknown key "widthh"`},
		{"[base]\nscenario = \"nope\"\n", `s.toml:2: base.scenario: unknown scenario "nope"`},
		{"[base]\nscenario = 3\n", `base.scenario: the value is an integer`},
		{"[vary]\nscenario = [\"tiny\", 1]\n", `value 2 is an integer`},
		{"lr = 3\n", `s.toml:1: unknown key "lr" (a sweep file has a [base] table`},
		{"base = 3\n", `s.toml:1: base is an integer; write it as a table, [base]`},
		{"[base.x]\ny = 1\n", `base.x is a table`},
		{"[[vary]]\nlr = [1]\n", "nested tables and arrays"},
		{"[vary]\nlr = [[1]]\n", "nested tables and arrays"},
		{"[vary]\nlr = [0.1\n", "s.toml:"},
		{big, "over the 65536-byte limit"},
		{"[vary]\nseed = [" + strings.Repeat("1,", 10000) + "1]\n", "10001 values, over the limit of 10000"},
		{"[vary]\nseed = [" + seq(101) + "]\nlr = [" + seqf(100) + "]\n", "more than 10000 runs"},
		{"[vary]\ndataset = [\"csv:" + strings.Repeat("a/", 40) + "\"]\ninit_scale = [1]\n", ""},
		{"[base]\ndepth = 99\n", "s.toml:2: run 0 (base): depth 99 out of range"},
	}
	for _, c := range cases {
		_, err := Parse("s.toml", []byte(c.data))
		if c.want == "" {
			if err != nil {
				t.Errorf("%.60q: %v", c.data, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%.60q: error %v; want one line with %q", c.data, err, c.want)
		}
	}
}

func seq(n int) string {
	var s []string
	for i := range n {
		s = append(s, fmt.Sprint(i))
	}
	return strings.Join(s, ",")
}

func seqf(n int) string {
	var s []string
	for i := range n {
		s = append(s, fmt.Sprintf("0.%04d", i+1))
	}
	return strings.Join(s, ",")
}

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"mnist:data/mnist": "mnist-data-mnist", "../../etc": "etc", "": "x", "a b\tc": "a-b-c", "-x-": "x",
		"é": "x", strings.Repeat("a", 100): strings.Repeat("a", maxLabel),
	} {
		if got := safe(in); got != want {
			t.Errorf("safe(%q) = %q, want %q", in, got, want)
		}
	}
}

// The built-in sweeps parse, and table1 has the five Table 1 rows.
func TestBuiltIn(t *testing.T) {
	for _, name := range Names() {
		s, err := Load(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !s.Varies("seed") || !s.Varies("lr") {
			t.Errorf("%s varies neither seeds nor the learning rate", name)
		}
		cfgs := s.Configs("seed", "lr")
		want := 5 // Table 1's rows
		if name == "fig11" {
			want = 6 // and the pre-trained reference
		}
		if len(cfgs) != want {
			t.Errorf("%s has %d configurations, want %d", name, len(cfgs), want)
		}
		for _, c := range cfgs {
			r := s.Runs()[c.Runs[0]]
			if r.Scenario.Init == "pretrained" && name == "fig11" {
				continue
			}
			if _, ok := table1Row(r.Scenario); !ok || r.Scenario.Depth != 5 || r.Scenario.Width != 1000 || r.Scenario.BatchSize != 10 {
				t.Errorf("%s: %s is not a Table 1 row: %+v", name, c.Name, r.Scenario)
			}
		}
	}
	if _, err := Load("nope"); err == nil || !strings.Contains(err.Error(), "table1") {
		t.Errorf("unknown sweep: %v", err)
	}
}

// FuzzParse: any input gives a sweep or one line of error, never a panic,
// within the bounds.
func FuzzParse(f *testing.F) {
	f.Add(small)
	f.Add("[vary]\nscenario = [\"tiny\"]\n")
	f.Add("[[vary]]\n")
	f.Add("[vary]\nlr = [[[[[[1]]]]]]\n")
	f.Add("a = {b = {c = {d = 1}}}\n")
	f.Add("[vary]\nseed = [" + seq(101) + "]\nlr = [" + seqf(100) + "]\n")
	f.Add("[vary]\nseed = [" + seq(10000) + "]\n")
	f.Add("[base]\ndescription = \"\x1b[31m\"\n")
	f.Add("[vary]\ndataset = [\"csv:\xff\"]\n")
	f.Add("[vary]\nseed = [-1]\n")
	f.Add("[vary]\n\"\" = [1]\n")
	f.Add("[base]\n[base]\n")
	f.Add("[vary]\nlr = [nan, inf]\n")
	f.Add("[vary]\nsteps = [1099511627777]\n")
	f.Fuzz(func(t *testing.T, data string) {
		s, err := Parse("f.toml", []byte(data))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("a multi-line error: %q", err)
			}
			return
		}
		runs := s.Runs()
		if len(runs) < 1 || len(runs) > MaxRuns {
			t.Fatalf("%d runs", len(runs))
		}
		for _, r := range runs {
			if _, err := r.Scenario.Validate(); err != nil {
				t.Fatalf("run %d is invalid: %v", r.Index, err)
			}
			if len(r.Stem) > MaxNameBytes || strings.ContainsAny(r.Stem, "/\\\x00 ") {
				t.Fatalf("bad file name %q", r.Stem)
			}
		}
	})
}

// --lr-search's sweep is the scenario with only the rate, the steps and
// the snapshot interval changed (and the name, from the file).
func TestLRSearchSweep(t *testing.T) {
	sc, _ := preset.Lookup("table1-tanh-n")
	sc.Description = "a \"quoted\"\tdescription\non two lines"
	sc.Seed = 1<<63 - 1
	s, err := LRSearch(sc, []float64{0.001, 0.1, 1, 1e-05}, 300)
	if err != nil {
		t.Fatal(err)
	}
	runs := s.Runs()
	if len(runs) != 4 || runs[2].Name != "lr1" || runs[3].Name != "lr1e-05" {
		t.Fatalf("runs %+v", runs)
	}
	for i, r := range runs {
		want := sc
		want.LR, want.Steps, want.Every, want.Name = []float64{0.001, 0.1, 1, 1e-05}[i], 300, 60, r.Stem
		if r.Scenario != want {
			t.Errorf("run %d: %+v\nwant %+v", i, r.Scenario, want)
		}
	}
	sc.Seed = 1 << 63
	if _, err := LRSearch(sc, DefaultLRGrid, 300); err == nil {
		t.Error("a seed above 2^63-1 was accepted")
	}
}

func TestParseGrid(t *testing.T) {
	if g, err := ParseGrid(" 0.01, 0.1,1e-3"); err != nil || len(g) != 3 || g[2] != 0.001 {
		t.Errorf("ParseGrid = %v, %v", g, err)
	}
	for _, bad := range []string{"", "0", "-1", "0.1,0.1", "x", "NaN", "Inf", "101", strings.Repeat("0.1,", MaxGrid) + "0.2"} {
		if _, err := ParseGrid(bad); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("ParseGrid(%.30q) = %v", bad, err)
		}
	}
}

// chooseRate: a clearly lower validation error wins whatever its cost;
// errors within two standard errors of the lowest are noise, and the
// lowest cost among them wins (the tanh search at 10,000 updates: every
// rate at 81.7-83.3%, the majority class, on 2,000 examples); a diverged
// rate never wins; without validation the lowest test error.
func TestChooseRate(t *testing.T) {
	rate := func(val, loss float64, n int) RateResult {
		return RateResult{Mean: val, ValMean: val, ValLoss: loss, ValN: n}
	}
	measured := []RateResult{ // lr 0.001 .. 0.3, as measured
		rate(0.817, 2.1102, 2000), rate(0.8295, 2.1075, 2000), rate(0.832, 2.1079, 2000),
		rate(0.8325, 2.1083, 2000), rate(0.8245, 2.1108, 2000), rate(0.8235, 2.1174, 2000),
	}
	for _, tt := range []struct {
		name  string
		rates []RateResult
		onVal bool
		want  int
	}{
		{"all at the majority class", measured, true, 1},
		{"the same on test error", measured, false, 0},
		{"a clear winner", []RateResult{rate(0.70, 1.9, 2000), rate(0.80, 1.5, 2000)}, true, 0},
		{"within noise", []RateResult{rate(0.70, 1.9, 2000), rate(0.71, 1.5, 2000)}, true, 1},
		{"more examples, less noise", []RateResult{rate(0.70, 1.9, 200000), rate(0.71, 1.5, 200000)}, true, 0},
		{"diverged", []RateResult{rate(1, math.Inf(1), 2000), rate(0.99, 5, 2000)}, true, 1},
		{"none finished", []RateResult{rate(math.NaN(), math.NaN(), 0)}, true, -1},
	} {
		if got := chooseRate(tt.rates, tt.onVal); got != tt.want {
			t.Errorf("%s: chose %d, want %d", tt.name, got, tt.want)
		}
	}
}

// FuzzChooseRate: any errors, costs and counts (NaN, infinities, zero
// examples) give an index in range, or -1 exactly when no rate has a
// score; on validation the choice is within noise of the lowest error and
// no rate within it has a lower cost.
func FuzzChooseRate(f *testing.F) {
	f.Add([]byte{10, 20, 30, 40}, true)
	f.Add([]byte{255, 0, 128, 7, 7, 7}, false)
	f.Add([]byte{}, true)
	values := []float64{0, 0.1, 0.5, 0.83, 0.9, 1, math.NaN(), math.Inf(1), -1, 2}
	f.Fuzz(func(t *testing.T, data []byte, onVal bool) {
		var rates []RateResult
		for i := 0; i+2 < len(data) && len(rates) < 16; i += 3 {
			e := values[int(data[i])%len(values)]
			rates = append(rates, RateResult{Mean: e, ValMean: e, ValLoss: values[int(data[i+1])%len(values)], ValN: int(data[i+2]) * 100})
		}
		got := chooseRate(rates, onVal)
		scored := slices.ContainsFunc(rates, func(r RateResult) bool { return !math.IsNaN(r.ValMean) })
		if got < -1 || got >= len(rates) || (got == -1) == scored {
			t.Fatalf("chose %d of %d rates (any scored: %v)", got, len(rates), scored)
		}
		if got < 0 || !onVal {
			return
		}
		best := math.Inf(1)
		for _, r := range rates {
			if !math.IsNaN(r.ValMean) {
				best = math.Min(best, r.ValMean)
			}
		}
		if c := rates[got]; c.ValMean > best+1 {
			t.Fatalf("chose error %v, the lowest is %v", c.ValMean, best)
		}
	})
}
