package dataset

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
)

// readMaybeGzip reads path, or path+".gz" if path does not exist, and
// inflates gzip data (recognised by its magic bytes, whatever the name).
// It returns the name it read for messages. When neither exists the error
// is the one for the plain name, which is what the user is told to provide.
func readMaybeGzip(path string) (data []byte, name string, err error) {
	data, err = os.ReadFile(path)
	name = path
	if os.IsNotExist(err) {
		if gz, gzErr := os.ReadFile(path + ".gz"); gzErr == nil {
			data, name, err = gz, path+".gz", nil
		}
	}
	if err != nil {
		return nil, path, err
	}
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err == nil {
			data, err = io.ReadAll(zr)
		}
		if err != nil {
			return nil, name, fmt.Errorf("%s: bad gzip data: %w", name, err)
		}
	}
	return data, name, nil
}
