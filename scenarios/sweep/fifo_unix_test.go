//go:build unix

package sweep

import "syscall"

func mkfifo(path string) error { return syscall.Mkfifo(path, 0o644) }
