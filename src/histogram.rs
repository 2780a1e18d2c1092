//! Weighted colors from all pixels, in bounded memory.
//!
//! One pass puts every counted pixel into a cell of a 5-bit-per-channel sRGB
//! grid (32,768 cells, 1 MiB of sums), keeping for each cell the number of
//! pixels and the sum of their exact values. A cell's color is the exact mean
//! of its pixels, so every pixel counts and nothing is thrown away; what
//! follows costs the same for a thumbnail and a 100-megapixel photo.
//!
//! When fewer cells are occupied than colors are asked for, a second pass
//! counts the exact distinct colors (at most 512 a cell), so a palette never
//! invents a color that is not in the image.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::image::Image;

/// Bits kept per channel for the grid.
pub const BIN_BITS: u32 = 5;
const SHIFT: u32 = 8 - BIN_BITS;
const CELLS: usize = 1 << (3 * BIN_BITS);

/// A set of colors, each with the number of pixels it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedColors {
    /// Mean sRGB (0..=255, fractional) of the pixels each entry stands for.
    pub colors: Vec<[f64; 3]>,
    /// Pixels each entry stands for (all > 0).
    pub weights: Vec<f64>,
    /// True when each entry is one exact color of the image (not a mean).
    pub exact: bool,
    /// Number of pixels counted (after the alpha filter and any sampling).
    pub counted: u64,
}

impl WeightedColors {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.colors.len()
    }

    /// True when there is no entry.
    pub fn is_empty(&self) -> bool {
        self.colors.is_empty()
    }
}

#[derive(Clone, Copy, Default)]
struct Cell {
    count: u64,
    sum: [u64; 3],
}

#[inline]
fn cell_index([r, g, b]: [u8; 3]) -> usize {
    ((r as usize >> SHIFT) << (2 * BIN_BITS)) | ((g as usize >> SHIFT) << BIN_BITS) | (b as usize >> SHIFT)
}

/// Reduces the counted pixels of `image` (every `stride`-th pixel, alpha at
/// least `alpha_threshold`) to weighted colors. If the image holds fewer than
/// `want` grid cells, the result is its exact distinct colors.
pub fn weighted_colors(image: &Image, stride: usize, alpha_threshold: u8, want: usize) -> Result<WeightedColors> {
    let mut cells = vec![Cell::default(); CELLS];
    let mut counted = 0u64;
    image.for_each_counted(stride, alpha_threshold, |c| {
        let cell = &mut cells[cell_index(c)];
        cell.count += 1;
        cell.sum[0] += c[0] as u64;
        cell.sum[1] += c[1] as u64;
        cell.sum[2] += c[2] as u64;
        counted += 1;
    });
    if counted == 0 {
        return Err(Error::InvalidInput(format!(
            "the image has no opaque pixel (none with alpha >= {alpha_threshold}), so there is no color to extract"
        )));
    }
    let occupied = cells.iter().filter(|c| c.count > 0).count();
    if occupied < want {
        return Ok(exact_colors(image, stride, alpha_threshold, counted));
    }
    let mut colors = Vec::with_capacity(occupied);
    let mut weights = Vec::with_capacity(occupied);
    for cell in cells.iter().filter(|c| c.count > 0) {
        let n = cell.count as f64;
        colors.push(cell.sum.map(|s| s as f64 / n));
        weights.push(n);
    }
    Ok(WeightedColors { colors, weights, exact: false, counted })
}

/// The exact distinct colors with their counts, in ascending `0xRRGGBB` order.
fn exact_colors(image: &Image, stride: usize, alpha_threshold: u8, counted: u64) -> WeightedColors {
    let mut counts: HashMap<u32, u64> = HashMap::new();
    image.for_each_counted(stride, alpha_threshold, |[r, g, b]| {
        *counts.entry(u32::from_be_bytes([0, r, g, b])).or_insert(0) += 1;
    });
    let mut entries: Vec<(u32, u64)> = counts.into_iter().collect();
    entries.sort_unstable_by_key(|&(c, _)| c);
    WeightedColors {
        colors: entries
            .iter()
            .map(|&(c, _)| {
                let [_, r, g, b] = c.to_be_bytes();
                [r as f64, g as f64, b as f64]
            })
            .collect(),
        weights: entries.iter().map(|&(_, n)| n as f64).collect(),
        exact: true,
        counted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgb(pixels: &[[u8; 3]]) -> Image {
        Image::from_rgb(pixels.len() as u32, 1, pixels.iter().flatten().copied().collect()).unwrap()
    }

    #[test]
    fn cell_means_are_exact_means_and_weights_count_pixels() {
        let img = rgb(&[[0, 0, 0], [2, 4, 6], [255, 255, 255]]);
        let w = weighted_colors(&img, 1, 128, 1).unwrap();
        assert!(!w.exact);
        assert_eq!(w.counted, 3);
        assert_eq!(w.colors, vec![[1.0, 2.0, 3.0], [255.0, 255.0, 255.0]]);
        assert_eq!(w.weights, vec![2.0, 1.0]);
    }

    #[test]
    fn few_cells_give_exact_colors() {
        let img = rgb(&[[0, 0, 0], [2, 4, 6], [2, 4, 6], [255, 255, 255]]);
        let w = weighted_colors(&img, 1, 128, 10).unwrap();
        assert!(w.exact);
        assert_eq!(w.colors, vec![[0.0, 0.0, 0.0], [2.0, 4.0, 6.0], [255.0, 255.0, 255.0]]);
        assert_eq!(w.weights, vec![1.0, 2.0, 1.0]);
    }

    #[test]
    fn fully_transparent_image_is_an_error() {
        let img = Image::from_rgba(2, 1, vec![255, 0, 0, 0, 0, 255, 0, 127]).unwrap();
        let e = weighted_colors(&img, 1, 128, 1).unwrap_err();
        assert!(matches!(e, Error::InvalidInput(_)));
        assert!(e.to_string().contains("no opaque pixel"), "{e}");
    }

    #[test]
    fn memory_does_not_grow_with_the_image() {
        // A gradient touching every cell still yields at most CELLS entries.
        let mut px = Vec::new();
        for r in (0..=255u16).step_by(8) {
            for g in (0..=255u16).step_by(8) {
                for b in (0..=255u16).step_by(4) {
                    px.push([r as u8, g as u8, b as u8]);
                }
            }
        }
        let w = weighted_colors(&rgb(&px), 1, 128, 10).unwrap();
        assert_eq!(w.len(), CELLS);
        assert_eq!(w.counted as usize, px.len());
    }
}
