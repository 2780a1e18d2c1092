//! The WebAssembly API (see docs/WASM_API.md): a thin layer over the core.
