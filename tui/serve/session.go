package serve

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/muesli/termenv"
)

// hardStopAfter is how long a session's app has to quit after being asked
// before it is killed (for a client that stopped reading, say).
const hardStopAfter = 3 * time.Second

// session is one visitor's stay: from the session channel opening to its
// close. The server allows one session per connection.
type session struct {
	s      ssh.Session
	start  time.Time
	remote string
	user   string
	key    string
	done   chan struct{} // closed when the session's handler ends

	lastInput atomic.Int64 // unix nanoseconds of the last byte typed
	panicked  atomic.Bool  // a panic was logged; later ones are not

	mu       sync.Mutex
	reason   string // why it ended, first cause wins
	refused  bool
	prog     *tea.Program
	kill     context.CancelFunc
	closeApp func()
	unhook   func() bool // stops the hang-up hook
}

func newSession(s ssh.Session) *session {
	ss := &session{
		s:      s,
		start:  time.Now(),
		remote: s.RemoteAddr().String(),
		user:   s.User(),
		key:    fingerprint(s.PublicKey()),
		done:   make(chan struct{}),
	}
	ss.lastInput.Store(ss.start.UnixNano())
	return ss
}

// sessionFrom finds the session that track registered. It lives on the
// connection's state rather than in the ssh context because the context's
// SetValue is not safe once other goroutines use the context.
func sessionFrom(s ssh.Session) *session {
	var ss *session
	if c := connFrom(s.Context()); c != nil {
		ss = c.session.Load()
	}
	if ss == nil {
		panic("serve: session middleware not installed")
	}
	return ss
}

// refuse records that the session was turned away, and why.
func (ss *session) refuse(reason string) {
	ss.mu.Lock()
	if ss.reason == "" {
		ss.reason = reason
	}
	ss.refused = true
	ss.mu.Unlock()
}

// stop asks the app to quit for the given reason, and kills it if it has not
// quit in hardStopAfter. Safe to call many times and from any goroutine.
func (ss *session) stop(reason string) {
	ss.mu.Lock()
	if ss.reason == "" {
		ss.reason = reason
	}
	p, kill := ss.prog, ss.kill
	ss.mu.Unlock()
	if p == nil {
		return
	}
	// Quit waits for the event loop; it returns at once after the program ends.
	go p.Quit()
	time.AfterFunc(hardStopAfter, kill)
}

// setProgram registers the running app, unless the session is already
// stopping, in which case it reports false.
func (ss *session) setProgram(p *tea.Program, kill context.CancelFunc, closeApp func()) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.reason != "" {
		return false
	}
	ss.prog, ss.kill, ss.closeApp = p, kill, closeApp
	return true
}

// endApp runs once the app's program has returned: it stops its training
// and the hooks that would stop it, so nothing of it outlives the session.
func (ss *session) endApp() {
	ss.mu.Lock()
	kill, closeApp, unhook := ss.kill, ss.closeApp, ss.unhook
	ss.prog, ss.kill, ss.closeApp, ss.unhook = nil, nil, nil, nil
	ss.mu.Unlock()
	if unhook != nil {
		unhook()
	}
	if kill != nil {
		kill()
	}
	if closeApp != nil {
		closeApp()
	}
}

func (ss *session) outcome() (reason string, refused bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.reason, ss.refused
}

// watch ends the session after idle (no typing) or maxLen (from connect).
// The transport's own idle deadline cannot serve: the app's frames keep the
// connection busy while the visitor is away.
func (ss *session) watch(idle, maxLen time.Duration) {
	t := time.NewTimer(idle)
	defer t.Stop()
	end := time.NewTimer(maxLen - time.Since(ss.start))
	defer end.Stop()
	for {
		select {
		case <-ss.done:
			return
		case <-end.C:
			ss.stop("max-session")
			return
		case <-t.C:
			away := time.Since(time.Unix(0, ss.lastInput.Load()))
			if away >= idle {
				ss.stop("idle")
				return
			}
			t.Reset(idle - away)
		}
	}
}

// input is the app's keyboard: the session's stream, noting when it was
// last typed on.
type input struct{ ss *session }

func (in input) Read(p []byte) (int, error) {
	n, err := in.ss.s.Read(p)
	if n > 0 {
		in.ss.lastInput.Store(time.Now().UnixNano())
	}
	return n, err
}

// newRenderer is a lipgloss renderer for one session: its colour profile
// and background come from the client's terminal (TERM from the PTY request
// and whatever environment the client sent), not from the server's.
func newRenderer(s ssh.Session) *lipgloss.Renderer {
	pty, _, _ := s.Pty()
	env := environ(append(s.Environ(), "TERM="+pty.Term))
	return lipgloss.NewRenderer(s,
		termenv.WithEnvironment(env),
		termenv.WithUnsafe(), // the session is a terminal, though not a file
		termenv.WithColorCache(true))
}

// environ implements termenv.Environ over a session's KEY=VALUE list; the
// last value of a key wins, as with a shell's environment.
type environ []string

func (e environ) Environ() []string { return e }

func (e environ) Getenv(key string) string {
	for i := len(e) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(e[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}
