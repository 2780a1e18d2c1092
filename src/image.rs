//! A length-checked 8-bit image (RGB or RGBA), the seed's sampling rule and
//! the alpha filter.

use crate::error::{Error, Result};

/// How the bytes of an [`Image`] are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Three bytes a pixel, fully opaque.
    Rgb8,
    /// Four bytes a pixel, straight (not premultiplied) alpha.
    Rgba8,
}

impl Layout {
    /// Bytes per pixel.
    pub fn channels(self) -> usize {
        match self {
            Layout::Rgb8 => 3,
            Layout::Rgba8 => 4,
        }
    }
}

/// An image whose byte length always matches its size and layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    width: u32,
    height: u32,
    layout: Layout,
    data: Vec<u8>,
    /// What the decoder could not honour (a broken color profile, say): the
    /// palette's `warnings`.
    notes: Vec<String>,
    /// The pixels in a wider space than sRGB, for a file whose colors reach beyond it.
    wide: Option<Wide>,
}

/// Converts colors of a [`Wide`] encoding (0..=255 a channel, fractional:
/// means) to extended sRGB (0..=255 within sRGB, beyond it outside), in place.
pub type ToSrgb = std::sync::Arc<dyn Fn(&mut [[f64; 3]]) + Send + Sync>;

/// Converts pixels of a [`Wide`] encoding (same layout) to the 8-bit sRGB
/// shown, clipped: `(source, shown)`.
pub type Show = std::sync::Arc<dyn Fn(&[u8], &mut [u8]) + Send + Sync>;

/// The pixels of an image whose colors reach beyond sRGB, as its file
/// encodes them (or in another wide encoding): what the palette is computed
/// from, so that a swatch keeps a color the 8-bit sRGB pixels had to clip.
/// Same size and layout (alpha included) as the image. The sRGB pixels
/// shown are converted from them when first asked for ([`Image::data`]),
/// so a palette alone (the CLI's JSON) costs no conversion of every pixel.
#[derive(Clone)]
pub struct Wide {
    data: Vec<u8>,
    to_srgb: ToSrgb,
    /// How the pixels shown are made; `None` when they were given ([`Shown::Known`]).
    show: Option<Show>,
    shown: std::sync::OnceLock<Vec<u8>>,
}

impl std::fmt::Debug for Wide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Wide({} bytes)", self.data.len())
    }
}

/// The pixels shown of an image with [`Wide`] colors: already made, or made when first asked for.
pub enum Shown {
    /// Made already (same size and layout as the image).
    Known(Vec<u8>),
    /// Made from the wide pixels by this conversion.
    Later(Show),
}

impl Wide {
    /// The pixels shown for `src` (wide pixels), into `dst`. (Only called
    /// while the pixels shown are not made, so `show` is there.)
    fn show(&self, src: &[u8], dst: &mut [u8]) {
        if let Some(show) = &self.show {
            show(src, dst);
        }
    }
}

impl PartialEq for Wide {
    fn eq(&self, other: &Wide) -> bool {
        self.data == other.data
    }
}

impl Eq for Wide {}

impl Image {
    /// Wraps `data`, checking that it holds exactly `width × height` pixels of `layout`.
    pub fn new(width: u32, height: u32, layout: Layout, data: Vec<u8>) -> Result<Image> {
        let expected = (width as u64) * (height as u64) * layout.channels() as u64;
        if data.len() as u64 != expected {
            return Err(Error::InvalidInput(format!(
                "a {width}x{height} {layout:?} image needs {expected} bytes, got {}",
                data.len()
            )));
        }
        if width == 0 || height == 0 {
            return Err(Error::InvalidInput(format!(
                "the image is empty ({width}x{height}); it needs at least one pixel"
            )));
        }
        Ok(Image { width, height, layout, data, notes: Vec::new(), wide: None })
    }

    /// An RGBA image from straight-alpha bytes.
    pub fn from_rgba(width: u32, height: u32, data: Vec<u8>) -> Result<Image> {
        Image::new(width, height, Layout::Rgba8, data)
    }

    /// An opaque RGB image.
    pub fn from_rgb(width: u32, height: u32, data: Vec<u8>) -> Result<Image> {
        Image::new(width, height, Layout::Rgb8, data)
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Number of pixels.
    pub fn pixel_count(&self) -> u64 {
        self.width as u64 * self.height as u64
    }

    /// The byte layout.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The raw bytes (8-bit sRGB), row-major, top row first.
    pub fn data(&self) -> &[u8] {
        match &self.wide {
            Some(w) => w.shown.get_or_init(|| {
                let mut shown = vec![0u8; w.data.len()];
                w.show(&w.data, &mut shown);
                shown
            }),
            None => &self.data,
        }
    }

    /// The raw bytes, to change in place (the color conversion of decoding).
    #[cfg_attr(not(feature = "color"), allow(dead_code))]
    pub(crate) fn data_mut(&mut self) -> &mut [u8] {
        assert!(self.wide.is_none(), "an image with wide colors converts its own");
        &mut self.data
    }

    /// Replaces the bytes with `data` (of the same length) and returns the old ones.
    #[cfg_attr(not(feature = "color"), allow(dead_code))]
    pub(crate) fn replace_data(&mut self, data: Vec<u8>) -> Vec<u8> {
        assert!(self.wide.is_none() && data.len() == self.data.len(), "same size and layout");
        std::mem::replace(&mut self.data, data)
    }

    /// Makes the image's bytes its colors beyond sRGB ([`Wide`]), which
    /// `to_srgb` converts for the palette, and the pixels shown.
    #[cfg_attr(not(feature = "color"), allow(dead_code))]
    pub(crate) fn make_wide(&mut self, to_srgb: ToSrgb, shown: Shown) {
        let (show, shown) = match shown {
            Shown::Known(pixels) => (None, std::sync::OnceLock::from(pixels)),
            Shown::Later(show) => (Some(show), std::sync::OnceLock::new()),
        };
        assert!(self.wide.is_none() && shown.get().is_none_or(|s| s.len() == self.data.len()), "same size and layout");
        let data = std::mem::take(&mut self.data);
        self.wide = Some(Wide { data, to_srgb, show, shown });
    }

    /// Whether the image keeps colors beyond sRGB (see [`Wide`]).
    pub fn is_wide(&self) -> bool {
        self.wide.is_some()
    }

    /// The bytes the palette counts: the wide ones where the image has them.
    pub(crate) fn counted_data(&self) -> &[u8] {
        self.wide.as_ref().map_or(&self.data, |w| &w.data)
    }

    /// Converts colors of [`Image::counted_data`]'s encoding (0..=255, means) to
    /// extended sRGB (0..=255 within sRGB), in place.
    pub(crate) fn counted_to_srgb(&self, colors: &mut [[f64; 3]]) {
        if let Some(w) = &self.wide {
            (w.to_srgb)(colors);
        }
    }

    /// What decoding could not honour, in plain words (empty for most files).
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// Adds a note (see [`Image::notes`]).
    pub fn add_note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// Pixel `(x, y)` as RGBA (alpha 255 for RGB images). (For an image with
    /// wide colors whose shown pixels are not converted yet, this one pixel is.)
    pub fn rgba_at(&self, x: u32, y: u32) -> [u8; 4] {
        let c = self.layout.channels();
        let i = (y as usize * self.width as usize + x as usize) * c;
        let mut one = [0u8; 4];
        let p = match &self.wide {
            Some(w) if w.shown.get().is_none() => {
                w.show(&w.data[i..i + c], &mut one[..c]);
                &one[..c]
            }
            _ => &self.data()[i..i + c],
        };
        [p[0], p[1], p[2], if c == 4 { p[3] } else { 255 }]
    }

    /// The pixels at `points` as RGBA, as [`Image::rgba_at`] gives each (for an
    /// image with wide colors not converted yet, in one conversion).
    pub fn rgba_of(&self, points: &[(u32, u32)]) -> Vec<[u8; 4]> {
        let c = self.layout.channels();
        let index = |&(x, y): &(u32, u32)| (y as usize * self.width as usize + x as usize) * c;
        let rgba = |p: &[u8]| [p[0], p[1], p[2], if c == 4 { p[3] } else { 255 }];
        match &self.wide {
            Some(w) if w.shown.get().is_none() => {
                let source: Vec<u8> = points.iter().flat_map(|q| &w.data[index(q)..index(q) + c]).copied().collect();
                let mut shown = vec![0u8; source.len()];
                w.show(&source, &mut shown);
                shown.chunks_exact(c).map(rgba).collect()
            }
            _ => points.iter().map(|q| rgba(&self.data()[index(q)..index(q) + c])).collect(),
        }
    }

    /// A small RGBA picture of the image, at most `side` pixels on its long
    /// side (the image's own size when it is that small): each pixel the mean
    /// of up to 2 × 2 pixels spread over the area it covers. Costs at most 4
    /// reads an output pixel, whatever the image's size: a preview shown while
    /// the palette is being extracted.
    pub fn thumbnail(&self, side: u32) -> Image {
        self.reduced(side, 2)
    }

    /// The image at most `side` pixels on its long side (its own size when it
    /// is that small), each pixel the rounded mean of up to `taps` × `taps`
    /// pixels spread evenly over the area it covers (`u32::MAX`: all of them,
    /// an area average).
    pub fn reduced(&self, side: u32, taps: u32) -> Image {
        let (w, h) = (self.width, self.height);
        let scale = (side.max(1) as f64 / w.max(h) as f64).min(1.0);
        let (tw, th) = (((w as f64 * scale).round() as u32).max(1), ((h as f64 * scale).round() as u32).max(1));
        // The sample positions along one axis for each output pixel: up to `taps`, centred in their share of the cell.
        let taps = |n: u32, out: u32| -> Vec<Vec<u32>> {
            (0..out)
                .map(|o| {
                    let (a, b) = (
                        o as u64 * n as u64 / out as u64,
                        ((o + 1) as u64 * n as u64 / out as u64).max(o as u64 * n as u64 / out as u64 + 1),
                    );
                    let k = (b - a).min(taps.max(1) as u64);
                    (0..k).map(|i| (a + (2 * i + 1) * (b - a) / (2 * k)) as u32).collect()
                })
                .collect()
        };
        let (xs, ys) = (taps(w, tw), taps(h, th));
        let mut data = Vec::with_capacity(tw as usize * th as usize * 4);
        if self.wide.as_ref().is_some_and(|w| w.shown.get().is_none()) {
            // Wide colors not converted yet: the samples of a row converted together.
            for row in &ys {
                let points: Vec<(u32, u32)> =
                    xs.iter().flat_map(|col| row.iter().flat_map(move |&y| col.iter().map(move |&x| (x, y)))).collect();
                let px = self.rgba_of(&points);
                let mut at = 0;
                for col in &xs {
                    let n = col.len() * row.len();
                    data.extend(mean_of(&px[at..at + n]));
                    at += n;
                }
            }
        } else {
            let c = self.layout.channels();
            let bytes = self.data();
            let stride = w as usize * c;
            // Byte offsets of each output column's taps within a row, once.
            let cols: Vec<Vec<usize>> = xs.iter().map(|col| col.iter().map(|&x| x as usize * c).collect()).collect();
            for row in &ys {
                let lines: Vec<&[u8]> =
                    row.iter().map(|&y| &bytes[y as usize * stride..(y as usize + 1) * stride]).collect();
                for col in &cols {
                    let n = (col.len() * lines.len()) as u32;
                    let mut sum = [0u32, 0, 0, if c == 4 { 0 } else { 255 * n }];
                    for line in &lines {
                        for &i in col {
                            let p = &line[i..i + c];
                            sum[0] += p[0] as u32;
                            sum[1] += p[1] as u32;
                            sum[2] += p[2] as u32;
                            if c == 4 {
                                sum[3] += p[3] as u32;
                            }
                        }
                    }
                    data.extend(sum.map(|v| ((v + n / 2) / n) as u8));
                }
            }
        }
        Image::from_rgba(tw, th, data).expect("a thumbnail's size matches its pixels")
    }

    /// Calls `f` with the RGB of every `stride`-th pixel (in row-major order,
    /// starting with the first) whose alpha is at least `alpha_threshold`.
    #[inline]
    pub fn for_each_counted(&self, stride: usize, alpha_threshold: u8, f: impl FnMut([u8; 3])) {
        self.for_each_counted_in(0..self.pixel_count() as usize, stride, alpha_threshold, f);
    }

    /// As [`Image::for_each_counted`], for the pixels with index in `range`
    /// (whose start should be a multiple of `stride`).
    #[inline]
    pub fn for_each_counted_in(
        &self,
        range: std::ops::Range<usize>,
        stride: usize,
        alpha_threshold: u8,
        f: impl FnMut([u8; 3]),
    ) {
        for_each_counted_of(self.data(), self.layout, range, stride, alpha_threshold, f);
    }

    /// As [`Image::for_each_counted_in`], over [`Image::counted_data`] (the
    /// wide colors where the image has them).
    #[inline]
    pub(crate) fn for_each_counted_wide_in(
        &self,
        range: std::ops::Range<usize>,
        stride: usize,
        alpha_threshold: u8,
        f: impl FnMut([u8; 3]),
    ) {
        for_each_counted_of(self.counted_data(), self.layout, range, stride, alpha_threshold, f);
    }
}

/// [`Image::for_each_counted_in`] over `data` laid out as `layout`.
#[inline]
fn for_each_counted_of(
    data: &[u8],
    layout: Layout,
    range: std::ops::Range<usize>,
    stride: usize,
    alpha_threshold: u8,
    mut f: impl FnMut([u8; 3]),
) {
    let c = layout.channels();
    let bytes = &data[range.start * c..range.end * c];
    match (layout, stride.max(1)) {
        (Layout::Rgb8, 1) => {
            for p in bytes.chunks_exact(3) {
                f([p[0], p[1], p[2]]);
            }
        }
        (Layout::Rgb8, s) => {
            for p in bytes.chunks_exact(3).step_by(s) {
                f([p[0], p[1], p[2]]);
            }
        }
        (Layout::Rgba8, s) => {
            for p in bytes.chunks_exact(4).step_by(s) {
                if p[3] >= alpha_threshold {
                    f([p[0], p[1], p[2]]);
                }
            }
        }
    }
}

/// The rounded mean of RGBA pixels.
fn mean_of(px: &[[u8; 4]]) -> [u8; 4] {
    let n = px.len() as u32;
    let mut sum = [0u32; 4];
    for p in px {
        for k in 0..4 {
            sum[k] += p[k] as u32;
        }
    }
    sum.map(|v| ((v + n / 2) / n) as u8)
}

/// The seed notebook's sampling step: every s-th pixel with
/// `s = int((w/200 + h/100) / 2)`, at least 1.
pub fn seed_stride(width: u32, height: u32) -> usize {
    let s = (width as f64 / 200.0 + height as f64 / 100.0) / 2.0;
    (s as usize).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thumbnail_is_small_and_averages_what_it_covers() {
        // 1000 × 500: the left half black, the right half white, one red row at the top.
        let mut px = Vec::new();
        for y in 0..500 {
            for x in 0..1000 {
                px.extend(if y == 0 {
                    [255, 0, 0]
                } else if x < 500 {
                    [0, 0, 0]
                } else {
                    [255, 255, 255]
                });
            }
        }
        let img = Image::from_rgb(1000, 500, px).unwrap();
        let t = img.thumbnail(100);
        assert_eq!((t.width(), t.height()), (100, 50));
        assert_eq!(t.rgba_at(10, 20), [0, 0, 0, 255]);
        assert_eq!(t.rgba_at(90, 20), [255, 255, 255, 255]);
        // A small image keeps its size; a tall one fits its height.
        assert_eq!(img.thumbnail(4000).width(), 1000);
        let tall = Image::from_rgba(3, 900, vec![9; 3 * 900 * 4]).unwrap().thumbnail(90);
        assert_eq!((tall.width(), tall.height(), tall.rgba_at(0, 89)), (1, 90, [9, 9, 9, 9]));
    }

    #[test]
    fn wrong_length_is_refused() {
        assert!(Image::from_rgb(2, 2, vec![0; 11]).is_err());
        assert!(Image::from_rgba(2, 2, vec![0; 16]).is_ok());
    }

    #[test]
    fn empty_image_is_refused() {
        let e = Image::from_rgb(0, 5, vec![]).unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
    }

    #[test]
    fn seed_stride_follows_the_notebook() {
        assert_eq!(seed_stride(1920, 1080), 10); // (9.6 + 10.8) / 2 = 10.2
        assert_eq!(seed_stride(100, 50), 1); // 0.5 → 0 → at least 1
        assert_eq!(seed_stride(3839, 5758), 38); // (19.195 + 57.58) / 2 = 38.39
    }

    #[test]
    fn transparent_pixels_are_not_counted() {
        let img = Image::from_rgba(3, 1, vec![10, 10, 10, 255, 0, 0, 0, 0, 20, 20, 20, 128]).unwrap();
        let mut seen = vec![];
        img.for_each_counted(1, 128, |c| seen.push(c));
        assert_eq!(seen, vec![[10, 10, 10], [20, 20, 20]]);
    }

    #[test]
    fn stride_takes_every_sth_pixel_from_the_first() {
        let data: Vec<u8> = (0..10u8).flat_map(|i| [i, i, i]).collect();
        let img = Image::from_rgb(10, 1, data).unwrap();
        let mut seen = vec![];
        img.for_each_counted(3, 128, |c| seen.push(c[0]));
        assert_eq!(seen, vec![0, 3, 6, 9]);
    }
}
