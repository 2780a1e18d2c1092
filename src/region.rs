//! The counted region: the part of the still whose pixels count, without
//! letterbox or pillarbox bars and flat borders.
//!
//! `auto` looks at each side in turn: a border is a run of lines (rows for
//! the top and bottom, columns for the sides) that are each flat and of one
//! color (the outermost line's), ended by a clear edge to the picture. A line
//! is flat when at least [`FLAT_SHARE`] of its sampled pixels are within
//! [`FLAT_TOLERANCE`] of the border's color on every channel, at least
//! [`FLAT_SEEN_SHARE`] within [`FLAT_DELTA_E`] of it to the eye (ΔE_ok with
//! the toe-corrected lightness L_r, which does not spread near-blacks apart:
//! a bar's noise is small, a dark room's texture is not), and its mean is within [`DRIFT`] of that
//! color (a bar does not fade; a dark sky does). The edge is clear when,
//! within [`SOFT_EDGE`] lines after the border, a line has at least
//! [`EDGE_SHARE`] of its pixels farther than [`EDGE_DISTANCE`] on a channel
//! or [`EDGE_DELTA_E`] (with L_r) from the border's color. A border may take
//! at most a third of its side, and is at least [`MIN_BORDER`] lines. An
//! image all of one flat color has no
//! border (no edge), and an image smaller than [`MIN_SIDE`] either way has
//! none. Lines are sampled every [`SAMPLE_STEP`]-th pixel.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::color::{rgb8_to_oklab, srgb_to_oklab};
use crate::error::{Error, Result};
use crate::image::Image;

/// Per channel, how far (in 8-bit levels) a border pixel may be from the border's color.
pub const FLAT_TOLERANCE: u8 = 24;
/// The share of a line's pixels that must be within tolerance for the line to be flat.
pub const FLAT_SHARE: f64 = 0.98;
/// How far (per channel, mean) a border line may drift from the outermost line's color.
pub const DRIFT: f64 = 6.0;
/// Lines of a soft edge (scaling blur) allowed between a border and the picture.
pub const SOFT_EDGE: u32 = 3;
/// An edge line has at least this share of pixels farther than [`EDGE_DISTANCE`] from the border.
pub const EDGE_SHARE: f64 = 0.05;
/// Per channel, what counts as clearly not the border's color.
pub const EDGE_DISTANCE: u8 = 40;
/// Or farther than this ΔE_ok (with L_r, [`crate::color::toe`]): a dark
/// picture beside a dark-blue bar.
pub const EDGE_DELTA_E: f64 = 10.0;
/// And [`FLAT_SEEN_SHARE`] of a flat line's pixels are within this ΔE_ok
/// (with L_r) of the border's color: a bar is flat to the eye, a dark room
/// has texture.
pub const FLAT_DELTA_E: f64 = 6.0;
/// See [`FLAT_DELTA_E`] (lower than [`FLAT_SHARE`]: JPEG ringing beside the
/// picture).
pub const FLAT_SEEN_SHARE: f64 = 0.9;
/// The thinnest border taken away.
pub const MIN_BORDER: u32 = 2;
/// Images smaller than this (in either dimension) have no borders: in an
/// icon or a swatch chart, flat edges are the picture.
pub const MIN_SIDE: u32 = 64;
/// Every this-many-th pixel of a line is looked at.
pub const SAMPLE_STEP: usize = 3;

/// A rectangle of the image, in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rect {
    /// Left column.
    pub x: u32,
    /// Top row.
    pub y: u32,
    /// Columns.
    pub width: u32,
    /// Rows.
    pub height: u32,
}

impl Rect {
    /// The whole of a `width` × `height` image.
    pub fn full(width: u32, height: u32) -> Rect {
        Rect { x: 0, y: 0, width, height }
    }

    /// Pixels inside.
    pub fn pixel_count(&self) -> u64 {
        self.width as u64 * self.height as u64
    }

    /// Checks that the rectangle is not empty and lies inside a `width` × `height` image.
    pub fn check(&self, width: u32, height: u32) -> Result<Rect> {
        let inside =
            self.x as u64 + self.width as u64 <= width as u64 && self.y as u64 + self.height as u64 <= height as u64;
        if self.width == 0 || self.height == 0 || !inside {
            return Err(Error::InvalidOption(format!(
                "the region {self} must be a rectangle of at least one pixel inside the {width}x{height} image \
                 (x + width <= {width}, y + height <= {height})"
            )));
        }
        Ok(*self)
    }
}

impl fmt::Display for Rect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{},{},{}", self.x, self.y, self.width, self.height)
    }
}

/// Which pixels count: found, all, or a rectangle chosen by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Region {
    /// Without the bars and flat borders found (see the module docs).
    Auto,
    /// The whole image.
    #[default]
    Full,
    /// This rectangle (checked against the image when extracting).
    Rect(Rect),
}

const ALLOWED: &str = "auto, full, or X,Y,WIDTH,HEIGHT in pixels such as 0,140,1920,800";

impl Region {
    /// Parses `auto`, `full` or `x,y,width,height`.
    pub fn parse(s: &str) -> Result<Region> {
        let t = s.trim().to_ascii_lowercase();
        match t.as_str() {
            "auto" => return Ok(Region::Auto),
            "full" => return Ok(Region::Full),
            _ => {}
        }
        let parts: Option<Vec<u32>> = t.split(',').map(|p| p.trim().parse().ok()).collect();
        match parts.as_deref() {
            Some(&[x, y, width, height]) => Ok(Region::Rect(Rect { x, y, width, height })),
            _ => Err(Error::InvalidOption(format!("unknown region {s:?}; allowed: {ALLOWED}"))),
        }
    }

    /// The rectangle of `image` this region counts.
    pub fn resolve(&self, image: &Image) -> Result<Rect> {
        match self {
            Region::Full => Ok(Rect::full(image.width(), image.height())),
            Region::Auto => Ok(detect(image)),
            Region::Rect(r) => r.check(image.width(), image.height()),
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Region::Auto => f.write_str("auto"),
            Region::Full => f.write_str("full"),
            Region::Rect(r) => r.fmt(f),
        }
    }
}

impl std::str::FromStr for Region {
    type Err = Error;
    fn from_str(s: &str) -> Result<Region> {
        Region::parse(s)
    }
}

impl Serialize for Region {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Region, D::Error> {
        /// A name or `"x,y,w,h"`, or `{x, y, width, height}`.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            Text(String),
            Rect(Rect),
        }
        match Form::deserialize(d).map_err(|_| serde::de::Error::custom(format!("region must be {ALLOWED}")))? {
            Form::Text(s) => Region::parse(&s).map_err(|e| serde::de::Error::custom(e.message())),
            Form::Rect(r) => Ok(Region::Rect(r)),
        }
    }
}

/// The four sides, as lines from the outside in.
#[derive(Clone, Copy)]
enum Side {
    Top,
    Bottom,
    Left,
    Right,
}

/// The region without the borders found on each side.
pub fn detect(image: &Image) -> Rect {
    let (w, h) = (image.width(), image.height());
    if w < MIN_SIDE || h < MIN_SIDE {
        return Rect::full(w, h);
    }
    let top = border(image, Side::Top, h);
    let bottom = border(image, Side::Bottom, h);
    let left = border(image, Side::Left, w);
    let right = border(image, Side::Right, w);
    Rect { x: left, y: top, width: w - left - right, height: h - top - bottom }
}

/// The counted pixels of line `i` (from the outside) of `side`, sampled.
fn line(image: &Image, side: Side, i: u32, mut f: impl FnMut([u8; 3])) {
    let (w, h) = (image.width(), image.height());
    let points: Vec<(u32, u32)> = match side {
        Side::Top => (0..w).step_by(SAMPLE_STEP).map(|x| (x, i)).collect(),
        Side::Bottom => (0..w).step_by(SAMPLE_STEP).map(|x| (x, h - 1 - i)).collect(),
        Side::Left => (0..h).step_by(SAMPLE_STEP).map(|y| (i, y)).collect(),
        Side::Right => (0..h).step_by(SAMPLE_STEP).map(|y| (w - 1 - i, y)).collect(),
    };
    for [r, g, b, a] in image.rgba_of(&points) {
        if a >= 128 {
            f([r, g, b]);
        }
    }
}

/// The line's mean color and the share of its pixels within `tolerance` of
/// `color` (and, with `delta_e`, within that ΔE_ok of it too).
fn measure(
    image: &Image,
    side: Side,
    i: u32,
    color: [f64; 3],
    tolerance: u8,
    delta_e: Option<f64>,
) -> Option<([f64; 3], f64)> {
    let (mut n, mut near, mut sum) = (0u32, 0u32, [0f64; 3]);
    let lab = srgb_to_oklab(color);
    line(image, side, i, |p| {
        n += 1;
        let close = (0..3).all(|c| (p[c] as f64 - color[c]).abs() <= tolerance as f64);
        if close && delta_e.is_none_or(|d| rgb8_to_oklab(p).delta_e_seen(lab) <= d) {
            near += 1;
        }
        for c in 0..3 {
            sum[c] += p[c] as f64;
        }
    });
    (n > 0).then(|| (sum.map(|s| s / n as f64), near as f64 / n as f64))
}

/// How many lines of `side` (of `lines` in all) are border.
fn border(image: &Image, side: Side, lines: u32) -> u32 {
    // The border's color: the outermost line's mean, if that line is flat around it.
    let Some((color, _)) = measure(image, side, 0, [0.0; 3], 255, None) else { return 0 };
    let flat = |i: u32| {
        let levels = measure(image, side, i, color, FLAT_TOLERANCE, None);
        let seen = measure(image, side, i, color, FLAT_TOLERANCE, Some(FLAT_DELTA_E));
        levels.zip(seen).is_some_and(|((mean, share), (_, seen))| {
            share >= FLAT_SHARE && seen >= FLAT_SEEN_SHARE && (0..3).all(|c| (mean[c] - color[c]).abs() <= DRIFT)
        })
    };
    let most = lines / 3;
    let mut k = 0;
    while k < most && flat(k) {
        k += 1;
    }
    if k < MIN_BORDER || k >= most {
        return 0;
    }
    // A clear edge to the picture right after (a soft edge of a few lines allowed).
    let edge = (k..(k + 1 + SOFT_EDGE).min(lines)).find(|&i| {
        measure(image, side, i, color, EDGE_DISTANCE, Some(EDGE_DELTA_E))
            .is_some_and(|(_, near)| 1.0 - near >= EDGE_SHARE)
    });
    match edge {
        Some(i) if i == k => k,
        // The soft edge's lines belong to the border.
        Some(i) => i,
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A photo-like picture: smooth gradients with texture and noise.
    fn picture(w: u32, h: u32, seed: u32) -> Vec<[u8; 3]> {
        let mut x = seed.wrapping_mul(2654435761) | 1;
        (0..w * h)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                let (px, py) = (i % w, i / w);
                let n = (x % 31) as i32 - 15;
                let c = |base: u32, k: u32| (base as i32 + ((px * k + py * 3) % 120) as i32 + n).clamp(0, 255) as u8;
                [c(60, 1), c(40, 2), c(90, 3)]
            })
            .collect()
    }

    /// `pixels` (w × h) inside bars of `color` (top, bottom, left, right thickness), with noise of ±`noise`.
    fn barred(w: u32, h: u32, bars: [u32; 4], color: [u8; 3], noise: i32) -> Image {
        let [t, b, l, r] = bars;
        let inner = picture(w - l - r, h - t - b, 7);
        let mut x = 12345u32;
        let mut data = Vec::with_capacity((w * h * 3) as usize);
        for py in 0..h {
            for px in 0..w {
                let inside = py >= t && py < h - b && px >= l && px < w - r;
                let p = if inside {
                    inner[((py - t) * (w - l - r) + (px - l)) as usize]
                } else {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    let n = if noise > 0 { (x % (2 * noise as u32 + 1)) as i32 - noise } else { 0 };
                    color.map(|c| (c as i32 + n).clamp(0, 255) as u8)
                };
                data.extend_from_slice(&p);
            }
        }
        Image::from_rgb(w, h, data).unwrap()
    }

    #[test]
    fn letterbox_bars_of_several_colors_and_widths_are_found() {
        for (color, bars, noise) in [
            ([0, 0, 0], [40, 40, 0, 0], 0),
            ([3, 2, 4], [25, 31, 0, 0], 3),
            ([255, 255, 255], [0, 0, 30, 30], 2),
            ([120, 30, 160], [12, 12, 12, 12], 4),
            ([16, 16, 16], [0, 60, 0, 0], 2),
        ] {
            let image = barred(320, 200, bars, color, noise);
            let [t, b, l, r] = bars;
            let want = Rect { x: l, y: t, width: 320 - l - r, height: 200 - t - b };
            assert_eq!(detect(&image), want, "{color:?} {bars:?} noise {noise}");
        }
    }

    #[test]
    fn a_picture_without_bars_a_flat_image_and_tiny_images_keep_everything() {
        let plain = Image::from_rgb(200, 120, picture(200, 120, 3).concat()).unwrap();
        assert_eq!(detect(&plain), Rect::full(200, 120));
        let flat = Image::from_rgb(50, 40, vec![9; 50 * 40 * 3]).unwrap();
        assert_eq!(detect(&flat), Rect::full(50, 40));
        let tiny = Image::from_rgb(4, 3, vec![0; 36]).unwrap();
        assert_eq!(detect(&tiny), Rect::full(4, 3));
        // Bars that would be found on a still are the picture on a small image.
        let small = barred(MIN_SIDE - 1, 200, [0, 0, 10, 10], [0, 0, 0], 0);
        assert_eq!(detect(&small), Rect::full(MIN_SIDE - 1, 200));
        let still = barred(MIN_SIDE, 200, [0, 0, 10, 10], [0, 0, 0], 0);
        assert_eq!(detect(&still), Rect { x: 10, y: 0, width: MIN_SIDE - 20, height: 200 });
    }

    #[test]
    fn a_dark_blue_bar_beside_a_black_edge_is_found() {
        // The picture's top rows are black; the bar above them is dark blue (40 levels of blue away).
        let (w, h, t) = (240u32, 150u32, 18u32);
        let inner = picture(w, h - t, 9);
        let mut data = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let p = if y < t {
                    [12, 18, 40]
                } else if y < t + 6 {
                    [0, 0, 0]
                } else {
                    inner[((y - t) * w + x) as usize]
                };
                data.extend(p);
            }
        }
        let image = Image::from_rgb(w, h, data).unwrap();
        assert_eq!(detect(&image), Rect { x: 0, y: t, width: w, height: h - t });
    }

    #[test]
    fn a_dark_night_sky_is_not_a_bar() {
        // The top third near black, brightening slowly, with noise and a few lights.
        let (w, h) = (300u32, 200u32);
        let mut x = 99u32;
        let data: Vec<u8> = (0..w * h)
            .flat_map(|i| {
                let (px, py) = (i % w, i / w);
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                let n = (x % 7) as i32 - 3;
                let base = if py < h / 3 { py as i32 / 4 } else { 40 + (px % 90) as i32 };
                let light = if (px * 7 + py * 13) % 211 == 0 { 200 } else { 0 };
                let v = (base + n + light).clamp(0, 255) as u8;
                [v, v, (v as u32 * 5 / 4).min(255) as u8]
            })
            .collect();
        let sky = Image::from_rgb(w, h, data).unwrap();
        assert_eq!(detect(&sky), Rect::full(w, h));
    }

    #[test]
    fn regions_parse_and_check() {
        assert_eq!(Region::parse("Auto"), Ok(Region::Auto));
        assert_eq!(Region::parse(" 1, 2,3,4 "), Ok(Region::Rect(Rect { x: 1, y: 2, width: 3, height: 4 })));
        assert!(Region::parse("1,2,3").unwrap_err().to_string().contains("allowed: auto, full, or X,Y,WIDTH,HEIGHT"));
        let image = Image::from_rgb(10, 10, vec![0; 300]).unwrap();
        assert!(Region::parse("5,5,6,1").unwrap().resolve(&image).is_err());
        assert!(Region::parse("0,0,0,4").unwrap().resolve(&image).is_err());
        assert_eq!(Region::parse("5,5,5,5").unwrap().resolve(&image).unwrap().pixel_count(), 25);
        let o: Region = serde_json::from_str(r#"{"x": 1, "y": 1, "width": 2, "height": 2}"#).unwrap();
        assert_eq!(o, Region::Rect(Rect { x: 1, y: 1, width: 2, height: 2 }));
        assert_eq!(serde_json::to_string(&Region::Auto).unwrap(), "\"auto\"");
    }
}
