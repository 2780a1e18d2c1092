//! What to extract and how: the one definition of every option, its range
//! and its default, read by the CLI, the wasm API and (through
//! [`crate::catalogue`]) the page.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::choice::{serde_by_name, Choice, Named};
use crate::cluster::Method;
use crate::decode::Limits;
use crate::error::{Error, Result};
use crate::image::seed_stride;
use crate::region::Region;
use crate::sort::Sort;
pub use crate::space::Space;

/// JS numbers are exact only up to 2⁵³ − 1: larger seeds travel as strings of digits.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A number of colors, `1..=ColorCount::MAX`: a palette can be neither empty
/// nor wider than a strip can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ColorCount(u8);

impl ColorCount {
    /// The fewest colors.
    pub const MIN: usize = 1;
    /// The most colors.
    pub const MAX: usize = 64;
    /// Colors asked for when nothing is said.
    pub const DEFAULT: ColorCount = ColorCount(10);

    /// `n` colors, when `n` is in range.
    pub const fn new(n: usize) -> Option<ColorCount> {
        if n >= ColorCount::MIN && n <= ColorCount::MAX {
            Some(ColorCount(n as u8))
        } else {
            None
        }
    }

    /// The number.
    pub const fn get(self) -> usize {
        self.0 as usize
    }

    fn out_of_range(got: impl fmt::Display) -> Error {
        Error::InvalidOption(format!(
            "the number of colors must be a whole number from {} to {}, got {got}",
            ColorCount::MIN,
            ColorCount::MAX
        ))
    }
}

impl Default for ColorCount {
    fn default() -> ColorCount {
        ColorCount::DEFAULT
    }
}

impl TryFrom<usize> for ColorCount {
    type Error = Error;
    fn try_from(n: usize) -> Result<ColorCount> {
        ColorCount::new(n).ok_or_else(|| ColorCount::out_of_range(n))
    }
}

impl TryFrom<u64> for ColorCount {
    type Error = Error;
    fn try_from(n: u64) -> Result<ColorCount> {
        usize::try_from(n).ok().and_then(ColorCount::new).ok_or_else(|| ColorCount::out_of_range(n))
    }
}

impl std::str::FromStr for ColorCount {
    type Err = Error;
    fn from_str(s: &str) -> Result<ColorCount> {
        s.trim().parse::<u64>().map_err(|_| ColorCount::out_of_range(format!("{s:?}")))?.try_into()
    }
}

impl fmt::Display for ColorCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for ColorCount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

impl<'de> Deserialize<'de> for ColorCount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<ColorCount, D::Error> {
        let n = d.deserialize_any(Whole { lo: 0, hi: u64::MAX, error: |v| ColorCount::out_of_range(v) })?;
        ColorCount::try_from(n).map_err(|e| serde::de::Error::custom(e.message()))
    }
}

/// Reads a whole number (a JS number, a JSON integer or a string of digits)
/// in `lo..=hi`; anything else is `error(what was given)`.
pub(crate) struct Whole {
    pub lo: u64,
    pub hi: u64,
    pub error: fn(String) -> Error,
}

impl Whole {
    fn check<E: serde::de::Error>(&self, v: Option<u64>, shown: String) -> std::result::Result<u64, E> {
        match v {
            Some(n) if (self.lo..=self.hi).contains(&n) => Ok(n),
            _ => Err(E::custom((self.error)(shown).message())),
        }
    }
}

impl serde::de::Visitor<'_> for Whole {
    type Value = u64;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a whole number from {} to {}", self.lo, self.hi)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<u64, E> {
        self.check(Some(v), v.to_string())
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<u64, E> {
        self.check(u64::try_from(v).ok(), v.to_string())
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<u64, E> {
        let whole = v.fract() == 0.0 && v >= 0.0 && v <= MAX_SAFE_INTEGER as f64;
        self.check(whole.then_some(v as u64), v.to_string())
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<u64, E> {
        self.check(v.trim().parse().ok(), format!("{v:?}"))
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> std::result::Result<u64, E> {
        self.check(None, v.to_string())
    }
    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<u64, E> {
        self.check(None, "null".into())
    }
}

/// Which pixels are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sampling {
    /// Every pixel (cinepal's default).
    All,
    /// Every s-th pixel, s = int((w/200 + h/100)/2), as the seed notebook did.
    Seed,
}

impl Named for Sampling {
    const WHAT: &'static str = "sampling";
    const CHOICES: &'static [Choice<Sampling>] = &[
        Choice { value: Sampling::All, name: "all", label: "Every pixel", aliases: &[], hint: "every pixel counts" },
        Choice {
            value: Sampling::Seed,
            name: "seed",
            label: "Every s-th pixel",
            aliases: &[],
            hint: "every s-th pixel, as the first version of this tool (the 2022 notebook) did",
        },
    ];
}

serde_by_name!(Sampling);

impl Sampling {
    /// The step between counted pixels of a `width` × `height` image.
    pub fn stride(self, width: u32, height: u32) -> usize {
        match self {
            Sampling::All => 1,
            Sampling::Seed => seed_stride(width, height),
        }
    }
}

/// What to extract and how. Serialized with the keys the page and the wasm
/// API use (`colors`, `method`, `sort`, `space`, `seed`, `alphaThreshold`,
/// `sample`, `region`, `maxPixels`, `keep`); a missing key takes its default, an unknown key
/// is an error that lists the allowed ones.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Options {
    /// Colors asked for (default 10).
    pub colors: ColorCount,
    /// The clustering method (default `telling`).
    pub method: Method,
    /// The order of the result (default `smooth`: the smoothest path from color to color, from the dark end).
    pub sort: Sort,
    /// The space clustered in (default `oklab`).
    pub space: Space,
    /// Seed for the randomness of k-means (default 0). Serialized as a number
    /// up to 2⁵³ − 1 and as a string of digits above.
    #[serde(with = "seed_serde")]
    pub seed: u64,
    /// Pixels with alpha below this are left out (default 128).
    #[serde(deserialize_with = "alpha_threshold")]
    pub alpha_threshold: u8,
    /// Which pixels are counted (default `all`).
    #[serde(rename = "sample")]
    pub sampling: Sampling,
    /// Which pixels count: `auto` (default: the image without its letterbox
    /// bars and flat borders), `full` or a rectangle `x,y,width,height`.
    pub region: Region,
    /// Images with more pixels are refused when decoding (default 64 million).
    #[serde(deserialize_with = "max_pixels")]
    pub max_pixels: u64,
    /// Colors the palette must hold exactly (default none), chosen by hand:
    /// the others are chosen around them. At most `colors` of them, each
    /// once; written `#rrggbb`, as a list or one string separated by commas.
    #[serde(with = "keep_serde")]
    pub keep: Vec<[u8; 3]>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            colors: ColorCount::DEFAULT,
            method: Method::Telling,
            sort: Sort::Smooth,
            space: Space::Oklab,
            seed: 0,
            alpha_threshold: 128,
            sampling: Sampling::All,
            region: Region::Auto,
            max_pixels: Limits::default().max_pixels,
            keep: Vec::new(),
        }
    }
}

impl Options {
    /// The defaults with the option `key` (a key of the serialized form, such
    /// as `alphaThreshold`) set from `text`, by the same rules and messages as
    /// the options object: how the CLI reads each value.
    pub fn with(key: &str, text: &str) -> Result<Options> {
        serde_json::from_value(serde_json::json!({ key: text })).map_err(|e| {
            // serde_json appends where in its (made-up) input the error was.
            let message = e.to_string();
            Error::InvalidOption(message.split(" at line ").next().unwrap_or(&message).to_string())
        })
    }

    /// Checks the rules that join two options: no more kept colors than colors.
    pub fn check(&self) -> Result<()> {
        if self.keep.len() > self.colors.get() {
            return Err(Error::InvalidOption(format!(
                "keep lists {} colors but the palette has {}: keep at most as many colors as the palette has",
                self.keep.len(),
                self.colors
            )));
        }
        Ok(())
    }

    /// The decoding limits these options ask for.
    pub fn limits(&self) -> Limits {
        Limits { max_pixels: self.max_pixels, ..Limits::default() }
    }
}

fn alpha_threshold<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<u8, D::Error> {
    let error = |got| Error::InvalidOption(format!("alphaThreshold must be a whole number from 0 to 255, got {got}"));
    d.deserialize_any(Whole { lo: 0, hi: 255, error }).map(|n| n as u8)
}

fn max_pixels<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<u64, D::Error> {
    let error = |got| Error::InvalidOption(format!("maxPixels must be a positive whole number, got {got}"));
    d.deserialize_any(Whole { lo: 1, hi: u64::MAX, error })
}

/// Kept colors: read from a list of `#rrggbb` strings or one string of them
/// separated by commas; written as a list. An exact duplicate is refused.
pub(crate) mod keep_serde {
    use super::*;
    use crate::color::{parse_hex, to_hex};

    pub fn serialize<S: serde::Serializer>(keep: &[[u8; 3]], s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(keep.iter().map(|&c| to_hex(c)))
    }

    /// The colors of `items`, by the rules above.
    pub fn parse<'a>(items: impl IntoIterator<Item = &'a str>) -> Result<Vec<[u8; 3]>> {
        let mut out: Vec<[u8; 3]> = Vec::new();
        for item in items {
            let text = item.trim();
            let rgb = (text.starts_with('#')).then(|| parse_hex(text)).flatten().ok_or_else(|| {
                Error::InvalidOption(format!(
                    "keep must list colors written #rrggbb, separated by commas, such as #1b2a3c,#e8c547; got {text:?}"
                ))
            })?;
            if out.contains(&rgb) {
                return Err(Error::InvalidOption(format!(
                    "keep lists {} twice: each kept color once (colors that are merely close are allowed)",
                    to_hex(rgb)
                )));
            }
            out.push(rgb);
        }
        Ok(out)
    }

    /// A string of colors separated by commas, or a list of strings (a
    /// visitor rather than an untagged enum: a few kilobytes less WebAssembly).
    struct Given;

    impl<'de> serde::de::Visitor<'de> for Given {
        type Value = Vec<[u8; 3]>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of colors written #rrggbb, or one string of them separated by commas")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
            let items: Vec<&str> = if v.trim().is_empty() { Vec::new() } else { v.split(',').collect() };
            parse(items).map_err(|e| E::custom(e.message()))
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Self::Value, A::Error> {
            let mut items: Vec<String> = Vec::new();
            while let Some(item) = seq.next_element::<String>()? {
                items.push(item);
            }
            parse(items.iter().map(String::as_str)).map_err(|e| serde::de::Error::custom(e.message()))
        }
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Vec<[u8; 3]>, D::Error> {
        d.deserialize_any(Given).map_err(|e| {
            if e.to_string().starts_with("keep ") {
                e
            } else {
                serde::de::Error::custom(
                    "keep must be a list of colors written #rrggbb, or one string of them separated by commas",
                )
            }
        })
    }
}

/// A seed: a number up to 2⁵³ − 1, a string of digits above (so that it
/// survives a JS number); either is read back.
pub(crate) mod seed_serde {
    use super::*;

    pub fn serialize<S: serde::Serializer>(seed: &u64, s: S) -> std::result::Result<S::Ok, S::Error> {
        if *seed <= MAX_SAFE_INTEGER {
            s.serialize_u64(*seed)
        } else {
            s.serialize_str(&seed.to_string())
        }
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<u64, D::Error> {
        let error = |got| {
            Error::InvalidOption(format!(
                "seed must be a whole number from 0 to {} (a string of digits above {MAX_SAFE_INTEGER}), got {got}",
                u64::MAX
            ))
        };
        d.deserialize_any(Whole { lo: 0, hi: u64::MAX, error })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_color_count_cannot_hold_0_or_65() {
        assert_eq!(
            ColorCount::try_from(0usize).unwrap_err().to_string(),
            "the number of colors must be a whole number from 1 to 64, got 0"
        );
        assert!(ColorCount::try_from(65usize).is_err());
        assert_eq!(ColorCount::try_from(64usize).unwrap().get(), 64);
        assert_eq!("7".parse::<ColorCount>().unwrap().get(), 7);
        assert!("seven".parse::<ColorCount>().unwrap_err().to_string().ends_with("got \"seven\""));
    }

    #[test]
    fn options_round_trip_through_json_with_the_page_keys() {
        let o =
            Options { seed: u64::MAX, sort: Sort::Manual(vec![1, 0]), keep: vec![[27, 42, 60]], ..Options::default() };
        let text = serde_json::to_string(&o).unwrap();
        assert_eq!(
            text,
            r##"{"colors":10,"method":"telling","sort":"1,0","space":"oklab","seed":"18446744073709551615","alphaThreshold":128,"sample":"all","region":"auto","maxPixels":64000000,"keep":["#1b2a3c"]}"##
        );
        assert_eq!(serde_json::from_str::<Options>(&text).unwrap(), o);
        assert_eq!(serde_json::from_str::<Options>("{}").unwrap(), Options::default());
    }

    #[test]
    fn one_option_from_text_follows_the_same_rules() {
        assert_eq!(Options::with("alphaThreshold", "7").unwrap().alpha_threshold, 7);
        assert_eq!(Options::with("seed", "18446744073709551615").unwrap().seed, u64::MAX);
        let e = Options::with("alphaThreshold", "300").unwrap_err();
        assert_eq!(e.to_string(), "alphaThreshold must be a whole number from 0 to 255, got \"300\"");
        assert!(Options::with("maxPixels", "0").is_err() && Options::with("seed", "-1").is_err());
    }

    #[test]
    fn bad_options_say_what_is_allowed() {
        let err = |json: &str| serde_json::from_str::<Options>(json).unwrap_err().to_string();
        assert!(err(r#"{"colours": 3}"#).contains("unknown field `colours`, expected one of `colors`, `method`"));
        assert!(err(r#"{"colors": 0}"#).starts_with("the number of colors must be a whole number from 1 to 64, got 0"));
        assert!(
            err(r#"{"colors": 2.5}"#).starts_with("the number of colors must be a whole number from 1 to 64, got 2.5")
        );
        assert!(err(r#"{"method": "dbscan"}"#).starts_with("unknown method \"dbscan\"; allowed: telling, dominant"));
        assert!(err(r#"{"alphaThreshold": 256}"#).starts_with("alphaThreshold must be a whole number from 0 to 255"));
        assert!(err(r#"{"seed": -1}"#).starts_with("seed must be a whole number"));
        assert!(err(r#"{"maxPixels": 0}"#).starts_with("maxPixels must be a positive whole number"));
    }

    #[test]
    fn kept_colors_are_hex_each_once_and_no_more_than_the_colors() {
        let keep = |text: &str| Options::with("keep", text).map(|o| o.keep);
        assert_eq!(keep("#1B2A3C, #e8c547").unwrap(), vec![[27, 42, 60], [232, 197, 71]]);
        assert_eq!(keep("").unwrap(), Vec::<[u8; 3]>::new());
        // Close colors are allowed (the person asked for them); the same one twice is not.
        assert_eq!(keep("#101010,#101011").unwrap().len(), 2);
        let twice = keep("#101010,#101010").unwrap_err().to_string();
        assert!(twice.starts_with("keep lists #101010 twice"), "{twice}");
        for bad in ["red", "1b2a3c", "#1b2a3", "#1b2a3c,", "#gggggg"] {
            let e = keep(bad).unwrap_err().to_string();
            assert!(e.starts_with("keep must list colors written #rrggbb"), "{bad}: {e}");
        }
        let list: Options = serde_json::from_str(r##"{"keep": ["#000000", "#ffffff"], "colors": 2}"##).unwrap();
        assert!(list.check().is_ok());
        let over = Options { colors: ColorCount::new(1).unwrap(), ..list };
        let e = over.check().unwrap_err().to_string();
        assert_eq!(e, "keep lists 2 colors but the palette has 1: keep at most as many colors as the palette has");
        assert!(serde_json::from_str::<Options>(r#"{"keep": 3}"#).unwrap_err().to_string().starts_with("keep must be"));
    }
}
