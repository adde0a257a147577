#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian bookworm machine with Node 20: installs what the project
# needs from the system (only what is missing), then the npm dependencies. As root it uses
# apt-get; otherwise it prints the one command to run and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

# command to check -> Debian package that provides it
declare -A need=(
  [nats-server]=nats-server
  [clang-19]=clang-19
  [wasm-ld-19]=lld-19
  [wasm-opt]=binaryen
  [wasm-objdump]=wabt
  [mpicc]=libopenmpi-dev
  [mpirun]=openmpi-bin
)
missing=()
for cmd in "${!need[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${need[$cmd]}")
done
# Files rather than commands: the wasm32 compiler runtime, wasi-libc and libomp for native OpenMP.
[[ -n "$(ls /usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a 2>/dev/null)" ]] || missing+=(libclang-rt-19-dev-wasm32)
[[ -f /usr/include/wasm32-wasi/stdio.h ]] || missing+=(wasi-libc)
[[ -f /usr/lib/llvm-19/lib/libomp.so ]] || missing+=(libomp-19-dev)
# libc++ for wasm32: `granny cc` builds C++ MPI programs with it.
[[ -f /usr/lib/wasm32-wasi/libc++.a ]] || missing+=(libc++-19-dev-wasm32)
[[ -f /usr/lib/wasm32-wasi/libc++abi.a ]] || missing+=(libc++abi-19-dev-wasm32)

if ((${#missing[@]})); then
  # de-duplicate
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages. Run, as root:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# npm dependencies: install when absent or when the lockfile changed since the last install.
stamp=node_modules/.granny-lock-stamp
if [[ ! -f $stamp ]] || ! cmp -s package-lock.json "$stamp"; then
  echo "setup: installing npm dependencies" >&2
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
