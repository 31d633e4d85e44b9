package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"initscope/scenarios/preset"
)

// How several workers share one output directory (a shared volume or a
// cluster file system):
//
//   - A run's final file, DIR/<stem>.jsonl, appears only by a rename of its
//     temporary file, DIR/<stem>.jsonl.part, after the summary line is
//     written and synced: a file with the final name is always complete,
//     and a run whose final file exists is skipped.
//   - A worker claims a run by creating the .part file with O_EXCL and
//     holding an exclusive flock(2) on it while it writes. The kernel drops
//     the lock when the process dies, however it dies, so a .part whose
//     lock can be taken belongs to no live worker: the worker that takes
//     the lock starts the run again in that file (a partial file is redone,
//     never appended to). A .part whose lock is held is another worker's
//     run, and is left alone.
//   - Where the file system has no flock (some NFS set-ups return ENOLCK),
//     a .part not written for StaleAfter is taken as abandoned; a live
//     run writes a snapshot line well within that unless its snapshots
//     are hours apart (lower every in the sweep).
//   - After taking the lock, the worker checks again that the final file
//     does not exist and that the .part it locked is still the one at
//     that name: a worker that opened the .part just as its owner renamed
//     it must not start over in a finished file.

// StaleAfter is how old an unlocked-looking .part must be to be taken over
// where the file system cannot lock.
const StaleAfter = 30 * time.Minute

// partSuffix ends a run's temporary file's name.
const partSuffix = ".part"

// claim is a run's temporary file, locked by this process.
type claim struct {
	f           *os.File
	part, final string
}

// claimState is what tryClaim found.
type claimState int

const (
	claimed  claimState = iota // the run is ours to write
	finished                   // its final file exists
	busy                       // another live worker writes it
)

// tryClaim claims run stem in dir.
func tryClaim(dir, stem string) (*claim, claimState, error) {
	final := filepath.Join(dir, stem+".jsonl")
	part := final + partSuffix
	if _, err := os.Stat(final); err == nil {
		return nil, finished, nil
	}
	f, err := os.OpenFile(part, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	created := err == nil
	if errors.Is(err, fs.ErrExist) {
		f, err = os.OpenFile(part, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) { // renamed or removed meanwhile: look again later
			return nil, busy, nil
		}
	}
	if err != nil {
		return nil, 0, err
	}
	c := &claim{f: f, part: part, final: final}
	if ok, err := lock(f, created); err != nil || !ok {
		f.Close()
		return nil, busy, err
	}
	// Ours now. Finished meanwhile (then the .part at that name, if it is
	// the one we hold, is a leftover of ours to remove), or no longer the
	// file at that name?
	held, err1 := f.Stat()
	now, err2 := os.Stat(part)
	same := err1 == nil && err2 == nil && os.SameFile(held, now)
	if _, err := os.Stat(final); err == nil {
		if same {
			os.Remove(part)
		}
		f.Close()
		return nil, finished, nil
	}
	if !same {
		f.Close()
		return nil, busy, nil
	}
	if err := f.Truncate(0); err != nil {
		f.Close()
		return nil, 0, err
	}
	return c, claimed, nil
}

// flock takes an exclusive lock without waiting (flockExclusive); tests
// replace it to play a file system without locks.
var flock = flockExclusive

// lock takes an exclusive flock on f without waiting. Where the file
// system has none, the file is ours if we created it, and another's
// unless it was not written for StaleAfter.
func lock(f *os.File, created bool) (bool, error) {
	err := flock(int(f.Fd()))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, syscall.EWOULDBLOCK):
		return false, nil
	case errors.Is(err, syscall.ENOLCK), errors.Is(err, syscall.EOPNOTSUPP), errors.Is(err, syscall.EINVAL):
		st, err := f.Stat()
		if err != nil {
			return false, err
		}
		return created || time.Since(st.ModTime()) > StaleAfter, nil
	}
	return false, fmt.Errorf("locking %s: %v", f.Name(), err)
}

// finish makes the run's file final: synced, then renamed, then unlocked.
func (c *claim) finish() error {
	if err := c.f.Sync(); err != nil {
		c.abandon()
		return err
	}
	if err := os.Rename(c.part, c.final); err != nil {
		c.abandon()
		return err
	}
	return c.f.Close()
}

// abandon removes the temporary file (an interrupted or failed run leaves
// nothing that looks started) and unlocks it.
func (c *claim) abandon() {
	os.Remove(c.part)
	c.f.Close()
}

// SweepFile is the copy of the sweep file every worker leaves in the
// output directory: --report reads it to know what runs to expect, and a
// worker of another sweep is refused rather than mixing files.
const SweepFile = "sweep.toml"

// markDir puts s's file into dir as SweepFile, atomically when several
// workers start at once (written to a temporary file, then linked: a link
// never replaces an existing file), or checks that the copy there is the
// same sweep.
func markDir(dir string, s *Sweep) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	dst := filepath.Join(dir, SweepFile)
	for range 2 {
		have, err := readBounded(dst, preset.MaxFileBytes)
		if err == nil {
			if !bytes.Equal(have, s.Data) {
				return fmt.Errorf("%s holds another sweep (its %s differs from %s); give each sweep its own --out-dir", dir, SweepFile, s.File)
			}
			return nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		tmp, err := os.CreateTemp(dir, ".sweep-*.toml")
		if err != nil {
			return err
		}
		err = tmp.Chmod(0o644) // other workers may run as other users
		if err == nil {
			_, err = tmp.Write(s.Data)
		}
		if err == nil {
			err = tmp.Sync()
		}
		tmp.Close()
		if err == nil {
			err = os.Link(tmp.Name(), dst)
		}
		os.Remove(tmp.Name())
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return nil
}
