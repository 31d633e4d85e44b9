package serve

import (
	"net"

	"github.com/charmbracelet/log"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/ssh"
	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// Connection-level limits that need no flag.
const (
	// handshakeTimeout bounds how long a connection may take to reach an
	// open session, so silent or slow clients cannot hold connection slots
	// for long. OpenSSH with a key in an agent needs well under a second.
	handshakeTimeout = 10 * time.Second
	// pendingConns is how many connections beyond --max-sessions may be
	// mid-handshake or waiting to be told "busy"; more are dropped at once.
	pendingConns = 64
	// pendingPerAddr is how many connections one address (an IPv4 address,
	// an IPv6 /64) may have before its sessions start; more are dropped at
	// accept, so one address holding silent sockets cannot fill the
	// pending slots that every other visitor needs.
	pendingPerAddr = 4
	// rateEntries bounds the per-address rate table (least recently seen
	// addresses are forgotten first).
	rateEntries = 4096
	// timeoutGrace is added to --idle-timeout and --max-session for the
	// transport's own deadlines, so the app's timers fire first and the
	// visitor gets a goodbye line; the transport deadlines are the backstop
	// for clients that stop reading.
	timeoutGrace = 30 * time.Second
)

type ctxKey struct{ name string }

var connStateKey = &ctxKey{"initscope-conn"}

// connState is what the server knows about one TCP connection.
type connState struct {
	net.Conn
	start     time.Time
	overRate  bool        // past --rate: refused with a message once a session opens
	channel   atomic.Bool // a session channel has been opened (one is allowed)
	started   atomic.Bool // the session's handler has started
	aborted   atomic.Bool // closed by the server for misbehaving
	handshake time.Time   // deadline until the session starts
	addrKey   string      // the remote address as the per-address limits count it
	pending   bool        // counted in Server.pending; guarded by Server.mu
	budget    *budget     // requests the visitor may still send
	window    *windowBox  // the terminal size, clamped, latest only
	session   atomic.Pointer[session]
	closeOnce sync.Once
	onClose   func()

	mu   sync.Mutex
	user string
	key  string // fingerprint of the last public key offered
}

// SetDeadline keeps the handshake deadline until a session starts: the
// transport extends its deadline on every read, which would otherwise let a
// client that trickles bytes stay in the handshake forever. A connection over
// the rate limit keeps it for good: it only needs to hear why it is refused.
func (c *connState) SetDeadline(t time.Time) error {
	if c.overRate || !c.started.Load() {
		if t.IsZero() || t.After(c.handshake) {
			t = c.handshake
		}
	}
	return c.Conn.SetDeadline(t)
}

// RemoteAddr carries the connection's state along: the ssh library reports
// a failed handshake with its own wrapper of the connection, from which
// only the methods reach back here.
func (c *connState) RemoteAddr() net.Addr { return connAddr{c.Conn.RemoteAddr(), c} }

type connAddr struct {
	net.Addr
	c *connState
}

func (c *connState) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(c.onClose)
	return err
}

func (c *connState) setUser(user, key string) {
	c.mu.Lock()
	c.user = user
	if key != "" {
		c.key = key
	}
	c.mu.Unlock()
}

func (c *connState) who() (user, key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.user, c.key
}

func connFrom(ctx ssh.Context) *connState {
	c, _ := ctx.Value(connStateKey).(*connState)
	return c
}

// rateTable is a token bucket per remote IP.
type rateTable struct {
	mu    sync.Mutex
	per   rate.Limit
	burst int
	cache *lru.Cache[string, *rate.Limiter]
}

func newRateTable(perMinute float64, burst int) *rateTable {
	cache, err := lru.New[string, *rate.Limiter](rateEntries)
	if err != nil {
		panic("serve: " + err.Error())
	}
	return &rateTable{per: rate.Limit(perMinute / 60), burst: burst, cache: cache}
}

// addrKey is what the per-address limits count: the IP for IPv4, the /64
// prefix for IPv6 (one host usually holds a whole /64).
func addrKey(addr net.Addr) string {
	if a, ok := addr.(connAddr); ok {
		addr = a.Addr
	}
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String()
	}
	if ip4 := tcp.IP.To4(); ip4 != nil {
		return ip4.String()
	}
	return tcp.IP.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

func (r *rateTable) allow(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	l, ok := r.cache.Get(key)
	if !ok {
		l = rate.NewLimiter(r.per, r.burst)
		r.cache.Add(key, l)
	}
	return l.Allow()
}

// errRate is shown to a visitor over the connection rate. It ends in a
// newline because wish's ratelimiter prints the error as it is.
type errRate struct{}

func (errRate) Error() string {
	return "initscope: too many connections from your address, try again in a minute\n"
}

// rateLimiter implements wish's ratelimiter.RateLimiter with the decision
// taken when the connection was accepted, so each connection spends one
// token and the refusal reaches the visitor as a line rather than a reset.
type rateLimiter struct{ srv *Server }

func (l rateLimiter) Allow(s ssh.Session) error {
	if c := connFrom(s.Context()); c != nil && c.overRate {
		sessionFrom(s).refuse("rate")
		return errRate{}
	}
	return nil
}

// refusalLog logs the connections refused at accept: at most
// refusalLogBurst lines at once and refusalLogRate a second, so a flood of
// connections cannot flood the log; the lines left out are counted in the
// next one.
type refusalLog struct {
	mu         sync.Mutex
	lim        *rate.Limiter
	suppressed int
}

const (
	refusalLogRate  = 10
	refusalLogBurst = 20
)

func (r *refusalLog) log(l *log.Logger, remote, reason string) {
	r.mu.Lock()
	if r.lim == nil {
		r.lim = rate.NewLimiter(refusalLogRate, refusalLogBurst)
	}
	if !r.lim.Allow() {
		r.suppressed++
		r.mu.Unlock()
		return
	}
	n := r.suppressed
	r.suppressed = 0
	r.mu.Unlock()
	keys := []any{"remote", remote, "reason", reason}
	if n > 0 {
		keys = append(keys, "not_logged", n)
	}
	l.Info("refused", keys...)
}
