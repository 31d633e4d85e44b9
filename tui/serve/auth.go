package serve

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"io"
	"os"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// authorizedKeys is the parsed --authorized-keys file; nil lets anyone in.
type authorizedKeys [][]byte // wire-format public keys

// maxAuthorizedKeysBytes bounds the --authorized-keys file (a key line is
// under 1 KiB, so this is thousands of keys).
const maxAuthorizedKeysBytes = 1 << 20

// loadAuthorizedKeys parses an OpenSSH authorized_keys file once, at start,
// so a broken file is reported before any client connects.
func loadAuthorizedKeys(path string) (authorizedKeys, error) {
	if path == "" {
		return nil, nil
	}
	data, err := readBounded(path, maxAuthorizedKeysBytes)
	if err != nil {
		return nil, fmt.Errorf("--authorized-keys %s: %w", path, err)
	}
	keys := authorizedKeys{}
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, _, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("--authorized-keys %s:%d: %w (one OpenSSH public key a line, as in ~/.ssh/authorized_keys)", path, i+1, err)
		}
		keys = append(keys, key.Marshal())
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("--authorized-keys %s has no keys (leave --authorized-keys out to let anyone in)", path)
	}
	return keys, nil
}

// readBounded reads the regular file at path if it holds at most limit
// bytes, checking the size before reading and reading no more than
// limit+1 bytes (the file may grow in between).
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	tooBig := fmt.Errorf("larger than the %d KiB limit", limit>>10)
	if info.Size() > limit {
		return nil, tooBig
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, tooBig
	}
	return data, nil
}

func (a authorizedKeys) allows(key ssh.PublicKey) bool {
	if a == nil {
		return true
	}
	wire := key.Marshal()
	for _, k := range a {
		if subtle.ConstantTimeCompare(k, wire) == 1 {
			return true
		}
	}
	return false
}

// fingerprint is the key's SHA256 fingerprint as ssh-keygen -l prints it,
// or "" for none.
func fingerprint(key ssh.PublicKey) string {
	if key == nil {
		return ""
	}
	return gossh.FingerprintSHA256(key)
}
