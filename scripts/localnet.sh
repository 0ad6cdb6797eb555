#!/usr/bin/env bash
# Starts solana-test-validator on 127.0.0.1 with the three Joule programs
# preloaded at their localnet ids (SBPF v0 builds: the 3.x validator refuses
# v3). The registry is loaded as upgradeable with the admin as its upgrade
# authority (JOULE_ADMIN, default: the Solana CLI wallet), since only the
# upgrade authority may initialize it. Installs the validator from crates.io if missing (about 20 minutes
# cold on 2 cores; needs Debian's libudev-dev clang libclang-dev
# protobuf-compiler pkg-config libssl-dev, installed here if missing).
#
#   scripts/localnet.sh [extra solana-test-validator flags]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
ensure_all

if ! command -v solana-test-validator >/dev/null 2>&1; then
  joule_log "installing solana-test-validator (agave-validator 3.1.12)"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    libudev-dev clang libclang-dev protobuf-compiler pkg-config libssl-dev >/dev/null
  (cd / && cargo +stable install agave-validator --version 3.1.12 --locked --bin solana-test-validator)
fi

scripts/build-sbf.sh --arch v0
admin="${JOULE_ADMIN:-$(cargo "+$JOULE_TOOLCHAIN" run --quiet -p joule-cli -- pubkey "$HOME/.config/solana/id.json")}"
id() { python3 -c "import json,sys; print(open('Anchor.toml').read().split(sys.argv[1] + ' = \"')[1].split('\"')[0])" "$1"; }
exec solana-test-validator --reset --ledger target/test-ledger \
  --upgradeable-program "$(id registry)" target/deploy/registry.so "$admin" \
  --bpf-program "$(id market)" target/deploy/market.so \
  --bpf-program "$(id certificates)" target/deploy/certificates.so \
  "$@"
