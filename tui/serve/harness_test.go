package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"initscope/scenarios/preset"
)

// testServer is a real server on a loopback port.
type testServer struct {
	*Server
	addr string
	logs *syncBuffer
	stop func() error // cancels Serve and returns its result
}

// testOptions are safe defaults with limits loose enough for tests.
func testOptions(t *testing.T) Options {
	return Options{
		Listen:        "127.0.0.1:0",
		HostKey:       filepath.Join(t.TempDir(), "hostkey"),
		MaxSessions:   4,
		RatePerMinute: 60000,
		RateBurst:     1000,
		IdleTimeout:   time.Minute,
		MaxSession:    time.Hour,
		MaxWidth:      64,
		MaxDepth:      3,
		MaxSteps:      100000,
		Workers:       2,
	}
}

func startServer(t *testing.T, opt Options) *testServer {
	t.Helper()
	return startServerApp(t, opt, nil)
}

// startServerApp serves app (nil: the initscope app).
func startServerApp(t *testing.T, opt Options, app App) *testServer {
	t.Helper()
	sc, ok := preset.Lookup(preset.DefaultName)
	if !ok {
		t.Fatal("no default scenario")
	}
	return startServerConfig(t, Config{Options: opt, Scenario: sc, App: app})
}

// startServerConfig serves cfg, logging to the test server's logs.
func startServerConfig(t *testing.T, cfg Config) *testServer {
	t.Helper()
	logs := &syncBuffer{}
	cfg.Logger = log.NewWithOptions(logs, log.Options{Level: log.DebugLevel})
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	var once sync.Once
	var result error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case result = <-done:
			case <-time.After(30 * time.Second):
				t.Error("Serve did not return 30s after its context ended")
			}
		})
		return result
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("Serve: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return &testServer{Server: srv, addr: srv.Addr().String(), logs: logs, stop: stop}
}

// dial connects with a password (anyone may connect by default), or with
// the given key.
// openSession dials addr as an anonymous visitor and opens a session
// channel; the connection closes when the test ends.
func openSession(t *testing.T, addr string) *gossh.Session {
	t.Helper()
	client, err := dial(t, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

func dial(t *testing.T, addr string, key gossh.Signer) (*gossh.Client, error) {
	t.Helper()
	return dialFrom(t, nil, addr, key)
}

// dialFrom is dial from a local address (nil: any); every 127.0.0.0/8
// address is loopback on Linux, so tests can be visitors from two addresses.
func dialFrom(t *testing.T, local net.IP, addr string, key gossh.Signer) (*gossh.Client, error) {
	t.Helper()
	auth := []gossh.AuthMethod{gossh.Password("visitor")}
	if key != nil {
		auth = []gossh.AuthMethod{gossh.PublicKeys(key)}
	}
	d := net.Dialer{Timeout: 10 * time.Second}
	if local != nil {
		d.LocalAddr = &net.TCPAddr{IP: local}
	}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(time.Now().Add(10 * time.Second)) // for the handshake
	c, chans, reqs, err := gossh.NewClientConn(conn, addr, &gossh.ClientConfig{
		User:            "visitor",
		Auth:            auth,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
	})
	if err != nil {
		conn.Close()
		return nil, err
	}
	conn.SetDeadline(time.Time{})
	return gossh.NewClient(c, chans, reqs), nil
}

// term is a client session with a PTY, running the app.
type term struct {
	t      *testing.T
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser
	out    *syncBuffer
	done   chan error // the session's end (Wait)
}

func openTerm(t *testing.T, addr string, w, h int) *term {
	t.Helper()
	client, err := dial(t, addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	tm := openTermOn(t, client, w, h)
	return tm
}

func openTermOn(t *testing.T, client *gossh.Client, w, h int) *term {
	t.Helper()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, client: client, sess: sess, out: &syncBuffer{}, done: make(chan error, 1)}
	t.Cleanup(tm.close)
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	sess.Stdout = tm.out
	sess.Stderr = tm.out
	if tm.stdin, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() { tm.done <- sess.Wait() }()
	return tm
}

func (tm *term) close() {
	tm.sess.Close()
	tm.client.Close()
}

func (tm *term) send(keys string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.stdin, keys); err != nil {
		tm.t.Fatalf("send %q: %v", keys, err)
	}
}

// expect waits until the screen output, escapes stripped, contains text.
func (tm *term) expect(text string, within time.Duration) {
	tm.t.Helper()
	if !tm.out.waitFor(text, within) {
		tm.t.Fatalf("no %q on screen within %v; got (escapes stripped):\n%s", text, within, tail(tm.out.plain(), 2000))
	}
}

// wait waits for the session to end and returns its error (an
// *gossh.ExitError for a non-zero exit status).
func (tm *term) wait(within time.Duration) error {
	tm.t.Helper()
	select {
	case err := <-tm.done:
		return err
	case <-time.After(within):
		tm.t.Fatalf("session still open after %v; screen:\n%s", within, tail(tm.out.plain(), 2000))
		return nil
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and many readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *syncBuffer) plain() string { return ansi.Strip(b.String()) }

func (b *syncBuffer) waitFor(text string, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for {
		if strings.Contains(b.plain(), text) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func newKey(t *testing.T) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
