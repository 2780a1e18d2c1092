//! Every order a palette can be shown in.
//!
//! The seed notebook's orders (`none`, a channel, `along_color`,
//! `dark_to_light`, a manual permutation) and cinepal's (`share`, `hue`,
//! `lightness`, `smooth`). Each returns a permutation of swatch indices.

use std::fmt;

use crate::choice::{allowed, lookup, Choice};
use crate::color::Oklab;
use crate::error::{Error, Result};
use crate::swatch::Swatch;

/// Palettes up to this size get the exactly shortest `smooth` path
/// (Held–Karp, O(2ⁿ·n²)); larger ones a 2-opt/Or-opt heuristic.
pub const SMOOTH_EXACT_MAX: usize = 14;

/// Below this Oklab chroma a swatch counts as neutral for the `hue` order.
pub const NEUTRAL_CHROMA: f64 = 0.03;

/// A sort order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Sort {
    /// As the clustering produced them.
    None,
    /// By red, ascending.
    Red,
    /// By green, ascending.
    Green,
    /// By blue, ascending.
    Blue,
    /// By the RGB channel with the largest summed pairwise spread, ascending.
    AlongColor,
    /// By R+G+B, ascending.
    DarkToLight,
    /// By share, largest first.
    Share,
    /// By Oklab hue from red through yellow, green, blue and purple; neutrals last, dark to light.
    Hue,
    /// By Oklab lightness, dark to light.
    Lightness,
    /// The open path with the least total Oklab distance between neighbours, from its darker end.
    Smooth,
    /// A permutation of indices into the `none` order, such as `3,1,0,2`.
    Manual(Vec<usize>),
}

impl Sort {
    /// Every named order, in the order front ends list them (a manual order is not named).
    pub const CHOICES: &'static [Choice<Sort>] = &[
        Choice {
            value: Sort::None,
            name: "as_found",
            label: "As found",
            aliases: &["none"],
            hint: "in the order the method found them",
        },
        Choice { value: Sort::Red, name: "red", label: "Red", aliases: &[], hint: "least red first" },
        Choice { value: Sort::Green, name: "green", label: "Green", aliases: &[], hint: "least green first" },
        Choice { value: Sort::Blue, name: "blue", label: "Blue", aliases: &[], hint: "least blue first" },
        Choice {
            value: Sort::AlongColor,
            name: "widest_channel",
            label: "Widest channel",
            aliases: &["along_color"],
            hint: "by the one of red, green and blue that varies most, least first",
        },
        Choice {
            value: Sort::DarkToLight,
            name: "dark_to_light",
            label: "Dark to light (R+G+B)",
            aliases: &[],
            hint: "by red + green + blue, darkest first",
        },
        Choice {
            value: Sort::Share,
            name: "share",
            label: "Largest first",
            aliases: &["largest_first"],
            hint: "the color that covers the most of the still first",
        },
        Choice {
            value: Sort::Hue,
            name: "hue",
            label: "Color wheel",
            aliases: &["color_wheel"],
            hint: "around the color wheel, grays last",
        },
        Choice {
            value: Sort::Lightness,
            name: "lightness",
            label: "Dark to light",
            aliases: &[],
            hint: "by lightness as the eye sees it, darkest first",
        },
        Choice {
            value: Sort::Smooth,
            name: "smooth",
            label: "Smooth",
            aliases: &[],
            hint: "the smoothest path from color to color",
        },
    ];

    /// Every named order.
    pub fn named() -> Vec<Sort> {
        Sort::CHOICES.iter().map(|c| c.value.clone()).collect()
    }

    /// The canonical name (`manual` orders print as their permutation).
    pub fn name(&self) -> String {
        match self {
            Sort::Manual(p) => p.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(","),
            named => Sort::CHOICES.iter().find(|c| c.value == *named).expect("every named order is listed").name.into(),
        }
    }

    /// Parses a name (`-` and `_` alike, any case) or a comma-separated permutation.
    pub fn parse(s: &str) -> Result<Sort> {
        if s.trim().starts_with(|c: char| c.is_ascii_digit()) {
            return s
                .split(',')
                .map(|x| x.trim().parse::<usize>())
                .collect::<std::result::Result<Vec<_>, _>>()
                .map(Sort::Manual)
                .map_err(|_| {
                    Error::InvalidOption(format!(
                        "manual sort order {s:?} must be comma-separated indices such as 2,0,1"
                    ))
                });
        }
        lookup(Sort::CHOICES, s).ok_or_else(|| {
            Error::InvalidOption(format!(
                "unknown sort order {s:?}; allowed: {}, or a permutation such as 2,0,1",
                allowed(Sort::CHOICES)
            ))
        })
    }
}

impl std::str::FromStr for Sort {
    type Err = Error;
    fn from_str(s: &str) -> Result<Sort> {
        Sort::parse(s)
    }
}

impl serde::Serialize for Sort {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Sort {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Sort, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Sort;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a sort order: {}, or a permutation such as \"2,0,1\"", allowed(Sort::CHOICES))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Sort, E> {
                Sort::parse(v).map_err(|e| E::custom(e.message()))
            }
        }
        d.deserialize_str(V)
    }
}

impl fmt::Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// The permutation that puts `swatches` in `sort` order: `result[i]` is the
/// index of the swatch shown at position `i`.
pub fn order(swatches: &[Swatch], sort: &Sort) -> Result<Vec<usize>> {
    let n = swatches.len();
    let by_key = |key: &dyn Fn(&Swatch) -> f64| {
        let mut idx: Vec<usize> = (0..n).collect();
        idx.sort_by(|&a, &b| key(&swatches[a]).total_cmp(&key(&swatches[b])).then(a.cmp(&b)));
        idx
    };
    Ok(match sort {
        Sort::None => (0..n).collect(),
        Sort::Red => by_key(&|s| s.rgb[0] as f64),
        Sort::Green => by_key(&|s| s.rgb[1] as f64),
        Sort::Blue => by_key(&|s| s.rgb[2] as f64),
        Sort::AlongColor => {
            let ch = widest_channel(swatches);
            by_key(&|s| s.rgb[ch] as f64)
        }
        Sort::DarkToLight => by_key(&|s| s.rgb.iter().map(|&c| c as f64).sum()),
        Sort::Share => by_key(&|s| -s.share),
        Sort::Lightness => by_key(&|s| s.oklab().l),
        Sort::Hue => by_key(&hue_key),
        Sort::Smooth => smooth(&swatches.iter().map(Swatch::oklab).collect::<Vec<_>>()),
        Sort::Manual(p) => {
            validate_permutation(p, n)?;
            p.clone()
        }
    })
}

/// Checks that `p` holds each index of `0..n` exactly once.
pub fn validate_permutation(p: &[usize], n: usize) -> Result<()> {
    let mut seen = vec![false; n];
    let ok = p.len() == n && p.iter().all(|&i| i < n && !std::mem::replace(&mut seen[i], true));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidOption(format!(
            "manual order '{}' is not a permutation of the {n} swatches: it must list each index from 0 to {} exactly once",
            Sort::Manual(p.to_vec()).name(),
            n.saturating_sub(1)
        )))
    }
}

/// The RGB channel whose values have the largest summed pairwise spread.
fn widest_channel(swatches: &[Swatch]) -> usize {
    let spread = |ch: usize| -> u64 {
        let mut s = 0;
        for (i, a) in swatches.iter().enumerate() {
            for b in &swatches[i + 1..] {
                s += (a.rgb[ch] as i64 - b.rgb[ch] as i64).unsigned_abs();
            }
        }
        s
    };
    (0..3).max_by_key(|&ch| (spread(ch), std::cmp::Reverse(ch))).unwrap_or(0)
}

fn hue_key(s: &Swatch) -> f64 {
    let c = s.oklab();
    if c.chroma() < NEUTRAL_CHROMA {
        1000.0 + c.l // after every hue (0..360), dark to light
    } else {
        c.hue_degrees()
    }
}

/// Total Oklab distance along a path.
pub fn path_length(colors: &[Oklab], path: &[usize]) -> f64 {
    path.windows(2).map(|w| colors[w[0]].delta_e(colors[w[1]])).sum()
}

/// The open path through all colors with the least total distance, starting
/// at its darker end.
pub fn smooth(colors: &[Oklab]) -> Vec<usize> {
    let n = colors.len();
    let mut path = if n <= 2 {
        (0..n).collect()
    } else if n <= SMOOTH_EXACT_MAX {
        held_karp(colors)
    } else {
        heuristic_path(colors)
    };
    if n >= 2 && colors[path[n - 1]].l < colors[path[0]].l {
        path.reverse();
    }
    path
}

/// Exact shortest Hamiltonian path with free ends, O(2ⁿ·n²) time, O(2ⁿ·n) memory.
fn held_karp(colors: &[Oklab]) -> Vec<usize> {
    let n = colors.len();
    let d = |a: usize, b: usize| colors[a].delta_e(colors[b]);
    let full = (1usize << n) - 1;
    let mut cost = vec![f64::INFINITY; (full + 1) * n];
    let mut parent = vec![u8::MAX; (full + 1) * n];
    for j in 0..n {
        cost[(1 << j) * n + j] = 0.0;
    }
    for mask in 1..=full {
        for last in 0..n {
            let c = cost[mask * n + last];
            if mask & (1 << last) == 0 || !c.is_finite() {
                continue;
            }
            for next in 0..n {
                if mask & (1 << next) != 0 {
                    continue;
                }
                let m2 = mask | (1 << next);
                let v = c + d(last, next);
                if v < cost[m2 * n + next] {
                    cost[m2 * n + next] = v;
                    parent[m2 * n + next] = last as u8;
                }
            }
        }
    }
    let mut last = (0..n).min_by(|&a, &b| cost[full * n + a].total_cmp(&cost[full * n + b])).expect("n > 0");
    let mut mask = full;
    let mut path = Vec::with_capacity(n);
    loop {
        path.push(last);
        let p = parent[mask * n + last];
        mask &= !(1 << last);
        if p == u8::MAX {
            break;
        }
        last = p as usize;
    }
    path.reverse();
    path
}

/// Nearest-neighbour paths from every start, improved by 2-opt and Or-opt
/// moves until none helps; the shortest wins.
fn heuristic_path(colors: &[Oklab]) -> Vec<usize> {
    let n = colors.len();
    let mut best: Option<(f64, Vec<usize>)> = None;
    for start in 0..n {
        let mut path = vec![start];
        let mut used = vec![false; n];
        used[start] = true;
        while path.len() < n {
            let last = *path.last().expect("nonempty");
            let next = (0..n)
                .filter(|&j| !used[j])
                .min_by(|&a, &b| colors[last].delta_e(colors[a]).total_cmp(&colors[last].delta_e(colors[b])))
                .expect("unused remains");
            used[next] = true;
            path.push(next);
        }
        improve(colors, &mut path);
        let len = path_length(colors, &path);
        if best.as_ref().is_none_or(|(b, _)| len < *b - 1e-12) {
            best = Some((len, path));
        }
    }
    best.expect("n > 0").1
}

fn improve(colors: &[Oklab], path: &mut Vec<usize>) {
    let n = path.len();
    let mut len = path_length(colors, path);
    loop {
        let mut improved = false;
        // 2-opt: reverse path[i..=j] (open path, so ends may move too).
        for i in 0..n - 1 {
            for j in i + 1..n {
                path[i..=j].reverse();
                let l = path_length(colors, path);
                if l < len - 1e-9 {
                    len = l;
                    improved = true;
                } else {
                    path[i..=j].reverse();
                }
            }
        }
        // Or-opt: move one swatch elsewhere.
        for i in 0..n {
            for j in 0..n {
                if i == j {
                    continue;
                }
                let mut cand = path.clone();
                let x = cand.remove(i);
                cand.insert(j, x);
                let l = path_length(colors, &cand);
                if l < len - 1e-9 {
                    *path = cand;
                    len = l;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sw(rgb: [u8; 3], share: f64) -> Swatch {
        Swatch::new(rgb, share)
    }

    #[test]
    fn names_round_trip_and_spellings_are_alike() {
        for s in Sort::named() {
            assert_eq!(Sort::parse(&s.name()).unwrap(), s);
        }
        assert_eq!(Sort::parse("dark-to-light").unwrap(), Sort::DarkToLight);
        assert_eq!(Sort::parse("Along_Color").unwrap(), Sort::AlongColor);
        assert_eq!(Sort::parse("3,1,0,2").unwrap(), Sort::Manual(vec![3, 1, 0, 2]));
        let e = Sort::parse("rainbow").unwrap_err().to_string();
        assert!(e.contains("rainbow") && e.contains("smooth"), "{e}");
        assert!(Sort::parse("1,x").is_err());
    }

    #[test]
    fn channel_and_brightness_orders() {
        let s = [sw([200, 10, 50], 0.2), sw([10, 200, 60], 0.5), sw([100, 100, 100], 0.3)];
        assert_eq!(order(&s, &Sort::Red).unwrap(), vec![1, 2, 0]);
        assert_eq!(order(&s, &Sort::Green).unwrap(), vec![0, 2, 1]);
        assert_eq!(order(&s, &Sort::Blue).unwrap(), vec![0, 1, 2]);
        assert_eq!(order(&s, &Sort::DarkToLight).unwrap(), vec![0, 1, 2]);
        assert_eq!(order(&s, &Sort::Share).unwrap(), vec![1, 2, 0]);
        assert_eq!(order(&s, &Sort::None).unwrap(), vec![0, 1, 2]);
    }

    #[test]
    fn along_color_uses_the_widest_channel() {
        // Blue spreads most (0..250); red and green barely move.
        let s = [sw([10, 10, 250], 0.3), sw([12, 11, 0], 0.3), sw([11, 12, 120], 0.4)];
        assert_eq!(order(&s, &Sort::AlongColor).unwrap(), vec![1, 2, 0]);
    }

    #[test]
    fn hue_puts_neutrals_last() {
        let s = [
            sw([128, 128, 128], 0.2),
            sw([0, 0, 255], 0.2),
            sw([255, 0, 0], 0.2),
            sw([0, 200, 0], 0.2),
            sw([20, 20, 20], 0.2),
        ];
        assert_eq!(order(&s, &Sort::Hue).unwrap(), vec![2, 3, 1, 4, 0]);
    }

    #[test]
    fn manual_must_be_a_permutation() {
        let s = [sw([0, 0, 0], 0.5), sw([255, 255, 255], 0.5)];
        assert_eq!(order(&s, &Sort::Manual(vec![1, 0])).unwrap(), vec![1, 0]);
        for bad in [vec![0, 0], vec![0], vec![0, 2], vec![0, 1, 2]] {
            let e = order(&s, &Sort::Manual(bad)).unwrap_err();
            assert!(matches!(e, Error::InvalidOption(_)));
            assert!(e.to_string().contains("from 0 to 1"), "{e}");
        }
    }

    #[test]
    fn smooth_walks_a_gradient_in_order() {
        let grays: Vec<Swatch> = [200u8, 40, 120, 80, 160, 0, 240].iter().map(|&v| sw([v, v, v], 0.1)).collect();
        let p = order(&grays, &Sort::Smooth).unwrap();
        let values: Vec<u8> = p.iter().map(|&i| grays[i].rgb[0]).collect();
        assert_eq!(values, vec![0, 40, 80, 120, 160, 200, 240]);
    }

    #[test]
    fn heuristic_is_close_to_exact_on_random_palettes() {
        let mut rng = crate::rng::Rng::new(4);
        for _ in 0..20 {
            let colors: Vec<Oklab> = (0..10)
                .map(|_| crate::color::rgb8_to_oklab([0, 0, 0].map(|_: u8| (rng.next_f64() * 255.0) as u8)))
                .collect();
            let exact = path_length(&colors, &held_karp(&colors));
            let heur = path_length(&colors, &heuristic_path(&colors));
            assert!(heur >= exact - 1e-9);
            assert!(heur <= exact * 1.05, "heuristic {heur} vs exact {exact}");
        }
    }

    #[test]
    fn smooth_above_the_exact_limit_is_a_permutation() {
        let s: Vec<Swatch> =
            (0..24u32).map(|i| sw([i * 10, 255 - i * 10, (i * 37) % 255].map(|v| v as u8), 1.0 / 24.0)).collect();
        let mut p = order(&s, &Sort::Smooth).unwrap();
        p.sort();
        assert_eq!(p, (0..24).collect::<Vec<_>>());
    }
}
