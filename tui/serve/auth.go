package serve

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"os"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// authorizedKeys is the parsed --authorized-keys file; nil lets anyone in.
type authorizedKeys [][]byte // wire-format public keys

// loadAuthorizedKeys parses an OpenSSH authorized_keys file once, at start,
// so a broken file is reported before any client connects.
func loadAuthorizedKeys(path string) (authorizedKeys, error) {
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("authorized keys: %w", err)
	}
	keys := authorizedKeys{}
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, _, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("authorized keys %s:%d: %w", path, i+1, err)
		}
		keys = append(keys, key.Marshal())
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("authorized keys %s has no keys (leave --authorized-keys out to let anyone in)", path)
	}
	return keys, nil
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
