#!/usr/bin/env bash
# The macOS job (best effort): configure, build and run the unit tests of the
# portable parts (libvmm without the Linux user-mode layer, which CMake leaves
# out on other hosts, and the benchmark harness) with Homebrew's libraries.
#
# The riscv64 cross compilers and qemu-riscv64 that the guest programs, the
# built-in default guest and the differential tests need are Debian's and do
# not exist on macOS: configure gets a stand-in that fails if anything calls
# it, and only the unit test executables are built (not vm, not the guests).
# Unit tests of the Linux-only layer (label linux) are left out.
#
# Usage: scripts/ci/macos.sh [--no-install] [--build-dir DIR]
#   --no-install     do not run `brew install` (the libraries are there)
#   --build-dir DIR  build tree (default build/macos)
# Also runs on Linux (with --no-install) to check the script itself.
# Written for the bash 3.2 of macOS.
#
# Exit status: 0 the unit tests passed; non-zero otherwise.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
install=yes
build_dir=build/macos
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --no-install) install=no; shift ;;
    --build-dir) [ $# -ge 2 ] || { echo "macos: --build-dir needs a directory" >&2; exit 2; }; build_dir=$2; shift 2 ;;
    *) echo "macos: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
cd "$root"
case $build_dir in /*) ;; *) build_dir=$root/$build_dir ;; esac
jobs=${CI_JOBS:-$(sysctl -n hw.ncpu 2>/dev/null || nproc 2>/dev/null || echo 2)}

prefix_args=""
if [ "$install" = yes ]; then
  command -v brew >/dev/null 2>&1 || { echo "macos: Homebrew (brew) not found" >&2; exit 2; }
  export HOMEBREW_NO_AUTO_UPDATE=1 HOMEBREW_NO_INSTALL_CLEANUP=1
  brew install cmake ninja fmt spdlog cli11 nlohmann-json googletest tomlplusplus
fi
if command -v brew >/dev/null 2>&1; then prefix_args="-DCMAKE_PREFIX_PATH=$(brew --prefix)"; fi

mkdir -p "$build_dir"
stand_in=$build_dir/unavailable-on-this-host
cat >"$stand_in" <<'STANDIN'
#!/bin/sh
echo "$0: the riscv64 cross tools and qemu-riscv64 are Debian's; not available on this host" >&2
exit 1
STANDIN
chmod +x "$stand_in"

# shellcheck disable=SC2086 # prefix_args is empty or one word
cmake -S "$root" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DVMM_BUILD_BENCHES=OFF \
  -DRISCV64_LINUX_GCC="$stand_in" -DRISCV64_ELF_GCC="$stand_in" -DQEMU_RISCV64="$stand_in" \
  $prefix_args

# unit_<subsystem>_<name>_test executables, but those of the Linux-only layer.
targets=$(ninja -C "$build_dir" -t targets all | sed -n 's/^\(unit_[A-Za-z0-9_]*\): .*/\1/p' |
  grep -v '^unit_linux_' | sort -u)
[ -n "$targets" ] || { echo "macos: no unit test target found" >&2; exit 1; }
echo "macos: building $(echo "$targets" | wc -l | tr -d ' ') unit test executables" >&2
# shellcheck disable=SC2086 # one target per word
cmake --build "$build_dir" --parallel "$jobs" --target $targets

ctest --test-dir "$build_dir" -L unit -LE '^linux$' --output-on-failure --parallel "$jobs" \
  --output-junit "$build_dir/junit.xml"
