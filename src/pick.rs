//! The color a person points at on the still (the page's eyedropper).
//!
//! One pixel is noise (film grain, JPEG blocks, a stray highlight), so the
//! color picked is the mean of the pixels around the point that look like
//! the one pointed at:
//!
//! - **around**: the square of side `2r + 1` centred on the point, with
//!   `r` = 1 % of the image's shorter side, from [`MIN_RADIUS`] to
//!   [`MAX_RADIUS`] pixels (5 px on a 1080p still: a spot a person can aim
//!   at, smaller than a face, larger than the grain);
//! - **like the one pointed at**: within [`SIMILAR`] (ΔE_ok 8) of the
//!   median, channel by channel in Oklab, of the 3 × 3 pixels at the point
//!   (the median ignores a stray pixel under the pointer); pixels beyond it
//!   belong to a neighbouring region (an edge, a highlight) and are left out;
//! - the mean is taken in Oklab, as clusters' means are; pixels with alpha
//!   below the threshold do not count.
//!
//! The swatch is marked kept: the person chose it.

use crate::color::{self, dist2, Oklab, Point};
use crate::error::{Error, Result};
use crate::image::Image;
use crate::swatch::Swatch;

/// The least half-side of the window, in pixels.
pub const MIN_RADIUS: u32 = 2;
/// The largest half-side of the window, in pixels.
pub const MAX_RADIUS: u32 = 24;
/// How far (Oklab) a pixel may be from the color pointed at and still count:
/// ΔE_ok 8, wider than grain and compression noise (a few ΔE_ok), narrower
/// than the step to a neighbouring region of a still.
pub const SIMILAR: f64 = 0.08;

/// The half-side of the window for an image of `width` × `height`.
pub fn radius(width: u32, height: u32) -> u32 {
    (width.min(height) / 100).clamp(MIN_RADIUS, MAX_RADIUS)
}

/// The color at image pixel `(x, y)` by the rule of the module docs, as a kept swatch.
pub fn pick(image: &Image, x: u32, y: u32, alpha_threshold: u8) -> Result<Swatch> {
    let (w, h) = (image.width(), image.height());
    if x >= w || y >= h {
        return Err(Error::InvalidOption(format!("the point ({x}, {y}) is outside the {w} × {h} image")));
    }
    let window = |r: u32| -> Vec<(u32, u32)> {
        let (x0, x1) = (x.saturating_sub(r), (x + r).min(w - 1));
        let (y0, y1) = (y.saturating_sub(r), (y + r).min(h - 1));
        (y0..=y1).flat_map(|yy| (x0..=x1).map(move |xx| (xx, yy))).collect()
    };
    let opaque = |points: &[(u32, u32)]| -> Vec<Point> {
        image
            .rgba_of(points)
            .into_iter()
            .filter(|p| p[3] >= alpha_threshold)
            .map(|p| {
                let o = color::rgb8_to_oklab([p[0], p[1], p[2]]);
                [o.l, o.a, o.b]
            })
            .collect()
    };
    let core = opaque(&window(1));
    if core.is_empty() {
        return Err(Error::InvalidInput(format!("the point ({x}, {y}) of the image is transparent")));
    }
    let median = [0, 1, 2].map(|c| {
        let mut v: Vec<f64> = core.iter().map(|p| p[c]).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    });
    let mut sum = [0.0f64; 3];
    let mut n = 0usize;
    for p in opaque(&window(radius(w, h))) {
        if dist2(&p, &median) <= SIMILAR * SIMILAR {
            for c in 0..3 {
                sum[c] += p[c];
            }
            n += 1;
        }
    }
    // The median's own pixels are within reach of it unless all are far apart: then the median.
    let [l, a, b] = if n == 0 { median } else { sum.map(|s| s / n as f64) };
    Ok(Swatch::from_oklab(Oklab { l, a, b }, 0.0).kept(true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn a_pick_is_the_mean_of_the_similar_pixels_around_the_point() {
        // Left half a noisy red (±6 levels), right half blue, one white speck at the point.
        let (w, h) = (200u32, 100u32);
        let mut rng = Rng::new(3);
        let mut px = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let noise = |rng: &mut Rng| (rng.next_f64() * 12.0 - 6.0) as i32;
                let c = if (x, y) == (90, 50) {
                    [255, 255, 255]
                } else if x < 100 {
                    [(180 + noise(&mut rng)) as u8, (40 + noise(&mut rng)) as u8, (50 + noise(&mut rng)) as u8]
                } else {
                    [20, 40, 200]
                };
                px.extend(c);
            }
        }
        let image = Image::from_rgb(w, h, px).unwrap();
        assert_eq!(radius(w, h), 2);
        let red = pick(&image, 90, 50, 128).unwrap();
        let truth = color::rgb8_to_oklab([180, 40, 50]);
        assert!(red.oklab.delta_e(truth) < 1.0 && red.kept, "{:?}", red.hex());
        // At the edge, only the side pointed at counts.
        let edge = pick(&image, 99, 10, 128).unwrap();
        assert!(edge.oklab.delta_e(truth) < 1.5, "{}", edge.hex());
        assert_eq!(pick(&image, 100, 10, 128).unwrap().hex(), "#1428c8");
        assert_eq!(pick(&image, 200, 0, 128).unwrap_err().kind(), "invalid-option");
    }

    #[test]
    fn a_transparent_point_is_refused() {
        let image = Image::from_rgba(4, 4, vec![0; 64]).unwrap();
        let e = pick(&image, 1, 1, 128).unwrap_err();
        assert_eq!(e.to_string(), "the point (1, 1) of the image is transparent");
    }
}
