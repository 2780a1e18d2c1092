//! # cinepal
//!
//! The colors that tell an image, as a strip of swatches under it in the
//! style of the colorpalette.cinema channel.
//!
//! ```text
//! bytes ─decode→ Image ─histogram→ weighted colors ─cluster→ swatches ─sort→ Palette ─render→ composite
//! ```
//!
//! Every pixel counts (a bounded histogram of exact means), memory does not
//! grow with the image, results are deterministic for a seed, and clustering
//! is perceptual (Oklab) unless the seed notebook's RGB is asked for.
//!
//! ```
//! use cinepal::{extract, Image, Options};
//! # let pixels: Vec<u8> = (0..64u32).flat_map(|i| if i < 48 { [200, 30, 40] } else { [20, 40, 200] }).collect();
//! let image = Image::from_rgb(8, 8, pixels)?;
//! let palette = extract(&image, &Options { colors: 2, sort: cinepal::Sort::Share, ..Options::default() })?;
//! assert_eq!(palette.swatches.len(), 2);
//! assert_eq!(palette.swatches[0].hex(), "#c81e28");
//! assert_eq!(palette.swatches[0].share, 0.75);
//! # Ok::<(), cinepal::Error>(())
//! ```

#![warn(missing_docs)]
#![deny(unsafe_code)]
// Numeric kernels index several arrays with one loop variable; iterators would hide that.
#![allow(clippy::needless_range_loop)]

pub mod cluster;
pub mod color;
pub mod decode;
pub mod error;
pub mod export;
pub mod histogram;
pub mod image;
pub mod palette;
pub mod quality;
pub mod render;
pub mod rng;
pub mod sort;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use cluster::Method;
pub use decode::{decode, decode_stream, decode_vec, Limits};
pub use error::{Error, Result};
pub use image::{Image, Layout};
pub use palette::{extract, Options, Palette, Sampling, Space, Swatch, MAX_COLORS};
pub use render::{render_composite, render_strip, RenderOptions};
pub use sort::Sort;
