package serve

import (
	"errors"
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"initscope/tui"
)

// A panic in one session must not end the server or the other sessions.
// The goroutines a session runs, and what guards each:
//   - the session handler (every middleware, the app's Update and View):
//     track runs it under guard;
//   - the app's commands, which Bubble Tea runs in goroutines of its own:
//     guardModel wraps each one (Bubble Tea also recovers them, but logs
//     to stdout without saying whose session it was);
//   - the request filter: filterOne recovers each request;
//   - the idle watcher, the hang-up hooks and wish's window forwarder do
//     nothing that can panic.
//   - the app's own goroutines (a run's trainer): the app recovers them,
//     shows the error in that run and tells appPanic, which logs it.

// guard runs f, and logs and ends the session if it panics.
func (s *Server) guard(ss *session, where string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			s.sessionPanic(ss, where, r)
		}
	}()
	f()
}

// sessionPanic logs a panic in ss (its first only) and ends the session.
func (s *Server) sessionPanic(ss *session, where string, r any) {
	if ss.panicked.Swap(true) {
		return
	}
	s.logPanic(ss.remote, ss.user, ss.key, where, r)
	ss.refuse("panic")
	ss.stop("panic")
}

// appPanic logs a panic the app recovered in a goroutine of its own; the
// app shows it in the run it stopped and the session goes on.
func (s *Server) appPanic(ss *session, err error) {
	where, value, site := "app", err.Error(), "unknown"
	var pe *tui.PanicError
	if errors.As(err, &pe) {
		where, value, site = pe.Where, fmt.Sprint(pe.Value), pe.Site
	}
	s.log.Error("session panic", "remote", ss.remote, "user", ss.user, "key", ss.key, "in", where,
		"error", value, "at", site)
}

// logPanic writes one line: whose session, where, the panic's value and
// the line that raised it. It must be called from the deferred function
// that recovered, so the panicking frames are still on the stack.
func (s *Server) logPanic(remote, user, key, where string, r any) {
	s.log.Error("session panic", "remote", remote, "user", user, "key", key, "in", where,
		"error", fmt.Sprint(r), "at", tui.PanicSite())
}

// guardModel wraps a session's app so that a panic in Init, Update, View
// or a command is reported through report (which ends the session) instead
// of Bubble Tea's stack trace on the server's stdout.
type guardModel struct {
	m      tea.Model
	report func(where string, r any)
}

func (g guardModel) Init() (cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			g.report("Init", r)
			cmd = tea.Quit
		}
	}()
	return g.cmd(g.m.Init())
}

func (g guardModel) Update(msg tea.Msg) (m tea.Model, cmd tea.Cmd) {
	defer func() {
		if r := recover(); r != nil {
			g.report("Update", r)
			m, cmd = g, tea.Quit
		}
	}()
	next, cmd := g.m.Update(msg)
	return guardModel{m: next, report: g.report}, g.cmd(cmd)
}

func (g guardModel) View() (v string) {
	defer func() {
		if r := recover(); r != nil {
			g.report("View", r)
			v = ""
		}
	}()
	return g.m.View()
}

// cmd wraps c, and the commands of a batch it returns, with the guard.
func (g guardModel) cmd(c tea.Cmd) tea.Cmd {
	if c == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				g.report("command", r)
				msg = tea.QuitMsg{}
			}
		}()
		msg = c()
		if batch, ok := msg.(tea.BatchMsg); ok {
			wrapped := make(tea.BatchMsg, len(batch))
			for i, b := range batch {
				wrapped[i] = g.cmd(b)
			}
			return wrapped
		}
		return msg
	}
}
