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

/// sRGB component (0..=1) to linear light.
pub fn srgb_to_linear(c: f64) -> f64 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        libm::pow((c + 0.055) / 1.055, 2.4)
    }
}

/// Linear light (0..=1) to an sRGB component.
pub fn linear_to_srgb(c: f64) -> f64 {
    if c <= 0.003_130_8 {
        c * 12.92
    } else {
        1.055 * libm::pow(c, 1.0 / 2.4) - 0.055
    }
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

/// Oklab to 8-bit sRGB, clamped into the gamut and rounded.
pub fn oklab_to_rgb8(c: Oklab) -> [u8; 3] {
    oklab_to_linear(c).map(|v| quantize(linear_to_srgb(v.clamp(0.0, 1.0)) * 255.0))
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
