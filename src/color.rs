//! sRGB ⇄ linear ⇄ Oklab, and hex notation.
//!
//! Oklab is Björn Ottosson's perceptual space (2020): Euclidean distances in
//! it follow perceived color differences far better than in sRGB. ΔE_ok in
//! this crate is that distance ×100.

/// A point in a clustering space (Oklab or scaled sRGB), three coordinates.
pub type Point = [f64; 3];

/// An Oklab color.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Oklab {
    /// Perceived lightness, 0 (black) to 1 (white).
    pub l: f64,
    /// Green (−) to red (+).
    pub a: f64,
    /// Blue (−) to yellow (+).
    pub b: f64,
}

impl Oklab {
    /// Chroma (distance from the gray axis).
    pub fn chroma(self) -> f64 {
        (self.a * self.a + self.b * self.b).sqrt()
    }

    /// Hue angle in degrees, 0..360 (0 ≈ pink-red, 90 ≈ yellow, 180 ≈ cyan-green, 270 ≈ blue).
    pub fn hue_degrees(self) -> f64 {
        let h = libm::atan2(self.b, self.a).to_degrees();
        if h < 0.0 {
            h + 360.0
        } else {
            h
        }
    }

    /// Euclidean distance in Oklab ×100 (ΔE_ok).
    pub fn delta_e(self, other: Oklab) -> f64 {
        let (dl, da, db) = (self.l - other.l, self.a - other.a, self.b - other.b);
        (dl * dl + da * da + db * db).sqrt() * 100.0
    }

    /// ΔE_ok with L replaced by the toe-corrected L_r ([`toe`]): how far
    /// apart two colors look near black, where Oklab spreads them.
    pub fn delta_e_seen(self, other: Oklab) -> f64 {
        Oklab { l: toe(self.l), ..self }.delta_e(Oklab { l: toe(other.l), ..other })
    }
}

/// Ottosson's toe (2021): Oklab's L to L_r, a lightness that follows
/// CIELAB's L* near black (0 → 0, 1 → 1).
pub fn toe(l: f64) -> f64 {
    const K1: f64 = 0.206;
    const K2: f64 = 0.03;
    const K3: f64 = (1.0 + K1) / (1.0 + K2);
    let x = K3 * l - K1;
    0.5 * (x + (x * x + 4.0 * K2 * K3 * l).sqrt())
}

/// sRGB component (0..=1) to linear light; extended as CSS Color 4 extends
/// it (odd about 0, the curve continued past 1), for colors beyond sRGB.
pub fn srgb_to_linear(c: f64) -> f64 {
    let a = c.abs();
    let v = if a <= 0.04045 { a / 12.92 } else { libm::pow((a + 0.055) / 1.055, 2.4) };
    v.copysign(c)
}

/// Linear light (0..=1) to an sRGB component; extended as [`srgb_to_linear`].
pub fn linear_to_srgb(c: f64) -> f64 {
    let a = c.abs();
    let v = if a <= 0.003_130_8 { a * 12.92 } else { 1.055 * libm::pow(a, 1.0 / 2.4) - 0.055 };
    v.copysign(c)
}

/// Linear sRGB to Oklab.
pub fn linear_to_oklab([r, g, b]: [f64; 3]) -> Oklab {
    let l = 0.412_221_470_8 * r + 0.536_332_536_3 * g + 0.051_445_992_9 * b;
    let m = 0.211_903_498_2 * r + 0.680_699_545_1 * g + 0.107_396_956_6 * b;
    let s = 0.088_302_461_9 * r + 0.281_718_837_6 * g + 0.629_978_700_5 * b;
    let (l, m, s) = (libm::cbrt(l), libm::cbrt(m), libm::cbrt(s));
    Oklab {
        l: 0.210_454_255_3 * l + 0.793_617_785_0 * m - 0.004_072_046_8 * s,
        a: 1.977_998_495_1 * l - 2.428_592_205_0 * m + 0.450_593_709_9 * s,
        b: 0.025_904_037_1 * l + 0.782_771_766_2 * m - 0.808_675_766_0 * s,
    }
}

/// Oklab to linear sRGB (may fall outside 0..=1 for colors out of gamut).
pub fn oklab_to_linear(c: Oklab) -> [f64; 3] {
    let l = c.l + 0.396_337_777_4 * c.a + 0.215_803_757_3 * c.b;
    let m = c.l - 0.105_561_345_8 * c.a - 0.063_854_172_8 * c.b;
    let s = c.l - 0.089_484_177_5 * c.a - 1.291_485_548_0 * c.b;
    let (l, m, s) = (l * l * l, m * m * m, s * s * s);
    [
        4.076_741_662_1 * l - 3.307_711_591_3 * m + 0.230_969_929_2 * s,
        -1.268_438_004_6 * l + 2.609_757_401_1 * m - 0.341_319_396_5 * s,
        -0.004_196_086_3 * l - 0.703_418_614_7 * m + 1.707_614_701_0 * s,
    ]
}

/// sRGB (components 0..=255, possibly fractional, e.g. a mean) to Oklab.
pub fn srgb_to_oklab(rgb: [f64; 3]) -> Oklab {
    linear_to_oklab(rgb.map(|c| srgb_to_linear(c / 255.0)))
}

/// An 8-bit sRGB color to Oklab.
pub fn rgb8_to_oklab(rgb: [u8; 3]) -> Oklab {
    srgb_to_oklab(rgb.map(f64::from))
}

/// Oklab to 8-bit sRGB: rounded, or gamut-mapped when the color lies
/// beyond sRGB ([`to_srgb8`]).
pub fn oklab_to_rgb8(c: Oklab) -> [u8; 3] {
    to_srgb8(c).0
}

/// How far (in 8-bit levels) a color may lie outside sRGB and still count as
/// inside: half a level, so that rounding alone gives its 8-bit color.
const GAMUT_SLACK: f64 = 0.5 / 255.0;

/// Whether the sRGB components (0..=1, extended) lie in the gamut, within half a level.
fn in_srgb_gamut(rgb: [f64; 3]) -> bool {
    rgb.iter().all(|v| (-GAMUT_SLACK..=1.0 + GAMUT_SLACK).contains(v))
}

/// sRGB components (0..=1, extended) of an Oklab color.
fn oklab_to_srgb(c: Oklab) -> [f64; 3] {
    oklab_to_linear(c).map(linear_to_srgb)
}

/// Whether `c` is within sRGB and rounds to `rgb` (to half a level and a
/// thousandth: Oklab's round trip moves a color by some 1e-5 of a level, and
/// a mean on a rounding boundary may have been rounded either way).
pub fn rounds_to(c: Oklab, rgb: [u8; 3]) -> bool {
    let v = oklab_to_srgb(c);
    in_srgb_gamut(v) && v.iter().zip(rgb).all(|(x, q)| (x * 255.0 - q as f64).abs() <= 0.5 + 1e-3)
}

/// An Oklab color as 8-bit sRGB, and whether it had to be gamut-mapped.
///
/// A color within sRGB (to half a level) is rounded. One beyond it is
/// mapped by CSS Color 4's gamut mapping (§13.2, "binary search for the
/// chroma"): in OKLCH, lightness and hue are kept and the chroma lowered
/// until clipping the color into sRGB moves it less than a just-noticeable
/// difference (ΔE_ok 2); that clipped color is the result. Lightness at or
/// beyond white or black gives white or black.
pub fn to_srgb8(c: Oklab) -> ([u8; 3], bool) {
    let rgb8 = |v: [f64; 3]| v.map(|x| quantize(x * 255.0));
    let origin = oklab_to_srgb(c);
    if in_srgb_gamut(origin) {
        return (rgb8(origin), false);
    }
    if c.l >= 1.0 {
        return ([255; 3], true);
    }
    if c.l <= 0.0 {
        return ([0; 3], true);
    }
    const JND: f64 = 0.02;
    const EPSILON: f64 = 0.0001;
    let clip = |v: [f64; 3]| v.map(|x| x.clamp(0.0, 1.0));
    // (Out of gamut with 0 < L < 1, the color has chroma: scaling a and b keeps its hue.)
    let chroma = c.chroma();
    let at = |to: f64| Oklab { l: c.l, a: c.a * to / chroma, b: c.b * to / chroma };
    let delta =
        |current: Oklab, clipped: [f64; 3]| current.delta_e(linear_to_oklab(clipped.map(srgb_to_linear))) / 100.0;
    let mut clipped = clip(origin);
    if delta(c, clipped) < JND {
        return (rgb8(clipped), true);
    }
    let (mut min, mut max, mut min_in_gamut) = (0.0, chroma, true);
    while max - min > EPSILON {
        let mid = (min + max) / 2.0;
        let current = at(mid);
        let srgb = oklab_to_srgb(current);
        if min_in_gamut && in_srgb_gamut(srgb) {
            min = mid;
            continue;
        }
        clipped = clip(srgb);
        let e = delta(current, clipped);
        if e < JND {
            if JND - e < EPSILON {
                break;
            }
            min_in_gamut = false;
            min = mid;
        } else {
            max = mid;
        }
    }
    (rgb8(clipped), true)
}

/// Rounds a 0..=255 component to `u8`, clamping.
pub fn quantize(v: f64) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

/// `#rrggbb` in lower case.
pub fn to_hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Parses `#rrggbb` or `rrggbb` (either case).
pub fn parse_hex(s: &str) -> Option<[u8; 3]> {
    let h = s.strip_prefix('#').unwrap_or(s);
    if h.len() != 6 || !h.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let v = u32::from_str_radix(h, 16).ok()?;
    Some([(v >> 16) as u8, (v >> 8) as u8, v as u8])
}

/// Squared Euclidean distance between two points.
#[inline]
pub fn dist2(p: &Point, q: &Point) -> f64 {
    let (d0, d1, d2) = (p[0] - q[0], p[1] - q[1], p[2] - q[2]);
    d0 * d0 + d1 * d1 + d2 * d2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_and_black_have_known_oklab() {
        let w = rgb8_to_oklab([255, 255, 255]);
        assert!((w.l - 1.0).abs() < 1e-4 && w.a.abs() < 1e-4 && w.b.abs() < 1e-4);
        let k = rgb8_to_oklab([0, 0, 0]);
        assert!(k.l.abs() < 1e-9);
    }

    #[test]
    fn pure_red_matches_reference() {
        // Reference values from Ottosson's post: sRGB red = (0.62796, 0.22486, 0.12585).
        let r = rgb8_to_oklab([255, 0, 0]);
        assert!((r.l - 0.627_96).abs() < 1e-4, "{r:?}");
        assert!((r.a - 0.224_86).abs() < 1e-4, "{r:?}");
        assert!((r.b - 0.125_85).abs() < 1e-4, "{r:?}");
    }

    #[test]
    fn every_rgb8_round_trips_through_oklab() {
        for r in (0..=255).step_by(5) {
            for g in (0..=255).step_by(5) {
                for b in (0..=255).step_by(5) {
                    let c = [r as u8, g as u8, b as u8];
                    assert_eq!(oklab_to_rgb8(rgb8_to_oklab(c)), c);
                }
            }
        }
    }

    #[test]
    fn colors_beyond_srgb_are_mapped_by_css_color_4() {
        // In gamut: rounded, not mapped.
        assert_eq!(to_srgb8(rgb8_to_oklab([200, 30, 40])), ([200, 30, 40], false));
        // Display P3's red (linear sRGB 1.2249, -0.0421, -0.0196): CSS Color 4's
        // mapping keeps its lightness and hue and lowers the chroma. Clipping
        // each channel would give #ff0000, a darker red (L 0.628) than the color.
        let p3_red = linear_to_oklab([1.2249, -0.0421, -0.0196]);
        let (rgb, mapped) = to_srgb8(p3_red);
        assert!(mapped);
        let got = rgb8_to_oklab(rgb);
        assert!((got.l - p3_red.l).abs() < 0.02, "{rgb:?} {got:?}");
        assert!((got.hue_degrees() - p3_red.hue_degrees()).abs() < 3.0, "{rgb:?} {got:?}");
        assert!(got.chroma() < p3_red.chroma() && got.chroma() > 0.2, "{rgb:?} {got:?}");
        // The result is in gamut and within a just-noticeable difference of the chroma it kept.
        let kept = Oklab {
            l: p3_red.l,
            a: got.chroma() * libm::cos(p3_red.hue_degrees().to_radians()),
            b: got.chroma() * libm::sin(p3_red.hue_degrees().to_radians()),
        };
        assert!(got.delta_e(kept) < 2.5, "{}", got.delta_e(kept));
        // Beyond white and black.
        assert_eq!(to_srgb8(Oklab { l: 1.2, a: 0.1, b: 0.0 }), ([255; 3], true));
        assert_eq!(to_srgb8(Oklab { l: -0.1, a: 0.1, b: 0.0 }), ([0; 3], true));
        // Half a level outside the gamut still only rounds.
        let edge = srgb_to_oklab([255.4, -0.4, 0.0]);
        assert_eq!(to_srgb8(edge), ([255, 0, 0], false));
    }

    #[test]
    fn the_transfer_curve_extends_beyond_the_gamut() {
        for v in [0.01, 0.3, 1.0, 1.4] {
            assert!((srgb_to_linear(-v) + srgb_to_linear(v)).abs() < 1e-15);
            assert!((linear_to_srgb(srgb_to_linear(v)) - v).abs() < 1e-12);
        }
        assert!(srgb_to_linear(1.1) > 1.0);
    }

    #[test]
    fn hex_round_trips_and_rejects_garbage() {
        assert_eq!(to_hex([27, 42, 60]), "#1b2a3c");
        assert_eq!(parse_hex("#1B2A3C"), Some([27, 42, 60]));
        assert_eq!(parse_hex("1b2a3c"), Some([27, 42, 60]));
        assert_eq!(parse_hex("#1b2a3"), None);
        assert_eq!(parse_hex("#1b2a3g"), None);
    }

    #[test]
    fn hue_of_gray_axis_colors_is_finite() {
        let g = rgb8_to_oklab([128, 128, 128]);
        assert!(g.chroma() < 1e-4);
        assert!(g.hue_degrees().is_finite());
    }
}
