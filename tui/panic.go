package tui

import (
	"fmt"
	"runtime/debug"
	"sync/atomic"
)

// PanicError is a panic recovered in a goroutine the app started (a run's
// trainer, an export): it ends that run or that export, not the process.
// Error is one line for the screen and the log; Stack is for the log.
type PanicError struct {
	Where string // "main run", "compare A", "compare B", "export"
	Value any    // what was passed to panic
	Stack []byte // the panicking goroutine's stack
}

func (e *PanicError) Error() string {
	return "internal error in " + e.Where + ": " + oneLine(fmt.Sprint(e.Value)) + " (a bug: please report it)"
}

// recovered turns a recovered panic value into a *PanicError and hands it
// to onPanic when there is one. Call it only from a deferred function,
// with recover()'s result.
func recovered(where string, p any, onPanic func(error)) *PanicError {
	err := &PanicError{Where: where, Value: p, Stack: debug.Stack()}
	if onPanic != nil {
		func() {
			defer func() { _ = recover() }() // a panicking hook must not undo the recovery
			onPanic(err)
		}()
	}
	return err
}

// faultHook, when set (by tests only), is called by every trainer at the
// named stage ("build", "step"): a test makes a trainer panic there.
var faultHook atomic.Pointer[func(stage string)]

func fault(stage string) {
	if f := faultHook.Load(); f != nil {
		(*f)(stage)
	}
}
