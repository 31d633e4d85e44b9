//go:build !unix

package sweep

import "syscall"

// flockExclusive: this system has no flock(2), so workers sharing a
// directory follow the rule of a file system without locks (lock in
// claim.go): a .part is its creator's until unwritten for StaleAfter.
func flockExclusive(int) error { return syscall.ENOLCK }
