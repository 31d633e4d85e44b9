package dataset

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// input is one image file opened for reading: plain, or gzip (recognised by
// its magic bytes, whatever the name), in which case r yields the inflated
// bytes. Loaders learn the real data size before they allocate for it: the
// size on disk for a plain file, a counting pass (capped) for a gzip file.
type input struct {
	name string // the path opened, for messages
	f    *os.File
	br   *bufio.Reader
	zr   *gzip.Reader // nil for a plain file
	r    io.Reader    // the file's bytes, inflated
	size int64        // bytes on disk
	max  int64        // most bytes r can yield
}

// openInput opens path, or path+".gz" if path does not exist. When neither
// exists the error is the one for the plain name, which is what the user
// is told to provide. Only regular files are read: a device such as
// /dev/zero never ends.
func openInput(spec, path, hint string) (*input, error) {
	name := path
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		if gz, gzErr := os.Open(path + ".gz"); gzErr == nil {
			f, name, err = gz, path+".gz", nil
		}
	}
	if err != nil {
		return nil, &Error{Spec: spec, Err: err, Hint: hint}
	}
	in := &input{name: name, f: f}
	if err := in.start(spec); err != nil {
		f.Close()
		return nil, err
	}
	return in, nil
}

// start checks the file's size and sets up the readers.
func (in *input) start(spec string) error {
	st, err := in.f.Stat()
	if err != nil {
		return &Error{Spec: spec, Err: err}
	}
	if !st.Mode().IsRegular() {
		return fileError(spec, in.name, "point at the data file itself", "not a regular file (%s)", st.Mode().Type())
	}
	in.size = st.Size()
	if in.size > MaxFileBytes {
		return limitError(spec, in.name, "%d bytes, above the limit of %d (2 GiB)", in.size, MaxFileBytes)
	}
	in.br = bufio.NewReader(in.f)
	if magic, _ := in.br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		if in.zr, err = gzip.NewReader(in.br); err != nil {
			return fileError(spec, in.name, "download that file again", "bad gzip data: %v", err)
		}
		in.r = in.zr
		in.max = min(MaxFileBytes, inflateRatio*in.size)
		return nil
	}
	in.r = io.LimitReader(in.br, in.size) // the file may grow while it is read
	in.max = in.size
	return nil
}

// gzipped reports whether the file is gzip data.
func (in *input) gzipped() bool { return in.zr != nil }

func (in *input) close() { in.f.Close() }

// count reads on to the end of a gzip file without keeping what it reads,
// then rewinds to where it started, and returns how many inflated bytes
// there were, but counting no further than limit+1: a gzip bomb costs
// reading limit+1 bytes, and no memory.
func (in *input) count(spec string, skip, limit int64) (int64, error) {
	n, err := io.Copy(io.Discard, io.LimitReader(in.r, limit+1))
	if err != nil {
		return 0, in.readError(spec, err)
	}
	if _, err := in.f.Seek(0, io.SeekStart); err != nil {
		return 0, &Error{Spec: spec, Err: err}
	}
	in.br.Reset(in.f)
	if err := in.zr.Reset(in.br); err != nil {
		return 0, in.readError(spec, err)
	}
	if _, err := io.CopyN(io.Discard, in.r, skip); err != nil {
		return 0, in.readError(spec, err)
	}
	return n, nil
}

// readError reports an error met while reading: for a gzip file, almost
// always corrupt data.
func (in *input) readError(spec string, err error) error {
	if in.zr != nil {
		return fileError(spec, in.name, "download that file again", "bad gzip data: %v", err)
	}
	return &Error{Spec: spec, Err: fmt.Errorf("%s: %w", in.name, err)}
}

// errTooBig is capReader's error.
var errTooBig = errors.New("past the size limit")

// capReader reads r until left bytes are read, then fails with errTooBig if
// r has more.
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		var one [1]byte
		if n, err := c.r.Read(one[:]); n == 0 {
			return 0, err
		}
		return 0, errTooBig
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}
