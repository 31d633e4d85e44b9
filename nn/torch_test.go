package nn

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
)

// pythonWithTorch is the interpreter that has PyTorch: $INITSCOPE_PYTHON, or
// Debian's /usr/bin/python3 (a python3 earlier on PATH may lack it).
func pythonWithTorch() string {
	if p := os.Getenv("INITSCOPE_PYTHON"); p != "" {
		return p
	}
	return "/usr/bin/python3"
}

// needTorch skips the cross-check where PyTorch is missing, and fails it
// under CI=true, where .ci/run installs it: CI must never pass silently.
func needTorch(t *testing.T) {
	err := exec.Command(pythonWithTorch(), "-c", "import torch, numpy").Run()
	if err != nil && os.Getenv("CI") == "true" {
		t.Fatalf("PyTorch is needed for this cross-check: apt-get install python3-torch python3-numpy, or set INITSCOPE_PYTHON (%v)", err)
	} else if err != nil {
		t.Skipf("skipped: needs PyTorch (apt-get install python3-torch python3-numpy, or set INITSCOPE_PYTHON)")
	}
}

// The mean cost and every weight and bias gradient of a small network match
// PyTorch's autograd (float64) for each activation and both costs.
func TestCrossCheckWithPyTorch(t *testing.T) {
	needTorch(t)
	type trial struct {
		net  *Network
		cost Cost
		x    []float32
		y    []int32
	}
	const n = 6
	var trials []trial
	for _, act := range Activations() {
		for _, cost := range Costs() {
			rng := rand.New(rand.NewPCG(21, uint64(act)))
			cfg := Config{Inputs: 7, Classes: 4, Depth: 3, Width: 5, Activation: act, Init: Init{Kind: GlorotNormal, Scale: 1.3}}
			net := New(cfg, rng)
			for _, l := range net.Layers {
				for j := range l.B {
					l.B[j] = float32(0.2 * rng.NormFloat64())
				}
			}
			x, y := randomBatch(rng, n, cfg.Inputs, cfg.Classes)
			trials = append(trials, trial{net, cost, x, y})
		}
	}
	var cases []torchCase
	for _, tr := range trials {
		cases = append(cases, newTorchCase(tr.net, tr.x, tr.y, n, tr.cost))
	}
	results := runTorch(t, cases)
	for k, tr := range trials {
		net, cost, x, got := tr.net, tr.cost, tr.x, results[k]
		act := net.Activation
		p := net.NewPass(n)
		net.Forward(p, x, n)
		loss := net.Backward(p, tr.y, cost, 1.0/n) / n
		// float32 against float64: relative 1e-4 with an absolute floor.
		if math.Abs(loss-got.Loss) > 1e-5*math.Max(1, got.Loss) {
			t.Errorf("%v/%v: loss %g, torch %g", act, cost, loss, got.Loss)
		}
		for l, layer := range net.Layers {
			dw := make([]float32, len(layer.W))
			net.WeightGrad(dw, p, x, l)
			for o := range layer.Out {
				for i := range layer.In {
					want := got.DW[l][o][i]
					if g := float64(dw[o*layer.In+i]); math.Abs(g-want) > 1e-4*math.Max(math.Abs(want), 1e-3) {
						t.Fatalf("%v/%v layer %d dW[%d,%d] = %g, torch %g", act, cost, l+1, o, i, g, want)
					}
				}
				var db float64
				for r := range n {
					db += float64(p.Delta[l][r*layer.Out+o])
				}
				if want := got.DB[l][o]; math.Abs(db-want) > 1e-4*math.Max(math.Abs(want), 1e-3) {
					t.Fatalf("%v/%v layer %d db[%d] = %g, torch %g", act, cost, l+1, o, db, want)
				}
			}
		}
	}
}

type torchResult struct {
	Loss float64
	DW   [][][]float64
	DB   [][]float64
}

type torchCase struct {
	Activation string        `json:"activation"`
	Cost       string        `json:"cost"`
	W          [][][]float32 `json:"w"`
	B          [][]float32   `json:"b"`
	X          [][]float32   `json:"x"`
	Y          []int32       `json:"y"`
}

func newTorchCase(net *Network, x []float32, y []int32, n int, cost Cost) torchCase {
	c := torchCase{Activation: net.Activation.String(), Cost: cost.String(), Y: y[:n]}
	for _, l := range net.Layers {
		var w [][]float32
		for o := range l.Out {
			w = append(w, l.W[o*l.In:(o+1)*l.In])
		}
		c.W, c.B = append(c.W, w), append(c.B, l.B)
	}
	for r := range n {
		c.X = append(c.X, x[r*net.Inputs:(r+1)*net.Inputs])
	}
	return c
}

// runTorch sends every case to one Python process (importing torch takes
// about a second).
func runTorch(t *testing.T, cases []torchCase) []torchResult {
	t.Helper()
	in, _ := json.Marshal(cases)
	cmd := exec.Command(pythonWithTorch(), "testdata/torch_check.py")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("torch_check.py: %v\n%s", err, stderr.String())
	}
	var res []torchResult
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(cases) {
		t.Fatalf("torch_check.py output: %v (%d results for %d cases)", err, len(res), len(cases))
	}
	return res
}
