//go:build unix

package sweep

import "syscall"

// flockExclusive takes an exclusive flock(2) on fd without waiting.
func flockExclusive(fd int) error { return syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB) }
