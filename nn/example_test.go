package nn_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"initscope/nn"
)

// Train a small tanh network and read one snapshot's statistics.
func Example() {
	rng := rand.New(rand.NewPCG(1, 1))
	cfg := nn.Config{Inputs: 4, Classes: 2, Depth: 2, Width: 8, Activation: nn.Tanh, Init: nn.Init{Kind: nn.Normalized}}
	net := nn.New(cfg, rng)

	x := make([]float32, 20*4)
	y := make([]int32, 20)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for r := range y {
		if x[r*4] > 0 { // class = sign of the first input
			y[r] = 1
		}
	}
	ctx := context.Background()
	stats, err := nn.NewStats(ctx, net, x, y, 20, nn.CrossEntropy, nn.StatsOptions{})
	if err != nil {
		panic(err)
	}
	pass := net.NewPass(20)
	for range 200 {
		net.TrainStep(pass, x, y, 20, nn.CrossEntropy, 0.5)
	}
	layers, loss, err := stats.Measure(ctx, false)
	if err != nil {
		panic(err)
	}
	fmt.Printf("layers %d, probe loss below 0.1: %v\n", len(layers), loss < 0.1)
	fmt.Printf("layer 1 has an activation std: %v\n", layers[0].ActStd > 0)
	// Output:
	// layers 2, probe loss below 0.1: true
	// layer 1 has an activation std: true
}

// Each network chooses its own matrix multiply: here one network runs on
// gonum's blas32 (the reference), another on the fast kernel limited to one
// goroutine per product, and a third on the default. None affects the others.
func ExampleGemm() {
	cfg := nn.Config{Inputs: 4, Classes: 2, Depth: 1, Width: 3, Activation: nn.Tanh, Init: nn.Init{Kind: nn.Normalized}}
	ref := nn.New(cfg, rand.New(rand.NewPCG(1, 1)))
	ref.Gemm = nn.BlasGemm()
	one := nn.New(cfg, rand.New(rand.NewPCG(1, 1)))
	one.Gemm = nn.FastGemm(1)
	def := nn.New(cfg, rand.New(rand.NewPCG(1, 1)))

	fmt.Println(ref.Kernel())
	// The fast kernel's name says which micro-kernel this CPU runs.
	fmt.Println(strings.HasPrefix(one.Kernel(), "sgemm-"), def.Kernel() == one.Kernel())
	// Output:
	// blas32
	// true true
}
