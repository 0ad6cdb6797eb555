# Sourced by the other scripts: installs what a fresh machine lacks.
#   - the pinned nightly (programs and host crates share it; see rust-toolchain.toml)
#   - sbpf-linker, the SBF linker for the upstream route
# Idempotent and quiet when everything is already there.

JOULE_TOOLCHAIN=nightly-2026-10-01
SBPF_LINKER_VERSION=0.2.6

joule_log() { if [ -t 2 ]; then printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; else printf '==> %s\n' "$*" >&2; fi; }

ensure_rustup() {
  if ! command -v rustup >/dev/null 2>&1; then
    if [ -x "$HOME/.cargo/bin/rustup" ]; then
      export PATH="$HOME/.cargo/bin:$PATH"
    else
      echo "rustup is required (https://rustup.rs); install it and re-run." >&2
      exit 1
    fi
  fi
  case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) export PATH="$HOME/.cargo/bin:$PATH" ;; esac
}

ensure_toolchain() {
  ensure_rustup
  if ! rustup run "$JOULE_TOOLCHAIN" rustc --version >/dev/null 2>&1 \
    || ! rustup component list --toolchain "$JOULE_TOOLCHAIN" --installed 2>/dev/null | grep -q '^rust-src' \
    || ! rustup component list --toolchain "$JOULE_TOOLCHAIN" --installed 2>/dev/null | grep -q '^clippy' \
    || ! rustup component list --toolchain "$JOULE_TOOLCHAIN" --installed 2>/dev/null | grep -q '^rustfmt'; then
    joule_log "installing Rust $JOULE_TOOLCHAIN (rust-src, clippy, rustfmt)"
    rustup toolchain install "$JOULE_TOOLCHAIN" --profile minimal -c rust-src -c clippy -c rustfmt
  fi
}

ensure_sbpf_linker() {
  ensure_rustup
  if ! sbpf-linker --version 2>/dev/null | grep -q "$SBPF_LINKER_VERSION"; then
    joule_log "installing sbpf-linker $SBPF_LINKER_VERSION"
    # Outside the repo, so its own toolchain (not the pinned nightly) builds it.
    (cd / && cargo install sbpf-linker --version "$SBPF_LINKER_VERSION" --locked)
  fi
}

# A C compiler: litesvm's blake3 dependency builds C code.
ensure_cc() {
  if ! command -v cc >/dev/null 2>&1; then
    joule_log "installing a C compiler (build-essential)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq build-essential >/dev/null
  fi
}

# Everything the build and tests need.
ensure_all() {
  ensure_toolchain
  ensure_sbpf_linker
  ensure_cc
}

AGAVE_VERSION=3.1.12
ANCHOR_CLI_VERSION=1.2.2

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# solana-test-validator (agave-validator from crates.io; 4.x does not build
# here). About 20 minutes on two cores, once per machine: it lands in
# cargo's bin directory.
ensure_validator() {
  ensure_rustup
  if ! solana-test-validator --version 2>/dev/null | grep -q "$AGAVE_VERSION"; then
    joule_log "installing solana-test-validator $AGAVE_VERSION (agave-validator from crates.io, about 20 minutes once)"
    apt_install libudev-dev clang libclang-dev protobuf-compiler pkg-config libssl-dev
    if ! (cd / && cargo install agave-validator --version "$AGAVE_VERSION" --locked --bin solana-test-validator); then
      echo "error: could not install solana-test-validator $AGAVE_VERSION (see the cargo output above)" >&2
      exit 1
    fi
  fi
}

# anchor-cli, for developers who type `anchor` commands here (about 8
# minutes, once per machine).
ensure_anchor() {
  ensure_rustup
  if ! anchor --version 2>/dev/null | grep -q "$ANCHOR_CLI_VERSION"; then
    joule_log "installing anchor-cli $ANCHOR_CLI_VERSION (about 8 minutes once)"
    apt_install pkg-config libssl-dev libudev-dev
    if ! (cd / && cargo install anchor-cli --version "$ANCHOR_CLI_VERSION" --locked); then
      echo "error: could not install anchor-cli $ANCHOR_CLI_VERSION (see the cargo output above)" >&2
      exit 1
    fi
  fi
}
