//! The pipeline from an image to a sorted palette.

use crate::cluster::{self, distinct::make_distinct, Method};
use crate::color::{self, Point};
use crate::error::Result;
use crate::histogram::{weighted_colors_in, WeightedColors};
use crate::image::Image;
use crate::options::Options;
use crate::palette::Palette;
use crate::sort;
use crate::swatch::Swatch;

/// Extracts the palette of `image`. Its kept colors ([`Options::keep`])
/// come first in the clustering's order, marked `kept`.
pub fn extract(image: &Image, options: &Options) -> Result<Palette> {
    options.check()?;
    let region = options.region.resolve(image)?;
    let stride = options.sampling.stride(image.width(), image.height());
    let colors = weighted_colors_in(image, region, stride, options.alpha_threshold, options.colors.get())?;
    let swatches = if options.keep.is_empty() { swatches_of(&colors, options) } else { keeping(&colors, options) };
    palette_of(image, options, region, &colors, swatches)
}

/// The palette of `image` made of exactly `swatches`, in this order, each
/// kept or not as it says: their shares are computed again over the image's
/// pixels counted by `options`, each pixel going to its nearest swatch (in
/// `options.space`). How a palette is edited by hand (a swatch removed,
/// picked, or a shared palette applied to its image) without extracting it
/// again. Its sort is the manual order `0,1,…`.
pub fn with_swatches(image: &Image, options: &Options, swatches: &[Swatch]) -> Result<Palette> {
    if swatches.is_empty() || swatches.len() > crate::options::ColorCount::MAX {
        return Err(crate::Error::InvalidOption(format!(
            "a palette has from 1 to {} colors, got {}",
            crate::options::ColorCount::MAX,
            swatches.len()
        )));
    }
    let region = options.region.resolve(image)?;
    let stride = options.sampling.stride(image.width(), image.height());
    let colors = weighted_colors_in(image, region, stride, options.alpha_threshold, swatches.len())?;
    let centers: Vec<Point> = swatches.iter().map(|s| options.space.point_of(s)).collect();
    let shares = nearest_shares(&colors, options, &centers, None);
    let swatches: Vec<Swatch> = swatches.iter().zip(shares).map(|(s, share)| Swatch { share, ..*s }).collect();
    let options = Options {
        colors: crate::options::ColorCount::try_from(swatches.len())?,
        sort: sort::Sort::Manual((0..swatches.len()).collect()),
        keep: swatches.iter().filter(|s| s.kept).map(|s| s.rgb).collect(),
        ..options.clone()
    };
    palette_of(image, &options, region, &colors, swatches)
}

fn palette_of(
    image: &Image,
    options: &Options,
    region: crate::region::Rect,
    colors: &WeightedColors,
    swatches: Vec<Swatch>,
) -> Result<Palette> {
    let order = sort::order(&swatches, &options.sort)?;
    Ok(Palette {
        width: image.width(),
        height: image.height(),
        pixels: image.pixel_count(),
        counted: colors.counted,
        region,
        options: options.clone(),
        swatches: order.iter().map(|&i| swatches[i]).collect(),
        order,
        warnings: image.notes().to_vec(),
    })
}

/// Each center's share of the counted pixels: every weighted color goes to
/// its nearest center (in the clustering space), or to `labels`' when given.
fn nearest_shares(colors: &WeightedColors, options: &Options, centers: &[Point], labels: Option<&[u32]>) -> Vec<f64> {
    let total = colors.counted as f64;
    let mut share = vec![0.0; centers.len()];
    for (i, (&c, &w)) in colors.colors.iter().zip(&colors.weights).enumerate() {
        let j = match labels {
            Some(l) => l[i] as usize,
            None => {
                let p = options.space.point(c);
                let d = |j: usize| color::dist2(&p, &centers[j]);
                (0..centers.len()).min_by(|&a, &b| d(a).total_cmp(&d(b))).expect("a center")
            }
        };
        share[j] += w / total;
    }
    share
}

/// The swatches around the kept colors (`options.keep`, first and exactly):
/// the other `n − k` chosen by the method in use. k-means and `telling` run
/// with the kept colors as fixed centers; an agglomerative method cuts its
/// tree into `n` clusters and takes, heaviest first, those no kept color
/// lies in (a kept color lies in the cluster of its nearest weighted color,
/// if that is within [`KEPT_REACH`]; a kept color not in the image lies in
/// none). Shares: each pixel to its nearest swatch (for `telling`, its own
/// rule, with the kept colors as plain centers).
fn keeping(colors: &WeightedColors, options: &Options) -> Vec<Swatch> {
    let space = options.space;
    let k = options.colors.get();
    let kept: Vec<Swatch> = options.keep.iter().map(|&rgb| Swatch::new(rgb, 0.0).kept(true)).collect();
    let fixed: Vec<Point> = kept.iter().map(|s| space.point_of(s)).collect();
    let free = k - kept.len();
    let points: Vec<Point> = colors.colors.iter().map(|&c| space.point(c)).collect();
    let weights = &colors.weights;
    let is_kept = |rgb: [u8; 3]| options.keep.contains(&rgb);
    let (centers, labels): (Vec<Point>, Option<Vec<u32>>) = if free == 0 {
        (fixed.clone(), None)
    } else if colors.exact && colors.colors.iter().filter(|&&c| !is_kept(space.rgb8(space.point(c)))).count() <= free {
        // Few distinct colors: the kept ones and every other.
        let others = points.iter().filter(|&&p| !is_kept(space.rgb8(p))).copied();
        (fixed.iter().copied().chain(others).collect(), None)
    } else if points.len() <= free {
        (fixed.iter().copied().chain(points.iter().copied()).collect(), None)
    } else {
        match options.method {
            Method::Telling => {
                let (labels, centers) =
                    cluster::telling::telling_keeping(&points, weights, k, options.seed, space, &fixed);
                (centers, Some(labels))
            }
            Method::KMeans => {
                (cluster::kmeans::kmeans_keeping(&points, weights, k, options.seed, &fixed).centers, None)
            }
            _ => {
                let m = k.min(points.len());
                let labels = cluster::cluster(&points, weights, m, options.method, options.seed, space);
                let clusters: Vec<Point> =
                    cluster::cluster_means(&points, weights, &labels, m).into_iter().map(|c| c.0).collect();
                let chosen = drop_represented(&points, weights, &fixed, clusters, free);
                (fixed.iter().copied().chain(chosen).collect(), None)
            }
        }
    };
    let shares = nearest_shares(colors, options, &centers, labels.as_deref());
    let mut out: Vec<Swatch> = kept;
    for (j, share) in shares.into_iter().enumerate() {
        if j < out.len() {
            out[j].share = share;
            continue;
        }
        let s = space.swatch(centers[j], share);
        // A chosen color that rounds to a kept one (or another chosen one) gives it its pixels.
        match out.iter_mut().find(|o| o.rgb == s.rgb) {
            Some(o) => o.share += s.share,
            None => out.push(s),
        }
    }
    out
}

/// The `free` of `clusters` (an agglomerative method's, in the clustering
/// space) that the kept colors `fixed` represent least: one at a time, the
/// cluster whose loss costs the pixels the least (each pixel served by its
/// nearest remaining cluster or kept color; with each one's nearest and
/// second-nearest, one pass over the pixels a drop) is left out, until
/// `free` remain. A cluster a kept color lies in costs almost nothing: its
/// pixels have the kept color. Those left are in their order.
fn drop_represented(
    points: &[Point],
    weights: &[f64],
    fixed: &[Point],
    clusters: Vec<Point>,
    free: usize,
) -> Vec<Point> {
    let mut alive = vec![true; clusters.len()];
    let to_fixed: Vec<f64> =
        points.iter().map(|p| fixed.iter().map(|f| color::dist2(p, f)).fold(f64::INFINITY, f64::min).sqrt()).collect();
    for _ in free..clusters.len() {
        let mut cost = vec![0.0; clusters.len()];
        for ((p, &w), &df) in points.iter().zip(weights).zip(&to_fixed) {
            let (mut best, mut first, mut second) = (usize::MAX, f64::INFINITY, f64::INFINITY);
            for (j, c) in clusters.iter().enumerate().filter(|(j, _)| alive[*j]) {
                let d = color::dist2(p, c).sqrt();
                if d < first {
                    (second, first, best) = (first, d, j);
                } else if d < second {
                    second = d;
                }
            }
            // Losing its nearest cluster sends this pixel to the next one, or to a kept color.
            if best != usize::MAX && first < df {
                cost[best] += w * (second.min(df) - first);
            }
        }
        let cheapest = (0..clusters.len()).filter(|&j| alive[j]).min_by(|&a, &b| cost[a].total_cmp(&cost[b]));
        alive[cheapest.expect("more clusters than free")] = false;
    }
    clusters.into_iter().zip(alive).filter(|(_, a)| *a).map(|(c, _)| c).collect()
}

/// Clusters the weighted colors into swatches (in the clustering's order).
pub(crate) fn swatches_of(colors: &WeightedColors, options: &Options) -> Vec<Swatch> {
    let total = colors.counted as f64;
    let k = options.colors.get();
    if colors.exact && colors.len() <= k {
        // Fewer distinct colors than asked: exactly those, most frequent first.
        let mut sw: Vec<Swatch> = colors
            .colors
            .iter()
            .zip(&colors.weights)
            .map(|(&c, &w)| Swatch::from_oklab(color::srgb_to_oklab(c), w / total))
            .collect();
        sw.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.rgb.cmp(&b.rgb)));
        // Colors beyond sRGB can be gamut-mapped to the same hex: one swatch
        // for them, the most frequent one's color with all their share.
        let mut merged: Vec<Swatch> = Vec::with_capacity(sw.len());
        for s in sw {
            match merged.iter_mut().find(|m| m.rgb == s.rgb) {
                Some(m) => m.share += s.share,
                None => merged.push(s),
            }
        }
        merged.sort_by(|a, b| b.share.total_cmp(&a.share).then(a.rgb.cmp(&b.rgb)));
        return merged;
    }
    let points: Vec<Point> = colors.colors.iter().map(|&c| options.space.point(c)).collect();
    let weights = &colors.weights;
    // (With no more points than k, every method gives the points themselves.)
    let mut labels = if options.method == Method::Telling && points.len() > k {
        // Its swatches are its centers, kept apart (the means of their pixels would drift together).
        let (labels, centers) = cluster::telling::telling(&points, weights, k, options.seed, options.space);
        let mut share = vec![0.0; centers.len()];
        for (&l, &w) in labels.iter().zip(weights) {
            share[l as usize] += w / total;
        }
        let sw: Vec<Swatch> = centers.iter().zip(share).map(|(&c, share)| options.space.swatch(c, share)).collect();
        let mut rgb: Vec<[u8; 3]> = sw.iter().map(|s| s.rgb).collect();
        rgb.sort_unstable();
        rgb.dedup();
        if rgb.len() == sw.len() && (sw.len() == k || sw.len() == colors.len()) {
            return sw;
        }
        // No room for k distinct centers: its clusters, made distinct and whole like the others'.
        labels
    } else {
        cluster::cluster(&points, weights, k, options.method, options.seed, options.space)
    };
    make_distinct(&points, weights, &mut labels, k, options.space);
    let count = *labels.iter().max().expect("points") as usize + 1;
    cluster::cluster_means(&points, weights, &labels, count)
        .into_iter()
        .map(|(mean, w)| options.space.swatch(mean, w / total))
        .collect()
}
