//! The conformance suite lives in `tests/sdk/`: the official AWS SDK for Rust
//! drives every JSON API action the emulator serves. Set `CONFORMANCE_*`
//! (see docs/emulator.md) to run it unchanged against a real user pool.
