package tui

import (
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
)

// PanicError is a panic recovered in a goroutine the app started (a run's
// trainer, an export): it ends that run or that export, not the process.
// Error is one line for the screen and the log; Stack is for the log.
type PanicError struct {
	Where string // "main run", "compare A", "compare B", "export"
	Value any    // what was passed to panic
	Stack []byte // the panicking goroutine's stack
	Site  string // the function and file:line that panicked (PanicSite)
}

func (e *PanicError) Error() string {
	return "internal error in " + e.Where + ": " + oneLine(fmt.Sprint(e.Value)) + " (a bug: please report it)"
}

// recovered turns a recovered panic value into a *PanicError and hands it
// to onPanic when there is one. Call it only from a deferred function,
// with recover()'s result.
func recovered(where string, p any, onPanic func(error)) *PanicError {
	err := &PanicError{Where: where, Value: p, Stack: debug.Stack(), Site: PanicSite()}
	if onPanic != nil {
		func() {
			defer func() { _ = recover() }() // a panicking hook must not undo the recovery
			onPanic(err)
		}()
	}
	return err
}

// PanicSite is the function and line that panicked: the first frame past
// runtime.gopanic that is not the runtime's own. Call it from the deferred
// function that recovered, while the panicking frames are on the stack.
func PanicSite() string {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	past := false
	for {
		f, more := frames.Next()
		if past && !strings.HasPrefix(f.Function, "runtime.") {
			return fmt.Sprintf("%s (%s:%d)", f.Function, filepath.Base(f.File), f.Line)
		}
		past = past || f.Function == "runtime.gopanic"
		if !more {
			return "unknown"
		}
	}
}

// faultHook, when set (by tests only), is called by every trainer at the
// named stage ("build", "step"): a test makes a trainer panic there.
var faultHook atomic.Pointer[func(stage string)]

func fault(stage string) {
	if f := faultHook.Load(); f != nil {
		(*f)(stage)
	}
}
