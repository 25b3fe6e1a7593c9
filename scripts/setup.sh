#!/usr/bin/env bash
# Installs every Debian package vm needs to build, test and benchmark, plus the
# test oracles (riscv64 cross toolchains and qemu-user). Idempotent: installs only
# what is missing, so a second run does nothing and needs no network.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ clang clang-format clang-tidy pkg-config
  # libraries
  libfmt-dev libspdlog-dev libcli11-dev nlohmann-json3-dev libgtest-dev libgmock-dev
  libbenchmark-dev libasmjit-dev libtomlplusplus-dev
  # test oracles and guest toolchains
  gcc-riscv64-linux-gnu libc6-dev-riscv64-cross gcc-riscv64-unknown-elf
  binutils-riscv64-unknown-elf qemu-user
  # measurement
  valgrind python3 bc shellcheck chromium
)

# Node.js and npm: the workflow validator of the ctest test workflows.validate
# (scripts/install_node_tools.sh). A machine that has them from elsewhere keeps
# them: NodeSource's nodejs bundles npm and conflicts with Debian's npm package.
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
