#!/usr/bin/env bash
# The programs' TypeScript types for dApps, ts/types/joule_<name>.ts,
# generated from target-idl/<name>.json by `anchor idl type` (anchor-cli,
# installed if missing) exactly as `anchor build` writes target/types/.
#
#   scripts/ts-types.sh          # regenerate (after `cargo run -p joule-idl`)
#   scripts/ts-types.sh --check  # what CI runs: fails when one is stale
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
ensure_anchor

check=0
[ "${1:-}" = "--check" ] && check=1
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p ts/types
stale=()
for p in registry market certificates; do
  anchor idl type "target-idl/$p.json" --out "$tmp/joule_$p.ts"
  if [ "$check" = 1 ]; then
    if ! cmp -s "$tmp/joule_$p.ts" "ts/types/joule_$p.ts"; then
      stale+=("ts/types/joule_$p.ts")
      diff -u "ts/types/joule_$p.ts" "$tmp/joule_$p.ts" | head -20 >&2 || true
    fi
  else
    cp "$tmp/joule_$p.ts" "ts/types/joule_$p.ts"
  fi
done
if [ ${#stale[@]} -gt 0 ]; then
  echo "stale TypeScript types (target-idl/ changed): ${stale[*]}; run scripts/ts-types.sh" >&2
  exit 1
fi
