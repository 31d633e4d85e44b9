package dataset

// Stream tags: each use of a seed gets its own tag, so the train, test and
// probe streams of one seed are unrelated.
const (
	trainTag uint64 = 1 + iota
	testTag
	probeTag
)

// derive mixes a seed with a tag (splitmix64's finaliser), so that nearby
// seeds and tags give unrelated results.
func derive(seed, tag uint64) uint64 {
	z := seed + tag*0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
