package scenarios

import "strconv"

// Thousands writes n with thousands separators: 1234567 -> "1,234,567".
// Every count a person reads (steps, examples, updates) is written by it.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	digits := len(s)
	if n < 0 {
		digits-- // the sign is not a digit
	}
	b := make([]byte, 0, len(s)+digits/3)
	for i := range len(s) {
		if left := len(s) - i; i > len(s)-digits && left%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	return string(b)
}
