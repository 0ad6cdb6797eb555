#!/usr/bin/env bash
# Runs every check CI runs, installing what a fresh machine lacks:
#   formatting, clippy (-D warnings), the IDL freshness check, the SBF
#   programs (SBPF v0, the default), every test on them, the same suite on
#   the SBPF v3 build, the compute-unit table, the end-to-end run against a
#   real solana-test-validator (installed once per machine), the TypeScript
#   types' freshness and the TypeScript suite through `anchor test`
#   (anchor-cli installed once per machine; npm packages from ts/package-lock.json).
#
#   scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
ensure_all
ensure_validator
ensure_anchor
command -v npm >/dev/null 2>&1 || { echo "error: npm (Node.js 18 or later) is required for the TypeScript suite" >&2; exit 1; }
T="+$JOULE_TOOLCHAIN"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

joule_log "cargo fmt --check"
cargo "$T" fmt --all -- --check

joule_log "building the SBF programs (SBPF v0 and v3)"
scripts/build-sbf.sh --arch v0
scripts/build-sbf.sh --arch v3 --out target/deploy-v3

joule_log "cargo clippy -- -D warnings"
cargo "$T" clippy --workspace --all-targets --quiet -- -D warnings

joule_log "IDL is fresh (target-idl/ matches what joule-idl generates)"
cargo "$T" run --quiet -p joule-idl -- --check

joule_log "TypeScript types are fresh (ts/types/ matches what \`anchor idl type\` generates from target-idl/)"
scripts/ts-types.sh --check

joule_log "tests (SBPF v0)"
cargo "$T" test --workspace

# Every step builds the whole workspace: a `-p` build resolves features
# differently (Anchor's macros turn some on for the workspace) and would
# compile a few hundred crates a second time.
joule_log "tests (SBPF v3)"
JOULE_DEPLOY_DIR="$PWD/target/deploy-v3" cargo "$T" test --workspace

joule_log "compute units"
cargo "$T" test --workspace --test cu -- --nocapture --test-threads 1 cu_table

# The validator binds RPC, websocket and faucet to 0.0.0.0 whatever it is
# told, so its test runs in a private network namespace where the machine
# allows one (loopback only), and talks to 127.0.0.1 alone.
# `--test validator` matches every workspace target of that name: the
# CLI's (the real joule binary) and the keeper's (joule-keeper run as its
# own process, SIGKILLed mid-batch and restarted).
joule_log "end to end on solana-test-validator (the real joule and joule-keeper binaries)"
cargo "$T" test --workspace --no-run --quiet
validator_test=(env JOULE_VALIDATOR_TESTS=1 cargo "$T" test --workspace --offline --test validator -- --nocapture)
if unshare -n true 2>/dev/null; then
  unshare -n bash -c 'ip link set lo up && exec "$@"' _ "${validator_test[@]}"
else
  joule_log "no private network namespace here: the validator's ports are open to the network while it runs"
  "${validator_test[@]}"
fi

# The TypeScript suite as dApp developers run it: `anchor test` starts
# solana-test-validator (Anchor.toml's [test]: 127.0.0.1, the programs from
# target/deploy at their ids, upgradeable by the wallet) and runs ts/'s
# mocha suite against it. Same private network namespace as above; npm
# installs the packages before, outside it.
joule_log "TypeScript suite: anchor test --skip-build --validator legacy"
npm ci --prefix ts --no-audit --no-fund --loglevel=error
wallet="$HOME/.config/solana/id.json"
if [ ! -f "$wallet" ]; then
  cargo "$T" build --quiet --workspace --bins
  target/debug/joule keygen "$wallet"
fi
export NPM_CONFIG_UPDATE_NOTIFIER=false
anchor_test=(anchor test --skip-build --validator legacy)
status=0
if unshare -n true 2>/dev/null; then
  unshare -n bash -c 'ip link set lo up && exec "$@"' _ "${anchor_test[@]}" || status=$?
else
  joule_log "no private network namespace here: the validator's ports are open to the network while it runs"
  "${anchor_test[@]}" || status=$?
fi
if [ "$status" != 0 ]; then
  tail -40 .anchor/test-ledger/test-ledger-log.txt >&2 2>/dev/null || true
  echo "error: anchor test failed (exit $status); the validator's log is .anchor/test-ledger/test-ledger-log.txt" >&2
  exit "$status"
fi
