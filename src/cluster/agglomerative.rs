//! Agglomerative clustering (Ward, complete, average, single linkage) in
//! bounded memory.
//!
//! The weighted points are first reduced to at most [`MAX_REPRESENTATIVES`]
//! representatives by variance splitting ([`super::split`]); each
//! representative is an initial cluster with the weight of the pixels it
//! stands for. Ward, complete and average linkage then run the
//! nearest-neighbour chain (Murtagh 1983; Müllner 2011) on a dense distance
//! matrix of `M²` `f32`s (16 MiB for M = 2048) with Lance–Williams updates,
//! O(M²) time; single linkage is Prim's minimum spanning tree, O(M²) time and
//! O(M) memory. Neither depends on the number of pixels.

use super::split::split;
use crate::color::{dist2, Point};

/// The most initial clusters agglomerative clustering starts from; sets its
/// peak memory (`4·M²` bytes for the distance matrix) and time (O(M²)).
pub const MAX_REPRESENTATIVES: usize = 2048;

/// How the distance between two clusters is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linkage {
    /// Increase of the weighted within-cluster sum of squares.
    Ward,
    /// Largest distance between members.
    Complete,
    /// Weighted mean distance between members.
    Average,
    /// Smallest distance between members.
    Single,
}

/// Labels in `0..k` for each point (`points.len() >= k >= 1`).
pub fn cluster(points: &[Point], weights: &[f64], k: usize, linkage: Linkage) -> Vec<u32> {
    if points.len() <= MAX_REPRESENTATIVES {
        return cluster_exact(points, weights, k, linkage);
    }
    let rep_of = split(points, weights, MAX_REPRESENTATIVES);
    let m = *rep_of.iter().max().expect("points") as usize + 1;
    let means = super::cluster_means(points, weights, &rep_of, m);
    let reps: Vec<Point> = means.iter().map(|r| r.0).collect();
    let rep_weights: Vec<f64> = means.iter().map(|r| r.1).collect();
    let rep_labels = cluster_exact(&reps, &rep_weights, k.min(m), linkage);
    rep_of.iter().map(|&r| rep_labels[r as usize]).collect()
}

/// Agglomerative clustering of every point given (at most a few thousand).
fn cluster_exact(points: &[Point], weights: &[f64], k: usize, linkage: Linkage) -> Vec<u32> {
    let n = points.len();
    if n <= k {
        return (0..n as u32).collect();
    }
    let mut merges = match linkage {
        Linkage::Single => minimum_spanning_tree(points),
        _ => nn_chain(points, weights, linkage),
    };
    // Replaying the merges from the closest keeps the n - k closest ones:
    // for these (reducible, monotone) linkages that is the hierarchy's cut at k.
    merges.sort_by(|a, b| a.2.total_cmp(&b.2));
    let mut uf = UnionFind::new(n);
    for &(a, b, _) in merges.iter().take(n - k) {
        uf.union(a, b);
    }
    uf.dense_labels()
}

/// Initial dissimilarity between two weighted points under a linkage, on the
/// scale the Lance–Williams update of that linkage expects.
fn initial(linkage: Linkage, p: &Point, wp: f64, q: &Point, wq: f64) -> f64 {
    let d2 = dist2(p, q);
    match linkage {
        // Müllner's Ward: d² = 2·wp·wq/(wp+wq)·‖p−q‖², the doubled SSE increase.
        Linkage::Ward => 2.0 * wp * wq / (wp + wq) * d2,
        _ => d2.sqrt(),
    }
}

/// Runs the nearest-neighbour chain and returns all n − 1 merges as
/// `(member of one cluster, member of the other, distance)`.
fn nn_chain(points: &[Point], weights: &[f64], linkage: Linkage) -> Vec<(usize, usize, f64)> {
    let n = points.len();
    let mut d = vec![0.0f32; n * n];
    for i in 0..n {
        for j in (i + 1)..n {
            let v = initial(linkage, &points[i], weights[i], &points[j], weights[j]) as f32;
            d[i * n + j] = v;
            d[j * n + i] = v;
        }
    }
    let mut size: Vec<f64> = weights.to_vec();
    let mut active: Vec<usize> = (0..n).collect();
    let mut is_active = vec![true; n];
    let mut chain: Vec<usize> = Vec::with_capacity(n);
    let mut merges = Vec::with_capacity(n - 1);
    while active.len() > 1 {
        if chain.is_empty() {
            chain.push(*active.iter().min().expect("active"));
        }
        let (a, b, dab) = loop {
            let a = *chain.last().expect("chain");
            let prev = if chain.len() >= 2 { Some(chain[chain.len() - 2]) } else { None };
            // Nearest active neighbour of a; the previous chain element wins ties.
            let row = &d[a * n..(a + 1) * n];
            let (mut best, mut best_d) = match prev {
                Some(p) => (p, row[p]),
                None => (usize::MAX, f32::INFINITY),
            };
            for &c in &active {
                if c != a && (row[c] < best_d || (row[c] == best_d && best == usize::MAX)) {
                    best = c;
                    best_d = row[c];
                }
            }
            if Some(best) == prev {
                chain.pop();
                chain.pop();
                break (a, best, best_d);
            }
            chain.push(best);
        };
        // Merge a into b; b's row becomes the merged cluster's.
        let (sa, sb) = (size[a], size[b]);
        for &c in &active {
            if c == a || c == b {
                continue;
            }
            let (dac, dbc) = (d[a * n + c] as f64, d[b * n + c] as f64);
            let sc = size[c];
            let v = match linkage {
                Linkage::Ward => ((sa + sc) * dac + (sb + sc) * dbc - sc * dab as f64) / (sa + sb + sc),
                Linkage::Complete => dac.max(dbc),
                Linkage::Average => (sa * dac + sb * dbc) / (sa + sb),
                Linkage::Single => dac.min(dbc),
            } as f32;
            d[b * n + c] = v;
            d[c * n + b] = v;
        }
        size[b] = sa + sb;
        is_active[a] = false;
        active.retain(|&c| c != a);
        merges.push((a, b, dab as f64));
        debug_assert!(chain.iter().all(|&c| is_active[c]));
    }
    merges
}

/// Prim's algorithm on the complete graph, O(n²) time and O(n) memory.
fn minimum_spanning_tree(points: &[Point]) -> Vec<(usize, usize, f64)> {
    let n = points.len();
    let mut in_tree = vec![false; n];
    let mut best = vec![f64::INFINITY; n];
    let mut from = vec![0usize; n];
    let mut edges = Vec::with_capacity(n - 1);
    let mut current = 0;
    in_tree[0] = true;
    for _ in 1..n {
        let mut next = usize::MAX;
        for j in 0..n {
            if in_tree[j] {
                continue;
            }
            let d = dist2(&points[current], &points[j]);
            if d < best[j] {
                best[j] = d;
                from[j] = current;
            }
            if next == usize::MAX || best[j] < best[next] {
                next = j;
            }
        }
        in_tree[next] = true;
        edges.push((from[next], next, best[next].sqrt()));
        current = next;
    }
    edges
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind { parent: (0..n).collect() }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }

    /// Labels numbered in order of each cluster's first member.
    fn dense_labels(&mut self) -> Vec<u32> {
        let n = self.parent.len();
        let mut label_of_root = vec![u32::MAX; n];
        let mut next = 0;
        (0..n)
            .map(|i| {
                let r = self.find(i);
                if label_of_root[r] == u32::MAX {
                    label_of_root[r] = next;
                    next += 1;
                }
                label_of_root[r]
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Linkage; 4] = [Linkage::Ward, Linkage::Complete, Linkage::Average, Linkage::Single];

    #[test]
    fn two_well_separated_blobs_with_every_linkage() {
        let pts: Vec<Point> = vec![[0.0, 0.0, 0.0], [0.1, 0.0, 0.0], [0.0, 0.1, 0.0], [9.0, 9.0, 9.0], [9.1, 9.0, 9.0]];
        for l in ALL {
            let labels = cluster(&pts, &[1.0; 5], 2, l);
            assert_eq!(labels, vec![0, 0, 0, 1, 1], "{l:?}");
        }
    }

    #[test]
    fn complete_keeps_a_small_far_accent_that_ward_merges() {
        // A big spread-out cloud along x and one tiny far point. With k = 2,
        // Ward splits the heavy cloud; complete linkage isolates the accent.
        let mut pts: Vec<Point> = (0..40).map(|i| [i as f64 * 0.25, 0.0, 0.0]).collect();
        let mut w = vec![1000.0; 40];
        pts.push([5.0, 12.0, 0.0]);
        w.push(1.0);
        let complete = cluster(&pts, &w, 2, Linkage::Complete);
        assert_eq!(complete.iter().filter(|&&l| l == complete[40]).count(), 1);
        let ward = cluster(&pts, &w, 2, Linkage::Ward);
        assert!(ward.iter().filter(|&&l| l == ward[40]).count() > 1);
    }

    #[test]
    fn matches_naive_agglomeration_on_random_points() {
        let mut rng = crate::rng::Rng::new(11);
        let pts: Vec<Point> = (0..40).map(|_| [rng.next_f64(), rng.next_f64(), rng.next_f64()]).collect();
        let w: Vec<f64> = (0..40).map(|_| 1.0 + (rng.next_f64() * 5.0).floor()).collect();
        for l in ALL {
            for k in [1, 2, 5, 13] {
                let fast = cluster(&pts, &w, k, l);
                let slow = naive(&pts, &w, k, l);
                assert_eq!(fast, slow, "{l:?} k={k}");
            }
        }
    }

    /// Textbook O(n³) agglomeration computing cluster distances from members.
    fn naive(pts: &[Point], w: &[f64], k: usize, l: Linkage) -> Vec<u32> {
        let mut clusters: Vec<Vec<usize>> = (0..pts.len()).map(|i| vec![i]).collect();
        let dist = |a: &Vec<usize>, b: &Vec<usize>| -> f64 {
            let pair = |i: usize, j: usize| dist2(&pts[i], &pts[j]).sqrt();
            match l {
                Linkage::Single => {
                    a.iter().flat_map(|&i| b.iter().map(move |&j| pair(i, j))).fold(f64::INFINITY, f64::min)
                }
                Linkage::Complete => a.iter().flat_map(|&i| b.iter().map(move |&j| pair(i, j))).fold(0.0, f64::max),
                Linkage::Average => {
                    let (wa, wb): (f64, f64) = (a.iter().map(|&i| w[i]).sum(), b.iter().map(|&j| w[j]).sum());
                    a.iter().flat_map(|&i| b.iter().map(move |&j| w[i] * w[j] * pair(i, j))).sum::<f64>() / (wa * wb)
                }
                Linkage::Ward => {
                    let mean = |c: &Vec<usize>| {
                        let s: f64 = c.iter().map(|&i| w[i]).sum();
                        let m = c.iter().fold([0.0; 3], |acc, &i| [0, 1, 2].map(|d| acc[d] + w[i] * pts[i][d]));
                        (m.map(|v| v / s), s)
                    };
                    let ((ma, sa), (mb, sb)) = (mean(a), mean(b));
                    2.0 * sa * sb / (sa + sb) * dist2(&ma, &mb)
                }
            }
        };
        while clusters.len() > k {
            let mut best = (f64::INFINITY, 0, 0);
            for i in 0..clusters.len() {
                for j in (i + 1)..clusters.len() {
                    let d = dist(&clusters[i], &clusters[j]);
                    if d < best.0 - 1e-9 {
                        best = (d, i, j);
                    }
                }
            }
            let b = clusters.remove(best.2);
            clusters[best.1].extend(b);
        }
        let mut labels = vec![0u32; pts.len()];
        clusters.sort_by_key(|c| *c.iter().min().unwrap());
        for (l, c) in clusters.iter().enumerate() {
            for &i in c {
                labels[i] = l as u32;
            }
        }
        labels
    }

    #[test]
    fn large_inputs_are_reduced_to_bounded_representatives() {
        let mut rng = crate::rng::Rng::new(3);
        let pts: Vec<Point> =
            (0..MAX_REPRESENTATIVES * 3).map(|_| [rng.next_f64(), rng.next_f64(), rng.next_f64()]).collect();
        let w = vec![1.0; pts.len()];
        let labels = cluster(&pts, &w, 10, Linkage::Ward);
        for l in 0..10 {
            assert!(labels.contains(&l));
        }
        assert!(labels.iter().all(|&l| l < 10));
    }
}
