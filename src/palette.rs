//! The pipeline from an image to a sorted palette, and its options.

use std::fmt;

use crate::cluster::{self, split::split, Method};
use crate::color::{self, dist2, Oklab, Point};
use crate::error::{Error, Result};
use crate::histogram::{weighted_colors, WeightedColors};
use crate::image::{seed_stride, Image};
use crate::sort::{self, Sort};

/// The most colors a palette may have.
pub const MAX_COLORS: usize = 64;
/// Colors asked for when nothing is said.
pub const DEFAULT_COLORS: usize = 10;
/// Pixels with alpha below this are not counted.
pub const DEFAULT_ALPHA_THRESHOLD: u8 = 128;
/// The seed used when nothing is said.
pub const DEFAULT_SEED: u64 = 0;

/// The space colors are clustered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Space {
    /// Oklab: distances follow perceived differences.
    Oklab,
    /// sRGB scaled to 0..1, as the seed notebook did.
    Rgb,
}

impl Space {
    /// Both spaces.
    pub const ALL: [Space; 2] = [Space::Oklab, Space::Rgb];

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Space::Oklab => "oklab",
            Space::Rgb => "rgb",
        }
    }

    /// Parses `oklab` or `rgb` (any case).
    pub fn parse(s: &str) -> Result<Space> {
        match s.trim().to_ascii_lowercase().as_str() {
            "oklab" => Ok(Space::Oklab),
            "rgb" | "srgb" => Ok(Space::Rgb),
            _ => Err(Error::InvalidOption(format!("unknown color space {s:?}; allowed: oklab, rgb"))),
        }
    }

    fn point(self, rgb: [f64; 3]) -> Point {
        match self {
            Space::Oklab => {
                let c = color::srgb_to_oklab(rgb);
                [c.l, c.a, c.b]
            }
            Space::Rgb => rgb.map(|v| v / 255.0),
        }
    }

    fn rgb8(self, p: Point) -> [u8; 3] {
        match self {
            Space::Oklab => color::oklab_to_rgb8(Oklab { l: p[0], a: p[1], b: p[2] }),
            Space::Rgb => p.map(|v| color::quantize(v * 255.0)),
        }
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

impl Sampling {
    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Sampling::All => "all",
            Sampling::Seed => "seed",
        }
    }

    /// Parses `all` or `seed`.
    pub fn parse(s: &str) -> Result<Sampling> {
        match s.trim().to_ascii_lowercase().as_str() {
            "all" => Ok(Sampling::All),
            "seed" => Ok(Sampling::Seed),
            _ => Err(Error::InvalidOption(format!("unknown sampling {s:?}; allowed: all, seed"))),
        }
    }
}

/// What to extract and how.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Options {
    /// Colors asked for, 1..=[`MAX_COLORS`].
    pub colors: usize,
    /// The clustering method.
    pub method: Method,
    /// The space clustered in.
    pub space: Space,
    /// The order of the result.
    pub sort: Sort,
    /// Seed for the randomness of k-means.
    pub seed: u64,
    /// Pixels with alpha below this are left out.
    pub alpha_threshold: u8,
    /// Which pixels are counted.
    pub sampling: Sampling,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            colors: DEFAULT_COLORS,
            method: Method::KMeans,
            space: Space::Oklab,
            sort: Sort::None,
            seed: DEFAULT_SEED,
            alpha_threshold: DEFAULT_ALPHA_THRESHOLD,
            sampling: Sampling::All,
        }
    }
}

impl Options {
    /// Checks the ranges that types cannot.
    pub fn validate(&self) -> Result<()> {
        validate_colors(self.colors)
    }
}

/// Checks a number of colors against `1..=MAX_COLORS`.
pub fn validate_colors(n: usize) -> Result<()> {
    if (1..=MAX_COLORS).contains(&n) {
        Ok(())
    } else {
        Err(Error::InvalidOption(format!("the number of colors must be between 1 and {MAX_COLORS}, got {n}")))
    }
}

/// One color of a palette.
#[derive(Debug, Clone, Copy, PartialEq)]
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

/// A sorted palette and what it was made from.
#[derive(Debug, Clone, PartialEq)]
pub struct Palette {
    /// Image width in pixels (as displayed, after EXIF orientation).
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// Pixels in the image.
    pub pixels: u64,
    /// Pixels counted (opaque, and sampled if the seed's sampling is on).
    pub counted: u64,
    /// Colors asked for; `swatches.len()` is smaller only when the image has fewer distinct colors.
    pub requested: usize,
    /// The options used.
    pub options: Options,
    /// The swatches in `options.sort` order.
    pub swatches: Vec<Swatch>,
    /// The order of the clustering (the `none` order) for each displayed swatch.
    pub order: Vec<usize>,
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
}

impl fmt::Display for Palette {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::export::to_text(self))
    }
}

/// Extracts the palette of `image`.
pub fn extract(image: &Image, options: &Options) -> Result<Palette> {
    options.validate()?;
    let stride = match options.sampling {
        Sampling::All => 1,
        Sampling::Seed => seed_stride(image.width(), image.height()),
    };
    let colors = weighted_colors(image, stride, options.alpha_threshold, options.colors)?;
    let swatches = swatches_of(&colors, options);
    let order = sort::order(&swatches, &options.sort)?;
    Ok(Palette {
        width: image.width(),
        height: image.height(),
        pixels: image.pixel_count(),
        counted: colors.counted,
        requested: options.colors,
        options: options.clone(),
        swatches: order.iter().map(|&i| swatches[i]).collect(),
        order,
    })
}

/// Clusters the weighted colors into swatches (in the clustering's order).
fn swatches_of(colors: &WeightedColors, options: &Options) -> Vec<Swatch> {
    let total = colors.counted as f64;
    if colors.exact && colors.len() <= options.colors {
        // Fewer distinct colors than asked: exactly those, most frequent first.
        let mut sw: Vec<Swatch> = colors
            .colors
            .iter()
            .zip(&colors.weights)
            .map(|(c, &w)| Swatch { rgb: c.map(color::quantize), share: w / total })
            .collect();
        sw.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.rgb.cmp(&b.rgb)));
        return sw;
    }
    let points: Vec<Point> = colors.colors.iter().map(|&c| options.space.point(c)).collect();
    let weights = &colors.weights;
    let mut labels = cluster::cluster(&points, weights, options.colors, options.method, options.seed);
    make_distinct(&points, weights, &mut labels, options.colors, options.space);
    let k = *labels.iter().max().expect("points") as usize + 1;
    cluster::cluster_means(&points, weights, &labels, k)
        .into_iter()
        .map(|(mean, w)| Swatch { rgb: options.space.rgb8(mean), share: w / total })
        .collect()
}

/// Ensures no two clusters round to the same 8-bit color: clusters that do
/// are merged, and the cluster with the largest error is split in two until
/// there are `k` again (bounded; the input has at least `k` distinct points).
fn make_distinct(points: &[Point], weights: &[f64], labels: &mut [u32], k: usize, space: Space) {
    for _ in 0..4 * k {
        let count = *labels.iter().max().expect("points") as usize + 1;
        let means = cluster::cluster_means(points, weights, labels, count);
        let rgb: Vec<[u8; 3]> = means.iter().map(|m| space.rgb8(m.0)).collect();
        // Map each cluster to the first cluster with the same color.
        let target: Vec<u32> =
            (0..count).map(|j| rgb.iter().position(|c| *c == rgb[j]).expect("self") as u32).collect();
        let merged = target.iter().enumerate().any(|(j, &t)| t as usize != j);
        if !merged && count == k {
            return;
        }
        let mut dense = vec![u32::MAX; count];
        let mut next = 0;
        for l in labels.iter_mut() {
            let t = target[*l as usize] as usize;
            if dense[t] == u32::MAX {
                dense[t] = next;
                next += 1;
            }
            *l = dense[t];
        }
        if next as usize >= k || !split_worst(points, weights, labels, next) {
            return;
        }
    }
}

/// Splits the cluster with the largest weighted SSE into two; false when no
/// cluster has two distinct points.
fn split_worst(points: &[Point], weights: &[f64], labels: &mut [u32], count: u32) -> bool {
    let means = cluster::cluster_means(points, weights, labels, count as usize);
    let mut sse = vec![0.0f64; count as usize];
    for ((p, &w), &l) in points.iter().zip(weights).zip(labels.iter()) {
        sse[l as usize] += w * dist2(p, &means[l as usize].0);
    }
    let Some(worst) = (0..count as usize).filter(|&j| sse[j] > 0.0).max_by(|&a, &b| sse[a].total_cmp(&sse[b])) else {
        return false;
    };
    let members: Vec<usize> = (0..points.len()).filter(|&i| labels[i] as usize == worst).collect();
    let sub_points: Vec<Point> = members.iter().map(|&i| points[i]).collect();
    let sub_weights: Vec<f64> = members.iter().map(|&i| weights[i]).collect();
    let halves = split(&sub_points, &sub_weights, 2);
    for (&i, &h) in members.iter().zip(&halves) {
        if h == 1 {
            labels[i] = count;
        }
    }
    true
}
