package serve

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// The app's own screen text the tests look for.
const (
	appTitle = "1 Layers"           // the header's first tab
	appSmall = "terminal too small" // drawn below 80x24
)

func TestAppOverPTYResizeQuit(t *testing.T) {
	ts := startServer(t, testOptions(t))
	tm := openTerm(t, ts.addr, 100, 30)
	tm.expect(appTitle, 20*time.Second)
	tm.expect("3×64", 5*time.Second) // the quick preset's 4×256 capped by --cap-depth 3 --cap-width 64

	// A window change reaches the app, which redraws for the new size.
	if err := tm.sess.WindowChange(20, 60); err != nil {
		t.Fatal(err)
	}
	tm.expect(appSmall+": need 80x24, have 60x20", 10*time.Second)

	tm.send("q")
	if err := tm.wait(10 * time.Second); err != nil {
		t.Fatalf("quit with q: %v, want exit status 0", err)
	}
	waitLog(t, ts, "disconnect", "reason=quit")
}

func TestRefusals(t *testing.T) {
	ts := startServer(t, testOptions(t))
	t.Run("no pty", func(t *testing.T) {
		sess := openSession(t, ts.addr)
		out, err := sess.CombinedOutput("")
		var exit *gossh.ExitError
		if !errors.As(err, &exit) || exit.ExitStatus() != 1 {
			t.Errorf("no-PTY session ended with %v, want exit status 1", err)
		}
		if !strings.Contains(string(out), "Requires an active PTY") {
			t.Errorf("no-PTY session got %q, want the PTY message", out)
		}
		waitLog(t, ts, "refused", `reason="no pty"`)
	})
	t.Run("command", func(t *testing.T) {
		sess := openSession(t, ts.addr)
		out, err := sess.CombinedOutput("cat /etc/passwd")
		if err == nil || !strings.Contains(string(out), msgCommand) {
			t.Errorf("command got %q, %v; want %q and a non-zero exit", out, err, msgCommand)
		}
		waitLog(t, ts, "refused", "reason=command")
	})
	t.Run("sftp", func(t *testing.T) {
		sess := openSession(t, ts.addr)
		if err := sess.RequestSubsystem("sftp"); err == nil {
			t.Error("sftp subsystem accepted, want refused")
		}
		waitLog(t, ts, "refused", `reason="subsystem sftp"`)
	})
	t.Run("port forwarding", func(t *testing.T) {
		client, err := dial(t, ts.addr, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		if c, err := client.Dial("tcp", ts.addr); err == nil {
			c.Close()
			t.Error("direct-tcpip channel accepted, want refused")
		}
		if l, err := client.Listen("tcp", "127.0.0.1:0"); err == nil {
			l.Close()
			t.Error("tcpip-forward accepted, want refused")
		}
	})
	t.Run("second session on a connection", func(t *testing.T) {
		tm := openTerm(t, ts.addr, 100, 30)
		tm.expect(appTitle, 20*time.Second)
		if _, err := tm.client.NewSession(); err == nil {
			t.Error("second session channel accepted, want refused")
		}
	})
}

func TestAuthorizedKeys(t *testing.T) {
	allowed, denied := newKey(t), newKey(t)
	opt := testOptions(t)
	opt.AuthorizedKeys = filepath.Join(t.TempDir(), "authorized_keys")
	file := "# visitors\n\n" + string(gossh.MarshalAuthorizedKey(allowed.PublicKey()))
	if err := os.WriteFile(opt.AuthorizedKeys, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, opt)

	client, err := dial(t, ts.addr, allowed)
	if err != nil {
		t.Fatalf("listed key refused: %v", err)
	}
	tm := openTermOn(t, client, 100, 30)
	tm.expect(appTitle, 20*time.Second)
	waitLog(t, ts, "connect", "key="+gossh.FingerprintSHA256(allowed.PublicKey()))

	if c, err := dial(t, ts.addr, denied); err == nil {
		c.Close()
		t.Error("unlisted key accepted")
	}
	if c, err := dial(t, ts.addr, nil); err == nil {
		c.Close()
		t.Error("password accepted with --authorized-keys")
	}
	waitLog(t, ts, "refused", "key="+gossh.FingerprintSHA256(denied.PublicKey()))
}

func TestBusy(t *testing.T) {
	opt := testOptions(t)
	opt.MaxSessions = 1
	ts := startServer(t, opt)
	first := openTerm(t, ts.addr, 100, 30)
	first.expect(appTitle, 20*time.Second)

	second := openTerm(t, ts.addr, 100, 30)
	second.expect(msgBusy, 10*time.Second)
	var exit *gossh.ExitError
	if err := second.wait(10 * time.Second); !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Errorf("busy session ended with %v, want exit status 1", err)
	}
	if got := strings.TrimSpace(second.out.plain()); got != msgBusy {
		t.Errorf("busy session saw %q, want only %q", got, msgBusy)
	}
	waitLog(t, ts, "refused", "reason=busy")

	// The slot is free again once the first visitor leaves.
	first.send("q")
	first.wait(10 * time.Second)
	third := openTerm(t, ts.addr, 100, 30)
	third.expect(appTitle, 20*time.Second)
}

func TestRateLimit(t *testing.T) {
	opt := testOptions(t)
	opt.RatePerMinute, opt.RateBurst = 1, 1
	ts := startServer(t, opt)
	first := openTerm(t, ts.addr, 100, 30)
	first.expect(appTitle, 20*time.Second)
	second := openTerm(t, ts.addr, 100, 30)
	second.expect("too many connections from your address", 10*time.Second)
	second.wait(10 * time.Second)
	waitLog(t, ts, "refused", "reason=rate")
}

func TestIdleAndMaxSession(t *testing.T) {
	opt := testOptions(t)
	opt.IdleTimeout = 1500 * time.Millisecond
	ts := startServer(t, opt)
	tm := openTerm(t, ts.addr, 100, 30)
	tm.expect(appTitle, 20*time.Second)
	// Typing keeps the session: keys 500ms apart outlast the timeout (the
	// first one at once, as a slow start may have used some of it).
	for range 4 {
		tm.send("?")
		time.Sleep(500 * time.Millisecond)
	}
	if tm.out.waitFor("goodbye", 0) {
		t.Fatal("session closed as idle while typing")
	}
	tm.expect("no key pressed for 1.5s, goodbye", 10*time.Second)
	if err := tm.wait(10 * time.Second); err != nil {
		t.Errorf("idle session ended with %v, want exit status 0", err)
	}
	waitLog(t, ts, "disconnect", "reason=idle")

	opt = testOptions(t)
	opt.MaxSession = time.Second
	ts = startServer(t, opt)
	tm = openTerm(t, ts.addr, 100, 30)
	tm.expect(appTitle, 20*time.Second)
	tm.expect("sessions last at most 1s, goodbye", 10*time.Second)
	tm.wait(10 * time.Second)
	waitLog(t, ts, "disconnect", "reason=max-session")
}

func TestGracefulShutdown(t *testing.T) {
	ts := startServer(t, testOptions(t))
	a := openTerm(t, ts.addr, 100, 30)
	b := openTerm(t, ts.addr, 100, 30)
	a.expect(appTitle, 20*time.Second)
	b.expect(appTitle, 20*time.Second)
	b.send(" ") // one of them training

	start := time.Now()
	if err := ts.stop(); err != nil {
		t.Fatalf("Serve returned %v after shutdown, want nil", err)
	}
	t.Logf("shutdown took %v", time.Since(start))
	for _, tm := range []*term{a, b} {
		tm.expect(msgShutdown, 5*time.Second)
		tm.wait(5 * time.Second)
	}
	if _, err := dial(t, ts.addr, nil); err == nil {
		t.Error("server still accepts connections after shutdown")
	}
}

func TestNoGoroutinesLeftBehind(t *testing.T) {
	ts := startServer(t, testOptions(t))
	// Warm up once: the first connection starts lazy package-level work.
	cycle(t, ts.addr, 0)
	before := settledGoroutines(0)
	const cycles = 30
	for i := range cycles {
		cycle(t, ts.addr, i)
	}
	after := settledGoroutines(before)
	if after > before {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Fatalf("%d goroutines before %d connect/disconnect cycles, %d after:\n%s", before, cycles, after, buf[:n])
	}
	waitLog(t, ts, "disconnect", `reason="hung up"`)
}

// cycle connects and sees the app; then even cycles quit with q, odd ones
// start training and hang up without a word.
func cycle(t *testing.T, addr string, i int) {
	t.Helper()
	tm := openTerm(t, addr, 100, 30)
	tm.expect(appTitle, 20*time.Second)
	if i%2 == 1 {
		tm.send(" ")
		tm.expect("training", 10*time.Second)
		tm.close()
		return
	}
	tm.send("q")
	if err := tm.wait(10 * time.Second); err != nil {
		t.Fatalf("quit: %v", err)
	}
	tm.close()
}

// goroutines counts the running goroutines other than sgemm's persistent
// workers, whose number grows (boundedly) with how many trainers ever
// multiplied matrices at once and which live for the process by design.
// They are told apart by the function that started them, from a dump of
// every goroutine's stack.
func goroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if !strings.Contains(g, "created by initscope/nn/sgemm.ensureWorkers") {
			n++
		}
	}
	return n
}

// settledGoroutines waits up to 10s for the goroutine count to reach
// target (or stop falling, for target 0) and returns it.
func settledGoroutines(target int) int {
	n := goroutines()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		m := goroutines()
		if target > 0 && m <= target || target == 0 && m == n {
			return m
		}
		n = m
	}
	return n
}

func TestHostKeyCreatedOnceAndReused(t *testing.T) {
	opt := testOptions(t)
	dir := filepath.Join(t.TempDir(), "config", "initscope")
	opt.HostKey = filepath.Join(dir, "ssh_host_ed25519")
	hostKey := func() string {
		ts := startServer(t, opt)
		var got string
		c, err := gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{
			User: "visitor", Auth: []gossh.AuthMethod{gossh.Password("x")},
			HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
				got = gossh.FingerprintSHA256(key)
				return nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		if err := ts.stop(); err != nil {
			t.Fatal(err)
		}
		return got
	}
	first := hostKey()
	for path, want := range map[string]os.FileMode{opt.HostKey: 0o600, dir: 0o700} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", path, info.Mode().Perm(), want)
		}
	}
	if second := hostKey(); second != first {
		t.Errorf("host key changed across restarts: %s then %s", first, second)
	}

	if err := os.Chmod(opt.HostKey, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{Options: opt}); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("New with a world-readable host key: %v, want a chmod 600 hint", err)
	}
}

// waitLog waits for a log line holding every part.
func waitLog(t *testing.T, ts *testServer, parts ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, line := range strings.Split(ts.logs.String(), "\n") {
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(line, p)
			}
			if ok {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line with %q in:\n%s", parts, ts.logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
