# Shared by the benchmark scripts (sourced, not run): what to install and
# how to give OpenBLAS its best setting, written once.

py=/usr/bin/python3 # Debian's, with its python3-torch and python3-numpy; a python3 earlier on PATH may lack them

# Debian's multiarch directory: x86_64-linux-gnu, aarch64-linux-gnu. dpkg-architecture
# (dpkg-dev) knows it; without it, uname -m names the same CPU family.
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo "$(uname -m)-linux-gnu")
openblas_lib=/usr/lib/$multiarch/openblas-pthread/libblas.so.3

# install_missing SCRIPT PACKAGE... installs the Debian packages given (with
# sudo when not root), or says in one line what to install and exits when
# there is no apt-get.
install_missing() {
  local script=$1
  shift
  [ $# -gt 0 ] || return 0
  if ! command -v apt-get >/dev/null; then
    echo "$script: needs $* (Debian names) and there is no apt-get: install them, then run again" >&2
    exit 1
  fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "installing $*"
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# OpenBLAS 0.3.21 (Debian 12) does not know newer cores and falls back to a
# generic kernel: ~38 GFLOP/s on the project's Xeon, where OPENBLAS_CORETYPE
# SKYLAKEX or COOPERLAKE gives its AVX-512 kernel (~240); on arm64 the
# fallback for a core it does not know is ARMV8. openblas_cores lists the
# types worth trying on this CPU after "" (OpenBLAS's own choice); a type
# the CPU cannot run (SIGILL) or OpenBLAS does not know only measures lower.
openblas_cores() {
  case $(uname -m) in
    x86_64) echo "HASWELL SKYLAKEX COOPERLAKE SAPPHIRERAPIDS" ;;
    aarch64) echo "ARMV8 CORTEXA57 CORTEXA72 NEOVERSEN1 NEOVERSEV1 NEOVERSEN2" ;;
    *) echo "" ;;
  esac
}
