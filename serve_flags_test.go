package main

import (
	"testing"
)

// Every bad serve flag: one line naming the flag and its range, exit 2.
func TestBadServeFlags(t *testing.T) {
	cases := []usageCase{
		{[]string{"--serve", "--rate", "NaN"}, "--rate NaN out of range (above 0"},
		{[]string{"--serve", "--rate", "Inf"}, "--rate +Inf out of range"},
		{[]string{"--serve", "--rate", "-1"}, "--rate -1 out of range"},
		{[]string{"--serve", "--rate", "0"}, "--rate 0 out of range"},
		{[]string{"--serve", "--rate", "1e300"}, "--rate 1e+300 out of range"},
		{[]string{"--serve", "--rate-burst", "0"}, "--rate-burst 0 out of range (1..10000)"},
		{[]string{"--serve", "--rate-burst", "-5"}, "--rate-burst -5 out of range"},
		{[]string{"--serve", "--max-sessions", "0"}, "--max-sessions 0 out of range (1..10000)"},
		{[]string{"--serve", "--idle-timeout", "0s"}, "--idle-timeout 0s out of range (1s..168h0m0s"},
		{[]string{"--serve", "--idle-timeout", "-5m"}, "--idle-timeout -5m0s out of range"},
		{[]string{"--serve", "--idle-timeout", "1ns"}, "--idle-timeout 1ns out of range"},
		{[]string{"--serve", "--max-session", "2000000h"}, "--max-session 2000000h0m0s out of range"},
		{[]string{"--serve", "--max-session", "soon"}, `invalid value "soon" for flag -max-session`},
		{[]string{"--serve", "--cap-width", "0"}, "--cap-width 0 out of range (1..4096)"},
		{[]string{"--serve", "--cap-depth", "21"}, "--cap-depth 21 out of range (1..20)"},
		{[]string{"--serve", "--cap-steps", "0"}, "--cap-steps 0 out of range"},
		{[]string{"--serve", "--cap-steps", "9223372036854775807"}, "--cap-steps 9223372036854775807 out of range"},
		{[]string{"--serve", "--workers", "0"}, "--workers 0 out of range (1..64)"},
		{[]string{"--serve", "--workers", "65"}, "--workers 65 out of range (1..64)"},
		{[]string{"--serve", "--threads", "65"}, "threads 65 out of range (0..64)"},
		{[]string{"--serve", "--host-key", ""}, "--host-key is empty"},
		{[]string{"--serve", "--listen", "localhost"}, `--listen "localhost": missing port in address`},
		{[]string{"--serve", "--listen", "127.0.0.1:65536"}, `port "65536" is not a number in 0..65535`},
		{[]string{"--serve", "--listen", "127.0.0.1:-1"}, `port "-1" is not a number`},
		{[]string{"--serve", "--listen", "127.0.0.1:ssh"}, `port "ssh" is not a number`},
		{[]string{"--serve", "--listen", "127.0.0.1:"}, `port "" is not a number`},
		{[]string{"--serve", "--listen", "::1:22"}, `--listen "::1:22": too many colons in address`},
		{[]string{"--serve", "--listen", "[::1]:22\n--rate 0"}, "--listen"},
	}
	wantUsageLines(t, cases)
}

func TestGoodServeFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--serve", "--listen", ":2222"},
		{"--serve", "--listen", "[::1]:0"},
		{"--serve", "--listen", "example.org:22", "--rate", "0.5", "--idle-timeout", "1s", "--max-session", "168h"},
	} {
		if _, err := Parse(args, nil); err != nil {
			t.Errorf("%q: %v, want accepted", args, err)
		}
	}
}
