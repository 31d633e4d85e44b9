package serve

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Key files that cannot be used are usage errors (exit 2) of one line
// naming the flag; a port in use is an ordinary error of one line.
func TestBadFilesAreUsageErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte, mode os.FileMode) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, mode); err != nil {
			t.Fatal(err)
		}
		return path
	}
	garbage := write("garbage", []byte("not a key\n"), 0o600)
	huge := write("huge", make([]byte, maxAuthorizedKeysBytes+1), 0o600)
	hugeHost := write("hugehost", make([]byte, maxHostKeyBytes+1), 0o600)
	empty := write("empty", []byte("# nobody\n"), 0o600)
	unreadable := write("unreadable", []byte("x"), 0o000)
	cases := []struct {
		name     string
		host     string
		auth     string
		want     string
		rootSkip bool
	}{
		{"host key garbage", garbage, "", "--host-key " + garbage + ": ssh: no key found (delete it", false},
		{"host key too large", hugeHost, "", "--host-key " + hugeHost + ": larger than the 64 KiB limit", false},
		{"host key a directory", dir, "", "--host-key " + dir + ": not a regular file", false},
		{"host key unreadable", unreadable, "", "permission denied", true},
		{"authorized keys garbage", "", garbage, "--authorized-keys " + garbage + ":1: ssh: no key found", false},
		{"authorized keys garbage hint", "", garbage, "(one OpenSSH public key a line", false},
		{"authorized keys too large", "", huge, "--authorized-keys " + huge + ": larger than the 1024 KiB limit", false},
		{"authorized keys empty", "", empty, "has no keys", false},
		{"authorized keys missing", "", filepath.Join(dir, "none"), "no such file", false},
		{"authorized keys unreadable", "", unreadable, "permission denied", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.rootSkip && os.Geteuid() == 0 {
				t.Skip("root reads files of any mode")
			}
			opt := testOptions(t)
			if c.host != "" {
				opt.HostKey = c.host
			}
			opt.AuthorizedKeys = c.auth
			_, err := New(Config{Options: opt})
			var ue *FlagError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("New: %v; want a one-line usage error containing %q", err, c.want)
			}
		})
	}

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	opt := testOptions(t)
	opt.Listen = busy.Addr().String()
	_, err = New(Config{Options: opt})
	var ue *FlagError
	if err == nil || errors.As(err, &ue) || !strings.Contains(err.Error(), "pick another --listen") {
		t.Errorf("New on a port in use: %v; want an error (exit 1) suggesting another --listen", err)
	}
}
