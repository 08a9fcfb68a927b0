#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Fidelity tests: the official AWS SDK for Rust and plain HTTP clients against a running
//! emulator. One binary (the SDK is large to link); every test starts its own emulator on an
//! ephemeral port, so they run in parallel.

mod common;
mod sdk_agent;
mod sdk_async;
mod sdk_batch;
mod sdk_converse;
mod sdk_faults;
mod sdk_features;
mod sdk_features_stream;
mod sdk_invoke;
mod sdk_invoke_stream;
mod sdk_s3;
mod sdk_stream;
mod wire;
mod wire_features;
mod wire_native;
mod wire_stream;
