// Package deploy holds working examples for the engines people run
// initscope on, and the tests that check them (they parse as YAML with
// the right kinds and fields, the scripts pass bash -n, the engines'
// index variables reach --sweep's shards):
//
//	Containerfile                 the image: a static binary, non-root, the SSH host key on a volume
//	k8s/table1-job.yaml           the Table 1 sweep as a Kubernetes Indexed Job on a shared volume
//	k8s/table1-report-job.yaml    the Job that runs --report on that volume afterwards
//	k8s/ssh.yaml                  the SSH demo: Deployment, Service, the host key's volume
//	slurm/table1.sbatch           the Table 1 sweep as a Slurm job array on a shared file system
//	slurm/report.sbatch           --report after the array
//	systemd/initscope-ssh.service the SSH demo as a sandboxed systemd service
package deploy
