// Command ssh-load is a bounded load run of initscope's SSH server on
// loopback: it starts the server in a child process, holds N PTY sessions
// that all train for a fixed time while pressing keys, and reports how many
// sessions were held, the p99 time from a keystroke to the next frame and
// to the frame showing its effect, frames and training steps per session,
// and the server's peak RSS, its RSS before the first visitor, and the
// growth per session. It stops by itself.
//
//	go run ./benchmarks/ssh-load -sessions 20 -duration 20s
//
// -width and -depth set the network every session builds (by default the
// app's starting scenario); -width 512 -depth 10 is the largest the
// server's default caps allow, so it measures memory per session at the caps:
//
//	go run ./benchmarks/ssh-load -sessions 8 -duration 20s -width 512 -depth 10
//
// Fairness: each session's training steps, its share of the server's CPU
// time (the CPU split in proportion to its steps: every session trains the
// same network, so a step costs each the same), its time holding a
// training slot, and its frames per second, each as min, median and max,
// with Jain's fairness index of steps and of frames per second; and the
// server's CPU time per thousand steps, its peak OS threads and how long
// its runnable goroutines waited for a core (Go's /sched/latencies).
// -threads sets each session's compute threads (0: the server's cap,
// cores/workers); -compare runs the load twice in one command, with every
// session's products on every core (-threads = the CPUs, as before the
// cap) and with the cap, and prints the two side by side; -rounds repeats
// the pair, each round in the other order, so that a machine whose load
// drifts favours neither:
//
//	go run ./benchmarks/ssh-load -sessions 8 -duration 20s -workers 2 -compare -rounds 2
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	charmlog "github.com/charmbracelet/log"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"initscope/scenarios"
	"initscope/scenarios/preset"
	"initscope/tui"
	"initscope/tui/serve"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("ssh-load: ")
	sessions := flag.Int("sessions", 20, "concurrent PTY sessions (1..200)")
	duration := flag.Duration("duration", 20*time.Second, "how long every session trains (1s..5m)")
	workers := flag.Int("workers", 2, "the server's --workers")
	child := flag.Bool("child", false, "internal: run the server and print its address")
	verbose := flag.Bool("v", false, "show the server's log")
	width := flag.Int("width", 0, "every session's network width, at most the cap 512 (0: the starting scenario's)")
	depth := flag.Int("depth", 0, "every session's network depth, at most the cap 10 (0: the starting scenario's)")
	threads := flag.Int("threads", 0, "every session's compute threads (0: the server's cap, cores/workers)")
	compare := flag.Bool("compare", false, "run twice, uncapped (-threads = the CPUs) and capped, and print both side by side")
	rounds := flag.Int("rounds", 1, "with -compare: pairs of runs, alternating which goes first (1..10)")
	flag.Parse()
	if *sessions < 1 || *sessions > 200 || *duration < time.Second || *duration > 5*time.Minute ||
		*width < 0 || *width > 512 || *depth < 0 || *depth > 10 || *workers < 1 || *workers > 64 ||
		*threads < 0 || *threads > scenarios.MaxThreads || *rounds < 1 || *rounds > 10 {
		log.Printf("-sessions must be 1..200, -duration 1s..5m, -width 0..512, -depth 0..10, -workers 1..64, -threads 0..%d and -rounds 1..10", scenarios.MaxThreads)
		os.Exit(2)
	}
	load := load{sessions: *sessions, workers: *workers, threads: *threads, shape: network{*width, *depth}, verbose: *verbose}
	if *child {
		if err := runServer(load); err != nil {
			log.Fatal(err)
		}
		return
	}
	if !*compare {
		res, err := run(load, *duration)
		if err != nil {
			log.Fatal(err)
		}
		res.report(os.Stdout)
		return
	}
	uncapped, capped := load, load
	// Before the cap, a product's threads were GOMAXPROCS (FastGemm(0)).
	uncapped.threads, capped.threads = runtime.GOMAXPROCS(0), 0
	var runs []labelled
	for i := range *rounds {
		pair := []labelled{{name: "before: no cap", load: uncapped}, {name: "after: cap", load: capped}}
		if i%2 == 1 {
			pair[0], pair[1] = pair[1], pair[0]
		}
		for _, p := range pair {
			res, err := run(p.load, *duration)
			if err != nil {
				log.Fatal(err)
			}
			p.res = res
			if *rounds > 1 {
				p.name += fmt.Sprintf(" (%d)", i+1)
			}
			runs = append(runs, p)
		}
	}
	fmt.Println()
	sideBySide(os.Stdout, runs)
}

// labelled is one run of a comparison.
type labelled struct {
	name string
	load load
	res  *result
}

// load is one load run's server and visitors.
type load struct {
	sessions, workers int
	threads           int // each session's compute threads; 0: the server's cap
	shape             network
	verbose           bool
}

// network is the shape every session builds; a zero field keeps the
// starting scenario's.
type network struct{ width, depth int }

// runServer serves on a loopback port until stdin closes or SIGTERM. It
// prints the address first and, as each session ends, a SESSION line with
// the seconds it held a training slot.
func runServer(l load) error {
	sessions, workers, shape, verbose := l.sessions, l.workers, l.shape, l.verbose
	dir, err := os.MkdirTemp("", "ssh-load")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sc, _ := preset.Lookup(preset.DefaultName)
	if shape.width > 0 {
		sc.Width = shape.width
	}
	if shape.depth > 0 {
		sc.Depth = shape.depth
	}
	opt := serve.Options{
		Listen: "127.0.0.1:0", HostKey: filepath.Join(dir, "hostkey"),
		MaxSessions: sessions, RatePerMinute: 6000, RateBurst: 2 * sessions,
		IdleTimeout: 10 * time.Minute, MaxSession: time.Hour,
		MaxWidth: 512, MaxDepth: 10, MaxSteps: 200000, Workers: workers,
	}
	logs := io.Discard
	if verbose {
		logs = os.Stderr
	}
	var out sync.Mutex // SESSION lines from the sessions' ends
	app := func(opt tui.Options) (tea.Model, func()) {
		pool := &meteredPool{Pool: opt.Pool}
		opt.Pool = pool
		m := tui.New(opt)
		return m, func() {
			m.Close()
			out.Lock()
			fmt.Printf("SESSION %.3f\n", pool.held().Seconds())
			out.Unlock()
		}
	}
	srv, err := serve.New(serve.Config{Options: opt, Scenario: sc, Logger: charmlog.New(logs), App: app, Threads: l.threads})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { io.Copy(io.Discard, os.Stdin); cancel() }()
	go func() {
		sig := make(chan os.Signal, 1)
		signalNotify(sig)
		<-sig
		cancel()
	}()
	fmt.Println("ADDR", srv.Addr())
	err = srv.Serve(ctx)
	// How long goroutines waited, runnable, for a core: the frames'
	// and keystrokes' wait behind training, seen from inside.
	sample := []metrics.Sample{{Name: "/sched/latencies:seconds"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() == metrics.KindFloat64Histogram {
		h := sample[0].Value.Float64Histogram()
		out.Lock()
		fmt.Printf("SCHED %g %g %g\n", histQuantile(h, 0.5), histQuantile(h, 0.99), histQuantile(h, 0.999))
		out.Unlock()
	}
	return err
}

// histQuantile is the q quantile of h, as the upper bound of the bucket
// that holds it (the lower bound of the last, unbounded one).
func histQuantile(h *metrics.Float64Histogram, q float64) float64 {
	var total uint64
	for _, c := range h.Counts {
		total += c
	}
	var seen uint64
	for i, c := range h.Counts {
		seen += c
		if float64(seen) >= q*float64(total) && c > 0 {
			if math.IsInf(h.Buckets[i+1], 1) {
				return h.Buckets[i]
			}
			return h.Buckets[i+1]
		}
	}
	return math.NaN()
}

// meteredPool is a session's view of the server's pool that adds up the
// time the session holds slots (a session with a second run may hold two).
type meteredPool struct {
	tui.Pool
	mu      sync.Mutex
	holding int
	last    time.Time
	total   time.Duration
}

func (p *meteredPool) Acquire(ctx context.Context) error {
	if err := p.Pool.Acquire(ctx); err != nil {
		return err
	}
	p.change(1)
	return nil
}

func (p *meteredPool) Release() {
	p.change(-1)
	p.Pool.Release()
}

func (p *meteredPool) change(d int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	p.total += time.Duration(p.holding) * now.Sub(p.last)
	p.last, p.holding = now, p.holding+d
}

func (p *meteredPool) held() time.Duration {
	p.change(0)
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.total
}

// Screen text that tells the views apart: key 1 shows Layers, key 4
// Learning. The starts of their hint lines, which survive the hints'
// rewording and a narrow window's cut.
var marks = map[string]string{
	"1": "each sparkline",
	"4": "train loss: mean cost",
}

var stepRE = regexp.MustCompile(`step ([0-9,]+)/`)

// client is one visitor.
type client struct {
	mu      sync.Mutex
	out     strings.Builder // stripped output since the last keystroke
	reads   []time.Time
	total   int64
	keyAt   time.Time
	want    string
	waitAny bool
	next    []time.Duration // keystroke to next frame
	effect  []time.Duration // keystroke to the frame showing its effect
	lastStp string
}

func (c *client) Write(p []byte) (int, error) {
	now := time.Now()
	text := ansi.Strip(string(p))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reads = append(c.reads, now)
	c.total += int64(len(p))
	if m := stepRE.FindAllStringSubmatch(text, -1); m != nil {
		c.lastStp = m[len(m)-1][1]
	}
	if !c.keyAt.IsZero() {
		if c.waitAny {
			c.next = append(c.next, now.Sub(c.keyAt))
			c.waitAny = false
		}
		c.out.WriteString(text)
		if c.want != "" && strings.Contains(c.out.String(), c.want) {
			c.effect = append(c.effect, now.Sub(c.keyAt))
			c.want = ""
		}
	}
	return len(p), nil
}

func (c *client) press(w io.Writer, key string) error {
	c.mu.Lock()
	c.out.Reset()
	c.keyAt, c.want, c.waitAny = time.Now(), marks[key], true
	c.mu.Unlock()
	_, err := io.WriteString(w, key)
	return err
}

func run(l load, dur time.Duration) (*result, error) {
	n, workers, shape := l.sessions, l.workers, l.shape
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "-child", "-sessions", strconv.Itoa(n), "-workers", strconv.Itoa(workers),
		"-threads", strconv.Itoa(l.threads),
		"-width", strconv.Itoa(shape.width), "-depth", strconv.Itoa(shape.depth), "-v="+strconv.FormatBool(l.verbose))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer stdin.Close()
	lines := bufio.NewReader(stdout)
	line, err := lines.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ADDR ") {
		return nil, fmt.Errorf("server did not start: %q %v", line, err)
	}
	addr := strings.TrimSpace(strings.TrimPrefix(line, "ADDR "))
	threads := "the server's cap"
	if l.threads > 0 {
		threads = strconv.Itoa(l.threads)
	}
	fmt.Printf("server pid %d on %s; %d sessions training for %v, %d workers, threads per session: %s, %d CPUs\n",
		cmd.Process.Pid, addr, n, dur, workers, threads, numCPU())
	// The SESSION lines and the SCHED line, until the server exits.
	var slots, sched []float64
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		for {
			line, err := lines.ReadString('\n')
			kind, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
			var vals []float64
			for _, f := range strings.Fields(rest) {
				if v, err := strconv.ParseFloat(f, 64); err == nil {
					vals = append(vals, v)
				}
			}
			switch kind {
			case "SESSION":
				slots = append(slots, vals...)
			case "SCHED":
				sched = vals
			}
			if err != nil {
				return
			}
		}
	}()
	idleRSS := procKB(cmd.Process.Pid, "VmRSS:")
	startCPU := cpuTicks(cmd.Process.Pid)

	clients := make([]*client, n)
	held := make([]bool, n)
	var wg sync.WaitGroup
	start := time.Now()
	errs := make(chan error, n)
	for i := range n {
		clients[i] = &client{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := visit(addr, visitorIP(i), clients[i], dur)
			held[i] = ok
			if err != nil {
				errs <- fmt.Errorf("session %d: %w", i, err)
			}
		}()
	}
	var peakRSS, peakThreads int64
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-stopSampling:
				return
			case <-time.After(200 * time.Millisecond):
				peakRSS = max(peakRSS, procKB(cmd.Process.Pid, "VmHWM:"))
				peakThreads = max(peakThreads, procKB(cmd.Process.Pid, "Threads:"))
			}
		}
	}()
	wg.Wait()
	close(stopSampling)
	<-sampled
	peakRSS = max(peakRSS, procKB(cmd.Process.Pid, "VmHWM:"))
	lastCPU := cpuTicks(cmd.Process.Pid)
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		fmt.Println("  error:", err)
	}

	// Graceful stop: SIGTERM, and the server must exit 0.
	cmd.Process.Signal(syscall.SIGTERM)
	<-readDone // its last lines, up to EOF: Wait closes the pipe
	exitErr := cmd.Wait()
	res := measure(clients, held, dur)
	res.load, res.idleKB, res.peakKB, res.peakThreads = l, idleRSS, peakRSS, peakThreads
	res.cpu, res.trainCPU, res.elapsed, res.exitErr = lastCPU, lastCPU-startCPU, elapsed, exitErr
	res.slots, res.sched = slots, sched
	return res, nil
}

// visitorIP is visitor i's own loopback address (all of 127.0.0.0/8 is
// loopback on Linux), so the server's per-address limits (4 connections
// in the handshake at once) see n visitors, not one.
func visitorIP(i int) net.IP { return net.IPv4(127, 0, 1+byte(i/250), 1+byte(i%250)) }

// visit holds one session: wait for the app, start training, press a view
// key about once a second until dur has passed, then quit with q.
func visit(addr string, from net.IP, c *client, dur time.Duration) (held bool, err error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: from}, Timeout: 10 * time.Second}
	tcp, err := d.Dial("tcp", addr)
	if err != nil {
		return false, err
	}
	cc, chans, reqs, err := gossh.NewClientConn(tcp, addr, &gossh.ClientConfig{
		User: "load", Auth: []gossh.AuthMethod{gossh.Password("x")},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
	})
	if err != nil {
		tcp.Close()
		return false, err
	}
	conn := gossh.NewClient(cc, chans, reqs)
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		return false, err
	}
	defer sess.Close()
	if err := sess.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{}); err != nil {
		return false, err
	}
	sess.Stdout = c
	in, _ := sess.StdinPipe()
	if err := sess.Shell(); err != nil {
		return false, err
	}
	ended := make(chan error, 1)
	go func() { ended <- sess.Wait() }()

	// The app is up once its status line shows the step.
	deadline := time.Now().Add(15 * time.Second)
	for !c.up() {
		if time.Now().After(deadline) {
			return false, fmt.Errorf("app not seen in 15s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := io.WriteString(in, " "); err != nil { // train
		return false, err
	}
	end := time.Now().Add(dur)
	keys := []string{"4", "1"}
	for i := 0; time.Now().Before(end); i++ {
		select {
		case err := <-ended:
			return false, fmt.Errorf("session ended early: %v", err)
		case <-time.After(time.Duration(700+rand.IntN(600)) * time.Millisecond):
		}
		if err := c.press(in, keys[i%2]); err != nil {
			return false, err
		}
	}
	// Bubble Tea reads keys that arrive together as one multi-rune key, so
	// q must not follow the last view key too closely.
	time.Sleep(500 * time.Millisecond)
	io.WriteString(in, "q")
	select {
	case err := <-ended:
		return true, err
	case <-time.After(10 * time.Second):
		return true, fmt.Errorf("no exit 10s after q")
	}
}

func (c *client) up() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastStp != ""
}

// result is what one load run measured.
type result struct {
	load               load
	dur, elapsed       time.Duration
	held               int // sessions held for the whole run
	next, effect       []time.Duration
	frames, lateFrames []int
	fps                []float64 // each session's frames per second
	steps              []int64
	slots              []float64 // each session's seconds holding a training slot
	sched              []float64 // the server\'s scheduling latency p50, p99, p99.9, in seconds
	allFrames          bool
	idleKB, peakKB     int64
	peakThreads        int64
	cpu, trainCPU      int64 // server CPU ticks: in all, and from the first visitor on
	exitErr            error
}

func measure(clients []*client, held []bool, dur time.Duration) *result {
	r := &result{dur: dur, allFrames: true}
	for i, c := range clients {
		c.mu.Lock()
		if held[i] {
			r.held++
		}
		r.next = append(r.next, c.next...)
		r.effect = append(r.effect, c.effect...)
		r.frames = append(r.frames, len(c.reads))
		// Frames in the last quarter of the run: training still drawing.
		late := 0
		if len(c.reads) > 0 {
			cut := c.reads[len(c.reads)-1].Add(-dur / 4)
			for _, t := range c.reads {
				if t.After(cut) {
					late++
				}
			}
			r.fps = append(r.fps, float64(len(c.reads))/max(c.reads[len(c.reads)-1].Sub(c.reads[0]).Seconds(), 1e-3))
		} else {
			r.fps = append(r.fps, 0)
		}
		r.lateFrames = append(r.lateFrames, late)
		r.allFrames = r.allFrames && late > 0
		s, _ := strconv.ParseInt(strings.ReplaceAll(c.lastStp, ",", ""), 10, 64)
		r.steps = append(r.steps, s)
		c.mu.Unlock()
	}
	slices.Sort(r.frames)
	slices.Sort(r.lateFrames)
	slices.Sort(r.steps)
	slices.Sort(r.fps)
	return r
}

// schedText is the scheduling latency's quantiles, "-" when the server
// did not report them.
func (r *result) schedText() string {
	if len(r.sched) != 3 {
		return "-"
	}
	d := func(s float64) time.Duration { return time.Duration(s * 1e9).Round(time.Microsecond) }
	return fmt.Sprintf("%v / %v / %v", d(r.sched[0]), d(r.sched[1]), d(r.sched[2]))
}

// stepsF is the sessions' steps as float64s.
func (r *result) stepsF() []float64 {
	f := make([]float64, len(r.steps))
	for i, s := range r.steps {
		f[i] = float64(s)
	}
	return f
}

// totalSteps is the training steps of every session together.
func (r *result) totalSteps() int64 {
	var n int64
	for _, s := range r.steps {
		n += s
	}
	return n
}

// cpuShare is a session of s steps' share of the server's CPU seconds
// since the first visitor: split in proportion to steps, since every
// session trains the same network.
func (r *result) cpuShare(s int64) float64 {
	return float64(r.trainCPU) / 100 * float64(s) / float64(max(r.totalSteps(), 1))
}

func (r *result) report(w io.Writer) {
	slices.Sort(r.slots)
	frames, steps := r.frames, r.steps
	fmt.Fprintf(w, "sessions held:            %d of %d for %v\n", r.held, len(frames), r.dur)
	fmt.Fprintf(w, "keystroke -> next frame:  p50 %v  p99 %v  max %v  (%d keystrokes)\n",
		pct(r.next, 50), pct(r.next, 99), pct(r.next, 100), len(r.next))
	fmt.Fprintf(w, "keystroke -> its effect:  p50 %v  p99 %v  max %v  (%d of %d keystrokes seen)\n",
		pct(r.effect, 50), pct(r.effect, 99), pct(r.effect, 100), len(r.effect), len(r.next))
	fmt.Fprintf(w, "frames per session:       min %d  median %d  max %d  (%.1f/s median)\n",
		frames[0], frames[len(frames)/2], frames[len(frames)-1], float64(frames[len(frames)/2])/r.dur.Seconds())
	fmt.Fprintf(w, "frames per second:        min %.1f  median %.1f  max %.1f  (each session, first frame to last)\n",
		r.fps[0], r.fps[len(r.fps)/2], r.fps[len(r.fps)-1])
	fmt.Fprintf(w, "every session got frames: %v (frames in the last %v: min %d)\n", r.allFrames, r.dur/4, r.lateFrames[0])
	fmt.Fprintf(w, "training steps reached:   min %d  median %d  max %d\n", steps[0], steps[len(steps)/2], steps[len(steps)-1])
	fmt.Fprintf(w, "fairness (Jain's index):  steps %.3f  frames per second %.3f  (1 = every session the same)\n",
		jain(r.stepsF()), jain(r.fps))
	fmt.Fprintf(w, "CPU per session:          min %.1f s  median %.1f s  max %.1f s  (server CPU split by steps)\n",
		r.cpuShare(steps[0]), r.cpuShare(steps[len(steps)/2]), r.cpuShare(steps[len(steps)-1]))
	if len(r.slots) > 0 {
		fmt.Fprintf(w, "training slot held:       min %.1f s  median %.1f s  max %.1f s  (%d sessions)\n",
			r.slots[0], r.slots[len(r.slots)/2], r.slots[len(r.slots)-1], len(r.slots))
	}
	fmt.Fprintf(w, "server CPU per 1000 steps: %.2f s  (%d steps in all)\n",
		float64(r.trainCPU)/100/float64(max(r.totalSteps(), 1))*1000, r.totalSteps())
	fmt.Fprintf(w, "server peak OS threads:   %d\n", r.peakThreads)
	fmt.Fprintf(w, "runnable goroutine waits: %s  (Go's /sched/latencies, whole run)\n", r.schedText())
	fmt.Fprintf(w, "server peak RSS:          %.1f MiB (%.1f MiB before the first visitor; %.1f MiB more per session held)\n",
		float64(r.peakKB)/1024, float64(r.idleKB)/1024, float64(r.peakKB-r.idleKB)/1024/float64(max(r.held, 1)))
	fmt.Fprintf(w, "server CPU:               %.1f s over %.1f s wall (%.0f%% of one core)\n",
		float64(r.cpu)/100, r.elapsed.Seconds(), 100*float64(r.cpu)/100/r.elapsed.Seconds())
	fmt.Fprintf(w, "server exit after SIGTERM: %v\n", exitStatus(r.exitErr))
}

// sideBySide prints the runs' fairness figures as a Markdown table, a
// column each.
func sideBySide(w io.Writer, runs []labelled) {
	mmm := func(lo, mid, hi float64, unit string) string {
		return fmt.Sprintf("%.1f / %.1f / %.1f%s", lo, mid, hi, unit)
	}
	rows := []struct {
		name string
		f    func(*result) string
	}{
		{"threads per session", func(r *result) string {
			if r.load.threads > 0 {
				return fmt.Sprintf("%d (every core, as before the cap)", r.load.threads)
			}
			return fmt.Sprintf("cap: %d cores (GOMAXPROCS) / %d workers", runtime.GOMAXPROCS(0), r.load.workers)
		}},
		{"sessions held", func(r *result) string { return fmt.Sprintf("%d of %d", r.held, len(r.frames)) }},
		{"training steps per session (min / median / max)", func(r *result) string {
			s := r.steps
			return fmt.Sprintf("%d / %d / %d", s[0], s[len(s)/2], s[len(s)-1])
		}},
		{"CPU s per session, server CPU split by steps (min / median / max)", func(r *result) string {
			s := r.steps
			return mmm(r.cpuShare(s[0]), r.cpuShare(s[len(s)/2]), r.cpuShare(s[len(s)-1]), " s")
		}},
		{"training slot held per session (min / median / max)", func(r *result) string {
			slices.Sort(r.slots)
			if len(r.slots) == 0 {
				return "-"
			}
			return mmm(r.slots[0], r.slots[len(r.slots)/2], r.slots[len(r.slots)-1], " s")
		}},
		{"frames per second per session (min / median / max)", func(r *result) string {
			return mmm(r.fps[0], r.fps[len(r.fps)/2], r.fps[len(r.fps)-1], "")
		}},
		{"Jain's fairness index of steps / of frames per second (1 = all equal)", func(r *result) string {
			return fmt.Sprintf("%.3f / %.3f", jain(r.stepsF()), jain(r.fps))
		}},
		{"keystroke -> next frame p50 / p99", func(r *result) string {
			return fmt.Sprintf("%v / %v", pct(r.next, 50), pct(r.next, 99))
		}},
		{"keystroke -> its effect p50 / p99", func(r *result) string {
			return fmt.Sprintf("%v / %v (%d of %d seen)", pct(r.effect, 50), pct(r.effect, 99), len(r.effect), len(r.next))
		}},
		{"steps in all", func(r *result) string { return strconv.FormatInt(r.totalSteps(), 10) }},
		{"server CPU per 1000 steps", func(r *result) string {
			return fmt.Sprintf("%.2f s", float64(r.trainCPU)/100/float64(max(r.totalSteps(), 1))*1000)
		}},
		{"server CPU / wall", func(r *result) string {
			return fmt.Sprintf("%.1f s / %.1f s (%.0f%% of %d cores)", float64(r.cpu)/100, r.elapsed.Seconds(),
				100*float64(r.cpu)/100/r.elapsed.Seconds()/float64(numCPU()), numCPU())
		}},
		{"server peak OS threads", func(r *result) string { return strconv.FormatInt(r.peakThreads, 10) }},
		{"runnable goroutines' wait for a core, p50 / p99 / p99.9", (*result).schedText},
		{"server exit after SIGTERM", func(r *result) string { return exitStatus(r.exitErr) }},
	}
	head, rule := "|", "| ---"
	for _, r := range runs {
		head += " | " + r.name
		rule += " | ---"
	}
	fmt.Fprintln(w, head+" |")
	fmt.Fprintln(w, rule+" |")
	for _, row := range rows {
		line := "| " + row.name
		for _, r := range runs {
			line += " | " + row.f(r.res)
		}
		fmt.Fprintln(w, line+" |")
	}
}

// jain is Jain's fairness index (sum x)^2 / (n sum x^2): 1 when every x
// is the same, 1/n when one has everything (Jain, Chiu and Hawe, DEC-TR-301,
// 1984).
func jain(x []float64) float64 {
	var s1, s2 float64
	for _, v := range x {
		s1, s2 = s1+v, s2+v*v
	}
	if s2 == 0 {
		return math.NaN()
	}
	return s1 * s1 / (float64(len(x)) * s2)
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	i := (len(d)*p + 99) / 100
	return d[min(max(i-1, 0), len(d)-1)].Round(100 * time.Microsecond)
}

func exitStatus(err error) string {
	if err == nil {
		return "0"
	}
	return err.Error()
}

// procKB reads a "Key:  N kB" line of /proc/PID/status.
func procKB(pid int, key string) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == key {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}

// cpuTicks is user+system time of PID in clock ticks (1/100 s on Linux).
func cpuTicks(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(data)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return u + k
}
