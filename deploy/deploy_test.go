package deploy

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"initscope/scenarios/sweep"
)

// docs parses a multi-document YAML file into generic maps.
func docs(t *testing.T, file string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []map[string]any
	for {
		var m map[string]any
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if m != nil {
			out = append(out, m)
		}
	}
	return out
}

// get walks a path of map keys and list indices ("spec.template.spec.containers.0.args").
func get(t *testing.T, v any, path string) any {
	t.Helper()
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				t.Fatalf("no %q (in %s)", k, path)
			}
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i >= len(x) {
				t.Fatalf("no item %q (in %s)", k, path)
			}
			v = x[i]
		default:
			t.Fatalf("%s: %q is not under a map or a list", path, k)
		}
	}
	return v
}

func str(t *testing.T, v any, path string) string {
	t.Helper()
	s, ok := get(t, v, path).(string)
	if !ok {
		t.Fatalf("%s is %T, not a string", path, get(t, v, path))
	}
	return s
}

func strs(t *testing.T, v any, path string) []string {
	t.Helper()
	var out []string
	for _, x := range get(t, v, path).([]any) {
		out = append(out, x.(string))
	}
	return out
}

func kind(t *testing.T, ds []map[string]any, api, k string) map[string]any {
	t.Helper()
	for _, d := range ds {
		if d["apiVersion"] == api && d["kind"] == k {
			return d
		}
	}
	t.Fatalf("no %s %s", api, k)
	return nil
}

// flagValue is the value after flag in args.
func flagValue(args []string, flag string) string {
	i := slices.Index(args, flag)
	if i < 0 || i+1 >= len(args) {
		return ""
	}
	return args[i+1]
}

// The Indexed Job runs the table1 sweep on a shared volume; each pod's
// JOB_COMPLETION_INDEX with the manifest's INITSCOPE_SHARDS is a shard, and
// the shards of all its indices cover every run once.
func TestTable1Job(t *testing.T) {
	ds := docs(t, "k8s/table1-job.yaml")
	pvc := kind(t, ds, "v1", "PersistentVolumeClaim")
	if modes := strs(t, pvc, "spec.accessModes"); !slices.Contains(modes, "ReadWriteMany") {
		t.Errorf("the results volume is %v; every pod writes into it at once: ReadWriteMany", modes)
	}
	job := kind(t, ds, "batch/v1", "Job")
	if str(t, job, "spec.completionMode") != "Indexed" {
		t.Error("completionMode is not Indexed")
	}
	completions := get(t, job, "spec.completions").(int)
	pod := get(t, job, "spec.template.spec")
	if str(t, pod, "restartPolicy") != "Never" { // podFailurePolicy needs it
		t.Error("restartPolicy is not Never")
	}
	if get(t, job, "spec.podFailurePolicy.rules.0.onPodConditions.0.type") != "DisruptionTarget" {
		t.Error("a preempted pod counts against the retries")
	}
	c := get(t, pod, "containers.0")
	args := strs(t, c, "args")
	if !slices.Contains(args, "--batch") || flagValue(args, "--sweep") != "table1" {
		t.Errorf("args %v do not run the table1 sweep", args)
	}
	out := flagValue(args, "--out-dir")
	mount := str(t, c, "volumeMounts.0.mountPath")
	if !strings.HasPrefix(out, mount+"/") || str(t, pod, "volumes.0.persistentVolumeClaim.claimName") != str(t, pvc, "metadata.name") ||
		str(t, c, "volumeMounts.0.name") != str(t, pod, "volumes.0.name") {
		t.Errorf("--out-dir %s is not on the shared volume mounted at %s", out, mount)
	}
	shards := ""
	for _, e := range get(t, c, "env").([]any) {
		if str(t, e, "name") == sweep.EnvShards {
			shards = str(t, e, "value")
		}
	}
	if shards != strconv.Itoa(completions) {
		t.Fatalf("%s is %q, completions %d: they must be equal", sweep.EnvShards, shards, completions)
	}
	if get(t, pod, "securityContext.runAsNonRoot") != true {
		t.Error("not runAsNonRoot")
	}
	plan, err := sweep.Load(flagValue(args, "--sweep"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]int{}
	for k := range completions {
		env := map[string]string{sweep.EnvK8sIndex: strconv.Itoa(k), sweep.EnvShards: shards}
		sh, _, ok, err := sweep.ShardFromEnv(func(n string) string { return env[n] })
		if err != nil || !ok || sh.K != k {
			t.Fatalf("index %d: %v %v %v", k, sh, ok, err)
		}
		for _, r := range sh.Select(plan.Runs()) {
			seen[r.Index]++
		}
	}
	if len(seen) != len(plan.Runs()) {
		t.Errorf("the pods cover %d of %d runs", len(seen), len(plan.Runs()))
	}
	for i, n := range seen {
		if n != 1 {
			t.Errorf("run %d is in %d pods' shards", i, n)
		}
	}

	rep := kind(t, docs(t, "k8s/table1-report-job.yaml"), "batch/v1", "Job")
	rc := get(t, rep, "spec.template.spec.containers.0")
	if got := flagValue(strs(t, rc, "args"), "--report"); got != out {
		t.Errorf("the report reads %s, the sweep writes %s", got, out)
	}
	if str(t, rep, "spec.template.spec.volumes.0.persistentVolumeClaim.claimName") != str(t, pvc, "metadata.name") ||
		str(t, rc, "volumeMounts.0.mountPath") != mount {
		t.Error("the report Job does not mount the results volume where the sweep wrote")
	}
}

// The SSH demo: a Deployment whose pods the Service selects, on the port
// the server listens on, with the host key on a volume; non-root.
func TestSSHDeployment(t *testing.T) {
	ds := docs(t, "k8s/ssh.yaml")
	dep := kind(t, ds, "apps/v1", "Deployment")
	svc := kind(t, ds, "v1", "Service")
	pvc := kind(t, ds, "v1", "PersistentVolumeClaim")
	labels := get(t, dep, "spec.template.metadata.labels").(map[string]any)
	for k, v := range get(t, dep, "spec.selector.matchLabels").(map[string]any) {
		if labels[k] != v {
			t.Errorf("the Deployment's selector %s=%v does not match its pods", k, v)
		}
	}
	for k, v := range get(t, svc, "spec.selector").(map[string]any) {
		if labels[k] != v {
			t.Errorf("the Service's selector %s=%v does not match the pods", k, v)
		}
	}
	c := get(t, dep, "spec.template.spec.containers.0")
	args := strs(t, c, "args")
	_, port, _ := strings.Cut(flagValue(args, "--listen"), ":")
	if !slices.Contains(args, "--serve") || strconv.Itoa(get(t, c, "ports.0.containerPort").(int)) != port {
		t.Errorf("args %v: the container port is not the --listen port", args)
	}
	if str(t, svc, "spec.ports.0.targetPort") != str(t, c, "ports.0.name") {
		t.Error("the Service does not target the container's port")
	}
	key, mount := flagValue(args, "--host-key"), str(t, c, "volumeMounts.0.mountPath")
	if !strings.HasPrefix(key, mount+"/") || str(t, dep, "spec.template.spec.volumes.0.persistentVolumeClaim.claimName") != str(t, pvc, "metadata.name") {
		t.Errorf("the host key %s is not on the volume at %s", key, mount)
	}
	if get(t, dep, "spec.template.spec.securityContext.runAsNonRoot") != true || get(t, dep, "spec.replicas") != 1 ||
		str(t, dep, "spec.strategy.type") != "Recreate" {
		t.Error("want non-root, one replica, Recreate (the key's volume is ReadWriteOnce)")
	}
}

// The image: a static binary on a non-root base, the host key on a volume.
func TestContainerfile(t *testing.T) {
	data, err := os.ReadFile("Containerfile")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, want := range []string{"CGO_ENABLED=0 go build", "USER 65532:65532", `VOLUME ["/data"]`, `"--host-key", "/data/`, "ENTRYPOINT [\"/initscope\"]"} {
		if !strings.Contains(s, want) {
			t.Errorf("Containerfile lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`(?m)^FROM golang:(\S+)`).FindStringSubmatch(s); m == nil || !goModAllows(t, m[1]) {
		t.Errorf("the build stage's Go (%v) is older than go.mod's", m)
	}
}

// goModAllows reports whether Go version v (1.26) is at least go.mod's
// language version's minor release.
func goModAllows(t *testing.T, v string) bool {
	data, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(data)
	return m != nil && strings.HasPrefix(v, string(m[1]))
}

// The Slurm scripts pass bash -n; the array is contiguous, and its tasks'
// variables give shards covering every run once.
func TestSlurm(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("bash is needed (install bash)")
		}
		t.Skip("needs bash (install bash)")
	}
	files, _ := filepath.Glob("slurm/*.sbatch")
	if len(files) < 2 {
		t.Fatalf("sbatch scripts: %v", files)
	}
	for _, f := range files {
		if out, err := exec.Command(bash, "-n", f).CombinedOutput(); err != nil {
			t.Errorf("bash -n %s: %v\n%s", f, err, out)
		}
	}
	data, _ := os.ReadFile("slurm/table1.sbatch")
	m := regexp.MustCompile(`(?m)^#SBATCH --array=(\d+)-(\d+)$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("no contiguous #SBATCH --array=MIN-MAX")
	}
	lo, _ := strconv.Atoi(string(m[1]))
	hi, _ := strconv.Atoi(string(m[2]))
	if !bytes.Contains(data, []byte("--batch --sweep table1 --out-dir")) {
		t.Error("the script does not run the table1 sweep")
	}
	plan, err := sweep.Load("table1")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]int{}
	for id := lo; id <= hi; id++ {
		env := map[string]string{sweep.EnvSlurmID: strconv.Itoa(id), sweep.EnvSlurmMin: strconv.Itoa(lo), sweep.EnvSlurmCount: strconv.Itoa(hi - lo + 1)}
		sh, _, _, err := sweep.ShardFromEnv(func(n string) string { return env[n] })
		if err != nil {
			t.Fatalf("task %d: %v", id, err)
		}
		for _, r := range sh.Select(plan.Runs()) {
			seen[r.Index]++
		}
	}
	if len(seen) != len(plan.Runs()) {
		t.Errorf("the array covers %d of %d runs", len(seen), len(plan.Runs()))
	}
	for i, n := range seen {
		if n != 1 {
			t.Errorf("run %d is in %d tasks' shards", i, n)
		}
	}
	rep, _ := os.ReadFile("slurm/report.sbatch")
	if !bytes.Contains(rep, []byte(`--report "$OUT"`)) {
		t.Error("report.sbatch does not report $OUT")
	}
}

// The systemd unit: the sandboxing options are set, the host key is in
// the service's state directory. (systemd-analyze verify passes on it with
// the binary installed; not run here: it needs the binary at its path.)
func TestSystemdUnit(t *testing.T) {
	data, err := os.ReadFile("systemd/initscope-ssh.service")
	if err != nil {
		t.Fatal(err)
	}
	set := map[string][]string{}
	section := ""
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "[") {
			section = strings.Trim(l, "[]")
			continue
		}
		if k, v, ok := strings.Cut(l, "="); ok && !strings.HasPrefix(l, "#") {
			set[section+"."+k] = append(set[section+"."+k], v)
		}
	}
	for k, want := range map[string]string{
		"Service.DynamicUser": "yes", "Service.NoNewPrivileges": "yes", "Service.ProtectSystem": "strict",
		"Service.ProtectHome": "yes", "Service.PrivateTmp": "yes", "Service.PrivateDevices": "yes",
		"Service.CapabilityBoundingSet": "", "Service.StateDirectory": "initscope",
		"Service.RestrictAddressFamilies": "AF_INET AF_INET6", "Service.MemoryDenyWriteExecute": "yes",
		"Service.SystemCallFilter": "@system-service", "Install.WantedBy": "multi-user.target",
	} {
		if v, ok := set[k]; !ok || v[0] != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}
	exec := strings.Fields(set["Service.ExecStart"][0])
	if !slices.Contains(exec, "--serve") || !strings.HasPrefix(flagValue(exec, "--host-key"), "/var/lib/initscope/") {
		t.Errorf("ExecStart %v: want --serve with the host key in /var/lib/initscope (StateDirectory)", exec)
	}
}
