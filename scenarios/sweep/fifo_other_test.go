//go:build !unix

package sweep

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs on this system") }
