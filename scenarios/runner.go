package scenarios

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"initscope/nn"
	"initscope/scenarios/dataset"
)

// Runner trains one scenario step by step and measures it. It is not safe
// for concurrent use: one goroutine drives it (the batch loop, or the app's
// trainer) and hands snapshots to others.
type Runner struct {
	Scenario Scenario
	Resolved Resolved
	Net      *nn.Network
	Data     dataset.Source
	// Pretraining is what --init pretrained's autoencoders did to each
	// hidden layer (nil for other inits).
	Pretraining []nn.PretrainLayer

	stream      dataset.Stream
	test, probe *dataset.Set
	stats       *nn.Stats
	pass        *nn.Pass
	x           []float32
	y           []int32

	step, examples int64
	lossSum        float64
	lossSteps      int
	trainTime      time.Duration
	diverged       bool
	divergedStep   int64
}

// NewRunner validates sc, opens its data set and builds the network. The
// seed fixes the weights (stream 1 of the PCG) and the data (Open's seed).
// When ctx is done it stops at the next check (every few hundred examples
// of a data set, every layer of the network, every chunk of the probe
// pass) and returns ctx's error, dropping what it built.
func NewRunner(ctx context.Context, sc Scenario) (*Runner, error) {
	return NewRunnerWatched(ctx, sc, nil)
}

// Building is how far NewRunnerWatched has got in the slow part of a
// build: the layer-wise pre-training of --init pretrained, minutes for the
// paper's network.
type Building struct {
	Layer, Layers   int   // the hidden layer being pre-trained, from 1, of
	Update, Updates int64 // its updates done, of
}

func (b Building) String() string {
	return fmt.Sprintf("pre-training layer %d of %d as a denoising autoencoder: %s of %s updates",
		b.Layer, b.Layers, Thousands(b.Update), Thousands(b.Updates))
}

// Short is b in a few cells: "pre-training L2/5 34%".
func (b Building) Short() string {
	pct := int64(100)
	if b.Updates > 0 {
		pct = 100 * b.Update / b.Updates
	}
	return fmt.Sprintf("pre-training L%d/%d %d%%", b.Layer, b.Layers, pct)
}

// NewRunnerWatched is NewRunner that calls watch (when not nil) as the
// build goes through its slow part (see Building), from the building
// goroutine, every nn.ProgressEvery updates.
func NewRunnerWatched(ctx context.Context, sc Scenario, watch func(Building)) (*Runner, error) {
	res, err := sc.Validate()
	if err != nil {
		return nil, err
	}
	src, err := dataset.Open(ctx, sc.Dataset, sc.Seed)
	if err != nil {
		return nil, err
	}
	cfg := nn.Config{Inputs: src.Dim(), Classes: src.Classes(), Depth: sc.Depth, Width: sc.Width,
		Activation: res.Activation, Init: res.Init}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	// The data set's loader bounded its own memory; everything from here
	// on is in the estimate, checked before any of it is allocated.
	if err := checkBudget(sc, src.Dim(), src.Classes()); err != nil {
		return nil, err
	}
	test, err := src.Test(ctx, sc.Test)
	if err != nil {
		return nil, setError("test set", "lower --test", err)
	}
	probe, err := src.Probe(ctx, sc.Probe)
	if err != nil {
		return nil, setError("probe set", "lower --probe", err)
	}
	net, err := nn.Build(ctx, cfg, rand.New(rand.NewPCG(sc.Seed, 1)))
	if err != nil {
		return nil, err
	}
	net.Gemm = nn.FastGemm(sc.Threads) // 0: every core, as an unset Gemm
	r := &Runner{
		Scenario: sc, Resolved: res, Net: net, Data: src,
		stream: src.Train(), test: test, probe: probe,
		pass: net.NewPass(sc.BatchSize),
		x:    make([]float32, sc.BatchSize*src.Dim()),
		y:    make([]int32, sc.BatchSize),
	}
	if res.Init.Kind == nn.Pretrained {
		if r.Pretraining, err = r.pretrain(ctx, watch); err != nil {
			return nil, err
		}
	}
	if r.stats, err = nn.NewStats(ctx, net, probe.X, probe.Y, probe.N, res.Cost, sc.statsOptions()); err != nil {
		return nil, err
	}
	return r, nil
}

// pretrain trains the hidden layers as denoising autoencoders (nn.Pretrain)
// on the first examples of the training stream, before the statistics
// record the network's state at "initialization": the supervised run
// starts from the pre-trained network. The masks come from stream 2 of
// the seed's PCG (the weights use stream 1). The first layer's decoder is
// a sigmoid with the cross-entropy when the probe set's inputs all lie in
// [0, 1] (MNIST), else linear with the squared error (Shapeset's [-1, 1]).
func (r *Runner) pretrain(ctx context.Context, watch func(Building)) ([]nn.PretrainLayer, error) {
	sc := r.Scenario
	unit := true
	for _, v := range r.probe.X {
		if !(v >= 0 && v <= 1) {
			unit = false
			break
		}
	}
	opt := nn.PretrainOptions{Corruption: sc.PretrainCorruption, Updates: sc.PretrainUpdates, BatchSize: sc.BatchSize,
		LR: float32(sc.PretrainLR), UnitInputs: unit}
	if watch != nil {
		opt.Progress = func(layer int, updates int64) {
			watch(Building{Layer: layer, Layers: sc.Depth, Update: updates, Updates: sc.PretrainUpdates})
		}
	}
	next := func(x []float32) { r.stream.Fill(x, r.y) }
	res, err := r.Net.Pretrain(ctx, opt, next, r.probe.X, rand.New(rand.NewPCG(sc.Seed, 2)))
	var pe *nn.PretrainError
	if errors.As(err, &pe) {
		return nil, fmt.Errorf("%w; lower --pretrain-lr (%s)", err, plain(sc.PretrainLR))
	}
	return res, err
}

// statsOptions are the probe statistics' options for s; the memory
// estimate sizes the same ones.
func (s Scenario) statsOptions() nn.StatsOptions {
	return nn.StatsOptions{Hist: s.Hist, Threads: s.Threads}
}

// setError adds what to do to a data set's error, unless it is a
// cancellation, which passes through as it is.
func setError(what, hint string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%s: %w (%s)", what, err, hint)
}

// Step does one SGD step on the next minibatch and returns its mean cost.
// A non-finite cost marks the run diverged; further steps do nothing.
func (r *Runner) Step() float64 {
	loss, _ := r.StepContext(context.Background())
	return loss
}

// StepContext is Step that gives up when ctx is done, within about a
// chunk of work even for the largest batches (see nn's TrainStepContext).
// A step given up is not counted, and the network is left part-way
// through it: after an error, only the summary is meaningful.
func (r *Runner) StepContext(ctx context.Context) (float64, error) {
	if r.diverged {
		return math.NaN(), nil
	}
	r.stream.Fill(r.x, r.y)
	start := time.Now()
	loss, err := r.Net.TrainStepContext(ctx, r.pass, r.x, r.y, r.Scenario.BatchSize, r.Resolved.Cost, float32(r.Scenario.LR))
	r.trainTime += time.Since(start)
	if err != nil {
		return math.NaN(), err
	}
	r.step++
	r.examples += int64(r.Scenario.BatchSize)
	r.lossSum += loss
	r.lossSteps++
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		r.diverged, r.divergedStep = true, r.step
	}
	return loss, nil
}

// StepCount is the number of steps done.
func (r *Runner) StepCount() int64 { return r.step }

// Diverged reports whether the cost went NaN or Inf, and at which step.
func (r *Runner) Diverged() (bool, int64) { return r.diverged, r.divergedStep }

// Done reports whether the scenario's steps are done or the run diverged.
func (r *Runner) Done() bool { return r.diverged || r.step >= r.Scenario.Steps }

// Snapshot measures the network now. The mean training cost covers the
// steps since the previous snapshot (NaN if there were none). The Jacobian
// is measured when asked (which snapshots need it is the Engine's choice).
// When ctx is done it returns ctx's error (see nn.Stats.Measure for how
// soon) and the training cost since the previous snapshot is kept for the
// next one.
func (r *Runner) Snapshot(ctx context.Context, jacobian bool) (nn.Snapshot, error) {
	start := time.Now()
	snap := nn.Snapshot{Step: r.step, Examples: r.examples, TrainLoss: math.NaN()}
	if r.lossSteps > 0 {
		snap.TrainLoss = r.lossSum / float64(r.lossSteps)
	}
	var err error
	if snap.TestError, snap.TestLoss, err = r.stats.Evaluate(ctx, r.test.X, r.test.Y, r.test.N); err != nil {
		return nn.Snapshot{}, err
	}
	if snap.Layers, snap.ProbeLoss, err = r.stats.Measure(ctx, jacobian); err != nil {
		return nn.Snapshot{}, err
	}
	r.lossSum, r.lossSteps = 0, 0
	snap.Seconds = time.Since(start).Seconds()
	return snap, nil
}
