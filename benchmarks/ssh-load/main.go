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
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	charmlog "github.com/charmbracelet/log"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"initscope/scenarios/preset"
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
	flag.Parse()
	if *sessions < 1 || *sessions > 200 || *duration < time.Second || *duration > 5*time.Minute ||
		*width < 0 || *width > 512 || *depth < 0 || *depth > 10 {
		log.Print("-sessions must be 1..200, -duration 1s..5m, -width 0..512 and -depth 0..10")
		os.Exit(2)
	}
	shape := network{*width, *depth}
	if *child {
		if err := runServer(*sessions, *workers, shape, *verbose); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := run(*sessions, *duration, *workers, shape, *verbose); err != nil {
		log.Fatal(err)
	}
}

// network is the shape every session builds; a zero field keeps the
// starting scenario's.
type network struct{ width, depth int }

// runServer serves on a loopback port until stdin closes or SIGTERM.
func runServer(sessions, workers int, shape network, verbose bool) error {
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
	srv, err := serve.New(serve.Config{Options: opt, Scenario: sc, Logger: charmlog.New(logs)})
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
	return srv.Serve(ctx)
}

// Screen text that tells the views apart: key 1 shows Layers, key 4 Learning.
var marks = map[string]string{
	"1": "each sparkline runs from step 0",
	"4": "train loss: mean cost over the steps",
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

func run(n int, dur time.Duration, workers int, shape network, verbose bool) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, "-child", "-sessions", strconv.Itoa(n), "-workers", strconv.Itoa(workers),
		"-width", strconv.Itoa(shape.width), "-depth", strconv.Itoa(shape.depth), "-v="+strconv.FormatBool(verbose))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer stdin.Close()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ADDR ") {
		return fmt.Errorf("server did not start: %q %v", line, err)
	}
	addr := strings.TrimSpace(strings.TrimPrefix(line, "ADDR "))
	fmt.Printf("server pid %d on %s; %d sessions training for %v, %d workers, %d CPUs\n",
		cmd.Process.Pid, addr, n, dur, workers, numCPU())
	idleRSS := procKB(cmd.Process.Pid, "VmRSS:")

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
	var peakRSS, lastCPU int64
	stopSampling := make(chan struct{})
	go func() {
		for {
			select {
			case <-stopSampling:
				return
			case <-time.After(200 * time.Millisecond):
				peakRSS = max(peakRSS, procKB(cmd.Process.Pid, "VmHWM:"))
			}
		}
	}()
	wg.Wait()
	close(stopSampling)
	peakRSS = max(peakRSS, procKB(cmd.Process.Pid, "VmHWM:"))
	lastCPU = cpuTicks(cmd.Process.Pid)
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		fmt.Println("  error:", err)
	}

	// Graceful stop: SIGTERM, and the server must exit 0.
	cmd.Process.Signal(syscall.SIGTERM)
	exitErr := cmd.Wait()

	report(clients, held, dur, idleRSS, peakRSS, lastCPU, elapsed, exitErr)
	return nil
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

func report(clients []*client, held []bool, dur time.Duration, idleKB, peakKB, cpu int64, elapsed time.Duration, exitErr error) {
	var next, effect []time.Duration
	var frames, lateFrames []int
	var steps []int64
	nHeld, allFrames := 0, true
	for i, c := range clients {
		c.mu.Lock()
		if held[i] {
			nHeld++
		}
		next = append(next, c.next...)
		effect = append(effect, c.effect...)
		frames = append(frames, len(c.reads))
		// Frames in the last quarter of the run: training still drawing.
		late := 0
		if len(c.reads) > 0 {
			cut := c.reads[len(c.reads)-1].Add(-dur / 4)
			for _, t := range c.reads {
				if t.After(cut) {
					late++
				}
			}
		}
		lateFrames = append(lateFrames, late)
		allFrames = allFrames && late > 0
		s, _ := strconv.ParseInt(strings.ReplaceAll(c.lastStp, ",", ""), 10, 64)
		steps = append(steps, s)
		c.mu.Unlock()
	}
	slices.Sort(frames)
	slices.Sort(lateFrames)
	slices.Sort(steps)
	fmt.Printf("sessions held:            %d of %d for %v\n", nHeld, len(clients), dur)
	fmt.Printf("keystroke -> next frame:  p50 %v  p99 %v  max %v  (%d keystrokes)\n",
		pct(next, 50), pct(next, 99), pct(next, 100), len(next))
	fmt.Printf("keystroke -> its effect:  p50 %v  p99 %v  max %v  (%d of %d keystrokes seen)\n",
		pct(effect, 50), pct(effect, 99), pct(effect, 100), len(effect), len(next))
	fmt.Printf("frames per session:       min %d  median %d  max %d  (%.1f/s median)\n",
		frames[0], frames[len(frames)/2], frames[len(frames)-1], float64(frames[len(frames)/2])/dur.Seconds())
	fmt.Printf("every session got frames: %v (frames in the last %v: min %d)\n", allFrames, dur/4, lateFrames[0])
	fmt.Printf("training steps reached:   min %d  median %d  max %d\n", steps[0], steps[len(steps)/2], steps[len(steps)-1])
	fmt.Printf("server peak RSS:          %.1f MiB (%.1f MiB before the first visitor; %.1f MiB more per session held)\n",
		float64(peakKB)/1024, float64(idleKB)/1024, float64(peakKB-idleKB)/1024/float64(max(nHeld, 1)))
	fmt.Printf("server CPU:               %.1f s over %.1f s wall (%.0f%% of one core)\n",
		float64(cpu)/100, elapsed.Seconds(), 100*float64(cpu)/100/elapsed.Seconds())
	fmt.Printf("server exit after SIGTERM: %v\n", exitStatus(exitErr))
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
