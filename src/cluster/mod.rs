//! Clustering of weighted points into k groups: one module per family.
//!
//! Every method takes the same input (points in the chosen space, each with
//! the number of pixels it stands for) and returns a label per point.

pub mod agglomerative;
pub mod kmeans;
pub mod split;

use crate::color::Point;

/// A clustering method, with the seed notebook's names as aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
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

impl Method {
    /// Every method, in the order front ends list them.
    pub const ALL: [Method; 5] = [Method::KMeans, Method::Ward, Method::Complete, Method::Average, Method::Single];

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Method::KMeans => "kmeans",
            Method::Ward => "ward",
            Method::Complete => "complete",
            Method::Average => "average",
            Method::Single => "single",
        }
    }

    /// Parses a canonical name or alias; `-` and `_` are alike, case is ignored.
    pub fn parse(s: &str) -> Option<Method> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        let s = s.strip_prefix("agglomerative-").unwrap_or(&s);
        Some(match s {
            "kmeans" | "k-means" => Method::KMeans,
            "ward" => Method::Ward,
            "complete" => Method::Complete,
            "average" => Method::Average,
            "single" => Method::Single,
            _ => return None,
        })
    }
}

/// Groups `points` (with `weights > 0`) into `k` clusters and returns a label
/// in `0..k` for each point. Needs `points.len() >= k >= 1`; every label is used.
pub fn cluster(points: &[Point], weights: &[f64], k: usize, method: Method, seed: u64) -> Vec<u32> {
    debug_assert!(k >= 1 && points.len() >= k && points.len() == weights.len());
    if points.len() == k {
        return (0..k as u32).collect();
    }
    match method {
        Method::KMeans => kmeans::kmeans(points, weights, k, seed).labels,
        Method::Ward => agglomerative::cluster(points, weights, k, agglomerative::Linkage::Ward),
        Method::Complete => agglomerative::cluster(points, weights, k, agglomerative::Linkage::Complete),
        Method::Average => agglomerative::cluster(points, weights, k, agglomerative::Linkage::Average),
        Method::Single => agglomerative::cluster(points, weights, k, agglomerative::Linkage::Single),
    }
}

/// Weighted sum of squared distances from each point to its cluster's mean.
pub fn total_sse(points: &[Point], weights: &[f64], labels: &[u32], k: usize) -> f64 {
    let means = cluster_means(points, weights, labels, k);
    points.iter().zip(weights).zip(labels).map(|((p, &w), &l)| w * crate::color::dist2(p, &means[l as usize].0)).sum()
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
        for m in Method::ALL {
            assert_eq!(Method::parse(m.name()), Some(m));
        }
        assert_eq!(Method::parse("k-means"), Some(Method::KMeans));
        assert_eq!(Method::parse("agglomerative-complete"), Some(Method::Complete));
        assert_eq!(Method::parse("Agglomerative_Ward"), Some(Method::Ward));
        assert_eq!(Method::parse("dbscan"), None);
    }
}
