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
//! Conversions are 8-bit to 8-bit (the image is 8-bit sRGB): colors beyond
//! sRGB are clipped per channel, as browsers clip them on an sRGB screen.
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
    info.icc.is_none()
        && info.icc_error.is_none()
        && srgb_cicp
        && (info.srgb || (gamma.is_none_or(is_srgb_gamma) && chrm.is_none_or(is_srgb_chrm)))
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
            let c = if alpha { 4 } else { 3 };
            let data = img.data_mut();
            let mut out = vec![0u8; CHUNK.min(data.len() / c) * c];
            for chunk in data.chunks_mut(CHUNK * c) {
                let out = &mut out[..chunk.len()];
                t.transform(chunk, out).map_err(fail)?;
                chunk.copy_from_slice(out);
            }
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
}
