package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/log"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/charmbracelet/wish/activeterm"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/charmbracelet/wish/ratelimiter"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"initscope/scenarios"
	"initscope/tui"
)

// Lines a visitor may see; each is one line, the last before the
// connection closes.
const (
	msgBusy     = "initscope: busy, try again later"
	msgClosing  = "initscope: the server is shutting down, try again later"
	msgCommand  = "initscope: this server runs only the app; connect without a command (ssh -p PORT HOST)"
	msgShutdown = "initscope: the server is shutting down, goodbye"
	msgPanic    = "initscope: the app hit a bug and had to stop (the server logged it); sorry, goodbye"
)

// shutdownGrace bounds each stage of a graceful shutdown: sessions saying
// goodbye, then clients closing their connections.
const shutdownGrace = 5 * time.Second

// App builds one session's app and returns it with the function that stops
// its training; the server calls that once the session ends.
type App func(opt tui.Options) (tea.Model, func())

// Config is everything a Server needs.
type Config struct {
	Options
	Scenario scenarios.Scenario
	// Logger receives one line per connect, disconnect and refusal; nil
	// logs to stderr.
	Logger *log.Logger
	// App builds each session's app; nil means the initscope app.
	App App
	// Threads is each session's compute threads (tui.Limits.MaxThreads,
	// at most scenarios.MaxThreads); 0 means
	// SessionThreads(runtime.GOMAXPROCS(0), Workers): the cores Go runs
	// on, which follow a container's CPU limit. The load run sets it to
	// compare with a server whose sessions used every core.
	Threads int
}

// SessionThreads is the compute threads each session may use so that the
// workers training at once use at most the cores between them:
// cores/workers, and 1 when there are more workers than cores, which then
// share the cores by turns (workers x 1 thread).
func SessionThreads(cores, workers int) int {
	return max(1, cores/max(1, workers))
}

// Server is a running SSH server. Make one with New, run it with Serve.
type Server struct {
	cfg      Config
	limits   tui.Limits // every session's caps
	scenario scenarios.Scenario
	log      *log.Logger
	app      App
	ln       net.Listener
	ssh      *ssh.Server
	auth     authorizedKeys
	rate     *rateTable
	pool     *Pool
	slots    chan struct{} // one per running app, --max-sessions of them

	mu       sync.Mutex
	closing  bool
	sessions map[*session]struct{}
	conns    map[*connState]struct{}
	pending  map[string]int // connections before their session, per address
	refusals refusalLog
	handlers sync.WaitGroup // session handlers
	connsWG  sync.WaitGroup // accepted connections
}

// Run serves sc over SSH until ctx is done, then shuts down gracefully and
// returns nil. It is what `initscope --serve` calls.
func Run(ctx context.Context, sc scenarios.Scenario, opt Options) error {
	srv, err := New(Config{Options: opt, Scenario: sc})
	if err != nil {
		return err
	}
	return srv.Serve(ctx)
}

// New loads the host key and authorized keys and listens on cfg.Listen.
// A key file that cannot be used, or a --listen address that does not
// resolve, is a *FlagError.
func New(cfg Config) (*Server, error) {
	signer, err := loadHostKey(cfg.HostKey)
	if err != nil {
		return nil, &FlagError{Err: err}
	}
	auth, err := loadAuthorizedKeys(cfg.AuthorizedKeys)
	if err != nil {
		return nil, &FlagError{Err: err}
	}
	if cfg.Threads <= 0 {
		cfg.Threads = SessionThreads(runtime.GOMAXPROCS(0), cfg.Workers)
	}
	cfg.Threads = min(cfg.Threads, scenarios.MaxThreads)
	limits := tui.Limits{MaxWidth: cfg.MaxWidth, MaxDepth: cfg.MaxDepth, MaxSteps: cfg.MaxSteps, MaxThreads: cfg.Threads}
	s := &Server{
		cfg:      cfg,
		limits:   limits,
		scenario: capScenario(cfg.Scenario, limits),
		log:      cfg.Logger,
		app:      cfg.App,
		auth:     auth,
		rate:     newRateTable(cfg.RatePerMinute, cfg.RateBurst),
		pool:     NewPool(cfg.Workers),
		slots:    make(chan struct{}, cfg.MaxSessions),
		sessions: map[*session]struct{}{},
		conns:    map[*connState]struct{}{},
		pending:  map[string]int{},
	}
	if s.log == nil {
		s.log = log.NewWithOptions(os.Stderr, log.Options{ReportTimestamp: true, Prefix: "initscope"})
	}
	if s.app == nil {
		s.app = func(opt tui.Options) (tea.Model, func()) {
			m := tui.New(opt)
			return m, m.Close
		}
	}
	opts := []ssh.Option{
		wish.WithVersion("initscope"),
		func(srv *ssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithPublicKeyAuth(s.publicKey),
		wish.WithIdleTimeout(cfg.IdleTimeout + timeoutGrace),
		wish.WithMaxTimeout(cfg.MaxSession + timeoutGrace),
		// Middleware runs last-listed first: track wraps everything (and
		// recovers a panic in any of it), the app is innermost.
		wish.WithMiddleware(
			bm.MiddlewareWithProgramHandler(s.program, termenv.ANSI256),
			s.admit,
			activeterm.Middleware(),
			s.notePTY,
			s.refuseCommand,
			ratelimiter.Middleware(rateLimiter{s}),
			s.track,
		),
	}
	if auth == nil {
		// A demo anyone may use: clients without keys get in too.
		opts = append(opts,
			wish.WithKeyboardInteractiveAuth(func(ctx ssh.Context, _ gossh.KeyboardInteractiveChallenge) bool {
				return s.anyone(ctx)
			}),
			wish.WithPasswordAuth(func(ctx ssh.Context, _ string) bool { return s.anyone(ctx) }))
	}
	srv, err := wish.NewServer(opts...)
	if err != nil {
		return nil, err
	}
	srv.ConnCallback = s.accept
	srv.ConnectionFailedCallback = s.failed
	srv.SessionRequestCallback = s.sessionRequest
	// Only session channels, and one per connection: no port forwarding
	// (direct-tcpip, tcpip-forward), no X11 or agent channels, no
	// subsystems (sftp), so no file access.
	// Every other channel and global request is refused, and counted
	// against the connection's request budget.
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": s.sessionChannel, "default": s.otherChannel}
	srv.RequestHandlers = map[string]ssh.RequestHandler{"default": s.globalRequest}
	srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{}
	s.ssh = srv

	s.ln, err = net.Listen("tcp", cfg.Listen)
	var dnsErr *net.DNSError
	var addrErr *net.AddrError
	if errors.As(err, &dnsErr) || errors.As(err, &addrErr) {
		return nil, &FlagError{Err: fmt.Errorf("--listen %s: %w (give an IP address or a host name that resolves)", cfg.Listen, err)}
	}
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w (is another server running? pick another --listen)", cfg.Listen, err)
	}
	return s, nil
}

// capScenario clamps the starting network to the per-session caps; its
// threads, 0 (every core) included, to the session's share.
func capScenario(sc scenarios.Scenario, l tui.Limits) scenarios.Scenario {
	sc.Width = min(sc.Width, l.MaxWidth)
	sc.Depth = min(sc.Depth, l.MaxDepth)
	sc.Steps = min(sc.Steps, l.MaxSteps)
	if sc.Threads == 0 || sc.Threads > l.MaxThreads {
		sc.Threads = l.MaxThreads
	}
	return sc
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Serve accepts connections until ctx is done, then says goodbye to every
// session, waits for them to end and returns nil. It returns an error only
// if the listener fails.
func (s *Server) Serve(ctx context.Context) error {
	s.log.Info("listening", "addr", s.Addr().String(), "max_sessions", s.cfg.MaxSessions, "workers", s.cfg.Workers,
		"threads_per_session", s.cfg.Threads,
		"authorized_keys", s.cfg.AuthorizedKeys != "")
	errc := make(chan error, 1)
	go func() { errc <- s.ssh.Serve(s.ln) }()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	s.shutdown()
	if err == nil {
		err = <-errc
	}
	if errors.Is(err, ssh.ErrServerClosed) {
		err = nil
	}
	s.log.Info("stopped")
	return err
}

// shutdown stops accepting, tells each session goodbye, and waits (within
// bounds) for every session and connection to end.
func (s *Server) shutdown() {
	s.mu.Lock()
	s.closing = true
	sessions := make([]*session, 0, len(s.sessions))
	for ss := range s.sessions {
		sessions = append(sessions, ss)
	}
	s.mu.Unlock()
	for _, ss := range sessions {
		ss.stop("shutdown")
	}
	if !waitTimeout(&s.handlers, shutdownGrace) {
		s.log.Warn("sessions still running after shutdown grace; closing their connections")
	}
	// Closes the listener and waits for clients to hang up; then close
	// whatever is left, including connections still in the handshake.
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := s.ssh.Shutdown(ctx); err != nil {
		s.ssh.Close()
	}
	s.mu.Lock()
	conns := make([]*connState, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
	if !waitTimeout(&s.connsWG, shutdownGrace) || !waitTimeout(&s.handlers, shutdownGrace) {
		s.log.Warn("some connections did not end in time")
	}
}

func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// accept runs for every TCP connection before the handshake. It refuses a
// connection when the server is full, or when its address already has
// pendingPerAddr connections that have not reached their session.
func (s *Server) accept(ctx ssh.Context, conn net.Conn) net.Conn {
	now := time.Now()
	c := &connState{Conn: conn, start: now, handshake: now.Add(handshakeTimeout),
		addrKey: addrKey(conn.RemoteAddr()), budget: newBudget(), window: newWindowBox()}
	reason := ""
	s.mu.Lock()
	switch {
	case s.closing:
		reason = "shutting down"
	case len(s.conns) >= s.cfg.MaxSessions+pendingConns:
		reason = "too many connections"
	case s.pending[c.addrKey] >= pendingPerAddr:
		reason = "too many connections from this address before their sessions"
	default:
		s.conns[c] = struct{}{}
		s.pending[c.addrKey]++
		c.pending = true
		s.connsWG.Add(1)
	}
	s.mu.Unlock()
	if reason != "" {
		s.refusals.log(s.log, conn.RemoteAddr().String(), reason)
		return nil
	}
	c.onClose = func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.leavePending(c)
		s.mu.Unlock()
		s.connsWG.Done()
	}
	c.overRate = !s.rate.allow(c.addrKey)
	c.Conn.SetDeadline(c.handshake)
	ctx.SetValue(connStateKey, c)
	return c
}

// leavePending stops counting c as a connection before its session;
// s.mu must be held.
func (s *Server) leavePending(c *connState) {
	if !c.pending {
		return
	}
	c.pending = false
	if s.pending[c.addrKey]--; s.pending[c.addrKey] <= 0 {
		delete(s.pending, c.addrKey)
	}
}

// failed logs a connection that never completed the handshake: failed
// authentication, a timeout, a port scanner.
func (s *Server) failed(conn net.Conn, err error) {
	user, key := "", ""
	if a, ok := conn.RemoteAddr().(connAddr); ok {
		user, key = a.c.who()
	}
	s.log.Info("refused", "remote", conn.RemoteAddr().String(), "user", user, "key", key,
		"reason", "handshake: "+err.Error())
}

// anyone lets a client in without a key, noting its user name.
func (s *Server) anyone(ctx ssh.Context) bool {
	if c := connFrom(ctx); c != nil {
		c.setUser(ctx.User(), "")
	}
	return true
}

func (s *Server) publicKey(ctx ssh.Context, key ssh.PublicKey) bool {
	ok := s.auth.allows(key)
	if c := connFrom(ctx); c != nil {
		c.setUser(ctx.User(), fingerprint(key))
	}
	return ok
}

// sessionChannel opens the one session channel a connection may have; its
// requests reach the library through the server's filter.
func (s *Server) sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, ch gossh.NewChannel, ctx ssh.Context) {
	c := connFrom(ctx)
	if c == nil || !s.spend(c, "session channel", len(ch.ExtraData())) || c.channel.Swap(true) {
		ch.Reject(gossh.Prohibited, "initscope: one session per connection")
		return
	}
	ssh.DefaultSessionHandler(srv, conn, filteredChannel{NewChannel: ch, srv: s, c: c}, ctx)
}

// otherChannel refuses every channel but the session: port forwarding
// (direct-tcpip), X11, agent.
func (s *Server) otherChannel(_ *ssh.Server, _ *gossh.ServerConn, ch gossh.NewChannel, ctx ssh.Context) {
	if c := connFrom(ctx); c != nil {
		s.spend(c, "channel "+ch.ChannelType(), len(ch.ExtraData()))
	}
	ch.Reject(gossh.Prohibited, "initscope: only the app's session is served")
}

// globalRequest refuses every global request (tcpip-forward,
// keepalive@openssh.com, ...); a refusal is all a keepalive needs.
func (s *Server) globalRequest(ctx ssh.Context, _ *ssh.Server, req *gossh.Request) (bool, []byte) {
	if c := connFrom(ctx); c != nil {
		s.spend(c, "global "+req.Type, len(req.Payload))
	}
	return false, nil
}

// sessionRequest refuses subsystems (sftp and the like); shell and exec
// reach the handler, which refuses a command with a message.
func (s *Server) sessionRequest(sess ssh.Session, kind string) bool {
	if kind == "subsystem" {
		s.log.Info("refused", "remote", sess.RemoteAddr().String(), "user", sess.User(),
			"key", fingerprint(sess.PublicKey()), "reason", "subsystem "+sess.Subsystem())
		return false
	}
	return true
}

// track is the outermost middleware: it registers the session for shutdown,
// logs its connect and its end, and closes the connection afterwards.
func (s *Server) track(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		c := connFrom(sess.Context())
		if c == nil {
			s.log.Error("session without connection state", "remote", sess.RemoteAddr().String())
			return
		}
		sess = withWindow(sess, c.window)
		ss := newSession(sess)
		c.session.Store(ss)
		c.started.Store(true)
		pty, _, hasPTY := sess.Pty()
		s.mu.Lock()
		s.leavePending(c)
		closing := s.closing
		if !closing {
			s.sessions[ss] = struct{}{}
			s.handlers.Add(1)
		}
		s.mu.Unlock()
		s.log.Info("connect", "remote", ss.remote, "user", ss.user, "key", ss.key,
			"term", pty.Term, "width", pty.Window.Width, "height", pty.Window.Height, "pty", hasPTY)
		if closing {
			ss.refuse("shutting down")
			fmt.Fprintln(sess, msgClosing)
		} else {
			s.guard(ss, "session", func() { next(sess) })
		}
		close(ss.done)
		reason, refused := ss.outcome()
		if reason == "" {
			reason = "quit"
		}
		if msg := goodbye(reason, s.cfg.Options); msg != "" {
			fmt.Fprintln(sess, msg)
		}
		code := 0
		if refused {
			code = 1
		}
		_ = sess.Exit(code) // an error only says a middleware already exited
		keys := []any{"remote", ss.remote, "user", ss.user, "key", ss.key, "reason", reason,
			"duration", time.Since(ss.start).Round(time.Millisecond)}
		if refused {
			s.log.Info("refused", keys...)
		} else {
			s.log.Info("disconnect", keys...)
		}
		s.hangUp(sess)
		if !closing {
			s.mu.Lock()
			delete(s.sessions, ss)
			s.mu.Unlock()
			s.handlers.Done()
		}
	}
}

// hangUpAfter is how long a client has to close its connection after its
// session ends before the server closes it (one session per connection).
// OpenSSH hangs up at once; closing first would make it report a broken pipe
// instead of the session's exit status.
const hangUpAfter = 3 * time.Second

func (s *Server) hangUp(sess ssh.Session) {
	conn, ok := sess.Context().Value(ssh.ContextKeyConn).(gossh.Conn)
	if !ok {
		return
	}
	t := time.AfterFunc(hangUpAfter, func() { conn.Close() })
	context.AfterFunc(sess.Context(), func() { t.Stop() })
}

func goodbye(reason string, o Options) string {
	switch reason {
	case "shutdown":
		return msgShutdown
	case "idle":
		return fmt.Sprintf("initscope: no key pressed for %v, goodbye", o.IdleTimeout)
	case "max-session":
		return fmt.Sprintf("initscope: sessions last at most %v, goodbye", o.MaxSession)
	case "panic":
		return msgPanic
	}
	return ""
}

// refuseCommand turns away `ssh HOST CMD`: the server runs only the app.
func (s *Server) refuseCommand(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if sess.RawCommand() != "" {
			sessionFrom(sess).refuse("command")
			wish.Println(sess, msgCommand)
			return
		}
		next(sess)
	}
}

// notePTY records the refusal of a session without a terminal; activeterm,
// next in line, tells the visitor.
func (s *Server) notePTY(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if _, _, ok := sess.Pty(); !ok {
			sessionFrom(sess).refuse("no pty")
		}
		next(sess)
	}
}

// admit takes one of the --max-sessions slots for the app, or tells the
// visitor the server is busy.
func (s *Server) admit(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		ss := sessionFrom(sess)
		select {
		case s.slots <- struct{}{}:
		default:
			ss.refuse("busy")
			wish.Println(sess, msgBusy)
			return
		}
		defer func() { <-s.slots }()
		next(sess)
		ss.endApp()
	}
}

// program builds the session's app and its Bubble Tea program.
func (s *Server) program(sess ssh.Session) *tea.Program {
	ss := sessionFrom(sess)
	m, closeApp := s.app(tui.Options{
		Scenario: s.scenario,
		Renderer: newRenderer(sess),
		Limits:   s.limits,
		Pool:     s.pool,
		NoExport: true,
		OnPanic:  func(err error) { s.appPanic(ss, err) },
	})
	// The program's context is not the connection's: on a hang-up wish's
	// middleware quits the program politely, and this one only kills it
	// if that does not work.
	ctx, kill := context.WithCancel(context.Background())
	p := tea.NewProgram(guardModel{m: m, report: func(where string, r any) { s.sessionPanic(ss, where, r) }},
		tea.WithInput(input{ss}),
		tea.WithOutput(sess),
		tea.WithContext(ctx),
		tea.WithoutSignalHandler(),
		tea.WithAltScreen())
	if !ss.setProgram(p, kill, closeApp) {
		kill()
		closeApp()
		return nil
	}
	ss.unhook = context.AfterFunc(sess.Context(), func() { ss.stop("hung up") })
	go ss.watch(s.cfg.IdleTimeout, s.cfg.MaxSession)
	return p
}

var _ io.Reader = input{}
