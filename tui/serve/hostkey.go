package serve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// loadHostKey reads the server's private key at path, creating an ed25519
// key there first if there is none. A new key is written 0600 in a
// directory made 0700, so clients see the same host key across restarts. Like
// sshd, it refuses a key file that others may read.
func loadHostKey(path string) (gossh.Signer, error) {
	pemBytes, err := readBounded(path, maxHostKeyBytes)
	if errors.Is(err, fs.ErrNotExist) {
		pemBytes, err = createHostKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("--host-key %s: %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("--host-key %s: %w", path, err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("--host-key %s is readable by others (mode %v); run chmod 600 on it", path, info.Mode().Perm())
	}
	signer, err := gossh.ParsePrivateKey(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("--host-key %s: %w (delete it to have a new one made)", path, err)
	}
	return signer, nil
}

// maxHostKeyBytes bounds the host key file: an OpenSSH RSA 16384-bit key
// is under 13 KiB.
const maxHostKeyBytes = 64 << 10

// createHostKey writes a new ed25519 key in OpenSSH format to path and
// returns it. O_EXCL makes two servers starting at once agree on one key.
func createHostKey(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "initscope host key")
	if err != nil {
		return nil, err
	}
	pemBytes := pem.EncodeToMemory(block)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readBounded(path, maxHostKeyBytes)
	}
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(pemBytes); err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, err
	}
	return pemBytes, nil
}
