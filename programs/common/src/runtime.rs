//! The panic handler and global allocator of an on-chain Joule program,
//! behind the `runtime` feature.
//!
//! Each must exist exactly once in a program's crate graph, and every crate
//! of type `cdylib` in that graph needs them. A program that depends on
//! another program as a library (`no-entrypoint`, for its ids and account
//! layouts) makes cargo build that dependency's `cdylib` too, which fails
//! without them; defining them in each program's entrypoint would then
//! define them twice. So they live here: every program enables
//! `joule-common/runtime` and declares only `program_entrypoint!`.
//! Host builds (sdk, tests) are unaffected.

#[cfg(any(target_os = "solana", target_arch = "bpf"))]
pinocchio::default_allocator!();
#[cfg(any(target_os = "solana", target_arch = "bpf"))]
pinocchio::nostd_panic_handler!();
