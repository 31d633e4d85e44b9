package cli

import (
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// ServeOptions are the SSH server's settings, each with a safe default for
// a server facing the internet.
type ServeOptions struct {
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

func (s *ServeOptions) register(fs *flag.FlagSet) {
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
	fs.IntVar(&s.Workers, "workers", max(1, runtime.NumCPU()-1), "with --serve: training workers shared by all sessions")
}

func (s *ServeOptions) validate() error {
	switch {
	case s.MaxSessions < 1 || s.MaxSessions > 10000:
		return usagef("--max-sessions %d out of range (1..10000)", s.MaxSessions)
	case s.RatePerMinute <= 0:
		return usagef("--rate %v must be above 0", s.RatePerMinute)
	case s.RateBurst < 1:
		return usagef("--rate-burst %d must be at least 1", s.RateBurst)
	case s.IdleTimeout <= 0 || s.MaxSession <= 0:
		return usagef("--idle-timeout and --max-session must be above 0 (e.g. 10m)")
	case s.MaxWidth < 1 || s.MaxWidth > 4096:
		return usagef("--cap-width %d out of range (1..4096)", s.MaxWidth)
	case s.MaxDepth < 1 || s.MaxDepth > 20:
		return usagef("--cap-depth %d out of range (1..20)", s.MaxDepth)
	case s.MaxSteps < 1:
		return usagef("--cap-steps %d must be at least 1", s.MaxSteps)
	case s.Workers < 1 || s.Workers > 64:
		return usagef("--workers %d out of range (1..64)", s.Workers)
	}
	return nil
}
