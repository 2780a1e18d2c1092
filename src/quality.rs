//! How well a palette represents an image (docs/DESIGN.md's measures), over all
//! counted pixels at full resolution:
//!
//! - mean ΔE_ok: mean Oklab distance ×100 from each pixel to its nearest swatch;
//! - p99 ΔE_ok: the 99th percentile of the same (are rare accents covered?);
//! - min pair ΔE_ok: the smallest distance between two swatches (no near-duplicates).
//!
//! For evaluation (tests, benchmarks), not for the extraction path: it
//! counts exact colors in a 64 MiB table.

use crate::color::{rgb8_to_oklab, Oklab};
use crate::image::Image;

/// The three quality measures of a palette on an image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quality {
    /// Mean ΔE_ok from each counted pixel to its nearest swatch.
    pub mean: f64,
    /// 99th percentile of the same.
    pub p99: f64,
    /// Smallest ΔE_ok between two swatches (infinite for one swatch).
    pub min_pair: f64,
}

/// Measures `palette` (8-bit sRGB colors) against the pixels of `image` whose
/// alpha is at least `alpha_threshold`. `None` when no pixel is counted or the
/// palette is empty.
pub fn measure(image: &Image, palette: &[[u8; 3]], alpha_threshold: u8) -> Option<Quality> {
    if palette.is_empty() {
        return None;
    }
    let mut counts = vec![0u32; 1 << 24];
    image.for_each_counted(1, alpha_threshold, |[r, g, b]| {
        counts[(r as usize) << 16 | (g as usize) << 8 | b as usize] += 1;
    });
    let swatches: Vec<Oklab> = palette.iter().map(|&c| rgb8_to_oklab(c)).collect();
    let mut dist: Vec<(f64, u32)> = Vec::new();
    for (c, &n) in counts.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let p = rgb8_to_oklab([(c >> 16) as u8, (c >> 8) as u8, c as u8]);
        let d = swatches.iter().map(|s| s.delta_e(p)).fold(f64::INFINITY, f64::min);
        dist.push((d, n));
    }
    drop(counts);
    let total: u64 = dist.iter().map(|&(_, n)| n as u64).sum();
    if total == 0 {
        return None;
    }
    let mean = dist.iter().map(|&(d, n)| d * n as f64).sum::<f64>() / total as f64;
    dist.sort_by(|a, b| a.0.total_cmp(&b.0));
    let rank = (0.99 * total as f64).ceil() as u64;
    let mut seen = 0u64;
    let mut p99 = 0.0;
    for &(d, n) in &dist {
        seen += n as u64;
        p99 = d;
        if seen >= rank {
            break;
        }
    }
    let mut min_pair = f64::INFINITY;
    for (i, a) in swatches.iter().enumerate() {
        for b in &swatches[i + 1..] {
            min_pair = min_pair.min(a.delta_e(*b));
        }
    }
    Some(Quality { mean, p99, min_pair })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_palette_holding_every_color_is_perfect() {
        let img = Image::from_rgb(2, 1, vec![255, 0, 0, 0, 0, 255]).unwrap();
        let q = measure(&img, &[[255, 0, 0], [0, 0, 255]], 128).unwrap();
        assert_eq!((q.mean, q.p99), (0.0, 0.0));
        assert!(q.min_pair > 50.0);
    }

    #[test]
    fn mean_and_p99_weigh_pixels() {
        // 99 black pixels and one white; a black palette misses white by ΔE 100.
        let mut data = vec![0u8; 99 * 3];
        data.extend([255, 255, 255]);
        let img = Image::from_rgb(100, 1, data).unwrap();
        let q = measure(&img, &[[0, 0, 0]], 128).unwrap();
        assert!((q.mean - 1.0).abs() < 1e-3, "{q:?}");
        assert_eq!(q.p99, 0.0);
        assert!(q.min_pair.is_infinite());
    }
}
