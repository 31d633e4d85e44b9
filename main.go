// Command initscope is a terminal laboratory for weight initialization in
// deep networks: an interactive app, a headless batch mode and an SSH demo
// around the experiments of Glorot & Bengio (2010).
//
// This package is the command line, the top of the dependency graph: it
// parses flags (the server's from tui/serve, the training settings' from
// scenarios), resolves the scenario (a preset or a file), and dispatches to
// the batch mode, the listing, the sample viewer, the figures, the app or
// the SSH server. Main runs against an Env so tests run it in-process.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"initscope/tui"
	"initscope/tui/serve"
)

func main() { os.Exit(run()) }

// run keeps main's deferred calls running before os.Exit.
func run() int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-signals
		cancel(SignalCause{Signal: sig.(syscall.Signal)})
		signal.Stop(signals) // a second Ctrl-C kills at once
	}()
	env := Env{
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		StderrIsTTY: term.IsTerminal(int(os.Stderr.Fd())),
		App:         tui.Run,
		Serve:       serve.Run,
		Getenv:      os.Getenv,
	}
	return Main(ctx, os.Args[1:], env)
}
