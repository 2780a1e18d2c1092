//! One color of a palette and its share of the counted pixels.

use serde::{Deserialize, Serialize};

use crate::color::{self, Oklab};
use crate::error::{Error, Result};

/// One color of a palette.
///
/// Serialized (the CLI's JSON, the page's palette objects) as
/// `{"hex": "#1b2a3c", "rgb": [27, 42, 60], "share": 0.231, "oklab": [L, a, b]}`.
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
}

/// The serialized form of a [`Swatch`]: its field names are the JSON's.
#[derive(Serialize, Deserialize)]
struct SwatchRecord {
    hex: String,
    rgb: [u8; 3],
    share: f64,
    #[serde(default)]
    oklab: Option<[f64; 3]>,
}

impl From<Swatch> for SwatchRecord {
    fn from(s: Swatch) -> SwatchRecord {
        let o = s.oklab();
        SwatchRecord { hex: s.hex(), rgb: s.rgb, share: s.share, oklab: Some([o.l, o.a, o.b]) }
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
