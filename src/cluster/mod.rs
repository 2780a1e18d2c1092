//! Clustering of weighted points into k groups: one module per family.
//!
//! Every method takes the same input (points in the chosen space, each with
//! the number of pixels it stands for) and returns a label per point.

pub mod agglomerative;
pub mod distinct;
pub mod kmeans;
pub mod split;
pub mod telling;

use crate::choice::{serde_by_name, Choice, Named};
use crate::color::Point;
use crate::space::Space;

/// A clustering method, with the seed notebook's names as aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// The default: the colors that tell the still (k-means' coverage, its
    /// small vivid accents kept, no two swatches alike; see [`telling`]).
    Telling,
    /// Weighted k-means, k-means++ seeding, Hamerly's accelerated assignment.
    KMeans,
    /// Agglomerative, Ward linkage (least increase of within-cluster variance).
    Ward,
    /// Agglomerative, complete linkage (farthest pair): keeps small vivid accents.
    Complete,
    /// Agglomerative, average linkage (mean pairwise distance).
    Average,
    /// Agglomerative, single linkage (nearest pair, a minimum spanning tree).
    Single,
}

impl Named for Method {
    const WHAT: &'static str = "method";
    const CHOICES: &'static [Choice<Method>] = &[
        Choice {
            value: Method::Telling,
            name: "telling",
            label: "Telling",
            aliases: &["default"],
            hint: "the main colors and the small vivid accents, no two alike: the pick for a film still",
        },
        Choice {
            value: Method::KMeans,
            name: "dominant",
            label: "Dominant",
            aliases: &["kmeans", "k-means"],
            hint: "the colors that cover the most area, even when two look alike (k-means)",
        },
        Choice {
            value: Method::Ward,
            name: "balanced",
            label: "Balanced",
            aliases: &["ward", "agglomerative-ward"],
            hint: "even groups of similar colors (Ward linkage)",
        },
        Choice {
            value: Method::Complete,
            name: "vivid_accents",
            label: "Vivid accents",
            aliases: &["complete", "agglomerative-complete"],
            hint: "keeps small vivid accents that a larger area would swallow (complete linkage)",
        },
        Choice {
            value: Method::Average,
            name: "in_between",
            label: "In between",
            aliases: &["average", "agglomerative-average"],
            hint: "between balanced and vivid accents (average linkage)",
        },
        Choice {
            value: Method::Single,
            name: "outliers",
            label: "Outliers",
            aliases: &["single", "agglomerative-single"],
            hint: "the most unusual colors, each its own; the rest merged along gradients (single linkage)",
        },
    ];
}

serde_by_name!(Method);

impl Method {
    /// Whether the seed changes this method's result (only k-means draws random numbers).
    pub fn uses_seed(self) -> bool {
        match self {
            Method::Telling | Method::KMeans => true,
            Method::Ward | Method::Complete | Method::Average | Method::Single => false,
        }
    }
}

/// Groups `points` (in `space`, with `weights > 0`) into `k` clusters and
/// returns a label in `0..k` for each point. Needs `points.len() >= k >= 1`;
/// every label is used (`telling` may use fewer when points coincide).
pub fn cluster(points: &[Point], weights: &[f64], k: usize, method: Method, seed: u64, space: Space) -> Vec<u32> {
    debug_assert!(k >= 1 && points.len() >= k && points.len() == weights.len());
    if points.len() == k {
        return (0..k as u32).collect();
    }
    match method {
        Method::Telling => telling::telling(points, weights, k, seed, space).0,
        Method::KMeans => kmeans::kmeans(points, weights, k, seed).labels,
        Method::Ward => agglomerative::cluster(points, weights, k, agglomerative::Linkage::Ward),
        Method::Complete => agglomerative::cluster(points, weights, k, agglomerative::Linkage::Complete),
        Method::Average => agglomerative::cluster(points, weights, k, agglomerative::Linkage::Average),
        Method::Single => agglomerative::cluster(points, weights, k, agglomerative::Linkage::Single),
    }
}

/// The weighted mean and the total weight of each cluster.
pub fn cluster_means(points: &[Point], weights: &[f64], labels: &[u32], k: usize) -> Vec<(Point, f64)> {
    let mut acc = vec![([0.0f64; 3], 0.0f64); k];
    for ((p, &w), &l) in points.iter().zip(weights).zip(labels) {
        let a = &mut acc[l as usize];
        for d in 0..3 {
            a.0[d] += w * p[d];
        }
        a.1 += w;
    }
    acc.into_iter().map(|(s, w)| if w > 0.0 { (s.map(|v| v / w), w) } else { (s, 0.0) }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_parse() {
        for m in Method::CHOICES {
            assert_eq!(Method::parse(m.name), Ok(m.value));
        }
        assert_eq!(Method::parse("k-means"), Ok(Method::KMeans));
        assert_eq!(Method::parse("agglomerative-complete"), Ok(Method::Complete));
        assert_eq!(Method::parse("Agglomerative_Ward"), Ok(Method::Ward));
        let e = Method::parse("dbscan").unwrap_err().to_string();
        assert!(
            e.starts_with(
                "unknown method \"dbscan\"; allowed: telling, dominant, balanced, vivid_accents, in_between, outliers (or default, kmeans, ward, complete, average, single)"
            ),
            "{e}"
        );
        // The technical names (and the seed notebook's) stay accepted: scripts and old share links keep working.
        for (old, m) in [
            ("kmeans", Method::KMeans),
            ("complete", Method::Complete),
            ("single", Method::Single),
            ("average", Method::Average),
        ] {
            assert_eq!(Method::parse(old), Ok(m));
        }
        assert_eq!(Method::parse("Vivid accents".replace(' ', "-").as_str()), Ok(Method::Complete));
    }

    #[test]
    fn only_kmeans_and_telling_use_the_seed() {
        let seeded: Vec<Method> = Method::CHOICES.iter().map(|c| c.value).filter(|m| m.uses_seed()).collect();
        assert_eq!(seeded, vec![Method::Telling, Method::KMeans]);
    }
}
