package preset

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"initscope/scenarios"
)

// nestedBomb is the crafted file: a few KB of nested inline tables
// (3,000 levels took the parser 1.7 s and 420 MB before flat refused it).
func nestedBomb(n int) []byte {
	return []byte("a = " + strings.Repeat("{b = ", n) + "1" + strings.Repeat("}", n) + "\n")
}

// Hostile and malformed files: one line naming the file, the line and the
// problem, and no wrapped-around or non-finite value gets through.
func TestParseHostile(t *testing.T) {
	cases := []struct {
		name string
		text []byte
		want string
	}{
		{"nested inline tables", nestedBomb(3000), "bad.toml:1: nested tables and arrays are not scenario settings (a scenario file is flat key = value lines)"},
		{"nested arrays", []byte("depth = 3\nx = " + strings.Repeat("[", 30000) + "\n"), "bad.toml:2: nested tables and arrays"},
		{"array-of-tables headers", []byte("\n\n" + strings.Repeat("[", 30000) + "\n"), "bad.toml:3: nested tables and arrays"},
		{"nested after a multi-line string", []byte("description = \"\"\"\n{{{{\n\"\"\"\nx = {a = {b = 1}}\n"), "bad.toml:4: nested tables"},
		{"seed = -1 (was 18446744073709551615)", []byte("depth = 3\nseed = -1\n"), "bad.toml:2: seed -1 out of range (0..18446744073709551615)"},
		{"seed = minimum int64", []byte("seed = -9223372036854775808\n"), "bad.toml:1: seed -9223372036854775808 out of range (0..18446744073709551615)"},
		{"seed beyond int64", []byte("seed = 18446744073709551615\n"), "bad.toml:1: 18446744073709551615 is out of range for int64"},
		{"lr = nan", []byte("lr = nan\n"), "bad.toml:1: lr NaN out of range (0..100)"},
		{"lr = inf", []byte("lr = inf\n"), "bad.toml:1: lr +Inf out of range (0..100)"},
		{"gain = -inf", []byte("gain = -inf\n"), "bad.toml:1: gain -Inf out of range (0..100)"},
		{"init_scale = -nan", []byte("\ninit_scale = -nan\n"), "bad.toml:2: init-scale NaN out of range (0..100)"},
		{"huge width", []byte("width = 9223372036854775807\n"), "bad.toml:1: width 9.223372036854776e+18 out of range (1..4096)"},
		{"huge steps", []byte("steps = 1e300\n"), "bad.toml:1: steps: the value is a float; steps takes an integer"},
		{"huge float", []byte("lr = 1e400\n"), "bad.toml:1:"},
		{"threads = 65", []byte("threads = 65\n"), "bad.toml:1: threads 65 out of range (0..64)"},
		{"threads = -1", []byte("\nthreads = -1\n"), "bad.toml:2: threads -1 out of range (0..64)"},
		{"threads as a string", []byte("threads = \"auto\"\n"), "bad.toml:1: threads: the value is a string; threads takes an integer"},
		{"depth as a string", []byte("depth = \"deep\"\n"), "bad.toml:1: depth: the value is a string; depth takes an integer"},
		{"depth as an array", []byte("\ndepth = [3]\n"), "bad.toml:2: depth: the value is an array; depth takes an integer"},
		{"depth as a table", []byte("depth = {a = 1}\n"), "bad.toml:1: depth: the value is a table; depth takes an integer"},
		{"hist as a number", []byte("hist = 1\n"), "bad.toml:1: hist: the value is an integer; hist takes true or false"},
		{"name as a date", []byte("name = 1979-05-27\n"), "bad.toml:1: name: the value is a date or time; name takes a string in quotes"},
		{"lr as a string", []byte("lr = \"0.1\"\n"), "bad.toml:1: lr: the value is a string; lr takes a number"},
		{"a table", []byte("depth = 3\n[extra]\nx = 1\n"), `bad.toml:2: unknown key "extra"`},
		{"a dotted key", []byte("depth = 3\n\"depth\".x = 1\n"), "bad.toml:"},
		{"a quoted unknown key", []byte("'widht' = 3\n"), `bad.toml:1: unknown key "widht"`},
		{"binary junk", []byte("\x00\xff\xfe=\x01\n"), "bad.toml:1:"},
		{"an escape sequence in the name", []byte("steps = 1\nname = \"evil\\u001b[31mRED\"\n"), "bad.toml:2: name contains the control character U+001B"},
		{"a terminal title in the description", []byte("description = \"x\\u001b]0;pwned\\u0007\"\n"), "bad.toml:1: description contains the control character U+001B"},
		{"a description of 5000 bytes", []byte("description = \"" + strings.Repeat("a", 5000) + "\"\n"), "bad.toml:1: description is 5000 bytes long, over the limit of 4096"},
		{"unterminated string", []byte("name = \"abc\n"), "bad.toml:1:"},
		{"too big", bytes.Repeat([]byte("# padding\n"), MaxFileBytes/10+1), "bad.toml: 65540 bytes is over the 65536-byte limit of a scenario file"},
	}
	for _, c := range cases {
		sc, err := Parse("bad.toml", c.text)
		if err == nil {
			t.Errorf("%s: accepted as %+v, want an error starting %q", c.name, sc, c.want)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, c.want) || strings.Contains(msg, "\n") || len(msg) > 400 {
			t.Errorf("%s: error = %q, want one short line starting %q", c.name, msg, c.want)
		}
	}
}

// What the file may say still decodes as before: every key, ints into
// float settings, brackets and quotes inside strings and comments.
func TestParseFlatFile(t *testing.T) {
	text := `# a comment with [[brackets]] and {braces}
name = "x [v2] {y}"
description = """
multi-line with "quotes" and [[[ brackets
"""
dataset = 'csv:C:\data\{a}.csv'
activation = "tanh"
init = "normalized"
init_scale = 2
gain = 1.5
depth = 3
width = 64
loss = "quadratic"
lr = 1e-2
batch_size = 20
steps = 0
every = 7
probe = 50
test = 60
seed = 18446744073709551
"hist" = true
jacobian = false # trailing comment ]]]]
threads = 3
surface = 7
pretrain_corruption = 0.5
pretrain_updates = 200
pretrain_lr = 0.003
`
	sc, err := Parse("f.toml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	want := scenarios.Scenario{Name: "x [v2] {y}", Description: "multi-line with \"quotes\" and [[[ brackets\n", Dataset: `csv:C:\data\{a}.csv`,
		Activation: "tanh", Init: "normalized", InitScale: 2, Gain: 1.5, Depth: 3, Width: 64, Loss: "quadratic", LR: 0.01,
		BatchSize: 20, Steps: 0, Every: 7, Probe: 50, Test: 60, Seed: 18446744073709551, Hist: true, Threads: 3, Surface: 7,
		PretrainCorruption: 0.5, PretrainUpdates: 200, PretrainLR: 0.003}
	if sc != want {
		t.Errorf("got  %+v\nwant %+v", sc, want)
	}
	if got := strings.Join(scenarios.Keys(), ","); got != "name,description,activation,init,init_scale,gain,depth,width,loss,dataset,lr,batch_size,steps,every,probe,test,seed,hist,jacobian,threads,surface,pretrain_corruption,pretrain_updates,pretrain_lr" {
		t.Errorf("Keys() = %s", got)
	}
}

// flat counts lines and nesting as TOML sees them.
func TestFlat(t *testing.T) {
	cases := []struct {
		text string
		line int
		ok   bool
	}{
		{"a = 1\n", 0, true},
		{"[t]\na = [1, 2]\nb = {c = 1}\n", 0, true},
		{"a = [[1]]\n", 1, false},
		{"a = \"[[[\"\nb = '{{{'\n# [[[[\nc = 1\n", 0, true},
		{"a = \"\\\"[[\"\n", 0, true},       // an escaped quote does not end the string
		{"a = '\\'\nb = [[1]]\n", 2, false}, // a literal string has no escapes
		{"a = '''\n[[\n'''\nb = {c = {d = 1}}\n", 4, false},
		{"a = \"\"\"\\\n\"\"\"\" [[\n", 2, false}, // a closing """ takes up to two more quotes
		{"a = \"unterminated [[\nb = [[1]]\n", 2, false},
		{"]]]]]]\n[[\n", 2, false}, // closing brackets do not bank depth
	}
	for _, c := range cases {
		line, ok := flat([]byte(c.text))
		if ok != c.ok || (!ok && line != c.line) {
			t.Errorf("flat(%q) = %d, %v; want %d, %v", c.text, line, ok, c.line, c.ok)
		}
	}
}

// Load refuses a file over the limit from its size, before reading it, and
// a stream (no size) after MaxFileBytes+1 bytes.
func TestLoadRefusesLargeFiles(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.toml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 40); err != nil { // a sparse terabyte: reading it would never end
		t.Skipf("cannot make a sparse file here: %v", err)
	}
	f.Close()
	if _, err := Load(big); err == nil || err.Error() != big+": 1099511627776 bytes is over the 65536-byte limit of a scenario file (a scenario is a dozen key = value lines: is it the right file?)" {
		t.Errorf("Load(1 TB file) error = %v", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := Load("/dev/zero"); err == nil || !strings.HasPrefix(err.Error(), "/dev/zero: 65537 bytes is over the 65536-byte limit") {
			t.Errorf("Load(/dev/zero) error = %v", err)
		}
	}
	bomb := filepath.Join(dir, "bomb.toml")
	os.WriteFile(bomb, nestedBomb(3000), 0o644)
	if _, err := Load(bomb); err == nil || err.Error() != bomb+":1: nested tables and arrays are not scenario settings (a scenario file is flat key = value lines)" {
		t.Errorf("Load(bomb) error = %v", err)
	}
}

// FuzzParse: any bytes give either one line starting with the file name or
// a scenario that passes Validate.
func FuzzParse(f *testing.F) {
	quick, err := presetFiles.ReadFile("presets/quick.toml")
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range [][]byte{
		quick,
		nestedBomb(3000),
		[]byte("x = " + strings.Repeat("[", 5000)),
		[]byte(strings.Repeat("[[", 2000) + "a" + strings.Repeat("]]", 2000)),
		[]byte("seed = -1\n"),
		[]byte("lr = nan\ngain = inf\ninit_scale = -inf\n"),
		[]byte("width = 9223372036854775807\nsteps = 99999999999999999999\nlr = 1e400\n"),
		[]byte("description = \"\"\"\n[[[\n\"\"\"\n"),
		[]byte("name = '''\n{{\n'''\ndepth = {a = {b = 1}}\n"),
		[]byte("\x00\xff\xfe\x80[{\"'#\n\r\t=\\"),
		[]byte("a.b.c.d = 1\n[x.y]\n[[z]]\n"),
		[]byte("steps = 1e300\ndepth = 1979-05-27T07:32:00Z\n"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse("fuzz.toml", data)
		if err != nil {
			if msg := err.Error(); !strings.HasPrefix(msg, "fuzz.toml") || strings.Contains(msg, "\n") {
				t.Fatalf("error is not one line naming the file: %q", msg)
			}
			return
		}
		if _, err := sc.Validate(); err != nil {
			t.Fatalf("accepted a scenario that fails Validate: %v", err)
		}
		for _, v := range []float64{sc.LR, sc.Gain, sc.InitScale} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("accepted a non-finite setting: %+v", sc)
			}
		}
	})
}
