package serve

import (
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"initscope/tui"
)

// What a visitor's client may send on its connection. The ssh library keeps
// every env request and hands any terminal size straight on, so the server
// reads the session's requests first and passes on only what fits.
const (
	// The terminal size the app sees is clamped to [min, max]: a client may
	// claim 4294967295 columns, and the app lays out what it is told. The
	// largest is the app's own (it clamps too); below its minimum it shows
	// the too-small screen.
	minCols, minRows = 1, 1
	maxCols, maxRows = tui.MaxWidth, tui.MaxHeight
	// maxTermLen bounds the TERM name of a pty-req.
	maxTermLen = 256
	// Environment variables a session may set; more are refused.
	maxEnvVars  = 32
	maxEnvBytes = 4 << 10 // keys and values together
	// Every request on a connection (global or channel, and channel opens)
	// spends from a budget of requestBurst that refills at requestRate a
	// second, and its payload from requestBytesBurst refilling at
	// requestBytesRate. A connection that overspends is closed: no client
	// needs more (a resize sends one request per step of the drag).
	requestBurst      = 1000
	requestRate       = 10
	requestBytesBurst = 1 << 20
	requestBytesRate  = 16 << 10
)

// budget is what a connection may still send.
type budget struct {
	count, bytes *rate.Limiter
}

func newBudget() *budget {
	return &budget{
		count: rate.NewLimiter(requestRate, requestBurst),
		bytes: rate.NewLimiter(requestBytesRate, requestBytesBurst),
	}
}

func (b *budget) spend(size int) bool {
	now := time.Now()
	return b.count.AllowN(now, 1) && b.bytes.AllowN(now, size)
}

// spend charges one request of size bytes to c, and closes c once it has
// sent more than its budget. It reports whether the request may be served.
func (s *Server) spend(c *connState, what string, size int) bool {
	if c.aborted.Load() {
		return false
	}
	if c.budget.spend(size) {
		return true
	}
	s.abort(c, "too many requests", "last", what)
	return false
}

// abort closes c for reason, with one log line. A running session ends
// with the same reason in its own line.
func (s *Server) abort(c *connState, reason string, keys ...any) {
	if c.aborted.Swap(true) {
		return
	}
	user, key := c.who()
	s.log.Warn("closing", append([]any{"remote", c.Conn.RemoteAddr().String(), "user", user, "key", key,
		"reason", reason}, keys...)...)
	if ss := c.session.Load(); ss != nil {
		ss.refuse(reason)
		ss.stop(reason)
	}
	c.Close()
}

// clampWindow is the terminal size the app is given for a claimed one.
func clampWindow(cols, rows uint32) ssh.Window {
	return ssh.Window{
		Width:  int(min(max(cols, minCols), maxCols)),
		Height: int(min(max(rows, minRows), maxRows)),
	}
}

// windowBox holds a session's terminal size: the latest one only, so a
// flood of window changes costs the app one redraw, not one per change.
type windowBox struct {
	ch  chan ssh.Window // capacity 1: the latest size not yet read
	mu  sync.Mutex      // serializes put
	cur ssh.Window
}

func newWindowBox() *windowBox { return &windowBox{ch: make(chan ssh.Window, 1)} }

// put replaces any unread size with w. It never blocks: under mu this is
// the only sender, and it empties the channel first.
func (b *windowBox) put(w ssh.Window) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cur = w
	select {
	case <-b.ch:
	default:
	}
	b.ch <- w
}

func (b *windowBox) current() ssh.Window {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cur
}

// ptySession hands the app the clamped terminal size and the window box's
// channel, which is never closed (wish's bubbletea middleware would spin on
// a closed one until the connection ends).
type ptySession struct {
	ssh.Session
	box *windowBox
}

func withWindow(sess ssh.Session, box *windowBox) ssh.Session {
	if _, _, ok := sess.Pty(); !ok {
		return sess
	}
	return &ptySession{Session: sess, box: box}
}

func (ps *ptySession) Pty() (ssh.Pty, <-chan ssh.Window, bool) {
	pty, _, ok := ps.Session.Pty()
	pty.Window = ps.box.current()
	return pty, ps.box.ch, ok
}

// filteredChannel is a session channel whose requests pass through the
// server's filter before the ssh library sees them.
type filteredChannel struct {
	gossh.NewChannel
	srv *Server
	c   *connState
}

func (f filteredChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, in, err := f.NewChannel.Accept()
	if err != nil {
		return ch, in, err
	}
	out := make(chan *gossh.Request)
	go f.srv.filterRequests(f.c, in, out)
	return ch, out, nil
}

// filterRequests reads the session channel's requests until the channel
// closes, answers what the server refuses itself, and passes the rest on
// (shell, exec, subsystem, a clamped pty-req, env within bounds). The
// library never blocks on what it is passed, so neither does this loop.
func (s *Server) filterRequests(c *connState, in <-chan *gossh.Request, out chan<- *gossh.Request) {
	defer close(out)
	var f requestFilter
	for req := range in {
		if !s.spend(c, req.Type, len(req.Payload)) {
			req.Reply(false, nil)
			continue
		}
		if fwd := s.filterOne(c, &f, req); fwd != nil {
			out <- fwd
		}
	}
}

// filterOne is one request through the filter; a panic in it closes the
// connection with a log line, and the loop goes on draining the channel
// (the transport blocks until its requests are read).
func (s *Server) filterOne(c *connState, f *requestFilter, req *gossh.Request) (fwd *gossh.Request) {
	defer func() {
		if r := recover(); r != nil {
			user, key := c.who()
			s.logPanic(c.Conn.RemoteAddr().String(), user, key, "request "+req.Type, r)
			req.Reply(false, nil)
			fwd = nil
			s.abort(c, "panic")
		}
	}()
	return f.filter(c.window, req)
}

// requestFilter is one session channel's state as its filter sees it.
type requestFilter struct {
	pty      bool // a pty-req was passed on
	handled  bool // shell, exec or subsystem was passed on
	envN     int
	envBytes int
}

// ptyRequest is RFC 4254's pty-req payload.
type ptyRequest struct {
	Term              string
	Cols, Rows        uint32
	WidthPx, HeightPx uint32
	Modes             string
}

// filter answers req itself and returns nil, or returns the request to
// pass on to the library.
func (f *requestFilter) filter(box *windowBox, req *gossh.Request) *gossh.Request {
	switch req.Type {
	case "pty-req":
		var p ptyRequest
		if f.pty || f.handled || gossh.Unmarshal(req.Payload, &p) != nil || len(p.Term) > maxTermLen {
			break
		}
		w := clampWindow(p.Cols, p.Rows)
		// The library reads only TERM and the size; pixel sizes and modes
		// are dropped so nothing unclamped travels on.
		req.Payload = gossh.Marshal(ptyRequest{Term: p.Term, Cols: uint32(w.Width), Rows: uint32(w.Height)})
		f.pty = true
		box.put(w)
		return req
	case "window-change":
		var p struct{ Cols, Rows, WidthPx, HeightPx uint32 }
		if !f.pty || gossh.Unmarshal(req.Payload, &p) != nil {
			break
		}
		box.put(clampWindow(p.Cols, p.Rows))
		req.Reply(true, nil)
		return nil
	case "env":
		var kv struct{ Key, Value string }
		if f.handled || gossh.Unmarshal(req.Payload, &kv) != nil ||
			f.envN >= maxEnvVars || f.envBytes+len(kv.Key)+len(kv.Value) > maxEnvBytes {
			break
		}
		f.envN++
		f.envBytes += len(kv.Key) + len(kv.Value)
		return req
	case "shell", "exec", "subsystem":
		f.handled = true
		return req
	}
	// Agent forwarding (auth-agent-req@openssh.com), X11, signals, breaks
	// and anything else are refused here; the app needs none of them.
	req.Reply(false, nil)
	return nil
}
