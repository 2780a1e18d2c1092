//! A sorted palette and what it was made from.

use serde::{Deserialize, Serialize};

use crate::cluster::Method;
use crate::error::{Error, Result};
use crate::options::{ColorCount, Options, Sampling, Space};
use crate::region::Rect;
use crate::sort::{self, Sort};
use crate::swatch::Swatch;

/// A sorted palette and what it was made from.
///
/// Serialized (the CLI's `--format json`, the wasm API's palette objects)
/// as one flat object; see [`PaletteRecord`] for its fields. The clustering
/// order ([`Palette::order`]) is not serialized: a deserialized palette is
/// in its own `none` order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "PaletteRecord", try_from = "PaletteRecord")]
pub struct Palette {
    /// Image width in pixels (as displayed, after EXIF orientation).
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// Pixels in the image.
    pub pixels: u64,
    /// Pixels counted (opaque, inside the region, and sampled if the seed's sampling is on).
    pub counted: u64,
    /// The rectangle whose pixels counted (the whole image unless a region was found or given).
    pub region: Rect,
    /// The options used; `swatches.len()` is below `options.colors` only when
    /// the image has fewer distinct colors.
    pub options: Options,
    /// The swatches in `options.sort` order.
    pub swatches: Vec<Swatch>,
    /// The clustering's index (its `none` order) of each displayed swatch.
    pub order: Vec<usize>,
    /// What decoding could not honour (a color profile it could not read or
    /// apply, say), in plain words; empty for most images.
    pub warnings: Vec<String>,
}

impl Palette {
    /// The swatches in the clustering's own (`none`) order.
    pub fn unsorted(&self) -> Vec<Swatch> {
        let mut out = self.swatches.clone();
        for (pos, &i) in self.order.iter().enumerate() {
            out[i] = self.swatches[pos];
        }
        out
    }

    /// The same palette in another order (indices of a manual order refer to the `none` order).
    pub fn resorted(&self, sort: &Sort) -> Result<Palette> {
        let base = self.unsorted();
        let order = sort::order(&base, sort)?;
        Ok(Palette {
            swatches: order.iter().map(|&i| base[i]).collect(),
            order,
            options: Options { sort: sort.clone(), ..self.options.clone() },
            ..self.clone()
        })
    }

    /// The same palette with its swatches in the order `shown`, indices into
    /// the swatches as they are now (`[2, 0, 1]` moves the third to the
    /// front). Its sort becomes the manual order of the clustering's indices,
    /// so that `--sort` reproduces it.
    pub fn reordered(&self, shown: &[usize]) -> Result<Palette> {
        sort::validate_permutation(shown, self.swatches.len())?;
        let order: Vec<usize> = shown.iter().map(|&i| self.order[i]).collect();
        Ok(Palette {
            swatches: shown.iter().map(|&i| self.swatches[i]).collect(),
            options: Options { sort: Sort::Manual(order.clone()), ..self.options.clone() },
            order,
            ..self.clone()
        })
    }
}

impl Palette {
    /// This palette, its sort named `named` when its order is the one `named`
    /// gives (a manual order moved back into the chosen one is that order again).
    pub fn named_if_same(mut self, named: &Sort) -> Palette {
        if sort::order(&self.unsorted(), named).is_ok_and(|order| order == self.order) {
            self.options.sort = named.clone();
        }
        self
    }
}

/// The serialized form of a [`Palette`]: its field names are the JSON's, the
/// same for the CLI and the page. Reading ignores fields it does not know
/// (`seconds`, the CLI's `file`), so a report reads back as its palette.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaletteRecord {
    /// Image width in pixels.
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// Pixels in the image.
    pub pixels: u64,
    /// Pixels counted.
    pub counted: u64,
    /// The counted rectangle (the whole image when absent on reading).
    #[serde(default)]
    pub region: Option<Rect>,
    /// Colors asked for.
    pub requested: ColorCount,
    /// Colors given (`colors.len()`).
    pub count: usize,
    /// The method used.
    pub method: Method,
    /// The space clustered in.
    pub space: Space,
    /// The order of `colors`.
    pub sort: Sort,
    /// Which pixels were counted.
    pub sample: Sampling,
    /// The seed (a string of digits above 2⁵³ − 1).
    #[serde(with = "crate::options::seed_serde")]
    pub seed: u64,
    /// Pixels with alpha below this were left out.
    pub alpha_threshold: u8,
    /// The swatches, in `sort` order.
    pub colors: Vec<Swatch>,
    /// What decoding could not honour (always present; empty for most images).
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl From<Palette> for PaletteRecord {
    fn from(p: Palette) -> PaletteRecord {
        let o = p.options;
        PaletteRecord {
            width: p.width,
            height: p.height,
            pixels: p.pixels,
            counted: p.counted,
            region: Some(p.region),
            requested: o.colors,
            count: p.swatches.len(),
            method: o.method,
            space: o.space,
            sort: o.sort,
            sample: o.sampling,
            seed: o.seed,
            alpha_threshold: o.alpha_threshold,
            colors: p.swatches,
            warnings: p.warnings,
        }
    }
}

impl TryFrom<PaletteRecord> for Palette {
    type Error = Error;
    fn try_from(r: PaletteRecord) -> Result<Palette> {
        if r.count != r.colors.len() {
            return Err(Error::InvalidInput(format!("a palette says {} colors but lists {}", r.count, r.colors.len())));
        }
        let options = Options {
            colors: r.requested,
            method: r.method,
            sort: r.sort,
            space: r.space,
            seed: r.seed,
            alpha_threshold: r.alpha_threshold,
            sampling: r.sample,
            ..Options::default()
        };
        Ok(Palette {
            width: r.width,
            height: r.height,
            pixels: r.pixels,
            counted: r.counted,
            region: r.region.unwrap_or(Rect::full(r.width, r.height)),
            options,
            order: (0..r.colors.len()).collect(),
            swatches: r.colors,
            warnings: r.warnings,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::Image;

    fn palette() -> Palette {
        let px: Vec<u8> = (0..60u32).flat_map(|i| [(i % 3 * 100) as u8, 40, (i % 5 * 50) as u8]).collect();
        let image = Image::from_rgb(10, 6, px).unwrap();
        let options = Options { colors: ColorCount::new(4).unwrap(), sort: Sort::Hue, ..Options::default() };
        crate::extract(&image, &options).unwrap()
    }

    #[test]
    fn reordering_takes_indices_as_shown_and_composes() {
        let p = palette();
        let once = p.reordered(&[3, 2, 1, 0]).unwrap();
        let twice = once.reordered(&[1, 0, 2, 3]).unwrap();
        let hexes = |p: &Palette| p.swatches.iter().map(Swatch::hex).collect::<Vec<_>>();
        let shown = hexes(&p);
        assert_eq!(hexes(&twice), [2, 3, 1, 0].map(|i| shown[i].clone()));
        // Its sort is the manual order of the clustering's indices: the same palette from scratch.
        assert_eq!(twice.resorted(&twice.options.sort).unwrap(), twice);
        assert_eq!(p.reordered(&[0, 0, 1, 2]).unwrap_err().kind(), "invalid-option");
        // Moved back: the chosen order by name again; elsewhere, manual.
        assert_eq!(twice.clone().named_if_same(&Sort::Hue).options.sort, twice.options.sort);
        let back = once.reordered(&[3, 2, 1, 0]).unwrap().named_if_same(&Sort::Hue);
        assert_eq!((back.options.sort, back.swatches), (Sort::Hue, p.swatches.clone()));
        assert_eq!(p.reordered(&[0, 1, 2]).unwrap_err().kind(), "invalid-option");
    }

    #[test]
    fn a_palette_round_trips_through_its_json() {
        let p = palette();
        let json = serde_json::to_string(&p).unwrap();
        let back: Palette = serde_json::from_str(&json).unwrap();
        assert_eq!(back.swatches, p.swatches);
        assert_eq!(back.options, p.options);
        assert!(serde_json::from_str::<Palette>(&json.replace("\"count\":4", "\"count\":5")).is_err());
    }
}
