#!/usr/bin/env bash
# Builds every Joule program to target/deploy/<name>.so with upstream Rust
# (the pinned nightly, target bpfel-unknown-none, build-std) and sbpf-linker.
#
#   scripts/build-sbf.sh [--arch v0|v3] [--out DIR] [program ...]
#
# --arch (or SBPF_ARCH): v0 (default) = dynamic syscalls, accepted by every
# validator, solana-test-validator 3.x and the npm litesvm used by dApp test
# suites; v3 = static syscalls, for runtimes that accept SBPF v3.
# Where Anza's platform-tools exist, `cargo build-sbf` builds the same
# sources instead (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh

arch="${SBPF_ARCH:-v0}"
out="target/deploy"
programs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch="$2"; shift 2 ;;
    --arch=*) arch="${1#--arch=}"; shift ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) programs+=("$1"); shift ;;
  esac
done
[ ${#programs[@]} -gt 0 ] || programs=(registry market certificates)

ensure_all
linker="$(command -v sbpf-linker)"

flags=(
  -C "linker=$linker" -C panic=abort -C relocation-model=static
  -C target-feature=+allows-misaligned-mem-access
  -C link-arg=--llvm-args=--bpf-stack-size=4096
  -C link-arg=--llvm-args=--bpf-max-stores-per-memfunc=5
  -C link-arg=--llvm-args=--disable-gotox
  -C link-arg=--llvm-args=--disable-ldsx
  -C link-arg=--llvm-args=--disable-movsx
)
features=()
case "$arch" in
  v0) flags+=(-C target-cpu=v2 -C link-arg=--arch=v0) ;;
  v3) flags+=(-C target-cpu=v4); features=(--features sbpf-v3) ;;
  *) echo "unknown --arch '$arch' (v0 or v3)" >&2; exit 2 ;;
esac
export CARGO_TARGET_BPFEL_UNKNOWN_NONE_RUSTFLAGS="${flags[*]}"

mkdir -p "$out"
for p in "${programs[@]}"; do
  joule_log "building $p (SBPF $arch)"
  # One program per cargo invocation: a program that depends on another as a
  # library (with `no-entrypoint`) must not switch that feature on for the
  # other's own build.
  cargo "+$JOULE_TOOLCHAIN" build --release --quiet \
    --target bpfel-unknown-none -Z build-std=core,alloc \
    -p "joule-$p" "${features[@]}"
  cp "target/bpfel-unknown-none/release/libjoule_$p.so" "$out/$p.so"
  printf '    %s/%s.so  %s bytes\n' "$out" "$p" "$(stat -c %s "$out/$p.so")" >&2
done
echo "$arch" > "$out/.sbpf-arch"
