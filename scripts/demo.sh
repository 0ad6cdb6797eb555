#!/usr/bin/env bash
# The demo: the whole Joule flow on an embedded chain (litesvm running the
# real SBF programs), installing what a fresh machine lacks first.
#
#   scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
ensure_all
scripts/build-sbf.sh
cargo "+$JOULE_TOOLCHAIN" run --quiet -p joule-cli -- demo "$@"
