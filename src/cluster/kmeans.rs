//! Weighted k-means that covers the image: greedy k-means++ seeding,
//! Hamerly's bounds for the assignment step, and a random-swap search
//! (Fränti 2018) over Lloyd's fixed points for the one that best serves the
//! pixels: the least mean distance plus [`TAIL_WEIGHT`] × the 99th percentile
//! distance, so rare vivid colors are not sacrificed to the bulk.
//!
//! The search runs on at most [`SEARCH_POINTS`] representatives (variance
//! splitting of the input); the best few results are then refined by Lloyd on
//! every input point and scored again there.

use crate::color::{dist2, Point};
use crate::rng::Rng;

/// Seeded k-means++ starts of the search.
pub const RESTARTS: u64 = 3;
/// Random swaps tried after the starts.
pub const SWAPS: usize = 30;
/// Weight of the 99th-percentile distance against the mean distance in the score.
pub const TAIL_WEIGHT: f64 = 0.08;
/// Representatives the search runs on (bounds its cost).
pub const SEARCH_POINTS: usize = 512;
/// Search results refined on all points.
pub const FINALISTS: usize = 2;
/// Upper bound on Lloyd iterations per run.
pub const MAX_ITERATIONS: usize = 300;

/// The outcome of a k-means run.
#[derive(Debug, Clone)]
pub struct KMeans {
    /// Final centers (weighted means of their points).
    pub centers: Vec<Point>,
    /// The center of each point.
    pub labels: Vec<u32>,
}

/// Clusters weighted points into `k` groups; deterministic for a `seed`.
/// Needs `points.len() >= k >= 1`; every center ends with at least one point.
pub fn kmeans(points: &[Point], weights: &[f64], k: usize, seed: u64) -> KMeans {
    kmeans_keeping(points, weights, k, seed, &[])
}

/// [`kmeans`] with the first `fixed.len()` of the `k` centers fixed at
/// `fixed` (colors kept by hand): they never move, and may keep no point;
/// the others are chosen around them. Needs `points.len() >= k - fixed.len()`
/// and `k >= fixed.len()`. With no fixed center, this is [`kmeans`].
pub fn kmeans_keeping(points: &[Point], weights: &[f64], k: usize, seed: u64, fixed: &[Point]) -> KMeans {
    let lambda = TAIL_WEIGHT;
    if points.len() <= SEARCH_POINTS {
        let pool = search(points, weights, k, seed, lambda, fixed);
        return pool.into_iter().next().expect("one run").1;
    }
    let rep_of = super::split::split(points, weights, SEARCH_POINTS);
    let m = *rep_of.iter().max().expect("points") as usize + 1;
    let means = super::cluster_means(points, weights, &rep_of, m);
    let rep_points: Vec<Point> = means.iter().map(|r| r.0).collect();
    let rep_weights: Vec<f64> = means.iter().map(|r| r.1).collect();
    let pool = search(&rep_points, &rep_weights, k.min(m + fixed.len()), seed, lambda, fixed);
    let mut best: Option<(f64, KMeans)> = None;
    for (_, coarse) in pool.into_iter().take(FINALISTS) {
        let run = lloyd_hamerly(points, weights, coarse.centers, fixed.len());
        let score = coverage_score(points, weights, &run.centers, lambda);
        if best.as_ref().is_none_or(|(b, _)| score < *b) {
            best = Some((score, run));
        }
    }
    best.expect("one finalist").1
}

/// The search: k-means++ starts, then random swaps (of centers that are not
/// fixed) accepted when they lower the score. Returns every distinct result, best first.
fn search(points: &[Point], weights: &[f64], k: usize, seed: u64, lambda: f64, fixed: &[Point]) -> Vec<(f64, KMeans)> {
    let mut pool: Vec<(f64, KMeans)> = Vec::new();
    let mut rng = Rng::new(seed);
    let f = fixed.len();
    for _ in 0..RESTARTS {
        let centers = seed_keeping(points, weights, k, &mut rng, fixed);
        let run = lloyd_hamerly(points, weights, centers, f);
        pool.push((coverage_score(points, weights, &run.centers, lambda), run));
    }
    pool.sort_by(|a, b| a.0.total_cmp(&b.0));
    let swaps = if k > f { SWAPS } else { 0 };
    for _ in 0..swaps {
        let current = &pool[0].1;
        let d2: Vec<f64> = points
            .iter()
            .zip(weights)
            .map(|(p, &w)| w * current.centers.iter().map(|c| dist2(p, c)).fold(f64::INFINITY, f64::min))
            .collect();
        let total: f64 = d2.iter().sum();
        if total <= 0.0 {
            break;
        }
        let mut centers = current.centers.clone();
        centers[f + (rng.next_u64() % (k - f) as u64) as usize] = points[rng.weighted_index(&d2, total)];
        let run = lloyd_hamerly(points, weights, centers, f);
        let score = coverage_score(points, weights, &run.centers, lambda);
        if !pool.iter().any(|(s, _)| *s == score) {
            let at = pool.partition_point(|(s, _)| *s <= score);
            pool.insert(at, (score, run));
        }
    }
    pool
}

/// Mean distance from each (weighted) point to its nearest center plus
/// `lambda` times the weighted 99th percentile of that distance.
pub fn coverage_score(points: &[Point], weights: &[f64], centers: &[Point], lambda: f64) -> f64 {
    let mut d: Vec<(f64, f64)> = points
        .iter()
        .zip(weights)
        .map(|(p, &w)| (centers.iter().map(|c| dist2(p, c)).fold(f64::INFINITY, f64::min).sqrt(), w))
        .collect();
    let total: f64 = weights.iter().sum();
    let mean = d.iter().map(|&(x, w)| x * w).sum::<f64>() / total;
    d.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut seen = 0.0;
    let mut p99 = 0.0;
    for &(x, w) in &d {
        seen += w;
        p99 = x;
        if seen >= 0.99 * total {
            break;
        }
    }
    mean + lambda * p99
}

/// Greedy k-means++ (Arthur and Vassilvitskii 2007; the greedy variant tries
/// 2 + ln k candidates a step and keeps the one that lowers the potential most).
pub fn seed_plus_plus(points: &[Point], weights: &[f64], k: usize, rng: &mut Rng) -> Vec<Point> {
    seed_keeping(points, weights, k, rng, &[])
}

/// [`seed_plus_plus`] starting from the `fixed` centers (when there are any,
/// the first center is not drawn).
fn seed_keeping(points: &[Point], weights: &[f64], k: usize, rng: &mut Rng, fixed: &[Point]) -> Vec<Point> {
    let mut centers = fixed.to_vec();
    if centers.is_empty() {
        let total: f64 = weights.iter().sum();
        centers.push(points[rng.weighted_index(weights, total)]);
    }
    let mut d2: Vec<f64> =
        points.iter().map(|p| centers.iter().map(|c| dist2(p, c)).fold(f64::INFINITY, f64::min)).collect();
    let tries = 2 + (k as f64).ln().floor() as usize;
    let mut scores = vec![0.0; points.len()];
    while centers.len() < k {
        for ((s, &d), &w) in scores.iter_mut().zip(&d2).zip(weights) {
            *s = d * w;
        }
        let potential: f64 = scores.iter().sum();
        if potential <= 0.0 {
            // Every point sits on a center: take any point not yet a center.
            let i = (0..points.len()).find(|&i| !centers.contains(&points[i])).unwrap_or(0);
            centers.push(points[i]);
            continue;
        }
        let mut best: Option<(f64, usize)> = None;
        for _ in 0..tries {
            let c = rng.weighted_index(&scores, potential);
            let pot: f64 =
                points.iter().zip(&d2).zip(weights).map(|((p, &d), &w)| w * d.min(dist2(p, &points[c]))).sum();
            if best.is_none_or(|(b, _)| pot < b) {
                best = Some((pot, c));
            }
        }
        let c = best.expect("tries >= 2").1;
        centers.push(points[c]);
        for (d, p) in d2.iter_mut().zip(points) {
            *d = d.min(dist2(p, &points[c]));
        }
    }
    centers
}

fn nearest_two(p: &Point, centers: &[Point]) -> (u32, f64, f64) {
    let (mut a, mut da, mut db) = (0u32, f64::INFINITY, f64::INFINITY);
    for (j, c) in centers.iter().enumerate() {
        let d = dist2(p, c);
        if d < da {
            db = da;
            da = d;
            a = j as u32;
        } else if d < db {
            db = d;
        }
    }
    (a, da.sqrt(), db.sqrt())
}

/// Lloyd's iterations with Hamerly's (2010) upper and lower bounds; the
/// per-cluster sums are updated only for points that change cluster. The
/// first `fixed` centers do not move.
fn lloyd_hamerly(points: &[Point], weights: &[f64], mut centers: Vec<Point>, fixed: usize) -> KMeans {
    let (n, k) = (points.len(), centers.len());
    let mut labels = vec![0u32; n];
    let mut upper = vec![0.0f64; n];
    let mut lower = vec![0.0f64; n];
    let mut sums = vec![([0.0f64; 3], 0.0f64); k];
    let mut members = vec![0usize; k];
    let assign_all = |centers: &[Point],
                      labels: &mut [u32],
                      upper: &mut [f64],
                      lower: &mut [f64],
                      sums: &mut [([f64; 3], f64)],
                      members: &mut [usize]| {
        sums.fill(([0.0; 3], 0.0));
        members.fill(0);
        for i in 0..n {
            let (a, da, db) = nearest_two(&points[i], centers);
            labels[i] = a;
            upper[i] = da;
            lower[i] = db;
            let s = &mut sums[a as usize];
            for d in 0..3 {
                s.0[d] += weights[i] * points[i][d];
            }
            s.1 += weights[i];
            members[a as usize] += 1;
        }
    };
    assign_all(&centers, &mut labels, &mut upper, &mut lower, &mut sums, &mut members);
    let mut half_gap = vec![0.0f64; k];
    let mut moved = vec![0.0f64; k];
    for _ in 0..MAX_ITERATIONS {
        if let Some(empty) = (fixed..k).find(|&j| members[j] == 0) {
            // An empty cluster takes the point that is worst served by its center.
            let far = (0..n)
                .max_by(|&a, &b| (weights[a] * upper[a] * upper[a]).total_cmp(&(weights[b] * upper[b] * upper[b])));
            centers[empty] = points[far.expect("n >= k >= 1")];
            assign_all(&centers, &mut labels, &mut upper, &mut lower, &mut sums, &mut members);
            continue;
        }
        // Move each center to the weighted mean of its points.
        for j in fixed..k {
            let new = sums[j].0.map(|v| v / sums[j].1);
            moved[j] = dist2(&new, &centers[j]).sqrt();
            centers[j] = new;
        }
        let (mut r, mut r2) = (0usize, usize::MAX);
        for j in 1..k {
            if moved[j] > moved[r] {
                r2 = r;
                r = j;
            } else if r2 == usize::MAX || moved[j] > moved[r2] {
                r2 = j;
            }
        }
        let (max_move, second_move) = (moved[r], if r2 == usize::MAX { 0.0 } else { moved[r2] });
        for i in 0..n {
            let a = labels[i] as usize;
            upper[i] += moved[a];
            lower[i] -= if a == r { second_move } else { max_move };
        }
        // Half the distance from each center to its nearest other center.
        for j in 0..k {
            half_gap[j] = (0..k)
                .filter(|&o| o != j)
                .map(|o| dist2(&centers[j], &centers[o]))
                .fold(f64::INFINITY, f64::min)
                .sqrt()
                * 0.5;
        }
        let mut changed = 0usize;
        for i in 0..n {
            let a = labels[i] as usize;
            let bound = half_gap[a].max(lower[i]);
            if upper[i] <= bound {
                continue;
            }
            upper[i] = dist2(&points[i], &centers[a]).sqrt();
            if upper[i] <= bound {
                continue;
            }
            let (b, db, db2) = nearest_two(&points[i], &centers);
            labels[i] = b;
            upper[i] = db;
            lower[i] = db2;
            let b = b as usize;
            if b != a {
                changed += 1;
                let (w, p) = (weights[i], &points[i]);
                for d in 0..3 {
                    sums[a].0[d] -= w * p[d];
                    sums[b].0[d] += w * p[d];
                }
                sums[a].1 -= w;
                sums[b].1 += w;
                members[a] -= 1;
                members[b] += 1;
            }
        }
        if changed == 0 {
            break;
        }
    }
    KMeans { centers, labels }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blobs() -> (Vec<Point>, Vec<f64>) {
        let mut pts = vec![];
        for i in 0..20 {
            let t = i as f64 * 0.01;
            pts.push([t, 0.0, 0.0]);
            pts.push([10.0 + t, 10.0, 0.0]);
        }
        let w = vec![1.0; pts.len()];
        (pts, w)
    }

    #[test]
    fn two_well_separated_blobs_are_found() {
        let (pts, w) = blobs();
        let r = kmeans(&pts, &w, 2, 1);
        for i in (0..pts.len()).step_by(2) {
            assert_eq!(r.labels[i], r.labels[0]);
            assert_eq!(r.labels[i + 1], r.labels[1]);
        }
        assert_ne!(r.labels[0], r.labels[1]);
        let mut xs: Vec<f64> = r.centers.iter().map(|c| c[0]).collect();
        xs.sort_by(f64::total_cmp);
        assert!((xs[0] - 0.095).abs() < 1e-9 && (xs[1] - 10.095).abs() < 1e-9, "{xs:?}");
    }

    #[test]
    fn weights_pull_the_center() {
        let pts = vec![[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]];
        let r = kmeans(&pts, &[3.0, 1.0], 1, 0);
        assert!((r.centers[0][0] - 0.25).abs() < 1e-12);
    }

    #[test]
    fn every_center_keeps_a_point() {
        let pts: Vec<Point> = (0..50).map(|i| [(i % 7) as f64, (i % 3) as f64, 0.0]).collect();
        for k in 1..=21 {
            let r = kmeans(&pts, &vec![1.0; 50], k, 3);
            for j in 0..k as u32 {
                assert!(r.labels.contains(&j), "k={k}: center {j} empty");
            }
        }
    }

    #[test]
    fn hamerly_agrees_with_brute_force_assignment() {
        let mut rng = Rng::new(5);
        let pts: Vec<Point> = (0..500).map(|_| [rng.next_f64(), rng.next_f64(), rng.next_f64()]).collect();
        let w: Vec<f64> = (0..500).map(|i| 1.0 + (i % 5) as f64).collect();
        let r = kmeans(&pts, &w, 8, 9);
        for (p, &l) in pts.iter().zip(&r.labels) {
            let (best, _, _) = nearest_two(p, &r.centers);
            let d_l = dist2(p, &r.centers[l as usize]);
            let d_b = dist2(p, &r.centers[best as usize]);
            assert!(d_l <= d_b + 1e-12, "point assigned to a farther center");
        }
    }

    #[test]
    fn same_seed_same_result() {
        let (pts, w) = blobs();
        assert_eq!(kmeans(&pts, &w, 5, 42).labels, kmeans(&pts, &w, 5, 42).labels);
    }
}
