package sweep

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard is one of N parts of a sweep: the runs whose index mod N is K.
type Shard struct{ K, N int }

// All is the whole sweep as one shard.
var All = Shard{0, 1}

// MaxShards bounds N: more shards than runs would leave some empty, and
// a sweep has at most MaxRuns runs.
const MaxShards = MaxRuns

// Has reports whether run index i is in the shard.
func (s Shard) Has(i int) bool { return i%s.N == s.K }

// String writes the shard as --shard takes it: "2/8".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.K, s.N) }

// Select returns the runs of the shard, in index order.
func (s Shard) Select(runs []Run) []Run {
	var out []Run
	for _, r := range runs {
		if s.Has(r.Index) {
			out = append(out, r)
		}
	}
	return out
}

// ParseShard reads "K/N": N from 1 to MaxShards, K from 0 to N-1.
func ParseShard(v string) (Shard, error) {
	ks, ns, ok := strings.Cut(strings.TrimSpace(v), "/")
	if !ok {
		return Shard{}, fmt.Errorf("--shard %q is not K/N (e.g. 0/4: the first of 4 shards, K counting from 0)", v)
	}
	return newShard("--shard "+v, ks, ns)
}

func newShard(what, ks, ns string) (Shard, error) {
	n, err := strconv.Atoi(strings.TrimSpace(ns))
	if err != nil || n < 1 || n > MaxShards {
		return Shard{}, fmt.Errorf("%s: the shard count %q must be a whole number from 1 to %d", what, ns, MaxShards)
	}
	k, err := strconv.Atoi(strings.TrimSpace(ks))
	if err != nil || k < 0 || k >= n {
		return Shard{}, fmt.Errorf("%s: the shard index %q must be a whole number from 0 to %d (K counts from 0 to N-1)", what, ks, n-1)
	}
	return Shard{k, n}, nil
}

// Environment variables the cluster engines set, read by ShardFromEnv.
const (
	// EnvK8sIndex is set by Kubernetes in each pod of an Indexed Job
	// (completionMode: Indexed), from 0 to completions-1.
	EnvK8sIndex = "JOB_COMPLETION_INDEX"
	// EnvShards is the shard count for a Kubernetes Indexed Job, which
	// tells a pod its index but not the count: set it in the manifest to
	// the Job's completions (deploy/k8s/table1-job.yaml does).
	EnvShards = "INITSCOPE_SHARDS"
	// EnvSlurmID, EnvSlurmCount and EnvSlurmMin are set by Slurm in each
	// task of a job array (sbatch --array=MIN-MAX). The shard index is
	// ID - MIN, so an array 1-8 is shards 0..7 of 8; an array with a step
	// or gaps (--array=0-9:2, --array=1,5,7) is refused, because its IDs
	// minus MIN do not count 0..N-1.
	EnvSlurmID    = "SLURM_ARRAY_TASK_ID"
	EnvSlurmCount = "SLURM_ARRAY_TASK_COUNT"
	EnvSlurmMin   = "SLURM_ARRAY_TASK_MIN"
)

// ShardFromEnv returns the shard the engine running this process set:
// a Kubernetes Indexed Job's JOB_COMPLETION_INDEX with INITSCOPE_SHARDS,
// else a Slurm array task's SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN
// of SLURM_ARRAY_TASK_COUNT; ok is false when neither is set. getenv is
// os.Getenv (tests pass their own).
func ShardFromEnv(getenv func(string) string) (s Shard, source string, ok bool, err error) {
	if k := getenv(EnvK8sIndex); k != "" {
		n := getenv(EnvShards)
		if n == "" {
			return Shard{}, EnvK8sIndex, true, fmt.Errorf("%s is %s but %s is not set: set it to the Job's completions in the manifest (the shard count), or pass --shard K/N", EnvK8sIndex, k, EnvShards)
		}
		s, err := newShard(EnvK8sIndex+"="+k+" of "+EnvShards+"="+n, k, n)
		return s, EnvK8sIndex, true, err
	}
	if id := getenv(EnvSlurmID); id != "" {
		n, lo := getenv(EnvSlurmCount), getenv(EnvSlurmMin)
		if n == "" {
			return Shard{}, EnvSlurmID, true, fmt.Errorf("%s is %s but %s is not set (Slurm 18.08 or later sets it; else pass --shard K/N)", EnvSlurmID, id, EnvSlurmCount)
		}
		what := EnvSlurmID + "=" + id + " of " + EnvSlurmCount + "=" + n
		i, err := strconv.Atoi(strings.TrimSpace(id))
		if err != nil || i < 0 {
			return Shard{}, EnvSlurmID, true, fmt.Errorf("%s: the task ID is not a whole number", what)
		}
		m := 0
		if lo != "" {
			what += " from " + EnvSlurmMin + "=" + lo
			if m, err = strconv.Atoi(strings.TrimSpace(lo)); err != nil || m < 0 || m > i {
				return Shard{}, EnvSlurmID, true, fmt.Errorf("%s: %s is not a whole number at most the task ID", what, EnvSlurmMin)
			}
		}
		s, err := newShard(what+" (use a contiguous --array=0-N-1 or MIN-MAX, no step)", strconv.Itoa(i-m), n)
		return s, EnvSlurmID, true, err
	}
	return All, "", false, nil
}
