#![no_main]
//! See `common::decode_extract` (shared with `tests/fuzz_regressions.rs`) and ROBUSTNESS.md.

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = common::decode_extract(data);
});
