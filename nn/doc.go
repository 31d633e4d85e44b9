// Package nn is the numeric core of initscope: fully connected networks with
// a softmax output, the initializers and activations Glorot & Bengio (2010)
// compare, plain minibatch SGD, and the per-layer statistics that show
// saturation and vanishing or exploding gradients.
//
// Everything is computed in float32 through one matrix-multiply seam
// (matmul.go), chosen per network (Network.Gemm: the fast kernel by
// default, its thread count, or gonum's blas32), so the process holds no
// global numeric state; statistics accumulate in float64. The package does
// no I/O and knows nothing of user interfaces: training reports through the
// values it returns (losses, Snapshots), and every random draw comes from a
// source the caller passes in, so the same seed gives the same numbers.
//
// Conventions. Layers are numbered from the input side. A network of depth D
// has D hidden layers and D+1 weight matrices; matrix l maps layer l-1 (layer
// 0 is the input x) to layer l and is stored Out x In, row-major, so a batch
// of row vectors X (n x In) goes forward as S = X W^T + b. For hidden layer l,
// s^l is the pre-activation and z^l = f(s^l) the activation.
package nn
