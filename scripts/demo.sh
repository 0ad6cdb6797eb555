#!/usr/bin/env bash
# The demo: the keeper's story on an embedded chain (litesvm running the
# real SBF programs): a dozen meters behind a local gateway and DISCOM
# files, the keeper's loops in accelerated time for several one-hour
# epochs, orders, certificates, redemptions; per-epoch figures, compute
# units and invariants. Installs what a fresh machine lacks first.
#
#   scripts/demo.sh [--epochs N] [--output json]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
ensure_all
scripts/build-sbf.sh
cargo "+$JOULE_TOOLCHAIN" run --quiet -p joule-keeper -- demo "$@"
