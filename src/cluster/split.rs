//! Divisive splitting by variance: the group with the largest weighted sum of
//! squared errors (SSE) is cut in two at the place along its widest axis that
//! leaves the least SSE, until there are enough groups (Wu's and median cut's
//! idea, on weighted points instead of a fixed grid).
//!
//! Used to bound the input of agglomerative clustering to a fixed number of
//! representatives, and to split a cluster in two.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::color::Point;

struct Group {
    start: usize,
    end: usize,
    sse: f64,
}

impl PartialEq for Group {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Group {}
impl PartialOrd for Group {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Group {
    fn cmp(&self, o: &Self) -> Ordering {
        // Largest SSE first; ties broken by position so the result is deterministic.
        self.sse.total_cmp(&o.sse).then_with(|| o.start.cmp(&self.start))
    }
}

/// Weighted SSE of a group from its total weight, weighted sum and weighted sum of squared norms.
fn sse_of(w: f64, s: [f64; 3], q: f64) -> f64 {
    if w <= 0.0 {
        return 0.0;
    }
    (q - (s[0] * s[0] + s[1] * s[1] + s[2] * s[2]) / w).max(0.0)
}

fn moments(order: &[u32], points: &[Point], weights: &[f64]) -> (f64, [f64; 3], f64) {
    let (mut w, mut s, mut q) = (0.0, [0.0; 3], 0.0);
    for &i in order {
        let (p, pw) = (&points[i as usize], weights[i as usize]);
        w += pw;
        for d in 0..3 {
            s[d] += pw * p[d];
        }
        q += pw * (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
    }
    (w, s, q)
}

/// Partitions the points into at most `max_groups` groups (fewer only when
/// fewer distinct points exist) and returns a group label per point, labels
/// numbered in `0..groups`.
pub fn split(points: &[Point], weights: &[f64], max_groups: usize) -> Vec<u32> {
    let mut order: Vec<u32> = (0..points.len() as u32).collect();
    let mut heap = BinaryHeap::new();
    let (w, s, q) = moments(&order, points, weights);
    heap.push(Group { start: 0, end: order.len(), sse: sse_of(w, s, q) });
    let mut done = Vec::new();
    while heap.len() + done.len() < max_groups {
        let Some(g) = heap.pop() else { break };
        if g.end - g.start < 2 || g.sse <= 0.0 {
            done.push(g);
            continue;
        }
        match best_cut(&mut order[g.start..g.end], points, weights) {
            Some((cut, left_sse, right_sse)) => {
                heap.push(Group { start: g.start, end: g.start + cut, sse: left_sse });
                heap.push(Group { start: g.start + cut, end: g.end, sse: right_sse });
            }
            None => done.push(g),
        }
    }
    let mut labels = vec![0u32; points.len()];
    let mut groups: Vec<Group> = heap.into_vec();
    groups.extend(done);
    groups.sort_by_key(|g| g.start);
    for (label, g) in groups.iter().enumerate() {
        for &i in &order[g.start..g.end] {
            labels[i as usize] = label as u32;
        }
    }
    labels
}

/// Sorts `order` along the axis of largest variance and returns the cut
/// position that minimises the summed SSE of both sides, with those SSEs.
/// `None` when all points coincide.
fn best_cut(order: &mut [u32], points: &[Point], weights: &[f64]) -> Option<(usize, f64, f64)> {
    let (w, s, q) = moments(order, points, weights);
    let mean = s.map(|v| v / w);
    let mut var = [0.0f64; 3];
    for &i in order.iter() {
        let (p, pw) = (&points[i as usize], weights[i as usize]);
        for d in 0..3 {
            var[d] += pw * (p[d] - mean[d]) * (p[d] - mean[d]);
        }
    }
    let axis = (0..3).max_by(|&a, &b| var[a].total_cmp(&var[b]).then(b.cmp(&a)))?;
    order.sort_by(|&a, &b| points[a as usize][axis].total_cmp(&points[b as usize][axis]).then(a.cmp(&b)));
    let (mut lw, mut ls, mut lq) = (0.0, [0.0f64; 3], 0.0);
    let mut best: Option<(usize, f64, f64)> = None;
    for cut in 1..order.len() {
        let i = order[cut - 1] as usize;
        let (p, pw) = (&points[i], weights[i]);
        lw += pw;
        for d in 0..3 {
            ls[d] += pw * p[d];
        }
        lq += pw * (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
        // Only cut between distinct coordinates, so both sides differ.
        if points[order[cut] as usize][axis] == p[axis] {
            continue;
        }
        let left = sse_of(lw, ls, lq);
        let right = sse_of(w - lw, [s[0] - ls[0], s[1] - ls[1], s[2] - ls[2]], q - lq);
        if best.is_none_or(|(_, l, r)| left + right < l + r) {
            best = Some((cut, left, right));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_blobs_split_between_them() {
        let pts: Vec<Point> = vec![[0.0, 0.0, 0.0], [0.1, 0.0, 0.0], [5.0, 0.0, 0.0], [5.1, 0.0, 0.0]];
        let labels = split(&pts, &[1.0; 4], 2);
        assert_eq!(labels[0], labels[1]);
        assert_eq!(labels[2], labels[3]);
        assert_ne!(labels[0], labels[2]);
    }

    #[test]
    fn never_more_groups_than_distinct_points() {
        let pts: Vec<Point> = vec![[1.0, 1.0, 1.0]; 5];
        let labels = split(&pts, &[1.0; 5], 3);
        assert!(labels.iter().all(|&l| l == 0));
    }

    #[test]
    fn group_count_is_bounded_and_labels_are_dense() {
        let pts: Vec<Point> = (0..100).map(|i| [i as f64, (i * 7 % 13) as f64, 0.0]).collect();
        let labels = split(&pts, &vec![1.0; 100], 16);
        let max = *labels.iter().max().unwrap();
        assert_eq!(max, 15);
        for l in 0..16 {
            assert!(labels.contains(&l));
        }
    }
}
