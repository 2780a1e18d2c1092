//! The composite (the still with its strip of swatches below it) as pixels,
//! in the colorpalette.cinema geometry of the seed notebook.
//!
//! With image width `W` and `n` swatches the margin is `m = W / (10n + 1)`.
//! The band below the image is `11m` high; swatch `i` (0-based) covers
//! `x ∈ [(i+1)·10m − 9m, (i+1)·10m)` and `y ∈ [m, 10m)` inside the band. Each
//! bound is truncated to a whole pixel as the notebook's `int()` did; the
//! arithmetic is done in integers (`⌊k·W / (10n+1)⌋`), so it is exact.

use crate::error::{Error, Result};
use crate::image::{Image, Layout};
use crate::region::Rect;
use crate::swatch::Swatch;

/// The most pixels a composite or strip may have (twice the default image
/// limit): the band is `⌊11·W/(10n+1)⌋` rows high, so a very wide image with
/// few colors would otherwise ask for gigapixels of memory.
pub const MAX_COMPOSITE_PIXELS: u64 = 128_000_000;

/// What is drawn and how. Serialized with the keys the wasm API takes
/// (`proportional`, `strip`, `background`, `fullFrame`, `keepAlpha`); a missing key is its default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RenderOptions {
    /// Widths proportional to each swatch's share (the gaps stay `m`).
    pub proportional: bool,
    /// The strip alone, without the image above it.
    pub strip: bool,
    /// The band's color behind the swatches (white by default).
    pub background: [u8; 3],
    /// The whole frame above the strip, not only the palette's counted region.
    #[serde(rename = "fullFrame")]
    pub full_frame: bool,
    /// Transparent pixels of the still stay transparent; by default they are
    /// shown on the band's color, as the page shows them.
    #[serde(rename = "keepAlpha")]
    pub keep_alpha: bool,
    /// The part of the image shown above the strip (all of it when `None`);
    /// set from a palette by [`RenderOptions::for_region`].
    #[serde(skip)]
    pub crop: Option<Rect>,
}

impl Default for RenderOptions {
    fn default() -> RenderOptions {
        RenderOptions {
            proportional: false,
            strip: false,
            background: [255, 255, 255],
            full_frame: false,
            keep_alpha: false,
            crop: None,
        }
    }
}

impl RenderOptions {
    /// These options for a palette counted in `region`: the still is shown
    /// without what lies outside it, unless `full_frame`.
    pub fn for_region(self, region: Rect) -> RenderOptions {
        RenderOptions { crop: (!self.full_frame).then_some(region), ..self }
    }

    /// The rectangle of `image` shown above the strip.
    fn shown(&self, image: &Image) -> Rect {
        self.crop.unwrap_or(Rect::full(image.width(), image.height()))
    }
}

/// Where the strip's parts lie, in pixels, for a strip of width `width`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StripGeometry {
    /// Height of the band (`⌊11m⌋`).
    pub height: u32,
    /// Top of every swatch inside the band (`⌊m⌋`).
    pub top: u32,
    /// Bottom (exclusive) of every swatch (`⌊10m⌋`).
    pub bottom: u32,
    /// `[x0, x1)` of each swatch.
    pub spans: Vec<(u32, u32)>,
}

/// The strip's geometry for `width` pixels and the given shares (only used
/// when `proportional`).
pub fn strip_geometry(width: u32, shares: &[f64], proportional: bool) -> StripGeometry {
    let n = shares.len() as u64;
    let d = 10 * n + 1;
    let w = width as u64;
    let at = |k: u64| (k * w / d) as u32; // ⌊k·m⌋ exactly
    let spans = if proportional {
        let m = w as f64 / d as f64;
        let total: f64 = shares.iter().sum::<f64>().max(f64::MIN_POSITIVE);
        let mut x = m;
        shares
            .iter()
            .map(|s| {
                let x0 = x;
                let x1 = x0 + 9.0 * n as f64 * m * s / total;
                x = x1 + m;
                (x0 as u32, (x1 as u32).min(width))
            })
            .collect()
    } else {
        (0..n).map(|i| (at(10 * i + 1), at(10 * (i + 1)))).collect()
    };
    StripGeometry { height: if n == 0 { 0 } else { at(11) }, top: at(1), bottom: at(10), spans }
}

/// The geometry, or an error when the strip would have no height (an image
/// narrower than `(10n + 1) / 11` pixels).
fn geometry_for(width: u32, swatches: &[Swatch], options: &RenderOptions) -> Result<StripGeometry> {
    let g = strip_geometry(width, &swatches.iter().map(|s| s.share).collect::<Vec<_>>(), options.proportional);
    if g.height == 0 {
        let n = swatches.len();
        return Err(Error::InvalidInput(format!(
            "a strip of {n} swatches needs an image at least {} pixels wide, got {width}",
            (10 * n + 1).div_ceil(11)
        )));
    }
    Ok(g)
}

fn check_pixels(width: u32, height: u32) -> Result<()> {
    let pixels = width as u64 * height as u64;
    if pixels > MAX_COMPOSITE_PIXELS {
        return Err(Error::Limits(format!(
            "the picture with its strip would be {width}x{height} ({:.0} megapixels); the limit is {:.0} megapixels",
            pixels as f64 / 1e6,
            MAX_COMPOSITE_PIXELS as f64 / 1e6
        )));
    }
    Ok(())
}

/// The strip alone, `width` pixels wide, as RGBA.
pub fn render_strip(width: u32, swatches: &[Swatch], options: &RenderOptions) -> Result<Image> {
    let g = geometry_for(width, swatches, options)?;
    check_pixels(width, g.height)?;
    let mut data = vec![0u8; width as usize * g.height as usize * 4];
    paint_band(&mut data, width, &g, swatches, options);
    Image::new(width, g.height, Layout::Rgba8, data)
}

/// The size of the image with its strip below it (`width` × `height` the
/// image's), or the error [`render_composite`] would give.
pub fn composite_size(width: u32, height: u32, swatches: &[Swatch], options: &RenderOptions) -> Result<(u32, u32)> {
    composite_geometry(width, height, swatches, options).map(|(_, height)| (width, height))
}

/// The strip's geometry and the composite's height, checked.
fn composite_geometry(
    width: u32,
    height: u32,
    swatches: &[Swatch],
    options: &RenderOptions,
) -> Result<(StripGeometry, u32)> {
    let g = geometry_for(width, swatches, options)?;
    let height = height.checked_add(g.height).ok_or_else(|| Error::Limits("the composite is too tall".into()))?;
    check_pixels(width, height)?;
    Ok((g, height))
}

/// What `options` asks for: the strip alone, or the image with its strip below it.
pub fn render(image: &Image, swatches: &[Swatch], options: &RenderOptions) -> Result<Image> {
    if options.strip {
        render_strip(options.shown(image).width, swatches, options)
    } else {
        render_composite(image, swatches, options)
    }
}

/// The size of what [`render`] gives.
pub fn output_size(image: &Image, swatches: &[Swatch], options: &RenderOptions) -> Result<(u32, u32)> {
    let shown = options.shown(image);
    let (w, h) = composite_size(shown.width, shown.height, swatches, options)?;
    Ok(if options.strip { (w, h - shown.height) } else { (w, h) })
}

/// The image with its strip below it, as RGBA at the image's full resolution:
/// the image's pixels, then those of [`render_strip`].
pub fn render_composite(image: &Image, swatches: &[Swatch], options: &RenderOptions) -> Result<Image> {
    let whole = RenderOptions { strip: false, ..*options };
    let (width, height) = output_size(image, swatches, &whole)?;
    let mut data = Vec::with_capacity(width as usize * height as usize * 4);
    for_each_band(image, swatches, &whole, usize::MAX, |_, _, band| data.extend_from_slice(band))?;
    Image::new(width, height, Layout::Rgba8, data)
}

/// Bands of rows of the composite at most this many bytes (plus a row) are
/// handed on at a time: wasm never holds the whole composite (330 MB at 64
/// megapixels) beside the image.
pub const BAND_BYTES: usize = 4 << 20;

/// Calls `f(y, rows, rgba)` for consecutive bands of what [`render`] gives,
/// top to bottom: the image's rows as RGBA, at most about `band_bytes` at a
/// time (none with `options.strip`), then the strip as one band. Returns
/// the size of the whole.
pub fn for_each_band(
    image: &Image,
    swatches: &[Swatch],
    options: &RenderOptions,
    band_bytes: usize,
    mut f: impl FnMut(u32, u32, &[u8]),
) -> Result<(u32, u32)> {
    let shown = options.shown(image);
    let (w, h) = (shown.width, shown.height);
    let (g, height) = composite_geometry(w, h, swatches, options)?;
    let row_bytes = w as usize * 4;
    let mut strip = vec![0u8; row_bytes * g.height as usize];
    paint_band(&mut strip, w, &g, swatches, options);
    if options.strip {
        f(0, g.height, &strip);
        return Ok((w, g.height));
    }
    let rows_per_band = (band_bytes / row_bytes).clamp(1, h as usize);
    let mut band = Vec::with_capacity(rows_per_band * row_bytes);
    for y0 in (0..h as usize).step_by(rows_per_band) {
        let rows = rows_per_band.min(h as usize - y0);
        band.clear();
        let c = image.layout().channels();
        let stride = image.width() as usize * c;
        for y in shown.y as usize + y0..shown.y as usize + y0 + rows {
            let start = y * stride + shown.x as usize * c;
            let row = &image.data()[start..start + w as usize * c];
            match image.layout() {
                Layout::Rgba8 if options.keep_alpha => band.extend_from_slice(row),
                Layout::Rgba8 => band.extend(row.chunks_exact(4).flat_map(|p| over(p, options.background))),
                Layout::Rgb8 => band.extend(row.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255])),
            }
        }
        f(y0 as u32, rows as u32, &band);
    }
    drop(band);
    f(h, g.height, &strip);
    Ok((w, height))
}

/// An RGBA pixel on an opaque `background` (sRGB values blended, as a browser
/// draws a transparent image on a page).
pub fn over(p: &[u8], background: [u8; 3]) -> [u8; 4] {
    let a = p[3] as u32;
    let mix = |c: u8, bg: u8| ((c as u32 * a + bg as u32 * (255 - a) + 127) / 255) as u8;
    [mix(p[0], background[0]), mix(p[1], background[1]), mix(p[2], background[2]), 255]
}

/// A swatch closer than this to the band's color (ΔE_ok as seen, with the
/// toe-corrected lightness of [`crate::color::Oklab::delta_e_seen`], so that
/// near-blacks on a black band count as the eye sees them) gets a hairline
/// around it, or its edge would vanish into the band: on white, `#ffffff`,
/// `#f4f4f4` (3.8) and a pale cream `#f5f0e1` (5.6) are outlined, `#e8e8e8`
/// (8.0), whose edge a viewer still sees, is not; on black, `#040404` (3.3)
/// is and `#0c0c0c` (6.2) is not.
pub const HAIRLINE_BELOW: f64 = 6.0;

/// The hairline's width for a strip `width` pixels wide: one pixel per 800,
/// so that it stays visible when the composite is shown smaller.
pub fn hairline_width(width: u32) -> u32 {
    (width / 800).max(1)
}

/// Whether a swatch of color `rgb` is outlined on a band of color `background`.
pub fn is_outlined(rgb: [u8; 3], background: [u8; 3]) -> bool {
    crate::color::rgb8_to_oklab(rgb).delta_e_seen(crate::color::rgb8_to_oklab(background)) < HAIRLINE_BELOW
}

/// The hairline's color: the band's, darker on a light band, lighter on a dark one.
pub fn hairline_color(background: [u8; 3]) -> [u8; 3] {
    let lab = crate::color::rgb8_to_oklab(background);
    let l = if lab.l > 0.5 { lab.l - 0.2 } else { lab.l + 0.2 };
    crate::color::oklab_to_rgb8(crate::color::Oklab { l, ..lab })
}

fn paint_band(band: &mut [u8], width: u32, g: &StripGeometry, swatches: &[Swatch], options: &RenderOptions) {
    let [r, gr, b] = options.background;
    for px in band.chunks_exact_mut(4) {
        px.copy_from_slice(&[r, gr, b, 255]);
    }
    let row = width as usize * 4;
    let line_color = hairline_color(options.background);
    let t = hairline_width(width);
    for (s, &(x0, x1)) in swatches.iter().zip(&g.spans) {
        let fill = |band: &mut [u8], xs: std::ops::Range<u32>, ys: std::ops::Range<u32>, [r, gr, b]: [u8; 3]| {
            for y in ys {
                let line = &mut band[y as usize * row..(y as usize + 1) * row];
                for px in line[xs.start as usize * 4..xs.end as usize * 4].chunks_exact_mut(4) {
                    px.copy_from_slice(&[r, gr, b, 255]);
                }
            }
        };
        let (y0, y1) = (g.top, g.bottom.min(g.height));
        fill(band, x0..x1, y0..y1, s.rgb);
        // Drawn inside the swatch's own rectangle: the geometry stays the notebook's.
        if is_outlined(s.rgb, options.background) && x1 > x0 + 2 * t && y1 > y0 + 2 * t {
            fill(band, x0..x1, y0..y0 + t, line_color);
            fill(band, x0..x1, y1 - t..y1, line_color);
            fill(band, x0..x0 + t, y0..y1, line_color);
            fill(band, x1 - t..x1, y0..y1, line_color);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sw(rgb: [u8; 3]) -> Swatch {
        Swatch::new(rgb, 0.5)
    }

    #[test]
    fn geometry_matches_the_formula_when_m_is_whole() {
        // W = 1010·... choose W = 10n+1 times 10, so m = 10 exactly.
        let g = strip_geometry(210, &[0.5, 0.5], false);
        assert_eq!((g.height, g.top, g.bottom), (110, 10, 100));
        assert_eq!(g.spans, vec![(10, 100), (110, 200)]);
    }

    #[test]
    fn geometry_truncates_like_int() {
        // W = 1000, n = 10: m = 1000/101 = 9.90099…
        let g = strip_geometry(1000, &[0.1; 10], false);
        let m = 1000.0f64 / 101.0;
        assert_eq!(g.height, (11.0 * m) as u32);
        for (i, &(x0, x1)) in g.spans.iter().enumerate() {
            let i = i as f64;
            assert_eq!(x0, ((i + 1.0) * 10.0 * m - 9.0 * m) as u32);
            assert_eq!(x1, ((i + 1.0) * 10.0 * m) as u32);
        }
    }

    #[test]
    fn composite_puts_the_image_on_top_and_swatches_in_the_band() {
        let img = Image::from_rgb(210, 2, vec![7; 210 * 2 * 3]).unwrap();
        let c = render_composite(&img, &[sw([255, 0, 0]), sw([0, 0, 255])], &RenderOptions::default()).unwrap();
        assert_eq!((c.width(), c.height()), (210, 112));
        assert_eq!(c.rgba_at(5, 1), [7, 7, 7, 255]);
        assert_eq!(c.rgba_at(5, 2 + 50), [255, 255, 255, 255]); // left margin
        assert_eq!(c.rgba_at(10, 2 + 10), [255, 0, 0, 255]);
        assert_eq!(c.rgba_at(99, 2 + 99), [255, 0, 0, 255]);
        assert_eq!(c.rgba_at(100, 2 + 50), [255, 255, 255, 255]); // gap
        assert_eq!(c.rgba_at(110, 2 + 50), [0, 0, 255, 255]);
        assert_eq!(c.rgba_at(150, 2 + 100), [255, 255, 255, 255]); // bottom margin
    }

    #[test]
    fn a_very_wide_image_with_few_colors_is_refused_not_allocated() {
        // 63264x23 with one swatch: the band alone would be 63264 rows high.
        let wide = Image::from_rgb(63_264, 23, vec![0; 63_264 * 23 * 3]).unwrap();
        let e = render_composite(&wide, &[sw([0, 0, 0])], &RenderOptions::default()).unwrap_err();
        assert!(matches!(e, Error::Limits(_)) && e.to_string().contains("limit is 128 megapixels"), "{e}");
        assert!(matches!(render_strip(63_264, &[sw([0, 0, 0])], &RenderOptions::default()), Err(Error::Limits(_))));
    }

    #[test]
    fn proportional_widths_follow_shares() {
        let g = strip_geometry(1001, &[0.75, 0.25], true);
        let w0 = g.spans[0].1 - g.spans[0].0;
        let w1 = g.spans[1].1 - g.spans[1].0;
        assert!((w0 as f64 / w1 as f64 - 3.0).abs() < 0.05, "{w0} {w1}");
        assert!(g.spans[1].1 <= 1001 - 40);
    }

    #[test]
    fn too_narrow_strip_is_an_error_not_a_panic() {
        assert!(render_strip(0, &[sw([0, 0, 0])], &RenderOptions::default()).is_err());
        // 10 swatches need ⌊11·W/101⌋ ≥ 1, so W ≥ 10; both renders agree.
        let narrow = Image::from_rgb(9, 1, vec![0; 27]).unwrap();
        let e = render_composite(&narrow, &[sw([0, 0, 0]); 10], &RenderOptions::default()).unwrap_err();
        assert!(e.to_string().contains("at least 10 pixels wide"), "{e}");
        assert!(render_strip(9, &[sw([0, 0, 0]); 10], &RenderOptions::default()).is_err());
        let just = Image::from_rgb(10, 1, vec![0; 30]).unwrap();
        assert_eq!(render_composite(&just, &[sw([0, 0, 0]); 10], &RenderOptions::default()).unwrap().height(), 2);
    }

    #[test]
    fn a_swatch_close_to_the_band_is_outlined_and_the_others_are_not() {
        // m = 10: swatches at x 10..100 and 110..200, rows 10..100 of the band.
        let c = render_strip(210, &[sw([255, 255, 255]), sw([200, 30, 40])], &RenderOptions::default()).unwrap();
        let line = hairline_color([255, 255, 255]);
        assert_eq!(hairline_width(210), 1);
        let [r, g, b] = line;
        // A white swatch on white: its edge is drawn, its inside stays white.
        for (x, y) in [(10, 50), (99, 50), (50, 10), (50, 99)] {
            assert_eq!(c.rgba_at(x, y), [r, g, b, 255], "edge at {x},{y}");
        }
        assert_eq!(c.rgba_at(50, 50), [255, 255, 255, 255]);
        let seen = crate::color::rgb8_to_oklab(line).delta_e(crate::color::rgb8_to_oklab([255, 255, 255]));
        assert!(seen > 15.0, "the hairline stands out from the band: ΔE_ok {seen}");
        // A red swatch is drawn edge to edge in its own color.
        assert_eq!(c.rgba_at(110, 10), [200, 30, 40, 255]);
        assert_eq!(c.rgba_at(199, 99), [200, 30, 40, 255]);
        // On a black band it is the black swatch that gets the (lighter) line.
        let dark = RenderOptions { background: [0, 0, 0], ..RenderOptions::default() };
        let d = render_strip(210, &[sw([255, 255, 255]), sw([4, 4, 4])], &dark).unwrap();
        assert_eq!(d.rgba_at(10, 50), [255, 255, 255, 255]);
        let [r, g, b] = hairline_color([0, 0, 0]);
        assert_eq!(d.rgba_at(110, 50), [r, g, b, 255]);
        assert_eq!(d.rgba_at(150, 50), [4, 4, 4, 255]);
        // Wide strips get a line a pixel per 800 wide, so that it survives being shown smaller.
        assert_eq!(hairline_width(4270), 5);
    }

    #[test]
    fn transparent_pixels_are_shown_on_the_band_color_unless_kept() {
        // Opaque red, half-transparent blue, fully transparent (its RGB black, as rembg leaves it).
        let px = [[255, 0, 0, 255], [0, 0, 255, 128], [0, 0, 0, 0]];
        let mut data = Vec::new();
        for _ in 0..70 {
            data.extend(px.iter().flatten());
        }
        let img = Image::new(210, 1, Layout::Rgba8, data).unwrap();
        let cream = RenderOptions { background: [250, 240, 220], ..RenderOptions::default() };
        let c = render_composite(&img, &[sw([10, 10, 10]), sw([200, 200, 0])], &cream).unwrap();
        assert_eq!(c.rgba_at(0, 0), [255, 0, 0, 255]);
        assert_eq!(c.rgba_at(1, 0), [125, 120, 238, 255]);
        assert_eq!(c.rgba_at(2, 0), [250, 240, 220, 255]);
        let kept = RenderOptions { keep_alpha: true, ..cream };
        let k = render_composite(&img, &[sw([10, 10, 10]), sw([200, 200, 0])], &kept).unwrap();
        assert_eq!((k.rgba_at(1, 0), k.rgba_at(2, 0)), ([0, 0, 255, 128], [0, 0, 0, 0]));
    }
}
