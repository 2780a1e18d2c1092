//! Colors as the viewer sees them: the color information a file carries (an
//! embedded ICC profile; PNG's cICP, sRGB, gAMA and cHRM chunks), converted
//! to sRGB with moxcms, as browsers convert it for the screen.
//!
//! Which information counts, as PNG (third edition) and browsers rank it:
//! cICP, then an ICC profile, then the sRGB chunk, then gAMA with cHRM. JPEG
//! (APP2, over several segments), WebP (ICCP) and BMP (a V5 header's
//! embedded profile) carry only ICC profiles. A file without any is sRGB,
//! and is neither changed nor slowed.
//!
//! - **Profiles that change nothing are skipped.** Most camera JPEGs embed an
//!   sRGB profile: a profile that maps each color of a 17 × 17 × 17 grid to
//!   within one level of itself is not applied (the transform's own rounding
//!   is that large).
//! - **gAMA 0.45455 without cHRM, or with sRGB's chromaticities**, is sRGB
//!   (the PNG specification's own example of an sRGB-compatible gAMA).
//! - **gAMA alone** means sRGB's primaries with the power law 1/gamma; cHRM
//!   gives the primaries and white point (adapted to D50 with Bradford).
//! - **A profile moxcms cannot read or apply** (truncated, a malformed tag
//!   table, a size it declares but does not have, a color space other than
//!   RGB or gray): the pixels are kept as decoded, and the image gets a note
//!   saying so (`warnings` in the palette), as browsers show such a file
//!   unconverted.
//!
//! - **The pixels shown** are 8-bit sRGB: colors beyond sRGB are clipped per
//!   channel, as browsers clip them on an sRGB screen (16-bit PNGs are
//!   converted at 16 bits and then rounded, [`Rows16`]).
//! - **The colors counted keep what sRGB cannot show.** For a profile whose
//!   gamut reaches beyond sRGB (more than half a level, on a 17³ grid: Display
//!   P3, Adobe RGB, ProPhoto, Rec. 2020), the file's own 8-bit pixels are kept
//!   beside the sRGB ones ([`crate::image::Wide`]; the conversion runs out of
//!   place, so this costs memory, not time), the histogram counts those, and
//!   its cells' means are converted to extended sRGB in floating point
//!   ([`WideColors`]; matrix-shaper profiles only). A swatch then has its exact color, and its hex is
//!   gamut-mapped ([`crate::color::to_srgb8`]).
//!
//! The rendering intent is the profile's perceptual one where it has tables
//! (as skcms, Chromium's color engine, uses A2B0); matrix-shaper profiles
//! (nearly every camera, phone and editor profile) have a single mapping.

#[cfg(feature = "color")]
use moxcms::{
    CicpColorPrimaries, CicpProfile, ColorPrimaries, ColorProfile, DataColorSpace, Layout, MatrixCoefficients,
    ToneReprCurve, TransferCharacteristics, TransformOptions,
};

#[cfg(not(feature = "color"))]
use crate::error::Error;
use crate::error::Result;
use crate::image::Image;
#[cfg(feature = "color")]
use crate::image::Layout as ImageLayout;

/// What a file says about its colors.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColorInfo {
    /// An embedded ICC profile.
    pub icc: Option<Vec<u8>>,
    /// The decoder could not read the profile it found (why).
    pub icc_error: Option<String>,
    /// PNG: an sRGB chunk.
    pub srgb: bool,
    /// PNG: the gAMA chunk's file gamma (0.45455 for 1 / 2.2).
    pub gamma: Option<f64>,
    /// PNG: the cHRM chunk: white, red, green and blue, each (x, y).
    pub chromaticities: Option<[f64; 8]>,
    /// PNG: the cICP chunk: primaries, transfer, matrix, full range.
    pub cicp: Option<[u8; 4]>,
}

/// sRGB's gAMA (1 / 2.2, as PNG writes it) and its cHRM.
const SRGB_GAMMA: f64 = 0.45455;
const SRGB_CHROMATICITIES: [f64; 8] = [0.3127, 0.3290, 0.64, 0.33, 0.30, 0.60, 0.15, 0.06];

/// Pixels converted at a time (a bounded scratch buffer, whatever the image's size).
#[cfg(feature = "color")]
const CHUNK: usize = 1 << 16;

/// Refuses, in a build without the `color` feature (the page's first
/// module), a file whose color information is not plain sRGB: before its
/// pixels are decoded, so the module with color management decodes it once.
pub fn check(info: &ColorInfo) -> Result<()> {
    #[cfg(not(feature = "color"))]
    if !is_plain_srgb(info) {
        return Err(Error::NeedsColor("the file's colors need the module with color management".into()));
    }
    let _ = info;
    Ok(())
}

/// Converts `img` to sRGB as `info` says, in place; notes what could not be
/// honoured. (Without the `color` feature, [`check`] has refused what it
/// would convert.)
pub fn to_srgb(img: &mut Image, info: &ColorInfo) {
    #[cfg(feature = "color")]
    {
        if let Some(why) = &info.icc_error {
            img.add_note(unread(&format!("could not be read ({why})")));
        }
        let profile = match source_profile(info) {
            Ok(Some(p)) => p,
            Ok(None) => return,
            Err(note) => {
                img.add_note(note);
                return;
            }
        };
        if let Err(note) = apply(img, &profile) {
            img.add_note(note);
        }
    }
    let _ = (img, info);
}

/// A CMYK JPEG's inks (4 bytes a pixel, 0 = no ink) through its embedded
/// CMYK profile to 8-bit sRGB (3 bytes a pixel), as browsers show such a
/// file: `None` when it has no CMYK profile (the inks are then shown by the
/// naive formula), a note when the profile cannot be read or applied.
///
/// moxcms evaluates the profile (in floating point) on a 17⁴ grid of inks;
/// each pixel is interpolated in that grid here, in integers. (moxcms' own
/// table transforms interpolate with SIMD where the processor has it, so the
/// native CLI and the WebAssembly page would differ by a level here and
/// there; this way they give the same pixels.) CMYK colors are not kept
/// beyond sRGB: press gamuts barely leave it.
#[cfg(feature = "all-formats")]
pub(super) fn cmyk_to_srgb(inks: &[u8], info: &ColorInfo) -> Option<std::result::Result<Vec<u8>, String>> {
    #[cfg(feature = "color")]
    {
        let icc = info.icc.as_ref()?;
        if icc.get(16..20) != Some(b"CMYK") {
            return None;
        }
        let profile = match source_profile(info) {
            Ok(Some(p)) => p,
            Ok(None) => return None,
            Err(note) => return Some(Err(note)),
        };
        let fail = |e: moxcms::CmsError| unread(&format!("cannot be applied ({e})"));
        let grid = match CmykGrid::of(&profile) {
            Ok(g) => g,
            Err(e) => return Some(Err(fail(e))),
        };
        Some(Ok(inks.chunks_exact(4).flat_map(|p| grid.at([p[0], p[1], p[2], p[3]])).collect()))
    }
    #[cfg(not(feature = "color"))]
    {
        let _ = (inks, info);
        None
    }
}

/// A CMYK profile sampled to sRGB on a grid of [`CmykGrid::N`]⁴ inks (16-bit results).
#[cfg(all(feature = "color", feature = "all-formats"))]
struct CmykGrid {
    table: Vec<[u16; 3]>,
}

#[cfg(all(feature = "color", feature = "all-formats"))]
impl CmykGrid {
    /// Grid points an ink.
    const N: usize = 17;

    fn of(profile: &ColorProfile) -> std::result::Result<CmykGrid, moxcms::CmsError> {
        let n = Self::N;
        let t = profile.create_transform_f64(
            Layout::Rgba,
            &ColorProfile::new_srgb(),
            Layout::Rgb,
            TransformOptions::default(),
        )?;
        let mut src = Vec::with_capacity(n.pow(4) * 4);
        for c in 0..n {
            for m in 0..n {
                for y in 0..n {
                    for k in 0..n {
                        src.extend([c, m, y, k].map(|v| v as f64 / (n - 1) as f64));
                    }
                }
            }
        }
        let mut dst = vec![0.0; n.pow(4) * 3];
        t.transform(&src, &mut dst)?;
        let table =
            dst.chunks_exact(3).map(|v| [0, 1, 2].map(|i| (v[i].clamp(0.0, 1.0) * 65535.0).round() as u16)).collect();
        Ok(CmykGrid { table })
    }

    /// The sRGB of one pixel's inks: quadrilinear interpolation in the grid.
    fn at(&self, inks: [u8; 4]) -> [u8; 3] {
        let n = Self::N;
        // Each ink's grid cell and its position in it (0..=256).
        let cell = inks.map(|v| {
            let x = v as u32 * (n as u32 - 1) * 256 / 255;
            let i = ((x >> 8) as usize).min(n - 2);
            (i, x - (i as u32) * 256)
        });
        let mut acc = [0u64; 3];
        for corner in 0..16usize {
            let mut index = 0;
            let mut weight = 1u64;
            for (d, &(i, f)) in cell.iter().enumerate() {
                let up = (corner >> (3 - d)) & 1;
                index = index * n + i + up;
                weight *= if up == 1 { f as u64 } else { 256 - f as u64 };
            }
            if weight != 0 {
                for (a, &v) in acc.iter_mut().zip(&self.table[index]) {
                    *a += weight * v as u64;
                }
            }
        }
        // Weights sum to 256⁴ = 2³²; 16 bits to 8, rounded.
        acc.map(|a| ((((a + (1 << 31)) >> 32) as u32 + 128) / 257) as u8)
    }
}

/// The conversion of a 16-bit PNG's rows, sample by sample before they are
/// rounded to 8 bits (a linear-light file rounded first would lose its dark
/// tones): to sRGB, and, for colors beyond sRGB, to a wide encoding kept for
/// the palette (ProPhoto RGB's primaries with sRGB's curve, 8 bits).
/// `None` for a file that needs no conversion (or, without the `color`
/// feature, always: [`check`] has refused the others).
pub(super) struct Rows16 {
    #[cfg(feature = "color")]
    to_srgb: std::sync::Arc<moxcms::Transform16BitExecutor>,
    #[cfg(feature = "color")]
    wide: Option<(std::sync::Arc<moxcms::Transform16BitExecutor>, WideColors)>,
    buf: Vec<u16>,
}

impl Rows16 {
    /// The conversion for RGB or RGBA rows (`alpha`), when `info` needs one
    /// that an RGB profile gives (gray PNGs are converted as R = G = B).
    pub(super) fn new(info: &ColorInfo, alpha: bool) -> Option<Rows16> {
        #[cfg(feature = "color")]
        {
            let profile = source_profile(info).ok()??;
            if profile.color_space != DataColorSpace::Rgb {
                return None;
            }
            let layout = if alpha { Layout::Rgba } else { Layout::Rgb };
            let opts = TransformOptions::default();
            let to_srgb = profile.create_transform_16bit(layout, &ColorProfile::new_srgb(), layout, opts).ok()?;
            let wide = WideColors::of(&profile).and_then(|_| {
                let encoding = wide_encoding();
                let t = profile.create_transform_16bit(layout, &encoding, layout, opts).ok()?;
                Some((t, WideColors::of(&encoding)?))
            });
            Some(Rows16 { to_srgb, wide, buf: Vec::new() })
        }
        #[cfg(not(feature = "color"))]
        {
            let _ = (info, alpha);
            None
        }
    }

    /// Whether the rows also give the wide encoding.
    pub(super) fn is_wide(&self) -> bool {
        #[cfg(feature = "color")]
        return self.wide.is_some();
        #[cfg(not(feature = "color"))]
        false
    }

    /// Converts one row of 16-bit samples (RGB or RGBA, native order) into
    /// 8-bit sRGB `dst` and, when [`Rows16::is_wide`], the wide encoding `wide`.
    pub(super) fn convert(&mut self, src: &[u16], dst: &mut [u8], wide: &mut [u8]) {
        let to8 = |v: u16| ((v as u32 + 128) / 257) as u8;
        self.buf.resize(src.len(), 0);
        #[cfg(feature = "color")]
        {
            if self.to_srgb.transform(src, &mut self.buf).is_ok() {
                dst.iter_mut().zip(&self.buf).for_each(|(d, &v)| *d = to8(v));
            }
            if let Some((t, _)) = &self.wide {
                if t.transform(src, &mut self.buf).is_ok() {
                    wide.iter_mut().zip(&self.buf).for_each(|(d, &v)| *d = to8(v));
                }
            }
        }
        let _ = (src, dst, wide, to8);
    }

    /// Keeps the wide rows (`wide`, same size and layout as `img`) for the palette.
    pub(super) fn keep_wide(self, img: &mut Image, wide: Vec<u8>) {
        #[cfg(feature = "color")]
        if let Some((_, colors)) = self.wide {
            // The pixels shown are made already.
            let shown = img.replace_data(wide);
            img.make_wide(
                std::sync::Arc::new(move |c: &mut [[f64; 3]]| colors.to_srgb(c)),
                crate::image::Shown::Known(shown),
            );
        }
        #[cfg(not(feature = "color"))]
        let _ = (img, wide);
    }
}

/// ProPhoto RGB's primaries with sRGB's curve: an 8-bit encoding wide enough
/// for every photo's colors, with sRGB's even steps in lightness.
#[cfg(feature = "color")]
fn wide_encoding() -> ColorProfile {
    let srgb = ColorProfile::new_srgb();
    let mut p = ColorProfile::new_pro_photo_rgb();
    p.cicp = None;
    (p.red_trc, p.green_trc, p.blue_trc) = (srgb.red_trc.clone(), srgb.green_trc.clone(), srgb.blue_trc);
    p
}

/// The note for a profile left out: "the embedded color profile `what`; its colors are read as sRGB".
#[cfg(feature = "color")]
fn unread(what: &str) -> String {
    format!("the embedded color profile {what}; its colors are read as sRGB")
}

/// Whether `info` says nothing but sRGB: no profile, a cICP of sRGB, and
/// gAMA and cHRM (if any) of sRGB.
#[cfg_attr(feature = "color", allow(dead_code))]
pub fn is_plain_srgb(info: &ColorInfo) -> bool {
    let srgb_cicp = info.cicp.is_none_or(|c| c == [1, 13, 0, 1]);
    let (gamma, chrm) = gamma_and_chrm(info);
    if let Some(icc) = &info.icc {
        // (A profile counts before gAMA and cHRM.)
        return is_srgb_profile(icc) && info.icc_error.is_none() && srgb_cicp;
    }
    info.icc_error.is_none()
        && srgb_cicp
        && (info.srgb || (gamma.is_none_or(is_srgb_gamma) && chrm.is_none_or(is_srgb_chrm)))
}

/// The ICC profiles of sRGB itself most often embedded, by length and FNV-1a
/// hash of their bytes: HP's "sRGB IEC61966-2.1" (3,144 bytes: Photoshop,
/// cameras, most photos on the web) and Little CMS's built-in sRGB (524 bytes:
/// GIMP, ImageMagick). moxcms maps every color through them to itself (within
/// a level, [`is_identity`]'s rule, under which the pixels were always left as
/// they are; tests/color_management.rs checks it), so they are skipped: the
/// page's first module reads such a file as plain sRGB, without loading the
/// module with color management, and gives the same pixels.
const SRGB_PROFILES: [(usize, u64); 2] = [(3144, 0x56d2_cbfc_a6b5_4318), (524, 0xef9b_4700_d18b_5f9a)];

/// Whether `icc` is one of the known profiles of sRGB itself ([`SRGB_PROFILES`]).
pub fn is_srgb_profile(icc: &[u8]) -> bool {
    let fnv1a = || icc.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
    SRGB_PROFILES.iter().any(|&(len, hash)| icc.len() == len && fnv1a() == hash)
}

/// The gAMA and cHRM of `info` that can be used (finite, positive).
fn gamma_and_chrm(info: &ColorInfo) -> (Option<f64>, Option<[f64; 8]>) {
    let gamma = info.gamma.filter(|g| g.is_finite() && *g > 0.0);
    let chrm = info.chromaticities.filter(|c| c.iter().all(|v| v.is_finite() && *v >= 0.0) && c[1] > 0.0);
    (gamma, chrm)
}

fn is_srgb_gamma(g: f64) -> bool {
    (g - SRGB_GAMMA).abs() < 5e-5
}

fn is_srgb_chrm(c: [f64; 8]) -> bool {
    c.iter().zip(SRGB_CHROMATICITIES).all(|(a, b)| (a - b).abs() < 1e-3)
}

/// The profile the file's information describes; `None` when it is sRGB.
#[cfg(feature = "color")]
fn source_profile(info: &ColorInfo) -> std::result::Result<Option<ColorProfile>, String> {
    if let Some([primaries, transfer, matrix, full]) = info.cicp {
        if let Some(p) = cicp_profile(primaries, transfer, matrix, full != 0) {
            return Ok(p);
        }
        // An unsupported cICP: the next information counts, as browsers fall back.
    }
    if let Some(icc) = &info.icc {
        if is_srgb_profile(icc) {
            return Ok(None);
        }
        // A profile declares its own size: one that has fewer bytes is truncated (skcms refuses it too).
        let declared = icc.get(..4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
        if declared.is_none_or(|d| d > icc.len()) {
            return Err(unread(&format!(
                "is truncated ({} of the {} bytes it declares)",
                icc.len(),
                declared.unwrap_or(0)
            )));
        }
        return match ColorProfile::new_from_slice(icc) {
            Ok(p) => Ok(Some(p)),
            Err(e) => Err(unread(&format!("could not be read ({e})"))),
        };
    }
    if info.srgb {
        return Ok(None);
    }
    let (gamma, chrm) = gamma_and_chrm(info);
    if gamma.is_none_or(is_srgb_gamma) && chrm.is_none_or(is_srgb_chrm) {
        return Ok(None);
    }
    let mut p = ColorProfile::new_srgb();
    // (moxcms' sRGB carries sRGB's cICP, which a transform would prefer to the curves set here.)
    p.cicp = None;
    if let Some(c) = chrm {
        let xy = |i: usize| moxcms::Chromaticity::new(c[i] as f32, c[i + 1] as f32);
        let primaries = ColorPrimaries { red: xy(2), green: xy(4), blue: xy(6) };
        p.update_rgb_colorimetry(xy(0).to_xyyb(), primaries);
    }
    if let Some(g) = gamma.filter(|&g| !is_srgb_gamma(g)) {
        // The file's samples are linear light raised to `g`: decoding raises them to 1 / g.
        let curve = ToneReprCurve::Parametric(vec![(1.0 / g) as f32]);
        p.red_trc = Some(curve.clone());
        p.green_trc = Some(curve.clone());
        p.blue_trc = Some(curve);
    }
    Ok(Some(p))
}

/// The profile of a cICP chunk: `Some(None)` for sRGB, `None` when it is not
/// one moxcms builds (a YCbCr matrix, limited range, unknown code points).
#[cfg(feature = "color")]
fn cicp_profile(primaries: u8, transfer: u8, matrix: u8, full_range: bool) -> Option<Option<ColorProfile>> {
    if matrix != 0 || !full_range {
        return None;
    }
    if primaries == 1 && transfer == 13 {
        return Some(None);
    }
    let cicp = CicpProfile {
        color_primaries: CicpColorPrimaries::try_from(primaries).ok()?,
        transfer_characteristics: TransferCharacteristics::try_from(transfer).ok()?,
        matrix_coefficients: MatrixCoefficients::try_from(matrix).ok()?,
        full_range,
    };
    // Primaries with chromaticities and a transfer with a curve (not PQ or HLG, which need tone mapping).
    ColorPrimaries::try_from(cicp.color_primaries).ok()?;
    ToneReprCurve::try_from(cicp.transfer_characteristics).ok()?;
    Some(Some(ColorProfile::new_from_cicp(cicp)))
}

/// Converts the pixels from `profile` to sRGB, unless it maps colors to themselves.
#[cfg(feature = "color")]
fn apply(img: &mut Image, profile: &ColorProfile) -> std::result::Result<(), String> {
    let srgb = ColorProfile::new_srgb();
    let alpha = img.layout() == ImageLayout::Rgba8;
    let fail = |e: moxcms::CmsError| unread(&format!("cannot be applied ({e})"));
    match profile.color_space {
        DataColorSpace::Rgb => {
            let layout = if alpha { Layout::Rgba } else { Layout::Rgb };
            let t = profile.create_transform_8bit(layout, &srgb, layout, TransformOptions::default()).map_err(fail)?;
            if is_identity(&*t, alpha)? {
                return Ok(());
            }
            if let Some(wide) = WideColors::of(profile) {
                // The file's own bytes are kept for the palette; the pixels shown are converted when asked for.
                let c = if alpha { 4 } else { 3 };
                let show = move |src: &[u8], dst: &mut [u8]| {
                    on_every_core(src.len() / c, c, dst, |range, dst| {
                        for (s, d) in src[range].chunks(CHUNK * c).zip(dst.chunks_mut(CHUNK * c)) {
                            // (Same lengths and layout: the transform cannot fail.)
                            let _ = t.transform(s, d);
                        }
                    });
                };
                img.make_wide(
                    std::sync::Arc::new(move |c: &mut [[f64; 3]]| wide.to_srgb(c)),
                    crate::image::Shown::Later(std::sync::Arc::new(show)),
                );
                return Ok(());
            }
            let c = if alpha { 4 } else { 3 };
            let data = img.data_mut();
            on_every_core(data.len() / c, c, data, |_, data| {
                let mut out = vec![0u8; CHUNK.min(data.len() / c) * c];
                for chunk in data.chunks_mut(CHUNK * c) {
                    let out = &mut out[..chunk.len()];
                    // (Same lengths and layout: the transform cannot fail.)
                    let _ = t.transform(chunk, out);
                    chunk.copy_from_slice(out);
                }
            });
            Ok(())
        }
        DataColorSpace::Gray => {
            // The image holds gray as R = G = B: the first channel goes through Gray → sRGB.
            let t = profile
                .create_transform_8bit(Layout::Gray, &srgb, Layout::Rgb, TransformOptions::default())
                .map_err(fail)?;
            let c = if alpha { 4 } else { 3 };
            let (mut gray, mut rgb) = (vec![0u8; CHUNK], vec![0u8; CHUNK * 3]);
            for chunk in img.data_mut().chunks_mut(CHUNK * c) {
                let n = chunk.len() / c;
                for (g, p) in gray.iter_mut().zip(chunk.chunks_exact(c)) {
                    *g = p[0];
                }
                t.transform(&gray[..n], &mut rgb[..n * 3]).map_err(fail)?;
                for (p, q) in chunk.chunks_exact_mut(c).zip(rgb.chunks_exact(3)) {
                    p[..3].copy_from_slice(q);
                }
            }
            Ok(())
        }
        DataColorSpace::Cmyk => Err(unread("is for CMYK images, not this one's RGB")),
        other => Err(unread(&format!("is for {other:?} images, not this one's RGB"))),
    }
}

/// The conversion of a profile's colors to extended sRGB, for the palette
/// of an image whose colors reach beyond sRGB.
///
/// For a matrix-shaper profile (nearly every camera, phone and editor
/// profile: three tone curves and a matrix), without tables: each channel
/// through its curve (as ICC defines them: sampled, a power, or one of the
/// parametric forms), then the profiles' own matrices (moxcms'
/// `rgb_to_xyz_matrix`, both adapted to D50) take it to linear sRGB without
/// clipping, and sRGB's curve, extended, encodes it. Worked here in 64-bit
/// floating point with libm, not with moxcms' transforms: their floating
/// point paths use SIMD where the processor has it, so the CLI and the page
/// would see different last bits, and a palette is only reproducible from
/// identical inputs. (moxcms' extended-range mode also gives wrong values
/// for sampled curves, ProPhoto's among them.) Profiles with tables are not
/// kept beyond sRGB.
#[cfg(feature = "color")]
struct WideColors {
    curves: [ToneReprCurve; 3],
    matrix: [[f64; 3]; 3],
}

#[cfg(feature = "color")]
impl WideColors {
    /// The conversion, when `profile` is a matrix-shaper profile with colors
    /// beyond sRGB (by more than half a level, on a 17³ grid).
    fn of(profile: &ColorProfile) -> Option<WideColors> {
        let tables = profile.lut_a_to_b_perceptual.is_some() || profile.lut_a_to_b_colorimetric.is_some();
        if !profile.is_matrix_shaper() || tables {
            return None;
        }
        let matrix = ColorProfile::new_srgb().rgb_to_xyz_matrix().inverse().mat_mul(profile.rgb_to_xyz_matrix()).v;
        let curves = [profile.red_trc.clone()?, profile.green_trc.clone()?, profile.blue_trc.clone()?];
        let wide = WideColors { curves, matrix };
        let mut grid: Vec<[f64; 3]> = Vec::with_capacity(17 * 17 * 17);
        for r in 0..17 {
            for g in 0..17 {
                for b in 0..17 {
                    grid.push([r, g, b].map(|v: i32| (v * 16).min(255) as f64));
                }
            }
        }
        wide.to_srgb(&mut grid);
        grid.iter().flatten().any(|v| !(-0.5..=255.5).contains(v)).then_some(wide)
    }

    /// Colors of the profile (0..=255, fractional) to extended sRGB (0..=255 within sRGB), in place.
    fn to_srgb(&self, colors: &mut [[f64; 3]]) {
        for c in colors.iter_mut() {
            let linear: [f64; 3] = std::array::from_fn(|i| curve(&self.curves[i], c[i] / 255.0));
            *c = self.matrix.map(|row| {
                let v = row[0] * linear[0] + row[1] * linear[1] + row[2] * linear[2];
                crate::color::linear_to_srgb(v) * 255.0
            });
        }
    }
}

/// An ICC tone curve at `x` (0..=1): sampled (linear interpolation; none is
/// the identity, one entry a power in 8.8 fixed point) or parametric (ICC's
/// five forms, by the number of parameters).
#[cfg(feature = "color")]
fn curve(trc: &ToneReprCurve, x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    match trc {
        ToneReprCurve::Lut(t) if t.is_empty() => x,
        ToneReprCurve::Lut(t) if t.len() == 1 => libm::pow(x, t[0] as f64 / 256.0),
        ToneReprCurve::Lut(t) => {
            let pos = x * (t.len() - 1) as f64;
            let i = (pos as usize).min(t.len() - 2);
            let f = pos - i as f64;
            (t[i] as f64 * (1.0 - f) + t[i + 1] as f64 * f) / 65535.0
        }
        ToneReprCurve::Parametric(p) => {
            let p: Vec<f64> = p.iter().map(|&v| v as f64).collect();
            let pow = |base: f64| if base > 0.0 { libm::pow(base, p[0]) } else { 0.0 };
            match p.len() {
                1 => pow(x),
                3 if x >= -p[2] / p[1] => pow(p[1] * x + p[2]),
                3 => 0.0,
                4 if x >= -p[2] / p[1] => pow(p[1] * x + p[2]) + p[3],
                4 => p[3],
                5 if x >= p[4] => pow(p[1] * x + p[2]),
                5 => p[3] * x,
                7 if x >= p[4] => pow(p[1] * x + p[2]) + p[5],
                7 => p[3] * x + p[6],
                _ => x,
            }
        }
    }
}

/// Runs `work` on `pixels` pixels of `channels` bytes, split into as many
/// parts as there are cores (natively, for large images; WebAssembly here
/// has one thread): each call gets its pixels' byte range and the matching
/// part of `out`.
#[cfg(feature = "color")]
fn on_every_core(
    pixels: usize,
    channels: usize,
    out: &mut [u8],
    work: impl Fn(std::ops::Range<usize>, &mut [u8]) + Sync,
) {
    let threads = if cfg!(target_arch = "wasm32") || pixels < 16 * CHUNK {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    };
    if threads == 1 {
        return work(0..out.len(), out);
    }
    let part = pixels.div_ceil(threads) * channels;
    std::thread::scope(|scope| {
        for (i, dst) in out.chunks_mut(part).enumerate() {
            let work = &work;
            scope.spawn(move || work(i * part..i * part + dst.len(), dst));
        }
    });
}

/// Whether `t` maps each color of a 17³ grid to within one level of itself.
#[cfg(feature = "color")]
fn is_identity(t: &moxcms::Transform8BitExecutor, alpha: bool) -> std::result::Result<bool, String> {
    let c = if alpha { 4 } else { 3 };
    let levels: Vec<u8> = (0..17).map(|i| (i * 16).min(255) as u8).collect();
    let mut grid = Vec::with_capacity(17 * 17 * 17 * c);
    for &r in &levels {
        for &g in &levels {
            for &b in &levels {
                grid.extend_from_slice(&[r, g, b, 255][..c]);
            }
        }
    }
    let mut out = vec![0u8; grid.len()];
    t.transform(&grid, &mut out).map_err(|e| unread(&format!("cannot be applied ({e})")))?;
    Ok(grid.iter().zip(&out).all(|(a, b)| a.abs_diff(*b) <= 1))
}

#[cfg(all(test, feature = "color"))]
mod tests {
    use super::*;

    /// What the module without color management leaves alone is exactly what
    /// the one with it does not convert (so both give the same pixels).
    #[test]
    fn plain_srgb_is_what_is_not_converted() {
        let p3 = ColorProfile::new_display_p3().encode().unwrap();
        let infos = [
            ColorInfo::default(),
            ColorInfo { srgb: true, gamma: Some(0.45455), ..ColorInfo::default() },
            ColorInfo { gamma: Some(0.45455), ..ColorInfo::default() },
            ColorInfo { gamma: Some(0.45455), chromaticities: Some(SRGB_CHROMATICITIES), ..ColorInfo::default() },
            ColorInfo { cicp: Some([1, 13, 0, 1]), ..ColorInfo::default() },
        ];
        for info in &infos {
            assert!(is_plain_srgb(info), "{info:?}");
            assert!(matches!(source_profile(info), Ok(None)), "{info:?}");
        }
        let converted = [
            ColorInfo { gamma: Some(0.4), ..ColorInfo::default() },
            ColorInfo {
                gamma: Some(0.45455),
                chromaticities: Some([0.3127, 0.329, 0.68, 0.32, 0.265, 0.69, 0.15, 0.06]),
                ..ColorInfo::default()
            },
            ColorInfo { cicp: Some([12, 13, 0, 1]), ..ColorInfo::default() },
            ColorInfo { icc: Some(p3), ..ColorInfo::default() },
        ];
        for info in &converted {
            assert!(!is_plain_srgb(info), "{info:?}");
            assert!(matches!(source_profile(info), Ok(Some(_))), "{info:?}");
        }
        // A broken profile is not plain either: the module with color management says why.
        let broken = ColorInfo { icc: Some(vec![0; 40]), ..ColorInfo::default() };
        assert!(!is_plain_srgb(&broken) && source_profile(&broken).is_err());
    }

    /// The palette's conversion agrees with moxcms' own transform (a third of
    /// a level on average, under 2 at worst: that one is 8-bit fixed point,
    /// coarse near black) wherever the color is within sRGB,
    /// for sampled, power and parametric curves.
    #[test]
    fn wide_colors_agree_with_moxcms_within_srgb() {
        let profiles = [
            ("P3", ColorProfile::new_display_p3()),
            ("Adobe", ColorProfile::new_adobe_rgb()),
            ("ProPhoto", ColorProfile::new_pro_photo_rgb()),
            ("Rec. 2020", ColorProfile::new_bt2020()),
        ];
        for (name, profile) in profiles {
            let wide = WideColors::of(&profile).unwrap_or_else(|| panic!("{name} is wide"));
            let t = profile
                .create_transform_8bit(Layout::Rgb, &ColorProfile::new_srgb(), Layout::Rgb, TransformOptions::default())
                .unwrap();
            let src: Vec<u8> =
                (0..4096u32).flat_map(|i| [(i * 37 % 256) as u8, (i * 101 % 256) as u8, (i * 7 % 256) as u8]).collect();
            let mut want = vec![0u8; src.len()];
            t.transform(&src, &mut want).unwrap();
            let mut ours: Vec<[f64; 3]> =
                src.chunks_exact(3).map(|p| [p[0] as f64, p[1] as f64, p[2] as f64]).collect();
            wide.to_srgb(&mut ours);
            let (mut compared, mut worst, mut sum) = (0, 0.0f64, 0.0);
            for (o, w) in ours.iter().zip(want.chunks_exact(3)) {
                if o.iter().all(|v| (0.0..=255.0).contains(v)) {
                    compared += 1;
                    for (a, &b) in o.iter().zip(w) {
                        worst = worst.max((a - b as f64).abs());
                        sum += (a - b as f64).abs();
                    }
                }
            }
            let mean = sum / (3 * compared) as f64;
            eprintln!("{name}: {compared} colors within sRGB, mean {mean:.3}, worst {worst:.2} levels");
            // moxcms' 8-bit path is fixed point: near black its steps are wider than a level.
            assert!(
                compared > 500 && mean < 0.3 && worst < 2.0,
                "{name}: {compared}, mean {mean:.3}, worst {worst:.2}"
            );
        }
        // sRGB itself (parametric, five parameters) is not wide.
        assert!(WideColors::of(&ColorProfile::new_srgb()).is_none());
    }
}
