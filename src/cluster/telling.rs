//! `telling`, the default method: the colors that tell the still. It covers
//! the image as k-means does, keeps its small vivid accents, and gives no two
//! swatches that look alike.
//!
//! Coverage alone (k-means) spends its colors where the pixels are: on a
//! dark still, several near-blacks a few ΔE_ok apart, and not one for the
//! neon sign that is 0.1 % of the frame. A person picking a palette by hand
//! does the opposite with those two (Lin & Hanrahan 2013 found people favour
//! colors that are both representative and salient; Chang et al. 2015 and
//! Material's Score prefer chromatic, distinct colors over a count of
//! pixels). So, over the weighted colors of the histogram:
//!
//! 1. **Cover**: weighted k-means with `k` centers (the `kmeans` method, same
//!    seed). Its mean ΔE_ok over the pixels, plus [`COVERAGE_BUDGET`], is the
//!    most the accents may cost. Centers k-means already gave to an accent
//!    (vivid: chroma at least [`ACCENT_CHROMA`]; small: at most
//!    [`MAX_ACCENT_SHARE`] of the pixels; at least [`ACCENT_DISTANCE`] from
//!    every other center) are marked as accents, so that they are kept, and
//!    moved onto the most salient group of their pixels (√pixels × chroma;
//!    groups as in step 3): a center between two spots is neither's color.
//! 2. **Apart**: the centers settle (below) so that no two are closer than
//!    [`MIN_PAIR`].
//! 3. **Accents**: the colors farther than [`ACCENT_DISTANCE`] from every
//!    center are over-segmented into groups of radius [`ACCENT_RADIUS`]
//!    (leader clustering, most pixels first). A group is an accent when it is
//!    vivid and not noise (at least [`MIN_ACCENT_SHARE`] of the pixels).
//!    Accents are ranked by salience, √share × distance × chroma (a bigger,
//!    farther, more vivid spot first); the first [`MAX_TRIALS`] are tried, and
//!    at most a third of the palette are accents. An accent takes a free slot,
//!    or replaces the center whose loss costs the least coverage (one pass
//!    over the pixels, with each one's nearest and second-nearest centers)
//!    if the palette stays within the budget: settled around the accent if
//!    that stays within it, else as swapped. A swap more than
//!    [`SETTLE_GAIN`] over the budget is not tried further.
//!
//!    The budget is what limits the accents: on a photo of ten colors, each
//!    one taken from the coverage costs it 5–11 % (more on a gray ramp, whose
//!    error grows as 1/k). Of three spots of 0.1 % painted on a photo, a
//!    palette within 8 % can keep about one (BENCHMARKS.md).
//! 4. **Room**: centers that could not be kept apart (the image has no room
//!    there) are merged; free slots are filled with the color that adds the
//!    most coverage (pixels × distance², as k-means++ would) among those at
//!    least [`MIN_PAIR`] from every center (the farthest one when none is),
//!    and the palette settles again; at most [`ROUNDS`] times.
//!
//! **Settling** is [`SETTLE_STEPS`] Lloyd steps, each followed by pushing
//! apart the pairs closer than [`MIN_PAIR`] (each moves in proportion to the
//! other's pixels; [`SEPARATION_PASSES`] passes, each channel kept within the
//! image's own range). An
//! accent does not move (it would climb to the nearest crowd of pixels) and
//! keeps only the pixels within [`ACCENT_RADIUS`] of it, so its swatch is the
//! spot's color rather than a blend with its surroundings. The swatches are
//! the centers (not the means of their pixels, which would drift back
//! together), and each one's share is the pixels that belong to it.
//!
//! Two colors are too close when they are within [`MIN_PAIR`] in ΔE_ok, or
//! within [`MIN_SEEN`] in ΔE_ok with Oklab's L replaced by its toe-corrected
//! lightness L_r (Ottosson 2021, which follows CIELAB's L* in the shadows).
//! Oklab spreads apart near-blacks that no one can tell apart on a screen
//! (#000000 and #020403 are ΔE_ok 9 apart but 3 in L_r), and a palette of
//! four of them tells nothing.
//!
//! The rules (apart, accents, coverage) are judged in Oklab whatever the
//! clustering space; k-means and the Lloyd steps run in the chosen space.
//! Deterministic for a seed, like k-means.

use crate::color::{dist2, linear_to_oklab, oklab_to_linear, toe, Oklab, Point};
use crate::space::Space;

/// No two swatches closer than this Oklab distance: ΔE_ok 5 (clearly two
/// colors side by side), with a margin for the rounding to 8-bit sRGB.
pub const MIN_PAIR: f64 = 0.052;
/// Nor closer than this with the toe-corrected lightness L_r: near-blacks
/// that no one tells apart on a screen.
pub const MIN_SEEN: f64 = 0.035;
/// An accent is at least this far (Oklab) from every color of the covering palette.
pub const ACCENT_DISTANCE: f64 = 0.07;
/// The radius (Oklab) of an accent group, and of the pixels an accent swatch keeps.
pub const ACCENT_RADIUS: f64 = 0.08;
/// An accent is vivid: its Oklab chroma is at least this.
pub const ACCENT_CHROMA: f64 = 0.06;
/// An accent is small: at most this share of the counted pixels.
pub const MAX_ACCENT_SHARE: f64 = 0.03;
/// An accent is not noise: at least this share of the counted pixels.
pub const MIN_ACCENT_SHARE: f64 = 0.0003;
/// Accents may raise the mean ΔE_ok of step 1 by at most this fraction.
pub const COVERAGE_BUDGET: f64 = 0.08;
/// Accents tried at most (the most salient first).
pub const MAX_TRIALS: usize = 6;
/// Settling a swapped palette lowered its mean ΔE_ok by at most 4.6 % over
/// the shared photos and the accent set; a swap more than this over the
/// budget is not settled (nor taken).
pub const SETTLE_GAIN: f64 = 0.06;
/// Lloyd steps of each settling.
pub const SETTLE_STEPS: usize = 4;
/// Passes of pushing pairs apart after each Lloyd step.
pub const SEPARATION_PASSES: usize = 12;
/// Rounds of step 4 at most.
pub const ROUNDS: usize = 4;

fn dist(a: &Point, b: &Point) -> f64 {
    dist2(a, b).sqrt()
}

/// How much farther apart two Oklab colors must be to look distinct: the
/// larger of the shortfalls from [`MIN_PAIR`] in ΔE_ok and from [`MIN_SEEN`]
/// with L_r for L (zero or less when they are distinct).
pub fn shortfall(a: &Point, b: &Point) -> f64 {
    let plain = dist(a, b);
    let seen = dist(&[toe(a[0]), a[1], a[2]], &[toe(b[0]), b[1], b[2]]);
    (MIN_PAIR - plain).max(MIN_SEEN - seen)
}

/// A center of the palette being built: where it is in the clustering space
/// and in Oklab, whether it is an accent, and whether it is fixed (a color
/// kept by hand: it never moves, merges or leaves, and is no accent).
#[derive(Debug, Clone, Copy)]
struct Center {
    at: Point,
    lab: Point,
    accent: bool,
    fixed: bool,
}

/// A group of points: its leader (Oklab) and its weighted sums.
struct Group {
    leader: Point,
    at: [f64; 3],
    lab: [f64; 3],
    weight: f64,
}

/// The points, their Oklab positions and weights.
struct Cells<'a> {
    points: &'a [Point],
    lab: Vec<Point>,
    weights: &'a [f64],
    total: f64,
    space: Space,
    /// The points' per-channel range (see [`channels`]).
    low: [f64; 3],
    high: [f64; 3],
}

/// A point's channels, in which the image's range is a box: linear RGB for
/// Oklab (cheap to reach from it), the sRGB values themselves for `rgb`.
fn channels(space: Space, p: Point) -> [f64; 3] {
    match space {
        Space::Oklab => oklab_to_linear(Oklab { l: p[0], a: p[1], b: p[2] }),
        Space::Rgb => p,
    }
}

fn from_channels(space: Space, c: [f64; 3]) -> Point {
    match space {
        Space::Oklab => {
            let o = linear_to_oklab(c);
            [o.l, o.a, o.b]
        }
        Space::Rgb => c,
    }
}

impl Cells<'_> {
    fn center(&self, at: Point, accent: bool) -> Center {
        Center { at, lab: self.space.oklab(at), accent, fixed: false }
    }

    /// The center at Oklab `lab`, kept inside the image's colors (each
    /// channel within the range of the points': a swatch is never a color
    /// beyond the image's, however far it was pushed).
    fn at_lab(&self, lab: Point, accent: bool) -> Center {
        let c = channels(self.space, self.space.from_oklab(lab));
        let clamped = [0, 1, 2].map(|i| c[i].clamp(self.low[i], self.high[i]));
        self.center(from_channels(self.space, clamped), accent)
    }

    /// The center each point belongs to: the nearest in the clustering space,
    /// except that an accent keeps only points within [`ACCENT_RADIUS`] of it.
    fn assign(&self, centers: &[Center]) -> Vec<u32> {
        let nearest = |p: &Point, plain: bool| {
            let (mut best, mut best_d) = (usize::MAX, f64::INFINITY);
            for (j, c) in centers.iter().enumerate() {
                let d = dist2(p, &c.at);
                if d < best_d && !(plain && c.accent) {
                    (best, best_d) = (j, d);
                }
            }
            best
        };
        self.points
            .iter()
            .zip(&self.lab)
            .map(|(p, lab)| {
                let best = nearest(p, false);
                let c = &centers[best];
                // The nearest that is not an accent, if the nearest is an accent too far away.
                let plain = if c.accent && dist2(lab, &c.lab) > ACCENT_RADIUS * ACCENT_RADIUS {
                    nearest(p, true)
                } else {
                    best
                };
                (if plain == usize::MAX { best } else { plain }) as u32
            })
            .collect()
    }

    /// Each point's Oklab distance to its nearest center.
    fn distances(&self, centers: &[Center]) -> Vec<f64> {
        self.lab
            .iter()
            .map(|p| {
                let mut best = f64::INFINITY;
                for c in centers {
                    best = best.min(dist2(p, &c.lab));
                }
                best.sqrt()
            })
            .collect()
    }

    /// The mean Oklab distance from the pixels to their nearest center.
    fn coverage(&self, centers: &[Center]) -> f64 {
        self.distances(centers).iter().zip(self.weights).map(|(d, w)| d * w).sum::<f64>() / self.total
    }

    /// Lloyd steps, each followed by pushing apart the centers that are too close.
    fn settle(&self, centers: &mut [Center]) {
        for _ in 0..SETTLE_STEPS {
            let labels = self.assign(centers);
            let means = super::cluster_means(self.points, self.weights, &labels, centers.len());
            let mut weights = vec![0.0; centers.len()];
            for (j, (mean, w)) in means.into_iter().enumerate() {
                // An accent stays on its spot (moving, it would climb to the nearest crowd); a kept color stays.
                if w > 0.0 && !centers[j].accent && !centers[j].fixed {
                    centers[j] = self.center(mean, false);
                }
                weights[j] = w;
            }
            self.separate(centers, &weights);
        }
    }

    /// Pushes pairs closer than [`MIN_PAIR`] apart along the line between
    /// them, each in proportion to the other's pixels.
    fn separate(&self, centers: &mut [Center], weights: &[f64]) {
        for _ in 0..SEPARATION_PASSES {
            let mut moved = false;
            for i in 0..centers.len() {
                for j in i + 1..centers.len() {
                    let (a, b) = (centers[i].lab, centers[j].lab);
                    let short = shortfall(&a, &b);
                    // Two kept colors stay as close as the person chose them.
                    if short <= 0.0 || (centers[i].fixed && centers[j].fixed) {
                        continue;
                    }
                    let d = dist(&a, &b);
                    let u = if d > 1e-9 { [0, 1, 2].map(|c| (a[c] - b[c]) / d) } else { [1.0, 0.0, 0.0] };
                    // Moving apart by the shortfall (and a little more, for the toe) closes it over the passes.
                    let need = short * 1.05;
                    // A kept color does not move: the other one moves the whole way.
                    let (wi, wj) = match (centers[i].fixed, centers[j].fixed) {
                        (true, _) => (1.0, 0.0),
                        (_, true) => (0.0, 1.0),
                        _ => (weights[i].max(1e-12), weights[j].max(1e-12)),
                    };
                    let (mi, mj) = (need * wj / (wi + wj), need * wi / (wi + wj));
                    if !centers[i].fixed {
                        centers[i] = self.at_lab([0, 1, 2].map(|c| a[c] + u[c] * mi), centers[i].accent);
                    }
                    if !centers[j].fixed {
                        centers[j] = self.at_lab([0, 1, 2].map(|c| b[c] - u[c] * mj), centers[j].accent);
                    }
                    moved = true;
                }
            }
            if !moved {
                return;
            }
        }
    }

    /// Drops the centers no point belongs to (pushed where there are no
    /// pixels); a kept color stays, even without pixels.
    fn drop_empty(&self, centers: &mut Vec<Center>) {
        let mut used: Vec<bool> = centers.iter().map(|c| c.fixed).collect();
        for l in self.assign(centers) {
            used[l as usize] = true;
        }
        let mut i = 0;
        centers.retain(|_| {
            i += 1;
            used[i - 1]
        });
    }

    /// Merges the closest pair while two centers are closer than [`MIN_PAIR`]
    /// (not two kept colors; a kept color takes the other's pixels and stays where it is).
    fn merge_close(&self, centers: &mut Vec<Center>) {
        while centers.len() > 1 {
            let mut best = (0.0, 0, 0);
            for i in 0..centers.len() {
                for j in i + 1..centers.len() {
                    if centers[i].fixed && centers[j].fixed {
                        continue;
                    }
                    let d = shortfall(&centers[i].lab, &centers[j].lab);
                    if d > best.0 {
                        best = (d, i, j);
                    }
                }
            }
            let (d, i, j) = best;
            if d <= 0.0 {
                return;
            }
            if centers[i].fixed || centers[j].fixed {
                centers.remove(if centers[i].fixed { j } else { i });
                continue;
            }
            let labels = self.assign(centers);
            let mut acc = ([0.0f64; 3], 0.0f64);
            for ((p, &w), &l) in self.points.iter().zip(self.weights).zip(&labels) {
                if l as usize == i || l as usize == j {
                    for d in 0..3 {
                        acc.0[d] += w * p[d];
                    }
                    acc.1 += w;
                }
            }
            let at = if acc.1 > 0.0 { acc.0.map(|s| s / acc.1) } else { centers[i].at };
            centers[i] = self.center(at, centers[i].accent && centers[j].accent);
            centers.remove(j);
        }
    }

    /// Adds centers up to `k`: each time the point adding the most coverage
    /// (weight × distance²) among those at least [`MIN_PAIR`] from every
    /// center, or the farthest point when none is.
    fn fill(&self, centers: &mut Vec<Center>, k: usize) {
        while centers.len() < k {
            let d = self.distances(centers);
            let roomy: Vec<bool> =
                self.lab.iter().map(|p| centers.iter().all(|c| shortfall(p, &c.lab) <= 0.0)).collect();
            let gain = |i: usize| self.weights[i] * d[i] * d[i];
            let roomy = (0..d.len()).filter(|&i| roomy[i]).max_by(|&a, &b| gain(a).total_cmp(&gain(b)));
            let pick = roomy.or_else(|| (0..d.len()).filter(|&i| d[i] > 0.0).max_by(|&a, &b| d[a].total_cmp(&d[b])));
            let Some(i) = pick else { return };
            centers.push(self.center(self.points[i], false));
        }
    }

    /// Marks as accents the centers k-means already gave to one: vivid, few
    /// pixels, and far from every other center (at most a third of `k`, the
    /// most salient first), so that they are kept.
    fn mark_accents(&self, centers: &mut [Center], k: usize) {
        let labels = self.assign(centers);
        let mut share = vec![0.0; centers.len()];
        for (&l, &w) in labels.iter().zip(self.weights) {
            share[l as usize] += w / self.total;
        }
        let mut found: Vec<(f64, usize)> = (0..centers.len())
            .filter(|&j| !centers[j].fixed)
            .filter_map(|j| {
                let lab = centers[j].lab;
                let chroma = (lab[1] * lab[1] + lab[2] * lab[2]).sqrt();
                let away = (0..centers.len())
                    .filter(|&i| i != j)
                    .map(|i| dist(&lab, &centers[i].lab))
                    .fold(f64::INFINITY, f64::min);
                (chroma >= ACCENT_CHROMA && share[j] <= MAX_ACCENT_SHARE && away >= ACCENT_DISTANCE)
                    .then(|| (share[j].sqrt() * away * chroma, j))
            })
            .collect();
        found.sort_by(|a, b| b.0.total_cmp(&a.0));
        for &(_, j) in found.iter().take(k / 3) {
            // On its most salient group: a center between two spots is neither's color.
            let members: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] as usize == j).collect();
            let salience = |g: &Group| {
                let (a, b) = (g.lab[1] / g.weight, g.lab[2] / g.weight);
                g.weight.sqrt() * (a * a + b * b).sqrt()
            };
            let vivid = self.groups(&members).into_iter().max_by(|a, b| salience(a).total_cmp(&salience(b)));
            if let Some(g) = vivid {
                centers[j] = Center {
                    at: g.at.map(|s| s / g.weight),
                    lab: g.lab.map(|s| s / g.weight),
                    accent: true,
                    fixed: false,
                };
            }
        }
    }

    /// Leader clustering of the points `among`, most pixels first: each joins
    /// the first group whose leader is within [`ACCENT_RADIUS`].
    fn groups(&self, among: &[usize]) -> Vec<Group> {
        let mut order = among.to_vec();
        order.sort_by(|&a, &b| self.weights[b].total_cmp(&self.weights[a]).then(a.cmp(&b)));
        let mut groups: Vec<Group> = Vec::new();
        for &i in &order {
            let (p, lab, w) = (self.points[i], self.lab[i], self.weights[i]);
            let g = match groups.iter().position(|g| dist(&g.leader, &lab) <= ACCENT_RADIUS) {
                Some(g) => g,
                None => {
                    groups.push(Group { leader: lab, at: [0.0; 3], lab: [0.0; 3], weight: 0.0 });
                    groups.len() - 1
                }
            };
            let g = &mut groups[g];
            for c in 0..3 {
                g.at[c] += w * p[c];
                g.lab[c] += w * lab[c];
            }
            g.weight += w;
        }
        groups
    }

    /// The accent groups among the points far from every center, most salient first.
    fn accents(&self, centers: &[Center]) -> Vec<Center> {
        let d = self.distances(centers);
        let far: Vec<usize> = (0..d.len()).filter(|&i| d[i] >= ACCENT_DISTANCE).collect();
        let groups = self.groups(&far);
        let mut found: Vec<(f64, Center)> = groups
            .into_iter()
            .filter_map(|g| {
                let share = g.weight / self.total;
                let lab = g.lab.map(|s| s / g.weight);
                let chroma = (lab[1] * lab[1] + lab[2] * lab[2]).sqrt();
                let away = centers.iter().map(|c| dist(&lab, &c.lab)).fold(f64::INFINITY, f64::min);
                (share >= MIN_ACCENT_SHARE && chroma >= ACCENT_CHROMA && away >= ACCENT_DISTANCE).then(|| {
                    let salience = share.sqrt() * away * chroma;
                    (salience, Center { at: g.at.map(|s| s / g.weight), lab, accent: true, fixed: false })
                })
            })
            .collect();
        found.sort_by(|a, b| b.0.total_cmp(&a.0));
        found.into_iter().map(|(_, c)| c).collect()
    }

    /// The center (not an accent) whose replacement by `accent` leaves the
    /// best coverage: with each point's nearest and second-nearest center,
    /// one pass per center.
    fn cheapest_swap(&self, centers: &[Center], accent: &Center) -> Option<(usize, f64)> {
        let near: Vec<(usize, f64, f64, f64)> = self
            .lab
            .iter()
            .map(|p| {
                let (mut best, mut first, mut second) = (0, f64::INFINITY, f64::INFINITY);
                for (j, c) in centers.iter().enumerate() {
                    let d = dist(p, &c.lab);
                    if d < first {
                        (second, first, best) = (first, d, j);
                    } else if d < second {
                        second = d;
                    }
                }
                (best, first, second, dist(p, &accent.lab))
            })
            .collect();
        let mut cost = vec![0.0; centers.len()];
        let mut shared = 0.0;
        for (&(best, first, second, to_accent), w) in near.iter().zip(self.weights) {
            // Every center's loss costs this point min(first, to_accent), but its own nearest's costs min(second, to_accent).
            let kept = first.min(to_accent);
            shared += w * kept;
            cost[best] += w * (second.min(to_accent) - kept);
        }
        (0..centers.len())
            .filter(|&j| !centers[j].accent && !centers[j].fixed)
            .map(|j| (j, (shared + cost[j]) / self.total))
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Takes in accents: into free slots, or in place of the center whose loss
    /// costs the least coverage while the settled mean stays within `budget`.
    fn take_accents(&self, centers: &mut Vec<Center>, k: usize, budget: f64) {
        let most = k / 3;
        let found = self.accents(centers);
        for accent in found.into_iter().take(MAX_TRIALS) {
            if centers.iter().filter(|c| c.accent).count() >= most {
                return;
            }
            // An accent taken before may already cover this one.
            if centers.iter().any(|c| dist(&c.lab, &accent.lab) < ACCENT_DISTANCE) {
                continue;
            }
            if centers.len() < k {
                centers.push(accent);
                continue;
            }
            let cheapest = self.cheapest_swap(centers, &accent);
            let Some((j, unsettled)) = cheapest else { return };
            let mut trial = centers.clone();
            trial[j] = accent;
            // Settling lowers the mean a few percent at most: a swap far over the budget is not worth it.
            if unsettled > budget * (1.0 + SETTLE_GAIN) {
                continue;
            }
            if unsettled <= budget {
                // Settled, if that stays within the budget too (it usually covers better and keeps colors apart).
                let mut settled = trial.clone();
                self.settle(&mut settled);
                *centers = if self.coverage(&settled) <= budget { settled } else { trial };
                continue;
            }
            self.settle(&mut trial);
            if self.coverage(&trial) <= budget {
                *centers = trial;
            }
        }
    }
}

/// Groups `points` (in `space`, with `weights > 0`) into at most `k` clusters
/// as the module docs describe. Returns a label in `0..m` for each point and
/// the `m` centers (the swatches' colors, in `space`); `m < k` only when the
/// points have fewer distinct positions. Needs `points.len() >= k >= 1`.
pub fn telling(points: &[Point], weights: &[f64], k: usize, seed: u64, space: Space) -> (Vec<u32>, Vec<Point>) {
    telling_keeping(points, weights, k, seed, space, &[])
}

/// [`telling`] with the first `fixed.len()` of the `k` colors fixed at
/// `fixed` (kept by hand, in `space`): they never move, merge or leave, even
/// without pixels or close to each other, and are never accents; the others
/// are chosen around them by the same steps (k-means with those centers
/// fixed, then accents and room). The first `fixed.len()` centers returned
/// are the fixed ones, in order. Needs `points.len() >= k - fixed.len()`.
pub fn telling_keeping(
    points: &[Point],
    weights: &[f64],
    k: usize,
    seed: u64,
    space: Space,
    fixed: &[Point],
) -> (Vec<u32>, Vec<Point>) {
    let (mut low, mut high) = ([f64::INFINITY; 3], [f64::NEG_INFINITY; 3]);
    for &p in points {
        let c = channels(space, p);
        for i in 0..3 {
            low[i] = low[i].min(c[i]);
            high[i] = high[i].max(c[i]);
        }
    }
    let cells = Cells {
        points,
        lab: points.iter().map(|&p| space.oklab(p)).collect(),
        weights,
        total: weights.iter().sum(),
        space,
        low,
        high,
    };
    let cover = super::kmeans::kmeans_keeping(points, weights, k, seed, fixed);
    let mut centers: Vec<Center> = cover.centers.iter().map(|&c| cells.center(c, false)).collect();
    for c in &mut centers[..fixed.len()] {
        c.fixed = true;
    }
    let budget = cells.coverage(&centers) * (1.0 + COVERAGE_BUDGET);
    cells.mark_accents(&mut centers, k);
    cells.settle(&mut centers);
    cells.take_accents(&mut centers, k, budget);
    for _ in 0..ROUNDS {
        cells.drop_empty(&mut centers);
        cells.merge_close(&mut centers);
        if centers.len() == k {
            break;
        }
        cells.fill(&mut centers, k);
        cells.settle(&mut centers);
    }
    cells.drop_empty(&mut centers);
    cells.merge_close(&mut centers);
    // Up to k (a point that is a center is its own; an accent may keep none).
    for _ in 0..k {
        cells.fill(&mut centers, k);
        let before = centers.len();
        cells.drop_empty(&mut centers);
        if centers.len() == before {
            break;
        }
    }
    // Dense labels: a center that kept no point is dropped (not a fixed one, which comes first).
    let labels = cells.assign(&centers);
    let mut dense = vec![u32::MAX; centers.len()];
    let mut kept = Vec::new();
    for (j, c) in centers.iter().enumerate().take_while(|(_, c)| c.fixed) {
        dense[j] = j as u32;
        kept.push(c.at);
    }
    let labels = labels
        .into_iter()
        .map(|l| {
            if dense[l as usize] == u32::MAX {
                dense[l as usize] = kept.len() as u32;
                kept.push(centers[l as usize].at);
            }
            dense[l as usize]
        })
        .collect();
    (labels, kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_toe_follows_cielab_near_black() {
        assert!(toe(0.0).abs() < 1e-12 && (toe(1.0) - 1.0).abs() < 1e-9);
        // #000000 and #020403 look alike: far apart in Oklab, close in L_r.
        let black = Space::Oklab.point([0.0, 0.0, 0.0]);
        let near = Space::Oklab.point([2.0, 4.0, 3.0]);
        assert!(dist(&black, &near) > 0.08 && shortfall(&black, &near) > 0.0);
        // Mid-tones: ΔE_ok decides.
        let (a, b) = (Space::Oklab.point([120.0, 90.0, 60.0]), Space::Oklab.point([128.0, 94.0, 60.0]));
        assert!(dist(&a, &b) < MIN_PAIR && (shortfall(&a, &b) - (MIN_PAIR - dist(&a, &b))).abs() < 1e-12);
        let c = Space::Oklab.point([150.0, 110.0, 60.0]);
        assert!(shortfall(&a, &c) < 0.0);
    }
}
