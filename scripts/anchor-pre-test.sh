#!/usr/bin/env bash
# Anchor.toml's pre-test hook: `anchor test` runs it before its test script.
# Fails with what to run when the workspace is not ready for the TypeScript
# suite: the SBPF v0 programs and the program keypairs in Anchor's layout
# (scripts/build-sbf.sh writes both) and the npm packages (npm ci --prefix ts).
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "anchor test: $*" >&2; exit 1; }

for p in registry market certificates; do
  [ -f "target/deploy/joule_$p.so" ] \
    || fail "target/deploy/joule_$p.so is missing: run scripts/build-sbf.sh first (\`anchor build\` cannot build these pinocchio programs)"
  cmp -s "target/deploy/$p.so" "target/deploy/joule_$p.so" \
    || fail "target/deploy/joule_$p.so is not the last build (target/deploy/$p.so): run scripts/build-sbf.sh"
  cmp -s "keys/localnet/$p-keypair.json" "target/deploy/joule_$p-keypair.json" \
    || fail "target/deploy/joule_$p-keypair.json is not keys/localnet/$p-keypair.json: run scripts/build-sbf.sh (or scripts/build-sbf.sh --keys-only)"
done
arch="$(cat target/deploy/.sbpf-arch 2>/dev/null || echo unknown)"
[ "$arch" = v0 ] \
  || fail "target/deploy holds an SBPF $arch build; solana-test-validator 3.x loads v0 only: run scripts/build-sbf.sh --arch v0"
[ -d ts/node_modules/@coral-xyz/anchor ] || fail "the TypeScript packages are missing: run npm ci --prefix ts"
