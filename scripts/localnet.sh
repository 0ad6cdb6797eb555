#!/usr/bin/env bash
# A local Joule cluster: solana-test-validator on 127.0.0.1 with the three
# programs preloaded as upgradeable programs at their localnet ids (the
# upgrade authority is the admin wallet), the localnet oracle funded at
# genesis, and the init migration (migrations/localnet.toml) applied. Prints
# the addresses and how to point the CLI and the keeper at it, then runs
# until Ctrl-C (or SIGTERM), when it stops the validator and leaves no
# process behind.
#
#   scripts/localnet.sh [--detach] [extra solana-test-validator flags]
#
# --detach: start, initialise, print, and leave the validator running in the
#   background (its pid in target/localnet/validator.pid; stop it with
#   `scripts/localnet.sh --stop`).
#
# Environment: JOULE_ADMIN_KEYPAIR (default: the Solana CLI wallet,
# ~/.config/solana/id.json, created if missing), JOULE_RPC_PORT (8899).
#
# Installs solana-test-validator if missing: agave-validator 3.1.12 from
# crates.io (about 20 minutes on two cores, once per machine; needs
# Debian's libudev-dev clang libclang-dev protobuf-compiler pkg-config
# libssl-dev, installed here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
state=target/localnet

if [ "${1:-}" = "--stop" ]; then
  if [ -f "$state/validator.pid" ]; then
    pid="$(cat "$state/validator.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$state/validator.pid"
    joule_log "localnet stopped"
  fi
  exit 0
fi
detach=0
if [ "${1:-}" = "--detach" ]; then detach=1; shift; fi

ensure_all
ensure_validator
scripts/build-sbf.sh --arch v0
cargo "+$JOULE_TOOLCHAIN" build --quiet --workspace --bins
joule=target/debug/joule

admin_keypair="${JOULE_ADMIN_KEYPAIR:-$HOME/.config/solana/id.json}"
[ -f "$admin_keypair" ] || "$joule" keygen "$admin_keypair"
admin="$("$joule" pubkey "$admin_keypair")"
oracle="$("$joule" pubkey keys/localnet/oracle-keypair.json)"
port="${JOULE_RPC_PORT:-8899}"
url="http://127.0.0.1:$port"
# A program's id from Anchor.toml's [programs.localnet] (keyed by lib name).
id() { python3 -c "import sys; print(open('Anchor.toml').read().split('\n' + sys.argv[1] + ' = \"')[1].split('\"')[0])" "joule_$1"; }

mkdir -p "$state"
cat > "$state/oracle-account.json" <<EOF
{"pubkey":"$oracle","account":{"lamports":1000000000000,"data":["","base64"],"owner":"11111111111111111111111111111111","executable":false,"rentEpoch":0,"space":0}}
EOF

joule_log "starting solana-test-validator on $url (ledger $state/ledger, log $state/validator.log)"
solana-test-validator --reset --quiet --ledger "$state/ledger" \
  --bind-address 127.0.0.1 --rpc-port "$port" \
  --mint "$admin" \
  --upgradeable-program "$(id registry)" target/deploy/registry.so "$admin" \
  --upgradeable-program "$(id market)" target/deploy/market.so "$admin" \
  --upgradeable-program "$(id certificates)" target/deploy/certificates.so "$admin" \
  --account "$oracle" "$state/oracle-account.json" \
  "$@" > "$state/validator.log" 2>&1 &
validator=$!
echo "$validator" > "$state/validator.pid"
stop() {
  kill "$validator" 2>/dev/null || true
  wait "$validator" 2>/dev/null || true
  rm -f "$state/validator.pid"
  joule_log "localnet stopped"
}
if [ "$detach" = 0 ]; then trap stop EXIT INT TERM; fi

for _ in $(seq 1 120); do
  if "$joule" --url "$url" --keypair "$admin_keypair" market list >/dev/null 2>&1; then break; fi
  if ! kill -0 "$validator" 2>/dev/null; then
    tail -20 "$state/validator.log" >&2
    joule_log "solana-test-validator exited; see $state/validator.log"
    exit 1
  fi
  sleep 1
done
sleep 2 # programs deployed at genesis are usable from the next slot

"$joule" --url "$url" --keypair "$admin_keypair" init migrations/localnet.toml

cat <<EOF

Joule localnet is up at $url
  registry      $(id registry)
  market        $(id market)
  certificates  $(id certificates)
  admin         $admin  ($admin_keypair; upgrade authority of all three)
  oracle        $oracle  (keys/localnet/oracle-keypair.json)

Point the CLI at it:
  $joule --url localhost --keypair $admin_keypair market show
  $joule --url localhost --keypair <your keypair> meter register SN-1 --utility DISCOM-1 --kind solar --rated-power-w 5000
  (or put json_rpc_url: "$url" in ~/.config/solana/cli/config.yml)

Point the keeper at it (see keeper/README.md):
  target/debug/joule-keeper run --rpc-url $url --oracle-keypair keys/localnet/oracle-keypair.json --config <keeper.toml>
EOF

if [ "$detach" = 1 ]; then
  joule_log "detached; stop with scripts/localnet.sh --stop"
  exit 0
fi
joule_log "running; Ctrl-C stops the validator"
wait "$validator"
