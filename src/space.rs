//! The space colors are clustered in: Oklab (perceptual) or the seed notebook's RGB.

use crate::choice::{serde_by_name, Choice, Named};
use crate::color::{self, Oklab, Point};
use crate::swatch::Swatch;

/// The space colors are clustered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Space {
    /// Oklab: distances follow perceived differences.
    Oklab,
    /// sRGB scaled to 0..1, as the seed notebook did.
    Rgb,
}

impl Named for Space {
    const WHAT: &'static str = "color space";
    const CHOICES: &'static [Choice<Space>] = &[
        Choice {
            value: Space::Oklab,
            name: "oklab",
            label: "As the eye sees (Oklab)",
            aliases: &[],
            hint: "distances follow what the eye sees",
        },
        Choice {
            value: Space::Rgb,
            name: "rgb",
            label: "Red, green, blue (RGB)",
            aliases: &["srgb"],
            hint: "plain channel distances, as the first version of this tool (the 2022 notebook)",
        },
    ];
}

serde_by_name!(Space);

impl Space {
    /// A color (sRGB, 0..255 per channel) as a point of this space.
    pub fn point(self, rgb: [f64; 3]) -> Point {
        match self {
            Space::Oklab => {
                let c = color::srgb_to_oklab(rgb);
                [c.l, c.a, c.b]
            }
            Space::Rgb => rgb.map(|v| v / 255.0),
        }
    }

    /// A swatch's exact color as a point of this space.
    pub fn point_of(self, s: &Swatch) -> Point {
        match self {
            Space::Oklab => [s.oklab.l, s.oklab.a, s.oklab.b],
            Space::Rgb => color::oklab_to_linear(s.oklab).map(color::linear_to_srgb),
        }
    }

    /// A point of this space as 8-bit sRGB: rounded, or gamut-mapped when it
    /// lies beyond sRGB ([`color::to_srgb8`]).
    pub fn rgb8(self, p: Point) -> [u8; 3] {
        self.swatch(p, 0.0).rgb
    }

    /// The swatch of a point of this space (its exact color, and its 8-bit sRGB).
    pub fn swatch(self, p: Point, share: f64) -> Swatch {
        let [l, a, b] = self.oklab(p);
        let oklab = Oklab { l, a, b };
        match self {
            // Within the gamut, the point's own rounding (no round trip through Oklab).
            Space::Rgb if p.iter().all(|v| (-0.5 / 255.0..=255.5 / 255.0).contains(v)) => {
                Swatch { rgb: p.map(|v| color::quantize(v * 255.0)), share, oklab, kept: false }
            }
            _ => Swatch::from_oklab(oklab, share),
        }
    }

    /// The point of this space at Oklab `lab` (`[L, a, b]`), clipped into the sRGB gamut.
    pub fn from_oklab(self, lab: Point) -> Point {
        let linear = color::oklab_to_linear(Oklab { l: lab[0], a: lab[1], b: lab[2] }).map(|v| v.clamp(0.0, 1.0));
        match self {
            Space::Oklab => {
                let c = color::linear_to_oklab(linear);
                [c.l, c.a, c.b]
            }
            Space::Rgb => linear.map(color::linear_to_srgb),
        }
    }

    /// Where a point of this space lies in Oklab (`[L, a, b]`).
    pub fn oklab(self, p: Point) -> Point {
        match self {
            Space::Oklab => p,
            Space::Rgb => {
                let c = color::srgb_to_oklab(p.map(|v| v * 255.0));
                [c.l, c.a, c.b]
            }
        }
    }
}
