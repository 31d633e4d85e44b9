package serve

import (
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// FuzzRequestFilter feeds one session channel's worth of requests of any
// type and payload through the filter: it must never panic, pass on a
// pty-req whose size is inside the clamp, keep the terminal size inside it,
// and pass on at most maxEnvVars env requests of at most maxEnvBytes.
func FuzzRequestFilter(f *testing.F) {
	pty := func(cols, rows uint32) []byte {
		return gossh.Marshal(ptyRequest{Term: "xterm", Cols: cols, Rows: rows})
	}
	win := func(cols, rows uint32) []byte { return gossh.Marshal(struct{ C, R, W, H uint32 }{cols, rows, 0, 0}) }
	env := gossh.Marshal(struct{ K, V string }{"LANG", "C"})
	f.Add("pty-req", pty(4294967295, 4294967295), "window-change", win(50_000_000, 50_000_000), uint8(3))
	f.Add("pty-req", pty(0, 0), "window-change", win(0, 0), uint8(1))
	f.Add("env", env, "env", env, uint8(200))
	f.Add("pty-req", []byte{0, 0, 0, 9, 'x'}, "window-change", []byte{1, 2}, uint8(2))
	f.Add("auth-agent-req@openssh.com", []byte(nil), "x11-req", []byte("junk"), uint8(5))
	f.Add("shell", []byte(nil), "pty-req", pty(80, 24), uint8(1))
	f.Fuzz(func(t *testing.T, kind1 string, p1 []byte, kind2 string, p2 []byte, repeat uint8) {
		var rf requestFilter
		box := newWindowBox()
		envN, envBytes := 0, 0
		for i := range int(repeat) + 1 {
			kind, payload := kind1, p1
			if i%2 == 1 {
				kind, payload = kind2, p2
			}
			req := &gossh.Request{Type: kind, Payload: append([]byte(nil), payload...)}
			fwd := rf.filter(box, req)
			if fwd == nil {
				continue
			}
			switch fwd.Type {
			case "pty-req":
				var p ptyRequest
				if err := gossh.Unmarshal(fwd.Payload, &p); err != nil {
					t.Fatalf("forwarded pty-req does not parse: %v", err)
				}
				if p.Cols < minCols || p.Cols > maxCols || p.Rows < minRows || p.Rows > maxRows {
					t.Fatalf("forwarded pty-req of %dx%d", p.Cols, p.Rows)
				}
			case "env":
				var kv struct{ Key, Value string }
				if err := gossh.Unmarshal(fwd.Payload, &kv); err != nil {
					t.Fatalf("forwarded env does not parse: %v", err)
				}
				envN++
				envBytes += len(kv.Key) + len(kv.Value)
			case "shell", "exec", "subsystem":
			default:
				t.Fatalf("forwarded a %q request", fwd.Type)
			}
		}
		if envN > maxEnvVars || envBytes > maxEnvBytes {
			t.Fatalf("forwarded %d env requests of %d bytes", envN, envBytes)
		}
		if w := box.current(); w.Width > maxCols || w.Height > maxRows || (rf.pty && (w.Width < minCols || w.Height < minRows)) {
			t.Fatalf("terminal size %dx%d", w.Width, w.Height)
		}
	})
}
