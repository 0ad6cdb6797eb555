#!/usr/bin/env bash
# Builds every Joule program to target/deploy/<name>.so with upstream Rust
# (the pinned nightly, target bpfel-unknown-none, build-std) and sbpf-linker.
#
#   scripts/build-sbf.sh [--arch v0|v3] [--out DIR] [--keys-only] [program ...]
#
# --arch (or SBPF_ARCH): v0 (default) = dynamic syscalls, accepted by every
# validator, solana-test-validator 3.x and the npm litesvm used by dApp test
# suites; v3 = static syscalls, for runtimes that accept SBPF v3.
# Where Anza's platform-tools exist, `cargo build-sbf` builds the same
# sources instead (see README).
#
# Into target/deploy (the default --out) it also lays out what anchor-cli
# reads, under the crates' lib names: joule_<name>-keypair.json (a copy of
# keys/localnet/<name>-keypair.json, so `anchor keys list` prints the real
# ids), joule_<name>.so (a copy of <name>.so), and target/idl/joule_<name>.json
# (a copy of target-idl/<name>.json). --keys-only writes just the keypairs,
# without building.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh

arch="${SBPF_ARCH:-v0}"
out="target/deploy"
keys_only=0
programs=()
while [ $# -gt 0 ]; do
  case "$1" in
    --arch) arch="$2"; shift 2 ;;
    --arch=*) arch="${1#--arch=}"; shift ;;
    --out) out="$2"; shift 2 ;;
    --keys-only) keys_only=1; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) programs+=("$1"); shift ;;
  esac
done
[ ${#programs[@]} -gt 0 ] || programs=(registry market certificates)

# Anchor's layout in target/deploy (see above). The keypairs come first and
# always replace what is there: `anchor keys list` run before this script
# creates random ones at these paths.
anchor_layout=0
[ "$(realpath -m "$out")" = "$(realpath -m target/deploy)" ] && anchor_layout=1
if [ "$anchor_layout" = 1 ] || [ "$keys_only" = 1 ]; then
  mkdir -p target/deploy
  for p in registry market certificates; do
    cp -f "keys/localnet/$p-keypair.json" "target/deploy/joule_$p-keypair.json"
  done
fi
[ "$keys_only" = 0 ] || exit 0

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
  # sbpf-linker would also write target/deploy/<lib name>.so for every
  # cdylib it links (a program built as another's dependency, without its
  # entrypoint, and --out builds too): this script lays out target/deploy.
  -C link-arg=--deploy=false
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

# Anchor's copies, for all three programs (a program built alone keeps the
# others' last builds).
if [ "$anchor_layout" = 1 ]; then
  mkdir -p target/idl
  for p in registry market certificates; do
    [ -f "$out/$p.so" ] && cp -f "$out/$p.so" "$out/joule_$p.so"
    cp -f "target-idl/$p.json" "target/idl/joule_$p.json"
  done
fi
