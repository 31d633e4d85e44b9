package tui

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"initscope/nn"
	"initscope/scenarios"
	"initscope/scenarios/dataset"
	"initscope/scenarios/surface"
)

// surfaceView is Fig 5 for the main run's network at initialization: the
// cross-entropy and quadratic costs over a grid of one first-layer and
// one output-layer weight (scenarios/surface, as --batch --surface
// writes them), drawn as shaded character cells. The surfaces are
// computed once per network, in the background when the view first asks
// for them (the fig5 preset's take about 0.2 s here, the largest the app
// allows a few times that): the frame says "computing" meanwhile, and the
// next tick after they arrive draws them (surfaceCache.arrived).
type surfaceView struct{ c *surfaceCache }

func newSurfaceView() surfaceView { return surfaceView{c: &surfaceCache{}} }

// surfaceGrid is the grid when the run does not give --surface.
const surfaceGrid = 41

// maxAppSurfaceWork bounds the multiply-adds the app spends on a surface
// (the fig5 preset's 41 x 41 x 300 is 1.6e8); larger networks are
// --batch --surface's.
const maxAppSurfaceWork = 3e8

// surfaceKey is what a run's step-0 surfaces depend on.
type surfaceKey struct {
	dataset, activation, init string
	initScale, gain           float64
	depth, width, probe, grid int
	seed                      uint64
}

func surfaceKeyOf(sc scenarios.Scenario) surfaceKey {
	grid := sc.Surface
	if grid == 0 {
		grid = surfaceGrid
	}
	return surfaceKey{sc.Dataset, sc.Activation, sc.Init, sc.InitScale, sc.Gain, sc.Depth, sc.Width, sc.Probe, grid, sc.Seed}
}

// surfaceCache holds the surfaces of the last network asked for, computed
// by one goroutine at a time, off the frame.
type surfaceCache struct {
	mu      sync.Mutex
	have    bool // surfs, n and err are key's
	key     surfaceKey
	surfs   []surface.Surface
	n       int // examples
	err     error
	running bool               // a goroutine computes want's
	want    scenarios.Scenario // the network the view asked for last
	// arrived is set when surfaces no frame has shown are ready: the
	// app's tick redraws then (the app draws only on a change).
	arrived atomic.Bool
}

// get returns the surfaces of sc's network; ready is false while they are
// computed, in the background.
func (c *surfaceCache) get(sc scenarios.Scenario) (surfs []surface.Surface, n int, err error, ready bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.have && c.key == surfaceKeyOf(sc) {
		return c.surfs, c.n, c.err, true
	}
	c.want = sc
	if !c.running {
		c.running = true
		go c.compute()
	}
	return nil, 0, nil, false
}

// compute computes the surfaces of the network asked for last, until they
// are those of the one asked for last (the view may move on meanwhile).
func (c *surfaceCache) compute() {
	c.mu.Lock()
	for {
		sc := c.want
		c.mu.Unlock()
		surfs, n, err := computeSafely(sc)
		c.mu.Lock()
		c.surfs, c.n, c.err, c.key, c.have = surfs, n, err, surfaceKeyOf(sc), true
		if c.key == surfaceKeyOf(c.want) {
			break
		}
	}
	c.running = false
	c.mu.Unlock()
	c.arrived.Store(true)
}

// surfaceArrived reports (once) that the Surface view has surfaces no
// frame has shown, so the tick draws a frame.
func (m *Model) surfaceArrived() bool {
	v, ok := m.views[viewSurface].(surfaceView)
	return ok && v.c.arrived.Swap(false)
}

// computeSafely is computeSurfaces with a panic turned into its error: it
// runs on a goroutine of its own, where a panic would end the app.
func computeSafely(sc scenarios.Scenario) (surfs []surface.Surface, n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			surfs, n, err = nil, 0, fmt.Errorf("internal error computing the surfaces: %v", r)
		}
	}()
	return computeSurfaces(sc, surfaceKeyOf(sc).grid)
}

// computeSurfaces builds sc's network at step 0 as the run does (the
// weights from the seed's stream 1) and computes both costs over a grid x
// grid grid on Probe random examples, as batch.Surfaces does.
func computeSurfaces(sc scenarios.Scenario, grid int) ([]surface.Surface, int, error) {
	kind, _, _ := strings.Cut(strings.TrimSpace(sc.Dataset), ":")
	if kind != "shapeset" && kind != "tiny" {
		return nil, 0, fmt.Errorf("the app draws surfaces for the generated data sets (shapeset, tiny); for %s use --batch --surface %d --plots DIR", sc.Dataset, grid)
	}
	res, err := sc.Validate()
	if err != nil {
		return nil, 0, err
	}
	if res.Init.Kind == nn.Pretrained {
		// The view draws the seed's draw, which pre-training then moves.
		return nil, 0, fmt.Errorf("the app draws surfaces at the initial draw, and this run pre-trains its network first: use --batch --surface %d --plots DIR, which draws them after pre-training", grid)
	}
	ctx := context.Background()
	src, err := dataset.Open(ctx, sc.Dataset, sc.Seed)
	if err != nil {
		return nil, 0, err
	}
	cfg := nn.Config{Inputs: src.Dim(), Classes: src.Classes(), Depth: sc.Depth, Width: sc.Width, Activation: res.Activation, Init: res.Init}
	if err := cfg.Validate(); err != nil {
		return nil, 0, err
	}
	n := sc.Probe
	if work := float64(grid) * float64(grid) * float64(n) * forwardWork(cfg); work > maxAppSurfaceWork {
		return nil, 0, fmt.Errorf("a %d x %d surface of this %d x %d network is %.1g multiply-adds, more than the app spends (%.0g): use --batch --surface %d --plots DIR, or a smaller network (fig5-cost-surface)",
			grid, grid, sc.Depth, sc.Width, work, float64(maxAppSurfaceWork), grid)
	}
	net := nn.New(cfg, rand.New(rand.NewPCG(sc.Seed, 1)))
	// One core: the SSH server bounds the threads of the runs it trains,
	// and a visitor's surfaces (at most maxAppSurfaceWork) must not take
	// every core beside them.
	net.Gemm = nn.FastGemm(1)
	if err := surface.Check(net, grid, n); err != nil {
		return nil, 0, err
	}
	x, y := surface.RandomData(sc.Seed, n, cfg.Inputs, cfg.Classes)
	surfs, err := surface.Compute(ctx, net, x, y, n, grid, nn.Costs())
	return surfs, n, err
}

// forwardWork is one example's multiply-adds through cfg's network.
func forwardWork(cfg nn.Config) float64 {
	work, in := 0.0, cfg.Inputs
	for l := 0; l <= cfg.Depth; l++ {
		out := cfg.Width
		if l == cfg.Depth {
			out = cfg.Classes
		}
		work += float64(in) * float64(out)
		in = out
	}
	return work
}

func (v surfaceView) View(runs *[numRuns]runData, w, h int, st Styles) string {
	d := &runs[runMain]
	if d.Scenario.Name == "" && len(d.Snaps) == 0 {
		return waitingBlock(*d, w, st)
	}
	surfs, n, err, ready := v.c.get(d.Scenario)
	if !ready {
		return fitLines([]string{st.Title.Render("Fig 5 · cost surfaces"), st.Dim.Render("⟳ computing the cost surfaces of this network at step 0 …")}, w, h)
	}
	if err != nil {
		lines := []string{st.Title.Render("Fig 5 · cost surfaces")}
		for _, l := range wrapWords(oneLine(err.Error()), w) { // whole, however narrow
			lines = append(lines, st.Warn.Render(l))
		}
		return fitLines(lines, w, h)
	}
	return renderSurfaces(surfs, n, w, h, st)
}

// fitLines keeps the lines that fit h rows, each cut to w cells.
func fitLines(lines []string, w, h int) string {
	if len(lines) > h {
		lines = lines[:max(h, 0)]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, max(w, 0), "…")
	}
	return strings.Join(lines, "\n")
}

// shades are the cells' glyphs from the lowest cost to the highest: their
// density reads without colour (NO_COLOR) too.
var shades = []rune(" .:-=+*#%@")

// markGlyph marks the network's own weights.
const markGlyph = '×'

// renderSurfaces draws the surfaces side by side on one scale: a title,
// the scale, then for each a map of cells with w2 up the side and w1
// along the bottom, the costs' ranges under them.
func renderSurfaces(surfs []surface.Surface, n, w, h int, st Styles) string {
	if len(surfs) == 0 {
		return st.Dim.Render("no surface")
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range surfs {
		a, b := s.Range()
		if !math.IsNaN(a) {
			lo, hi = math.Min(lo, a), math.Max(hi, b)
		}
	}
	about := fmt.Sprintf(" · cost over w1 (layer 1, unit 1 ← input 1) and w2 (output layer, class 1 ← unit 1), %d random examples", n)
	if len([]rune("Fig 5"+about)) > w {
		about = fmt.Sprintf(" · cost over w1 (layer 1) and w2 (output layer), %d random examples", n)
	}
	head := []string{
		st.Title.Render("Fig 5") + st.Label.Render(about),
		st.Label.Render("low ") + shadeKey(st) + st.Label.Render(" high") + st.Value.Render(fmt.Sprintf("  %s … %s", fmtNum(lo), fmtNum(hi))) +
			st.Label.Render(" one scale for both · ") + st.Selected.Render(string(markGlyph)) + st.Label.Render(" initial weights"),
	}
	const ylab, gap = 3, 3 // "-4 " before each map; between maps
	k := len(surfs)
	mw := (w - k*ylab - (k-1)*gap) / k
	mh := h - len(head) - 3 // a map title, the x ticks, the x name
	if mw < 8 || mh < 3 {
		return fitLines(append(head, st.Warn.Render("too small for the maps: enlarge the terminal")), w, h)
	}
	cols := make([][]string, k) // each map's lines, ylab+mw cells wide
	for i, s := range surfs {
		a, b := s.Range()
		cols[i] = append(cols[i], padCells(st.Label.Render(fmt.Sprintf("%-*s", ylab, "w2"))+st.Value.Render(s.Cost.String())+
			st.Label.Render(fmt.Sprintf(" %s–%s", fmtNum(a), fmtNum(b))), ylab+mw))
		cols[i] = append(cols[i], surfaceMap(s, mw, mh, lo, hi, ylab, st)...)
		cols[i] = append(cols[i], strings.Repeat(" ", ylab)+axisTicks(s.X, mw), padCells(strings.Repeat(" ", ylab)+center("w1 →", mw), ylab+mw))
	}
	lines := head
	for r := range cols[0] {
		var parts []string
		for i := range cols {
			parts = append(parts, cols[i][r])
		}
		lines = append(lines, strings.Join(parts, strings.Repeat(" ", gap)))
	}
	return fitLines(lines, w, h)
}

// shadeKey is the glyph ramp, each in its shade's style.
func shadeKey(st Styles) string {
	var b strings.Builder
	for i, g := range shades {
		if g == ' ' {
			g = '·' // a space would not show in the key
			b.WriteString(st.Dim.Render(string(g)))
			continue
		}
		b.WriteString(shadeStyle(i, st).Render(string(g)))
	}
	return b.String()
}

// shadeStyle colours the low costs dim and the high ones warm; without
// colour the glyphs alone tell them apart.
func shadeStyle(level int, st Styles) lipgloss.Style {
	switch {
	case level < len(shades)/3:
		return st.Act
	case level < 2*len(shades)/3:
		return st.Pct
	}
	return st.Sat
}

// surfaceMap is s sampled on mw x mh cells, w2 = +Span on the top row, a
// w2 tick label left of the top, middle and bottom rows.
func surfaceMap(s surface.Surface, mw, mh int, lo, hi float64, ylab int, st Styles) []string {
	gi, gj := len(s.X), len(s.Y)
	markC, markR := -1, -1
	if at := s.At; !math.IsNaN(at[0]) && !math.IsNaN(at[1]) {
		markC = cellOf(at[0], s.X, mw)
		markR = mh - 1 - cellOf(at[1], s.Y, mh)
	}
	lines := make([]string, mh)
	for r := range mh {
		label := ""
		switch r {
		case 0:
			label = fmtNum(s.Y[gj-1])
		case mh / 2:
			label = fmtNum((s.Y[0] + s.Y[gj-1]) / 2)
		case mh - 1:
			label = fmtNum(s.Y[0])
		}
		var b strings.Builder
		b.WriteString(st.Label.Render(fmt.Sprintf("%*s", ylab, label+" ")))
		j := (mh - 1 - r) * (gj - 1) / max(mh-1, 1)
		for c := range mw {
			if c == markC && r == markR {
				b.WriteString(st.Selected.Render(string(markGlyph)))
				continue
			}
			i := c * (gi - 1) / max(mw-1, 1)
			b.WriteString(shadeCell(s.Z[i][j], lo, hi, st))
		}
		lines[r] = b.String()
	}
	return lines
}

// cellOf is the cell of n cells along axis nearest to v.
func cellOf(v float64, axis []float64, n int) int {
	f := (v - axis[0]) / (axis[len(axis)-1] - axis[0])
	return min(max(int(math.Round(f*float64(n-1))), 0), n-1)
}

// shadeCell is v's glyph on [lo, hi]; '?' for a cost that is not finite.
func shadeCell(v, lo, hi float64, st Styles) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return st.Bad.Render("?")
	}
	level := 0
	if hi > lo {
		level = int(math.Round((v - lo) / (hi - lo) * float64(len(shades)-1)))
	}
	level = min(max(level, 0), len(shades)-1)
	return shadeStyle(level, st).Render(string(shades[level]))
}

// axisTicks is an x axis of n cells: the first, middle and last values.
func axisTicks(axis []float64, n int) string {
	a, m, b := fmtNum(axis[0]), fmtNum((axis[0]+axis[len(axis)-1])/2), fmtNum(axis[len(axis)-1])
	cells := []rune(strings.Repeat(" ", n))
	put := func(at int, s string) {
		at = min(max(at, 0), n-len([]rune(s)))
		copy(cells[max(at, 0):], []rune(s))
	}
	put(0, a)
	put(n/2-len(m)/2, m)
	put(n-len(b), b)
	return string(cells)
}

func center(s string, n int) string {
	pad := max(0, (n-len([]rune(s)))/2)
	return strings.Repeat(" ", pad) + s
}

// padCells pads s with spaces to n cells (or cuts it).
func padCells(s string, n int) string {
	if w := lipgloss.Width(s); w < n {
		return s + strings.Repeat(" ", n-w)
	} else if w > n {
		return ansi.Truncate(s, n, "…")
	}
	return s
}
