//! The `joule` command line's library: what its commands run, so tests can
//! run it too.

pub mod demo;
