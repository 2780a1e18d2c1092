//! Weighted k-means: greedy k-means++ seeding, Hamerly's bounds for the
//! assignment step (most points skip the distance computations once the
//! centers settle), and the best of a few seeded restarts.

use crate::color::{dist2, Point};
use crate::rng::Rng;

/// Seeded restarts; the run with the least weighted SSE wins.
pub const RESTARTS: u64 = 3;
/// Upper bound on Lloyd iterations per restart.
pub const MAX_ITERATIONS: usize = 300;

/// The outcome of a k-means run.
#[derive(Debug, Clone)]
pub struct KMeans {
    /// Final centers (weighted means of their points).
    pub centers: Vec<Point>,
    /// The center of each point.
    pub labels: Vec<u32>,
    /// Weighted sum of squared distances to the assigned centers.
    pub sse: f64,
}

/// Clusters weighted points into `k` groups; deterministic for a `seed`.
/// Needs `points.len() >= k >= 1`; every center ends with at least one point.
pub fn kmeans(points: &[Point], weights: &[f64], k: usize, seed: u64) -> KMeans {
    let mut best: Option<KMeans> = None;
    for restart in 0..RESTARTS {
        let mut rng = Rng::new(seed.wrapping_mul(RESTARTS).wrapping_add(restart));
        let t = std::time::Instant::now();
        let centers = seed_plus_plus(points, weights, k, &mut rng);
        let t1 = t.elapsed();
        let run = lloyd_hamerly(points, weights, centers);
        if std::env::var("CP_TIME").is_ok() {
            eprintln!("  seed {:?} lloyd {:?} sse {}", t1, t.elapsed() - t1, run.sse);
        }
        if best.as_ref().is_none_or(|b| run.sse < b.sse) {
            best = Some(run);
        }
    }
    best.expect("at least one restart")
}

/// Greedy k-means++ (Arthur and Vassilvitskii 2007; the greedy variant tries
/// 2 + ln k candidates a step and keeps the one that lowers the potential most).
pub fn seed_plus_plus(points: &[Point], weights: &[f64], k: usize, rng: &mut Rng) -> Vec<Point> {
    let total: f64 = weights.iter().sum();
    let first = rng.weighted_index(weights, total);
    let mut centers = vec![points[first]];
    let mut d2: Vec<f64> = points.iter().map(|p| dist2(p, &points[first])).collect();
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

/// Runs Lloyd from given centers.
pub fn polish(points: &[Point], weights: &[f64], centers: Vec<Point>) -> KMeans {
    lloyd_hamerly(points, weights, centers)
}

/// Lloyd's iterations with Hamerly's (2010) upper and lower bounds.
fn lloyd_hamerly(points: &[Point], weights: &[f64], mut centers: Vec<Point>) -> KMeans {
    let (n, k) = (points.len(), centers.len());
    let mut labels = vec![0u32; n];
    let mut upper = vec![0.0f64; n];
    let mut lower = vec![0.0f64; n];
    let assign_all = |centers: &[Point], labels: &mut [u32], upper: &mut [f64], lower: &mut [f64]| {
        for i in 0..n {
            let (a, da, db) = nearest_two(&points[i], centers);
            labels[i] = a;
            upper[i] = da;
            lower[i] = db;
        }
    };
    assign_all(&centers, &mut labels, &mut upper, &mut lower);
    let mut half_gap = vec![0.0f64; k];
    for _it in 0..MAX_ITERATIONS {
        // Move each center to the weighted mean of its points.
        let mut sums = vec![([0.0f64; 3], 0.0f64); k];
        for i in 0..n {
            let s = &mut sums[labels[i] as usize];
            for d in 0..3 {
                s.0[d] += weights[i] * points[i][d];
            }
            s.1 += weights[i];
        }
        if let Some(empty) = sums.iter().position(|s| s.1 <= 0.0) {
            // An empty cluster takes the point farthest from its own center.
            let far = (0..n)
                .max_by(|&a, &b| (weights[a] * upper[a] * upper[a]).total_cmp(&(weights[b] * upper[b] * upper[b])));
            centers[empty] = points[far.expect("n >= k >= 1")];
            assign_all(&centers, &mut labels, &mut upper, &mut lower);
            continue;
        }
        let mut moved = vec![0.0f64; k];
        for j in 0..k {
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
        for i in 0..n {
            upper[i] += moved[labels[i] as usize];
            let m = if labels[i] as usize == r { r2 } else { r };
            lower[i] -= if m == usize::MAX { 0.0 } else { moved[m] };
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
            if b as usize != a {
                changed += 1;
            }
            labels[i] = b;
            upper[i] = db;
            lower[i] = db2;
        }
        if changed == 0 {
            if std::env::var("CP_TIME").is_ok() {
                eprintln!("  iterations {_it}");
            }
            break;
        }
    }
    let sse = points.iter().zip(weights).zip(&labels).map(|((p, &w), &l)| w * dist2(p, &centers[l as usize])).sum();
    KMeans { centers, labels, sse }
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
