package serve

import (
	"net"
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
	// open session, so silent or slow clients cannot hold connection slots.
	handshakeTimeout = 20 * time.Second
	// pendingConns is how many connections beyond --max-sessions may be
	// mid-handshake or waiting to be told "busy"; more are dropped at once.
	pendingConns = 16
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
	handshake time.Time   // deadline until the session starts
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

func (r *rateTable) allow(addr net.Addr) bool {
	if a, ok := addr.(connAddr); ok {
		addr = a.Addr
	}
	key := addr.String()
	if tcp, ok := addr.(*net.TCPAddr); ok {
		key = tcp.IP.String()
	}
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
