package serve

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"initscope/tui"
)

// The abuse tests play hostile visitors against a real server on loopback.
// Each checks that the server stays up, that another visitor is still
// served, and (for floods) that memory stays bounded.

// probeApp is a stand-in app that shows the terminal size it was given
// and how many sizes it saw, and panics on request: p in Update, c in a
// command.
type probeApp struct {
	w, h  int
	sizes *atomic.Int64
	opt   tui.Options
}

func (m probeApp) Init() tea.Cmd { return nil }

func (m probeApp) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.sizes.Add(1)
	case tea.KeyMsg:
		switch msg.String() {
		case "q":
			return m, tea.Quit
		case "p":
			var table []int
			_ = table[len(msg.String())] // index out of range, as a bug would
		case "c":
			return m, func() tea.Msg { panic("probe command failed") }
		case "t": // a panic the app recovered in a trainer of its own
			go func() {
				defer func() {
					m.opt.OnPanic(&tui.PanicError{Where: "main run", Value: recover(), Stack: debug.Stack(), Site: tui.PanicSite()})
				}()
				probeTrainer()
			}()
		}
	}
	return m, nil
}

func (m probeApp) View() string { return fmt.Sprintf("probe size %dx%d.", m.w, m.h) }

func probe(sizes *atomic.Int64) App {
	return func(opt tui.Options) (tea.Model, func()) { return probeApp{sizes: sizes, opt: opt}, func() {} }
}

func probeTrainer() { panic("probe trainer failed") }

// heapMB is the live heap after a collection, in MB.
func heapMB() float64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}

// heapBoundMB is how much a flood may leave the test process's heap grown
// by (the server runs in the test process).
const heapBoundMB = 50

func TestGiantTerminalSizes(t *testing.T) {
	for _, huge := range []int{4294967295, 50_000_000} {
		t.Run(fmt.Sprint(huge), func(t *testing.T) {
			// The real app lays out what it is given: it must get the clamp.
			ts := startServer(t, testOptions(t))
			tm := openTerm(t, ts.addr, huge, huge)
			tm.expect(appTitle, 20*time.Second)
			waitLog(t, ts, "connect", fmt.Sprintf("width=%d", maxCols), fmt.Sprintf("height=%d", maxRows))
			for _, hw := range [][2]int{{huge, huge}, {huge, 30}, {24, huge}, {0, 0}, {20, 60}} {
				if err := tm.sess.WindowChange(hw[0], hw[1]); err != nil {
					t.Fatal(err)
				}
			}
			tm.expect(appSmall+": need 80x24, have 60x20", 10*time.Second)
			other := openTerm(t, ts.addr, 100, 30)
			other.expect(appTitle, 20*time.Second)

			// What the app was told, exactly.
			var sizes atomic.Int64
			ps := startServerApp(t, testOptions(t), probe(&sizes))
			pt := openTerm(t, ps.addr, huge, huge)
			pt.expect(fmt.Sprintf("probe size %dx%d.", maxCols, maxRows), 10*time.Second)
			pt.sess.WindowChange(0, huge) // rows, columns
			pt.expect(fmt.Sprintf("probe size %dx%d.", maxCols, minRows), 10*time.Second)
		})
	}
}

func TestClampWindow(t *testing.T) {
	for _, c := range []struct {
		cols, rows uint32
		want       string
	}{
		{0, 0, "1x1"},
		{80, 24, "80x24"},
		{500, 200, "500x200"},
		{501, 201, "500x200"},
		{50_000_000, 24, "500x24"},
		{4294967295, 4294967295, "500x200"},
	} {
		w := clampWindow(c.cols, c.rows)
		if got := fmt.Sprintf("%dx%d", w.Width, w.Height); got != c.want {
			t.Errorf("clampWindow(%d, %d) = %s, want %s", c.cols, c.rows, got, c.want)
		}
	}
}

// A burst of window changes reaches the app as its latest size, not as one
// redraw per change.
func TestWindowChangesCoalesce(t *testing.T) {
	var sizes atomic.Int64
	ts := startServerApp(t, testOptions(t), probe(&sizes))
	tm := openTerm(t, ts.addr, 100, 30)
	tm.expect("probe size 100x30.", 10*time.Second)
	const changes = requestBurst / 2 // within the budget
	for i := range changes {
		if err := tm.sess.WindowChange(20+i%50, 60+i%100); err != nil {
			t.Fatal(err)
		}
	}
	last := changes - 1
	tm.expect(fmt.Sprintf("probe size %dx%d.", 60+last%100, 20+last%50), 10*time.Second)
	t.Logf("%d window changes reached the app as %d sizes", changes, sizes.Load())
	if sizes.Load() > changes {
		t.Errorf("the app saw %d sizes for %d changes", sizes.Load(), changes)
	}
}

func TestEnvLimits(t *testing.T) {
	ts := startServer(t, testOptions(t))
	sess := openSession(t, ts.addr)
	accepted := 0
	for i := range 100 {
		if sess.Setenv(fmt.Sprintf("V%d", i), "x") == nil {
			accepted++
		}
	}
	if accepted != maxEnvVars {
		t.Errorf("%d env requests accepted, want %d", accepted, maxEnvVars)
	}
	if err := sess.Setenv("BIG", strings.Repeat("x", maxEnvBytes)); err == nil {
		t.Errorf("a %d-byte env request accepted", maxEnvBytes)
	}
	// The session still works.
	out, _ := sess.CombinedOutput("")
	if !strings.Contains(string(out), "Requires an active PTY") {
		t.Errorf("session after env requests got %q", out)
	}
}

// An env flood before the shell: 10,000 requests, small and large. The
// server closes the connection once it overspends and keeps no more than
// maxEnvVars of them.
func TestEnvFlood(t *testing.T) {
	ts := startServer(t, testOptions(t))
	before := heapMB()
	for _, size := range []int{16, 30 << 10} {
		client, err := dial(t, ts.addr, nil)
		if err != nil {
			t.Fatal(err)
		}
		sess, err := client.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		value := strings.Repeat("v", size)
		sent := 0
		for i := range 10000 {
			payload := gossh.Marshal(struct{ Key, Value string }{fmt.Sprintf("K%d", i), value})
			if _, err := sess.SendRequest("env", false, payload); err != nil {
				break
			}
			sent++
		}
		waitClosed(t, client, 10*time.Second)
		t.Logf("%d env requests of %d bytes sent before the server closed the connection", sent, size)
	}
	waitLog(t, ts, "closing", `reason="too many requests"`, "last=env")
	other := openTerm(t, ts.addr, 100, 30)
	other.expect(appTitle, 20*time.Second)
	other.close()
	if after := heapMB(); after-before > heapBoundMB {
		t.Errorf("heap grew from %.0f MB to %.0f MB, bound +%d MB", before, after, heapBoundMB)
	} else {
		t.Logf("heap %.1f MB before the floods, %.1f MB after", before, after)
	}
}

// waitClosed waits for the server to close client's connection.
func waitClosed(t *testing.T, client *gossh.Client, within time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() { client.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(within):
		client.Close()
		t.Fatalf("connection still open %v after the flood", within)
	}
}

// A flood of requests during a session: window changes, signals, global
// keepalives and channel opens each end the connection, and only it.
func TestRequestFloodDuringSession(t *testing.T) {
	ts := startServer(t, testOptions(t))
	other := openTerm(t, ts.addr, 100, 30)
	other.expect(appTitle, 20*time.Second)
	before := heapMB()
	floods := map[string]func(tm *term) error{
		"window-change": func(tm *term) error { return tm.sess.WindowChange(24, 80) },
		"signal":        func(tm *term) error { return tm.sess.Signal(gossh.SIGUSR1) },
		"global keepalive@openssh.com": func(tm *term) error {
			_, _, err := tm.client.SendRequest("keepalive@openssh.com", false, nil)
			return err
		},
		"channel direct-tcpip": func(tm *term) error {
			_, _, err := tm.client.OpenChannel("direct-tcpip", make([]byte, 64))
			if err != nil && strings.Contains(err.Error(), "only the app's session") {
				return nil // refused, as it should be: keep flooding
			}
			return err
		},
	}
	for name, send := range floods {
		t.Run(name, func(t *testing.T) {
			tm := openTerm(t, ts.addr, 100, 30)
			tm.expect(appTitle, 20*time.Second)
			sent := 0
			for range 10 * requestBurst {
				if send(tm) != nil {
					break
				}
				sent++
			}
			tm.wait(10 * time.Second)
			waitClosed(t, tm.client, 10*time.Second)
			t.Logf("%d requests sent before the server closed the connection", sent)
			waitLog(t, ts, "closing", "user=visitor", `reason="too many requests"`, name)
			waitLog(t, ts, "refused", `reason="too many requests"`)
		})
	}
	// The bystander is unharmed, and newcomers are served.
	other.send("?")
	other.expect("Keys", 10*time.Second)
	newcomer := openTerm(t, ts.addr, 100, 30)
	newcomer.expect(appTitle, 20*time.Second)
	if after := heapMB(); after-before > heapBoundMB {
		t.Errorf("heap grew from %.0f MB to %.0f MB, bound +%d MB", before, after, heapBoundMB)
	}
}

func TestForwardingRequestsRefused(t *testing.T) {
	ts := startServer(t, testOptions(t))
	client, err := dial(t, ts.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	tm := openTermOn(t, client, 100, 30)
	tm.expect(appTitle, 20*time.Second)
	for _, req := range []string{"auth-agent-req@openssh.com", "x11-req", "break", "keepalive@openssh.com", "no-such-request"} {
		ok, err := tm.sess.SendRequest(req, true, nil)
		if err != nil || ok {
			t.Errorf("%s answered %v, %v; want refused", req, ok, err)
		}
	}
	// Before the shell, too.
	sess := openSession(t, ts.addr)
	if ok, err := sess.SendRequest("auth-agent-req@openssh.com", true, nil); err != nil || ok {
		t.Errorf("agent forwarding before the shell answered %v, %v; want refused", ok, err)
	}
	tm.send("?")
	tm.expect("Keys", 10*time.Second)
}

// One address holding many silent sockets cannot lock out another.
func TestSilentSocketsFromOneAddress(t *testing.T) {
	ts := startServer(t, testOptions(t))
	const silent = 30
	held := make([]net.Conn, 0, silent)
	t.Cleanup(func() {
		for _, c := range held {
			c.Close()
		}
	})
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.1")}, Timeout: 5 * time.Second}
	for range silent {
		c, err := d.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	// The server keeps pendingPerAddr of them and closes the rest.
	open := 0
	for _, c := range held {
		if !closedWithin(c, time.Second) {
			open++
		}
	}
	if open != pendingPerAddr {
		t.Errorf("%d of %d silent connections from one address held open, want %d", open, silent, pendingPerAddr)
	}
	waitLog(t, ts, "refused", "remote=127.0.0.1:", `reason="too many connections from this address before their sessions"`)

	// A visitor from another address gets in while they are held.
	start := time.Now()
	client, err := dialFrom(t, net.ParseIP("127.0.0.2"), ts.addr, nil)
	if err != nil {
		t.Fatalf("visitor from 127.0.0.2: %v", err)
	}
	tm := openTermOn(t, client, 100, 30)
	tm.expect(appTitle, 20*time.Second)
	t.Logf("visitor from 127.0.0.2 saw the app %v after connecting", time.Since(start).Round(time.Millisecond))
	waitLog(t, ts, "connect", "remote=127.0.0.2:")

	// And the silent ones are closed at the handshake deadline.
	for _, c := range held {
		if !closedWithin(c, handshakeTimeout+5*time.Second) {
			t.Fatalf("a silent connection is still open %v after it was accepted", handshakeTimeout+5*time.Second)
		}
	}
	waitLog(t, ts, "refused", "remote=127.0.0.1:", "reason=\"handshake:")
}

// closedWithin reports whether the peer closed c within d. It reads,
// which a silent client never does otherwise; the server's version line
// is skipped.
func closedWithin(c net.Conn, d time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(d))
	buf := make([]byte, 256)
	for {
		if _, err := c.Read(buf); err != nil {
			var ne net.Error
			return !errors.As(err, &ne) || !ne.Timeout()
		}
	}
}

func TestPanicInSession(t *testing.T) {
	var sizes atomic.Int64
	ts := startServerApp(t, testOptions(t), probe(&sizes))
	key := newKey(t)
	for _, c := range []struct{ key, in, at string }{
		{"p", "in=Update", "probeApp.Update"},
		{"c", "in=command", "probeApp.Update.func1"},
	} {
		client, err := dial(t, ts.addr, key)
		if err != nil {
			t.Fatal(err)
		}
		tm := openTermOn(t, client, 100, 30)
		tm.expect("probe size 100x30.", 10*time.Second)
		tm.send(c.key)
		tm.expect(msgPanic, 10*time.Second)
		tm.wait(10 * time.Second)
		waitLog(t, ts, "session panic", "remote=127.0.0.1:", "user=visitor",
			"key="+gossh.FingerprintSHA256(key.PublicKey()), c.in, c.at)
		waitLog(t, ts, "refused", "reason=panic")
	}
	// A panic the app recovered itself is logged, and the session goes on.
	tm := openTerm(t, ts.addr, 100, 30)
	tm.expect("probe size 100x30.", 10*time.Second)
	tm.send("t")
	waitLog(t, ts, "session panic", "remote=127.0.0.1:", "user=visitor", `in="main run"`,
		`error="probe trainer failed"`, "at=\"initscope/tui/serve.probeTrainer (abuse_test.go:")
	tm.sess.WindowChange(31, 101)
	tm.expect("probe size 101x31.", 10*time.Second)
}
