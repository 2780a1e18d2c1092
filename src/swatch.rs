//! One color of a palette and its share of the counted pixels.

use serde::{Deserialize, Serialize};

use crate::color::{self, Oklab};
use crate::error::{Error, Result};

/// One color of a palette.
///
/// Its color is its exact Oklab value (the mean of its cluster, beyond sRGB
/// when the image's colors are); its 8-bit sRGB is that color rounded, or
/// gamut-mapped by CSS Color 4's method when it lies beyond sRGB
/// ([`color::to_srgb8`]).
///
/// Serialized (the CLI's JSON, the page's palette objects) as
/// `{"hex": "#1b2a3c", "rgb": [27, 42, 60], "share": 0.231, "oklab": [L, a, b], "oklch": [L, C, h], "mapped": false, "kept": false}`
/// (h in degrees, 0 to 360; 0 for a gray; `mapped` when the hex is the
/// gamut-mapped stand-in of a color beyond sRGB; `kept` when the color was
/// kept or picked by hand, [`crate::Options::keep`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(into = "SwatchRecord", try_from = "SwatchRecord")]
pub struct Swatch {
    /// 8-bit sRGB: the color rounded, or gamut-mapped when it is beyond sRGB.
    pub rgb: [u8; 3],
    /// Fraction of the counted pixels in this swatch's cluster.
    pub share: f64,
    /// The exact color.
    pub oklab: Oklab,
    /// Whether the color was chosen by hand (kept through a new extraction).
    pub kept: bool,
}

impl Swatch {
    /// A swatch of an 8-bit sRGB color.
    pub fn new(rgb: [u8; 3], share: f64) -> Swatch {
        Swatch { rgb, share, oklab: color::rgb8_to_oklab(rgb), kept: false }
    }

    /// A swatch of an exact color, its 8-bit sRGB rounded or gamut-mapped.
    pub fn from_oklab(oklab: Oklab, share: f64) -> Swatch {
        Swatch { rgb: color::oklab_to_rgb8(oklab), share, oklab, kept: false }
    }

    /// A swatch of an 8-bit color and, where it is given, finite and gives
    /// this color (rounded or gamut-mapped), its exact color: how a swatch is
    /// read back (an edited hex wins over a stale exact value).
    pub fn read_back(rgb: [u8; 3], oklab: Option<[f64; 3]>, share: f64) -> Swatch {
        let exact = oklab
            .filter(|o| o.iter().all(|v| v.is_finite()))
            .map(|[l, a, b]| Oklab { l, a, b })
            .filter(|&o| color::oklab_to_rgb8(o) == rgb || color::rounds_to(o, rgb));
        match exact {
            Some(oklab) => Swatch { rgb, share, oklab, kept: false },
            None => Swatch::new(rgb, share),
        }
    }

    /// The same swatch, kept (`true`) or not.
    pub fn kept(self, kept: bool) -> Swatch {
        Swatch { kept, ..self }
    }

    /// `#rrggbb`.
    pub fn hex(&self) -> String {
        color::to_hex(self.rgb)
    }

    /// The color in Oklab.
    pub fn oklab(&self) -> Oklab {
        self.oklab
    }

    /// Whether the color lies beyond sRGB, so that its hex is a gamut-mapped stand-in.
    pub fn mapped(&self) -> bool {
        color::to_srgb8(self.oklab).1
    }

    /// The color in OKLCH: lightness, chroma and hue in degrees (0 to 360;
    /// 0 when the chroma is below 1e-6, a gray's hue being undefined).
    pub fn oklch(&self) -> [f64; 3] {
        let o = self.oklab;
        let c = o.chroma();
        let h = if c < 1e-6 { 0.0 } else { o.hue_degrees() };
        [o.l, c, h]
    }

    /// CSS: the hex for a color within sRGB, `oklch(L% C h)` for one beyond it.
    pub fn css(&self) -> String {
        if !self.mapped() {
            return self.hex();
        }
        let [l, c, h] = self.oklch();
        format!("oklch({:.2}% {:.4} {:.2})", l * 100.0, c, h)
    }
}

/// The serialized form of a [`Swatch`]: its field names are the JSON's.
#[derive(Serialize, Deserialize)]
struct SwatchRecord {
    hex: String,
    rgb: [u8; 3],
    share: f64,
    #[serde(default)]
    oklab: Option<[f64; 3]>,
    #[serde(default)]
    oklch: Option<[f64; 3]>,
    #[serde(default)]
    mapped: bool,
    #[serde(default)]
    kept: bool,
}

impl From<Swatch> for SwatchRecord {
    fn from(s: Swatch) -> SwatchRecord {
        let o = s.oklab;
        SwatchRecord {
            hex: s.hex(),
            rgb: s.rgb,
            share: s.share,
            oklab: Some([o.l, o.a, o.b]),
            oklch: Some(s.oklch()),
            mapped: s.mapped(),
            kept: s.kept,
        }
    }
}

impl TryFrom<SwatchRecord> for Swatch {
    type Error = Error;
    fn try_from(r: SwatchRecord) -> Result<Swatch> {
        if color::parse_hex(&r.hex) != Some(r.rgb) {
            return Err(Error::InvalidInput(format!("a swatch's hex {:?} is not its rgb {:?}", r.hex, r.rgb)));
        }
        Ok(Swatch::read_back(r.rgb, r.oklab, r.share).kept(r.kept))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oklch_is_lightness_chroma_and_hue_in_degrees() {
        // CSS Color 4's sRGB red: oklch(62.8% 0.2577 29.23).
        let [l, c, h] = Swatch::new([255, 0, 0], 1.0).oklch();
        assert!((l - 0.628).abs() < 1e-3 && (c - 0.2577).abs() < 1e-3 && (h - 29.23).abs() < 0.05, "{l} {c} {h}");
        // Blue's hue is past 180 (atan2 gives it negative), a gray's is 0.
        let [_, _, h] = Swatch::new([0, 0, 255], 1.0).oklch();
        assert!((h - 264.05).abs() < 0.05, "{h}");
        assert_eq!(Swatch::new([128, 128, 128], 1.0).oklch()[2], 0.0);
        let json = serde_json::to_string(&Swatch::new([255, 0, 0], 1.0)).unwrap();
        assert!(json.contains("\"oklch\":[0.62"), "{json}");
    }

    #[test]
    fn a_color_beyond_srgb_keeps_its_value_and_says_its_hex_is_mapped() {
        let p3_red = color::linear_to_oklab([1.2249, -0.0421, -0.0196]);
        let s = Swatch::from_oklab(p3_red, 1.0);
        assert!(s.mapped());
        assert_eq!(s.oklab(), p3_red);
        let [l, c, h] = s.oklch();
        assert_eq!(s.css(), format!("oklch({:.2}% {c:.4} {h:.2})", l * 100.0));
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"mapped\":true"), "{json}");
        // It reads back exactly, and a swatch within sRGB is not mapped.
        let back: Swatch = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        let plain = Swatch::new([200, 30, 40], 1.0);
        assert!(!plain.mapped() && plain.css() == "#c81e28");
        // An edited hex wins over a stale exact value.
        let edited = json.replace(&s.hex(), "#102030").replace(&format!("{:?}", s.rgb).replace(' ', ""), "[16,32,48]");
        let e: Swatch = serde_json::from_str(&edited).unwrap();
        assert_eq!((e.rgb, e.mapped()), ([16, 32, 48], false));
    }
}
