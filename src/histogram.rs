//! Weighted colors from all pixels, in bounded memory.
//!
//! One pass puts every counted pixel into a cell of a 32-level-per-channel
//! grid (32,768 cells, 1 MiB of sums; the levels are spaced evenly in
//! perceived lightness, not in sRGB code values), keeping for each cell the
//! number of pixels and the sum of their exact values. A cell's color is the exact mean
//! of its pixels, so every pixel counts and nothing is thrown away; what
//! follows costs the same for a thumbnail and a 100-megapixel photo.
//!
//! When fewer cells are occupied than colors are asked for, a second pass
//! counts the exact distinct colors (at most 512 a cell), so a palette never
//! invents a color that is not in the image.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::image::Image;
use crate::region::Rect;

/// Bits of grid level per channel.
pub const BIN_BITS: u32 = 5;
const LEVELS: usize = 1 << BIN_BITS;
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

/// Pixels summed in 32-bit cells before they are added to the 64-bit
/// totals: 2²⁴ · 255 < 2³², so no cell can overflow within a block.
const BLOCK_PIXELS: usize = 1 << 24;

#[inline]
pub(crate) fn cell_index(lut: &[u8; 256], [r, g, b]: [u8; 3]) -> usize {
    ((lut[r as usize] as usize) << (2 * BIN_BITS)) | ((lut[g as usize] as usize) << BIN_BITS) | lut[b as usize] as usize
}

/// The grid level of each 8-bit channel value: uniform in the Oklab
/// lightness of that value's gray (the cube root of linear light), so dark
/// cells are as narrow perceptually as light ones. (Uniform sRGB levels would
/// lump 0..=7, a span of 13 ΔE_ok, into one cell, and 248..=255, a span of 2.)
pub(crate) fn levels() -> [u8; 256] {
    std::array::from_fn(|v| {
        let l = libm::cbrt(crate::color::srgb_to_linear(v as f64 / 255.0));
        ((l * LEVELS as f64) as usize).min(LEVELS - 1) as u8
    })
}

/// Reduces the counted pixels of `image` (every `stride`-th pixel, alpha at
/// least `alpha_threshold`) to weighted colors. If the image holds fewer than
/// `want` grid cells, the result is its exact distinct colors.
pub fn weighted_colors(image: &Image, stride: usize, alpha_threshold: u8, want: usize) -> Result<WeightedColors> {
    weighted_colors_in(image, Rect::full(image.width(), image.height()), stride, alpha_threshold, want)
}

/// The pixel index ranges of `rect` in `image`, row by row (one range when it spans whole rows),
/// each with the first index to count so that every `stride`-th pixel of the rect is counted.
fn segments(image: &Image, rect: Rect, stride: usize) -> Vec<std::ops::Range<usize>> {
    let w = image.width() as usize;
    let (x, y, rw, rh) = (rect.x as usize, rect.y as usize, rect.width as usize, rect.height as usize);
    if rw == w {
        #[allow(clippy::single_range_in_vec_init)] // one range: the rows are contiguous
        return vec![y * w + x..(y + rh) * w];
    }
    let mut out = Vec::with_capacity(rh);
    let mut consumed = 0usize;
    for row in y..y + rh {
        let phase = (stride - consumed % stride) % stride;
        if phase < rw {
            out.push(row * w + x + phase..row * w + x + rw);
        }
        consumed += rw;
    }
    out
}

/// [`weighted_colors`] of the pixels inside `rect` only (every `stride`-th of them, row-major).
pub fn weighted_colors_in(
    image: &Image,
    rect: Rect,
    stride: usize,
    alpha_threshold: u8,
    want: usize,
) -> Result<WeightedColors> {
    let stride = stride.max(1);
    let lut = levels();
    // Per cell: pixel count and the sums of R, G and B.
    let mut block = vec![[0u32; 4]; CELLS];
    let mut cells = vec![[0u64; 4]; CELLS];
    let step = BLOCK_PIXELS / stride * stride;
    let segments = segments(image, rect, stride);
    // Bands of at most `step` pixels, so that no block sum overflows.
    let bands =
        segments.iter().flat_map(|seg| (seg.start..seg.end).step_by(step).map(move |a| a..(a + step).min(seg.end)));
    let mut in_block = 0usize;
    for band in bands {
        if in_block + band.len() > step {
            flush(&mut cells, &mut block);
            in_block = 0;
        }
        in_block += band.len();
        image.for_each_counted_wide_in(band, stride, alpha_threshold, |c| {
            let cell = &mut block[cell_index(&lut, c)];
            cell[0] += 1;
            cell[1] += c[0] as u32;
            cell[2] += c[1] as u32;
            cell[3] += c[2] as u32;
        });
    }
    flush(&mut cells, &mut block);
    drop(block);
    let counted: u64 = cells.iter().map(|c| c[0]).sum();
    if counted == 0 {
        return Err(Error::InvalidInput(format!(
            "the image has no opaque pixel (none with alpha >= {alpha_threshold}), so there is no color to extract"
        )));
    }
    let occupied = cells.iter().filter(|c| c[0] > 0).count();
    if occupied < want {
        return Ok(exact_colors(image, &segments, stride, alpha_threshold, counted));
    }
    let mut colors = Vec::with_capacity(occupied);
    let mut weights = Vec::with_capacity(occupied);
    for cell in cells.iter().filter(|c| c[0] > 0) {
        let n = cell[0] as f64;
        colors.push([cell[1] as f64 / n, cell[2] as f64 / n, cell[3] as f64 / n]);
        weights.push(n);
    }
    image.counted_to_srgb(&mut colors);
    Ok(WeightedColors { colors, weights, exact: false, counted })
}

/// Adds the block's sums to the totals and empties the block.
fn flush(cells: &mut [[u64; 4]], block: &mut [[u32; 4]]) {
    for (total, part) in cells.iter_mut().zip(block.iter_mut()) {
        for i in 0..4 {
            total[i] += part[i] as u64;
        }
        *part = [0; 4];
    }
}

/// The exact distinct colors with their counts, in ascending `0xRRGGBB` order.
fn exact_colors(
    image: &Image,
    segments: &[std::ops::Range<usize>],
    stride: usize,
    alpha_threshold: u8,
    counted: u64,
) -> WeightedColors {
    let mut counts: HashMap<u32, u64> = HashMap::new();
    for seg in segments {
        image.for_each_counted_wide_in(seg.clone(), stride, alpha_threshold, |[r, g, b]| {
            *counts.entry(u32::from_be_bytes([0, r, g, b])).or_insert(0) += 1;
        });
    }
    let mut entries: Vec<(u32, u64)> = counts.into_iter().collect();
    entries.sort_unstable_by_key(|&(c, _)| c);
    let mut colors: Vec<[f64; 3]> = entries
        .iter()
        .map(|&(c, _)| {
            let [_, r, g, b] = c.to_be_bytes();
            [r as f64, g as f64, b as f64]
        })
        .collect();
    image.counted_to_srgb(&mut colors);
    WeightedColors { colors, weights: entries.iter().map(|&(_, n)| n as f64).collect(), exact: true, counted }
}

/// The image's weighted colors as flat arrays for a 3-D scatter (the page's
/// "Colors in 3-D"): three values an entry in `rgb` and `oklab`.
#[derive(Debug, Clone, PartialEq)]
pub struct Scatter {
    /// 8-bit sRGB of each entry's mean.
    pub rgb: Vec<u8>,
    /// Oklab of each entry's mean.
    pub oklab: Vec<f32>,
    /// Pixels each entry stands for.
    pub weight: Vec<f32>,
}

/// The grid's cells (at most 32,768, exact means) of the pixels `options`
/// counts (those of its region).
pub fn scatter(image: &Image, options: &crate::options::Options) -> Result<Scatter> {
    let stride = options.sampling.stride(image.width(), image.height());
    let region = options.region.resolve(image)?;
    // want = 0: always the grid's cells, never the exact-colors pass.
    let wc = weighted_colors_in(image, region, stride, options.alpha_threshold, 0)?;
    let mut out = Scatter {
        rgb: Vec::with_capacity(wc.len() * 3),
        oklab: Vec::with_capacity(wc.len() * 3),
        weight: wc.weights.iter().map(|&w| w as f32).collect(),
    };
    for c in &wc.colors {
        out.rgb.extend(c.map(crate::color::quantize));
        let o = crate::color::srgb_to_oklab(*c);
        out.oklab.extend([o.l as f32, o.a as f32, o.b as f32]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgb(pixels: &[[u8; 3]]) -> Image {
        Image::from_rgb(pixels.len() as u32, 1, pixels.iter().flatten().copied().collect()).unwrap()
    }

    #[test]
    fn the_scatter_counts_the_region_only() {
        let img =
            Image::from_rgb(4, 2, [[0u8, 0, 0]; 4].into_iter().chain([[200, 10, 10]; 4]).flatten().collect()).unwrap();
        let rect = crate::region::Rect { x: 0, y: 1, width: 4, height: 1 };
        let options = crate::options::Options { region: crate::region::Region::Rect(rect), ..Default::default() };
        let s = scatter(&img, &options).unwrap();
        assert_eq!((s.weight.clone(), s.rgb.clone()), (vec![4.0], vec![200, 10, 10]));
    }

    #[test]
    fn cell_means_are_exact_means_and_weights_count_pixels() {
        // 248..=254 all lie in the top level; 0 is alone in the bottom one.
        let img = rgb(&[[0, 0, 0], [248, 250, 252], [252, 254, 248]]);
        let w = weighted_colors(&img, 1, 128, 1).unwrap();
        assert!(!w.exact);
        assert_eq!(w.counted, 3);
        assert_eq!(w.colors, vec![[0.0, 0.0, 0.0], [250.0, 252.0, 250.0]]);
        assert_eq!(w.weights, vec![1.0, 2.0]);
    }

    #[test]
    fn dark_levels_are_finer_than_light_ones() {
        let lut = levels();
        // Near black, neighbouring code values already differ by a level or more...
        assert!(lut[1] > lut[0] && lut[4] > lut[2]);
        // ...while near white eight code values share one.
        assert_eq!(lut[248], lut[255]);
        assert!(lut.windows(2).all(|w| w[0] <= w[1]));
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
        // One value for each level in use; every combination touches one cell.
        let lut = levels();
        let mut reps: Vec<u8> = (0..=255u8).collect();
        reps.dedup_by_key(|v| lut[*v as usize]);
        let mut px = Vec::new();
        for &r in &reps {
            for &g in &reps {
                for &b in &reps {
                    px.push([r, g, b]);
                    px.push([b, r, g]);
                }
            }
        }
        let w = weighted_colors(&rgb(&px), 1, 128, 10).unwrap();
        assert_eq!(w.len(), reps.len().pow(3));
        assert!(w.len() <= CELLS);
        assert_eq!(w.counted as usize, px.len());
    }
}
