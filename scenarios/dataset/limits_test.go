package dataset

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// The hostile files of issue 8, each of which crashed the loader or ate the
// machine's memory before the limits: every one must now give one line
// that names the file and what is wrong.

// openErr opens spec and returns its error message, failing the test if
// the open succeeds or the message is not one line containing every want.
func openErr(t *testing.T, spec string, want ...string) string {
	t.Helper()
	_, err := Open(t.Context(), spec, 1)
	if err == nil {
		t.Fatalf("Open(%q) succeeded, want an error containing %q", spec, want)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("message spans lines: %q", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q, want it to contain %q", msg, w)
		}
	}
	return msg
}

// gzipBomb returns one gzip member holding prefix then about zeros zero
// bytes, compressed about 1000:1 and built without compressing them all:
// after 64 KiB of zeros, the deflate blocks for the next MiB of zeros only
// refer back to zeros, so the same bytes encode every further MiB. The
// trailer's CRC and size are right, so it is a valid gzip file.
func gzipBomb(prefix []byte, zeros int64) []byte {
	const lead, chunk = 64 << 10, 1 << 20
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(prefix)
	zw.Write(make([]byte, lead))
	zw.Flush() // a sync flush: byte-aligned, the window kept
	a := b.Len()
	zw.Write(make([]byte, chunk))
	zw.Flush()
	seg := bytes.Clone(b.Bytes()[a:])
	out := b.Bytes()
	n := int64(lead + chunk)
	for n+chunk <= zeros {
		out = append(out, seg...)
		n += chunk
	}
	out = append(out, 1, 0, 0, 0xff, 0xff) // the final block: empty, stored
	z := make([]byte, chunk)
	crc := crc32.Update(crc32.ChecksumIEEE(prefix), crc32.IEEETable, z[:lead])
	for range (n - lead) / chunk {
		crc = crc32.Update(crc, crc32.IEEETable, z)
	}
	out = binary.LittleEndian.AppendUint32(out, crc)
	return binary.LittleEndian.AppendUint32(out, uint32(int64(len(prefix))+n))
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Before: the header's product of dimensions could overflow and match the
// file's size: 16 images of 2^30 x 2^30 pixels make 2^64 = 0 bytes, so an
// empty file opened as a set of 2^60 features and Test panicked.
func TestIDXDimsOverflow(t *testing.T) {
	tests := []struct {
		dims []int
		want string
	}{
		{[]int{16, 1 << 30, 1 << 30}, "images of 1073741824x1073741824 pixels, above the limit of 1048576 features"},
		{[]int{1 << 31, 1 << 16, 1 << 17}, "header promises 2147483648 images, above the limit of 16777216 examples"},
		{[]int{1, 1 << 16, 1 << 17}, "images of 65536x131072 pixels, above the limit of 1048576 features"},
		{[]int{1, 1<<32 - 1, 1<<32 - 1}, "images of 4294967295x4294967295 pixels"},
		{[]int{1 << 24, 1 << 10, 1 << 10}, "dimensions 16777216x1024x1024 make 17592186044416 values, above the limit of 268435456"},
		{[]int{2, 0, 28}, "images of 0x28 pixels hold nothing"},
	}
	for _, tt := range tests {
		dir := writeMNIST(t, 16, 16, false)
		for _, prefix := range []string{"train", "t10k"} {
			writeFile(t, filepath.Join(dir, prefix+"-images-idx3-ubyte"), idx(idxImages, tt.dims, nil), false)
		}
		openErr(t, "mnist:"+dir, "train-images-idx3-ubyte: "+tt.want)
	}
}

// Before: a header promising 2^31 images in a 100-byte file was believed
// up to the allocation. Now the promise is checked against the limits and
// against the bytes the file holds, plain or gzipped, before allocating.
func TestIDXPromisesMore(t *testing.T) {
	pad := make([]byte, 100-16)
	tests := []struct {
		name   string
		file   string
		data   []byte
		gz     bool
		want   string
		budget uint64 // bytes Open may allocate
	}{
		{"2^31 images", "train-images-idx3-ubyte", idx(idxImages, []int{1 << 31, 28, 28}, pad), false,
			"header promises 2147483648 images, above the limit of 16777216 examples", 1 << 20},
		{"2^31 labels", "train-labels-idx1-ubyte", idx(idxLabels, []int{1 << 31}, pad), false,
			"header promises 2147483648 labels", 1 << 20},
		{"256 MiB in 100 bytes", "train-images-idx3-ubyte", idx(idxImages, []int{1 << 24, 4, 4}, pad), false,
			"dimensions 16777216x4x4 need 268435456 data bytes, file has 84", 1 << 20},
		{"256 MiB in 100 gzipped bytes", "train-images-idx3-ubyte", idx(idxImages, []int{1 << 24, 4, 4}, pad), true,
			"need 268435456 data bytes, more than a", 1 << 20},
		// 1088 KiB of zeros gzip to about 1.1 KiB, and 1.12 MB is within
		// the 1032:1 bound of that, so the file is inflated (counted, not
		// kept) and found short.
		{"gzip shorter than it promises", "train-images-idx3-ubyte", gzipBomb(idx(idxImages, []int{70000, 4, 4}, nil), 1<<20), false,
			"dimensions 70000x4x4 need 1120000 data bytes, file has 1114112", 1 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeMNIST(t, 12, 2, false)
			os.Remove(filepath.Join(dir, tt.file))
			writeFile(t, filepath.Join(dir, tt.file), tt.data, tt.gz)
			got := allocated(func() { openErr(t, "mnist:"+dir, tt.file, tt.want) })
			t.Logf("Open allocated %d bytes", got)
			if got > tt.budget {
				t.Errorf("Open allocated %d bytes, want at most %d", got, tt.budget)
			}
		})
	}
}

// Before: a gzip member inflating to gigabytes was read whole into memory.
// Now reading stops one byte past what the header promises (IDX) or past
// the limit on values (CIFAR), and what was read is counted, not kept.
func TestGzipBomb(t *testing.T) {
	const bomb = 4 << 30 // inflated; the file is about 4 MiB
	pix, lab := fakeImages(12, 20)
	dir := writeMNIST(t, 12, 2, false)
	os.Remove(filepath.Join(dir, "train-images-idx3-ubyte"))
	images := gzipBomb(idx(idxImages, []int{12, 4, 5}, pix), bomb)
	writeFile(t, filepath.Join(dir, "train-images-idx3-ubyte.gz"), images, false)
	writeFile(t, filepath.Join(dir, "train-labels-idx1-ubyte"), idx(idxLabels, []int{12}, lab), false)
	got := allocated(func() {
		openErr(t, "mnist:"+dir, "train-images-idx3-ubyte.gz: truncated or padded: dimensions 12x4x5 need 240 data bytes, file has more")
	})
	t.Logf("IDX bomb: %d bytes inflating to %d; Open allocated %d bytes", len(images), bomb, got)
	if got > 1<<20 {
		t.Errorf("IDX bomb of %d bytes (%d gzipped): Open allocated %d bytes, want at most 1 MiB", bomb, len(images), got)
	}

	// Zeros are valid CIFAR records (label 0, black), so a CIFAR bomb is
	// counted up to the limit on values, 87381 records, then refused.
	cifar := t.TempDir()
	writeCIFAR(t, cifar, 2, 2)
	batch := gzipBomb(nil, bomb)
	writeFile(t, filepath.Join(cifar, "data_batch_2.bin"), batch, false)
	got = allocated(func() {
		openErr(t, "cifar10:"+cifar, "data_batch_2.bin: more than 87379 records: with the 2 images before it, above the limit of 268435456 values")
	})
	t.Logf("CIFAR bomb: %d bytes inflating to %d; Open allocated %d bytes", len(batch), bomb, got)
	if got > 1<<20 {
		t.Errorf("CIFAR bomb of %d bytes (%d gzipped): Open allocated %d bytes, want at most 1 MiB", bomb, len(batch), got)
	}
}

// Files over the limits by their size on disk are refused before reading:
// sparse files, so the test writes nothing.
func TestFileSizeLimits(t *testing.T) {
	sparse := func(t *testing.T, path string, size int64) {
		t.Helper()
		f, err := os.Create(path)
		if err == nil {
			err = f.Truncate(size)
			f.Close()
		}
		if err != nil {
			t.Skipf("cannot make a sparse file of %d bytes: %v", size, err)
		}
	}
	dir := writeMNIST(t, 12, 2, false)
	sparse(t, filepath.Join(dir, "t10k-images-idx3-ubyte"), MaxFileBytes+1)
	openErr(t, "mnist:"+dir, "t10k-images-idx3-ubyte: 2147483649 bytes, above the limit of 2147483648 (2 GiB)", "initscope reads at most")

	cifar := t.TempDir()
	writeCIFAR(t, cifar, 2, 2)
	sparse(t, filepath.Join(cifar, "data_batch_1.bin"), (MaxValues/cifarDim+1)*cifarRecord)
	openErr(t, "cifar10:"+cifar, "data_batch_1.bin: more than 87381 records: with the 0 images before it, above the limit of 268435456 values")

	path := filepath.Join(t.TempDir(), "big.csv")
	sparse(t, path, MaxFileBytes+1)
	openErr(t, "csv:"+path, "big.csv: 2147483649 bytes, above the limit")
}

// Before: os.ReadFile of a link to /dev/zero never returned.
func TestDeviceFiles(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	dir := writeMNIST(t, 12, 2, false)
	link := filepath.Join(dir, "train-labels-idx1-ubyte")
	os.Remove(link)
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Skip(err)
	}
	openErr(t, "mnist:"+dir, "train-labels-idx1-ubyte: not a regular file")
	// A CSV file may be a pipe, so it is read, and stopped by the line limit.
	openErr(t, "csv:/dev/zero", "/dev/zero line 1: longer than the limit of 16777216 bytes")
}

// Before: a label of 2147483647 made 2^31 classes and a slice of 2^31
// class names (32 GiB).
func TestCSVLimits(t *testing.T) {
	long := "0," + strings.Repeat("1,", MaxLineBytes/2) + "1\n"
	tests := []struct {
		name, text, want string
	}{
		{"label 2^31-1", "0,1\n1,2\n2147483647,3\n", "big.csv line 3: label 2147483647 is above the limit of 999 (at most 1000 classes)"},
		{"label 1000", "1000,1\n", "line 1: label 1000 is above the limit of 999"},
		{"label past int64", "99999999999999999999999,1\n", "line 1: label 99999999999999999999999 is above the limit of 999"},
		{"long line", "0,1\n" + long, "big.csv line 2: longer than the limit of 16777216 bytes"},
		{"many features", "0" + strings.Repeat(",", MaxDim+1) + "\n", "big.csv line 1: 1048577 features, above the limit of 1048576"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "big.csv")
			writeFile(t, path, []byte(tt.text), false)
			msg := openErr(t, "csv:"+path, tt.want)
			if !strings.Contains(msg, "initscope reads at most") {
				t.Errorf("error %q does not say what the limits are", msg)
			}
		})
	}
	// The largest label allowed gives the most classes allowed.
	path := filepath.Join(t.TempDir(), "ok.csv")
	writeFile(t, path, []byte("0,1\n999,2\n"), false)
	if src := mustOpen(t, "csv:"+path, 1); src.Classes() != MaxClasses {
		t.Errorf("classes %d, want %d", src.Classes(), MaxClasses)
	}
}

// The hint repeats the limits; it must say what the constants say.
func TestLimitHint(t *testing.T) {
	for _, n := range []int{MaxExamples, MaxDim, MaxValues, MaxClasses} {
		if !strings.Contains(limitHint, " "+strconv.Itoa(n)+" ") {
			t.Errorf("limitHint %q does not give %d", limitHint, n)
		}
	}
	if MaxFileBytes != 2<<30 || !strings.Contains(limitHint, "2 GiB") {
		t.Errorf("limitHint %q and MaxFileBytes %d disagree", limitHint, MaxFileBytes)
	}
}

// A CSV file stops being read soon after its context is done: here, a
// context cancelled before the first line, and a file of 12 checks' worth.
func TestCSVCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.csv")
	writeFile(t, path, []byte(strings.Repeat("1,0.5,0.25\n", 12*csvCheckEvery/11)), false)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := openCSV(ctx, "csv:"+path, path, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: error %v, want %v", err, context.Canceled)
	}
	if _, err := openCSV(t.Context(), "csv:"+path, path, 1); err != nil {
		t.Error(err)
	}
}
