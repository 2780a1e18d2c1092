//! One color of a palette and its share of the counted pixels.

use serde::{Deserialize, Serialize};

use crate::color::{self, Oklab};
use crate::error::{Error, Result};

/// One color of a palette.
///
/// Serialized (the CLI's JSON, the page's palette objects) as
/// `{"hex": "#1b2a3c", "rgb": [27, 42, 60], "share": 0.231, "oklab": [L, a, b], "oklch": [L, C, h]}`
/// (h in degrees, 0 to 360; 0 for a gray).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(into = "SwatchRecord", try_from = "SwatchRecord")]
pub struct Swatch {
    /// 8-bit sRGB.
    pub rgb: [u8; 3],
    /// Fraction of the counted pixels in this swatch's cluster.
    pub share: f64,
}

impl Swatch {
    /// `#rrggbb`.
    pub fn hex(&self) -> String {
        color::to_hex(self.rgb)
    }

    /// The color in Oklab.
    pub fn oklab(&self) -> Oklab {
        color::rgb8_to_oklab(self.rgb)
    }

    /// The color in OKLCH: lightness, chroma and hue in degrees (0 to 360;
    /// 0 when the chroma is below 1e-6, a gray's hue being undefined).
    pub fn oklch(&self) -> [f64; 3] {
        let o = self.oklab();
        let c = (o.a * o.a + o.b * o.b).sqrt();
        let h = if c < 1e-6 { 0.0 } else { libm::atan2(o.b, o.a).to_degrees().rem_euclid(360.0) };
        [o.l, c, h]
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
}

impl From<Swatch> for SwatchRecord {
    fn from(s: Swatch) -> SwatchRecord {
        let o = s.oklab();
        SwatchRecord { hex: s.hex(), rgb: s.rgb, share: s.share, oklab: Some([o.l, o.a, o.b]), oklch: Some(s.oklch()) }
    }
}

impl TryFrom<SwatchRecord> for Swatch {
    type Error = Error;
    fn try_from(r: SwatchRecord) -> Result<Swatch> {
        if color::parse_hex(&r.hex) != Some(r.rgb) {
            return Err(Error::InvalidInput(format!("a swatch's hex {:?} is not its rgb {:?}", r.hex, r.rgb)));
        }
        Ok(Swatch { rgb: r.rgb, share: r.share })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oklch_is_lightness_chroma_and_hue_in_degrees() {
        // CSS Color 4's sRGB red: oklch(62.8% 0.2577 29.23).
        let [l, c, h] = Swatch { rgb: [255, 0, 0], share: 1.0 }.oklch();
        assert!((l - 0.628).abs() < 1e-3 && (c - 0.2577).abs() < 1e-3 && (h - 29.23).abs() < 0.05, "{l} {c} {h}");
        // Blue's hue is past 180 (atan2 gives it negative), a gray's is 0.
        let [_, _, h] = Swatch { rgb: [0, 0, 255], share: 1.0 }.oklch();
        assert!((h - 264.05).abs() < 0.05, "{h}");
        assert_eq!(Swatch { rgb: [128, 128, 128], share: 1.0 }.oklch()[2], 0.0);
        let json = serde_json::to_string(&Swatch { rgb: [255, 0, 0], share: 1.0 }).unwrap();
        assert!(json.contains("\"oklch\":[0.62"), "{json}");
    }
}
