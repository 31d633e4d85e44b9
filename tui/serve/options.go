package serve

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"initscope/scenarios"
)

// Options are the SSH server's settings, each with a safe default for a
// server facing the internet. Register defines their flags; Validate checks
// them.
type Options struct {
	Listen         string
	HostKey        string
	AuthorizedKeys string
	MaxSessions    int
	RatePerMinute  float64 // new connections per IP per minute
	RateBurst      int
	IdleTimeout    time.Duration
	MaxSession     time.Duration
	MaxWidth       int
	MaxDepth       int
	MaxSteps       int64
	Workers        int // training worker pool shared by all sessions
}

func defaultHostKey() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "initscope", "ssh_host_ed25519")
}

// Register defines the server's flags on fs, bound to o's fields, with the
// defaults as their values.
func (s *Options) Register(fs *flag.FlagSet) {
	fs.StringVar(&s.Listen, "listen", "127.0.0.1:23234", "with --serve: listen `ADDR`ess")
	fs.StringVar(&s.HostKey, "host-key", defaultHostKey(), "with --serve: host key `PATH` (created once, 0600)")
	fs.StringVar(&s.AuthorizedKeys, "authorized-keys", "", "with --serve: only allow the keys in this `FILE` (default: anyone)")
	fs.IntVar(&s.MaxSessions, "max-sessions", 8, "with --serve: concurrent sessions; more are told to try later")
	fs.Float64Var(&s.RatePerMinute, "rate", 10, "with --serve: new connections per IP per minute")
	fs.IntVar(&s.RateBurst, "rate-burst", 5, "with --serve: connection burst allowed per IP")
	fs.DurationVar(&s.IdleTimeout, "idle-timeout", 10*time.Minute, "with --serve: close a session after this long with no key pressed")
	fs.DurationVar(&s.MaxSession, "max-session", time.Hour, "with --serve: longest session, from connect")
	fs.IntVar(&s.MaxWidth, "cap-width", 512, "with --serve: widest network a visitor may build")
	fs.IntVar(&s.MaxDepth, "cap-depth", 10, "with --serve: deepest network a visitor may build")
	fs.Int64Var(&s.MaxSteps, "cap-steps", 200000, "with --serve: most training steps per run")
	// One core is left for drawing frames and SSH: with every core training,
	// keystrokes wait behind training (ssh-load on 2 cores: p50 keystroke
	// to frame 53 ms with 2 workers, 10 ms with 1).
	// Each session's products and measurements get cores/workers threads
	// (SessionThreads), so the workers training at once use at most the
	// cores.
	fs.IntVar(&s.Workers, "workers", max(1, runtime.NumCPU()-1),
		"with --serve: training workers shared by all sessions, each on cores/workers compute threads "+
			"(1 when workers outnumber the cores, which they then share by turns)")
}

// Bounds on the serve flags that have no natural limit of their own.
const (
	maxRatePerMinute = 1e6
	maxRateBurst     = 10000
	minTimeout       = time.Second
	maxTimeout       = 7 * 24 * time.Hour
)

// Validate checks every option's range; its errors are *FlagError.
func (s *Options) Validate() error {
	switch {
	case s.MaxSessions < 1 || s.MaxSessions > 10000:
		return flagErrorf("--max-sessions %d out of range (1..10000)", s.MaxSessions)
	case !(s.RatePerMinute > 0 && s.RatePerMinute <= maxRatePerMinute): // NaN fails too
		return flagErrorf("--rate %v out of range (above 0, at most %g connections per minute)", s.RatePerMinute, float64(maxRatePerMinute))
	case s.RateBurst < 1 || s.RateBurst > maxRateBurst:
		return flagErrorf("--rate-burst %d out of range (1..%d)", s.RateBurst, maxRateBurst)
	case s.IdleTimeout < minTimeout || s.IdleTimeout > maxTimeout:
		return flagErrorf("--idle-timeout %v out of range (%v..%v, e.g. 10m)", s.IdleTimeout, minTimeout, maxTimeout)
	case s.MaxSession < minTimeout || s.MaxSession > maxTimeout:
		return flagErrorf("--max-session %v out of range (%v..%v, e.g. 1h)", s.MaxSession, minTimeout, maxTimeout)
	case s.MaxWidth < 1 || s.MaxWidth > 4096:
		return flagErrorf("--cap-width %d out of range (1..4096)", s.MaxWidth)
	case s.MaxDepth < 1 || s.MaxDepth > 20:
		return flagErrorf("--cap-depth %d out of range (1..20)", s.MaxDepth)
	case s.MaxSteps < 1 || s.MaxSteps > scenarios.MaxSteps:
		return flagErrorf("--cap-steps %d out of range (1..%d)", s.MaxSteps, int64(scenarios.MaxSteps))
	case s.Workers < 1 || s.Workers > 64:
		return flagErrorf("--workers %d out of range (1..64)", s.Workers)
	case s.HostKey == "":
		return flagErrorf("--host-key is empty (give the path of the server's key; it is created if missing)")
	}
	return validateListen(s.Listen)
}

// validateListen checks that addr is HOST:PORT with a port in 0..65535
// (0 picks a free one). Whether the host resolves and the port is free is
// found out when the server listens.
func validateListen(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		why := err.Error()
		if ae := (*net.AddrError)(nil); errors.As(err, &ae) {
			why = ae.Err
		}
		return flagErrorf("--listen %q: %s (give HOST:PORT, e.g. 127.0.0.1:23234 or :2222)", addr, why)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return flagErrorf("--listen %q: port %q is not a number in 0..65535", addr, port)
	}
	return nil
}

// FlagError is bad input from whoever started the server: a flag out of
// range, a key file that cannot be used, a --listen address that does not
// resolve. The command line exits with status 2 on it.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

func flagErrorf(format string, args ...any) error {
	return &FlagError{fmt.Errorf(format, args...)}
}
