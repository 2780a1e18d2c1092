#![no_main]
//! See `common::options` (shared with `tests/fuzz_regressions.rs`) and ROBUSTNESS.md.

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = common::options(data);
});
