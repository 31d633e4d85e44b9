package sweep

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"initscope/scenarios/preset"
	"initscope/scenarios/sweeps"
)

// Names lists the built-in sweeps (scenarios/sweeps/*.toml), sorted.
func Names() []string {
	entries, err := fs.ReadDir(sweeps.Files, ".")
	if err != nil {
		panic("sweep: built-in sweeps missing from the binary: " + err.Error())
	}
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".toml"))
	}
	slices.Sort(names)
	return names
}

// Load resolves what the user passed to --sweep: a built-in sweep's name
// ("table1"), or the path of a sweep file (anything containing a slash or
// ending in .toml). The file is read up to preset.MaxFileBytes.
func Load(nameOrFile string) (*Sweep, error) {
	if !strings.ContainsRune(nameOrFile, os.PathSeparator) && !strings.HasSuffix(nameOrFile, ".toml") {
		data, err := sweeps.Files.ReadFile(nameOrFile + ".toml")
		if err != nil {
			return nil, fmt.Errorf("unknown sweep %q (built in: %s; or the path of a .toml file)", nameOrFile, strings.Join(Names(), ", "))
		}
		return Parse(path.Join("sweeps", nameOrFile+".toml"), data)
	}
	data, err := readBounded(nameOrFile, preset.MaxFileBytes)
	if err != nil {
		return nil, fmt.Errorf("sweep file: %v", err)
	}
	return Parse(nameOrFile, data)
}

// readBounded reads at most limit+1 bytes of file (Parse refuses what is
// over the limit), so a device or a huge file costs no more.
func readBounded(file string, limit int64) ([]byte, error) {
	if err := regular(file); err != nil {
		return nil, err
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes is over the limit of %d", file, st.Size(), limit)
	}
	return io.ReadAll(io.LimitReader(f, limit+1))
}

// regular refuses a path that is not a regular file before it is opened:
// opening a FIFO for reading would wait for a writer forever, and a device
// never ends.
func regular(file string) error {
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file (%s)", file, st.Mode().Type())
	}
	return nil
}
