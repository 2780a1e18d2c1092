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

/// Extracts the palette of `image`.
pub fn extract(image: &Image, options: &Options) -> Result<Palette> {
    let region = options.region.resolve(image)?;
    let stride = options.sampling.stride(image.width(), image.height());
    let colors = weighted_colors_in(image, region, stride, options.alpha_threshold, options.colors.get())?;
    let swatches = swatches_of(&colors, options);
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

/// Clusters the weighted colors into swatches (in the clustering's order).
fn swatches_of(colors: &WeightedColors, options: &Options) -> Vec<Swatch> {
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
