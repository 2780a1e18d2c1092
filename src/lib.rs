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
//! is perceptual (Oklab) unless the seed notebook's RGB is asked for. The
//! design, the names and the contracts are in `docs/DESIGN.md`.
//!
//! ```
//! use cinepal::{extract, ColorCount, Image, Options, Sort};
//! # let pixels: Vec<u8> = (0..64u32).flat_map(|i| if i < 48 { [200, 30, 40] } else { [20, 40, 200] }).collect();
//! let image = Image::from_rgb(8, 8, pixels)?;
//! let options = Options { colors: ColorCount::try_from(2usize)?, sort: Sort::Share, ..Options::default() };
//! let palette = extract(&image, &options)?;
//! assert_eq!(palette.swatches.len(), 2);
//! assert_eq!(palette.swatches[0].hex(), "#c81e28");
//! assert_eq!(palette.swatches[0].share, 0.75);
//! # Ok::<(), cinepal::Error>(())
//! ```

#![warn(missing_docs)]
#![deny(unsafe_code)]
// Numeric kernels index several arrays with one loop variable; iterators would hide that.
#![allow(clippy::needless_range_loop)]

pub mod catalogue;
pub mod choice;
pub mod cluster;
pub mod color;
pub mod decode;
pub mod error;
pub mod export;
pub mod extract;
pub mod film;
pub mod histogram;
pub mod image;
pub mod options;
pub mod palette;
pub mod pick;
pub mod quality;
pub mod region;
pub mod render;
pub mod rng;
pub mod sort;
pub mod space;
pub mod swatch;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use catalogue::Catalogue;
pub use choice::Named;
pub use cluster::Method;
pub use decode::{decode, decode_stream, decode_vec, ImageStream, Limits};
pub use error::{Error, Result};
pub use export::{ExportContext, Format};
pub use extract::{extract, with_swatches};
pub use image::{Image, Layout};
pub use options::{ColorCount, Options, Sampling, Space};
pub use palette::Palette;
pub use render::{render_composite, render_strip, RenderOptions};
pub use sort::Sort;
pub use swatch::Swatch;
