//! After clustering: no two swatches may round to the same 8-bit color.

use crate::cluster::{self, split::split};
use crate::color::{dist2, Point};
use crate::space::Space;

/// Ensures no two clusters round to the same 8-bit color: clusters that do
/// are merged, and the cluster with the largest error is split in two until
/// there are `k` again (bounded; the input has at least `k` distinct points).
pub fn make_distinct(points: &[Point], weights: &[f64], labels: &mut [u32], k: usize, space: Space) {
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
