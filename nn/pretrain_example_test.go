package nn_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"initscope/nn"
)

// Pre-train a small sigmoid network as stacked denoising autoencoders on
// inputs in [0, 1] that copy one of two patterns, then read what each
// layer's reconstruction cost did.
func ExampleNetwork_Pretrain() {
	cfg := nn.Config{Inputs: 16, Classes: 2, Depth: 2, Width: 8, Activation: nn.Sigmoid, Init: nn.Init{Kind: nn.Pretrained}}
	net := nn.New(cfg, rand.New(rand.NewPCG(1, 1)))
	data := rand.New(rand.NewPCG(1, 3))
	next := func(x []float32) { // each example: one of two stripes
		for r := 0; r < len(x); r += cfg.Inputs {
			odd := data.IntN(2)
			for i := range cfg.Inputs {
				x[r+i] = float32((i + odd) % 2)
			}
		}
	}
	eval := make([]float32, 20*cfg.Inputs)
	next(eval)
	opt := nn.PretrainOptions{Corruption: 0.25, Updates: 2000, BatchSize: 10, LR: 0.1, UnitInputs: true}
	layers, err := net.Pretrain(context.Background(), opt, next, eval, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	for _, l := range layers {
		fmt.Printf("layer %d: cross-entropy %v, cost lower after %d updates: %v\n", l.Layer, l.CrossEntropy, l.Updates, l.CostAfter < l.CostBefore)
	}
	// Output:
	// layer 1: cross-entropy true, cost lower after 2000 updates: true
	// layer 2: cross-entropy true, cost lower after 2000 updates: true
}
