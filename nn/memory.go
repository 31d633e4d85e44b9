package nn

// The functions here say what the network's buffers take, in bytes, for
// one configuration. Each is computed from the same lengths New, NewPass
// and NewStats allocate, so an estimate built on them cannot drift from
// the code.

// StatsMemory is what NewStats allocates for a probe set, and what a
// Jacobian measurement adds while it runs.
type StatsMemory struct {
	Pass    int64 // the probe pass: Pre, Post, Delta of every layer for every probe example
	Scratch int64 // one percentile buffer per thread (StatsOptions.Threads)
	Dw      int64 // the weight-gradient buffer, also W W^T for the Jacobian
	// Jacobian is the Jacobian statistic's workspaces, allocated during a
	// measurement with the Jacobian: up to JacobianExactWidth, the
	// eigendecompositions', one float64 Width x Width matrix (and
	// vectors) per worker; wider, the estimator's Lanczos vectors, about
	// 31 x 9 x Width float64 in all (jacobian_slq.go).
	Jacobian int64
}

// Total sums the parts.
func (m StatsMemory) Total() int64 { return m.Pass + m.Scratch + m.Dw + m.Jacobian }

const (
	bytesF32 = 4
	bytesF64 = 8
)

// WeightBytes is what New allocates for cfg's weights and biases.
func WeightBytes(cfg Config) int64 {
	var n int64
	for _, sh := range cfg.shapes() {
		n += int64(sh.out)*int64(sh.in) + int64(sh.out)
	}
	return n * bytesF32
}

// PassBytes is what NewPass(capacity) allocates for a network of cfg.
func PassBytes(cfg Config, capacity int) int64 {
	var n int64
	for _, l := range passLens(cfg, capacity) {
		n += 3 * int64(l) // Pre, Post, Delta
	}
	return n * bytesF32
}

// StatsBytes is what NewStats allocates for a probe set of n examples,
// and the Jacobian's workspaces.
func StatsBytes(cfg Config, n int, opt StatsOptions) StatsMemory {
	opt = opt.withDefaults()
	sz := statsLens(cfg, n, opt)
	jac := int64(0)
	switch {
	case cfg.Depth < 2: // a Jacobian needs a hidden layer above
	case JacobianEstimated(cfg.Width):
		// Every layer with a Jacobian is Width x Width, estimated one
		// after another in one slqWork.
		jac = slqBytes(cfg.Width, cfg.Width, min(opt.JacobianExamples, n))
	default:
		ws := int64(cfg.Width)*int64(cfg.Width) + 2*int64(cfg.Width) + int64(eigenWorkLen(cfg.Width))
		jac = int64(jacobianWorkers(opt, n)) * ws * bytesF64
	}
	return StatsMemory{
		Pass:     PassBytes(cfg, n),
		Scratch:  int64(sz.scratchBufs) * int64(sz.scratch) * bytesF32,
		Dw:       int64(sz.dw) * bytesF32,
		Jacobian: jac,
	}
}

// statsSizes are the lengths of NewStats's buffers.
type statsSizes struct {
	scratchBufs, scratch int // percentile buffers: how many, and each one's length
	dw                   int // weight gradients, or W W^T
}

// statsLens takes opt with its defaults applied.
func statsLens(cfg Config, n int, opt StatsOptions) statsSizes {
	maxW := 0
	for _, sh := range cfg.shapes() {
		maxW = max(maxW, sh.in*sh.out, sh.out*sh.out)
	}
	return statsSizes{scratchBufs: opt.Threads, scratch: n * cfg.Width, dw: maxW}
}
