//! Films: sampled frames reduced as they come, the shots found among them,
//! the film's color barcode, and the palettes of its shots and of the film.
//!
//! ```text
//! frame ─reduce→ Frame (mean, dominant, histogram, weighted colors) ─Scanner→ shots, barcode columns ─finish→ Film
//! ```
//!
//! One implementation for the page (frames decoded by the browser) and the
//! CLI (`cinepal --frames`, frames piped from ffmpeg). Nothing of a frame is
//! kept but its reduction, and a frame's weighted colors only until its shot
//! (or the transition it is part of) is known: memory is bounded however
//! long the film.
//!
//! - **A frame** is first reduced to at most [`SCAN_SIDE`] pixels on its long
//!   side (an area average), then, over its region (`auto`: without its
//!   letterbox bars), to: its mean color in linear light, its dominant color
//!   (the heaviest of 8 × 8 × 8 cells, levels even in lightness, as the
//!   histogram's), a 512-bin color histogram (soft: each of the frame's
//!   weighted colors spread over its 8 nearest bins, so that a slow change
//!   of color changes the histogram slowly), and its weighted colors (the
//!   grid of [`crate::histogram`]).
//! - **Shots** are found from the distance between the histograms of
//!   consecutive frames (half the sum of absolute differences: 0 for the
//!   same colors, 1 for none in common), against thresholds adapted to the
//!   shot so far (its typical distance `ν`, the median of its last
//!   [`NOISE_WINDOW`] distances; a still shot has a lower one than a
//!   handheld crowd scene): a **cut** where the distance reaches
//!   `clamp(5ν, 0.25, 0.6)`; a **gradual transition** (a fade or a
//!   dissolve) where it stays above `clamp(2.5ν, 0.03, cut / 2)` for a run
//!   of frames (for at most [`MAX_TRANSITION_SECONDS`]), followed by [`QUIET`]
//!   quiet frames, and the frames before and after the run are as far apart as a cut (twin comparison, after
//!   Zhang, Kankanhalli and Smoliar, 1993). A run that does not change the
//!   picture that much is motion and stays in its shot. The frames of a
//!   transition belong to no shot; a shot of flat frames (black, white)
//!   next to a transition is part of the fade, and a single frame between
//!   two changes is not a shot (the sampling must see a shot at least
//!   twice: rates are chosen for that).
//! - **A shot's palette** is extracted, by the options' method and order,
//!   from the weighted colors of all its frames merged (every frame counts
//!   alike); its key frame is the one of its frames (at most
//!   [`KEY_CANDIDATES`], spread over it) whose histogram is nearest to the
//!   shot's mean histogram (of those about as near, within 0.01, the one
//!   nearest its middle).
//! - **The film's palette**: the palettes of its shots merged, each color
//!   weighted by its share times its shot's duration, clustered again.
//! - **The barcode**: one column per sampled frame, time running left to
//!   right, each its frame's mean (or dominant) color.

use std::collections::VecDeque;

use serde::Serialize;

use crate::color::{self, Oklab};
use crate::error::{Error, Result};
use crate::histogram::{weighted_colors_in, WeightedColors};
use crate::image::Image;
use crate::options::Options;
use crate::region::{Rect, Region};
use crate::sort;
use crate::swatch::Swatch;

/// The long side, in pixels, frames are reduced to before they are scanned.
pub const SCAN_SIDE: u32 = 320;
/// Histogram levels per channel.
const LEVELS: usize = 8;
const BINS: usize = LEVELS * LEVELS * LEVELS;
/// The distances a shot's typical distance is the median of.
pub const NOISE_WINDOW: usize = 24;
/// The typical distance assumed while a shot has fewer than 4.
const DEFAULT_NOISE: f64 = 0.02;
/// Quiet frames that end a gradual transition.
pub const QUIET: usize = 2;
/// The longest run of changing frames taken for a transition (longer: motion).
pub const MAX_TRANSITION: usize = 240;
/// The longest a transition lasts, in seconds (a run of changes that goes on longer is motion: a fade
/// or a dissolve takes half a second to two or three).
pub const MAX_TRANSITION_SECONDS: f64 = 3.0;
/// Frames of a shot its key frame is chosen among.
pub const KEY_CANDIDATES: usize = 64;
/// A frame whose colors spread less than this (ΔE_ok, the root mean square distance to their mean) is flat.
const FLAT: f64 = 3.0;

/// One sampled frame, reduced.
#[derive(Debug, Clone)]
pub struct Frame {
    /// Its time in the film, in seconds.
    pub time: f64,
    /// Its mean color, in linear light, as 8-bit sRGB.
    pub mean: [u8; 3],
    /// Its dominant color (the mean of its heaviest histogram cell).
    pub dominant: [u8; 3],
    /// True when it is (nearly) one color: black, white, a flat field.
    pub flat: bool,
    hist: Vec<f32>,
    colors: WeightedColors,
    thumb: Option<Image>,
}

impl Frame {
    /// Reduces `image`, the frame at `time` seconds, by the rules of the module
    /// docs. The region of `options` counts (`auto`: without letterbox bars; a
    /// rectangle is scaled with the frame).
    pub fn new(image: &Image, time: f64, options: &Options) -> Result<Frame> {
        if !time.is_finite() || time < 0.0 {
            return Err(Error::InvalidOption(format!("a frame's time is a number of seconds from 0, got {time}")));
        }
        let small = (image.width().max(image.height()) > SCAN_SIDE).then(|| image.reduced(SCAN_SIDE, u32::MAX));
        let small = small.as_ref().unwrap_or(image);
        let region = match options.region {
            Region::Rect(r) if small.width() != image.width() => {
                let (sx, sy) =
                    (small.width() as f64 / image.width() as f64, small.height() as f64 / image.height() as f64);
                let x = (r.x as f64 * sx).floor() as u32;
                let y = (r.y as f64 * sy).floor() as u32;
                let width = ((r.width as f64 * sx).round() as u32).clamp(1, small.width().saturating_sub(x).max(1));
                let height = ((r.height as f64 * sy).round() as u32).clamp(1, small.height().saturating_sub(y).max(1));
                Rect { x, y, width, height }.check(small.width(), small.height())?
            }
            region => region.resolve(small)?,
        };
        let colors = weighted_colors_in(small, region, 1, options.alpha_threshold, 0)?;
        let mean = linear_mean(small, region, options.alpha_threshold);
        let (hist, dominant, spread) = features(&colors);
        Ok(Frame { time, mean, dominant, flat: spread < FLAT, hist, colors, thumb: None })
    }

    /// Keeps a small picture of `image` (this frame's pixels), at most `side`
    /// pixels on its long side: should the frame become its shot's key frame,
    /// the shot carries it ([`Shot::thumbnail`]), and a page shows it without
    /// decoding the film again. Only a shot's key-frame candidates keep theirs
    /// (at most 65 a shot), so memory stays bounded however long the shot.
    pub fn with_thumbnail(mut self, image: &Image, side: u32) -> Frame {
        self.thumb = Some(image.thumbnail(side));
        self
    }
}

/// The mean of the counted pixels of `rect` in linear light, as 8-bit sRGB.
fn linear_mean(image: &Image, rect: Rect, alpha_threshold: u8) -> [u8; 3] {
    let lut: [f64; 256] = std::array::from_fn(|v| color::srgb_to_linear(v as f64 / 255.0));
    let mut sum = [0.0f64; 3];
    let mut n = 0u64;
    let w = image.width() as usize;
    for y in rect.y as usize..(rect.y + rect.height) as usize {
        let start = y * w + rect.x as usize;
        image.for_each_counted_in(start..start + rect.width as usize, 1, alpha_threshold, |[r, g, b]| {
            sum[0] += lut[r as usize];
            sum[1] += lut[g as usize];
            sum[2] += lut[b as usize];
            n += 1;
        });
    }
    let n = n.max(1) as f64;
    sum.map(|s| color::quantize(color::linear_to_srgb(s / n) * 255.0))
}

/// The soft histogram (sums to 1), the dominant color (the mean of the
/// heaviest 8 × 8 × 8 cell) and the spread (the root mean square ΔE_ok to
/// the mean) of a frame's weighted colors, in one pass: linear light and
/// each color's place on the histogram's axes (the cube root of linear
/// light: levels even in lightness, as the grid's) by tables of the 256
/// levels, interpolated (the colors are means); Oklab from that linear light.
fn features(colors: &WeightedColors) -> (Vec<f32>, [u8; 3], f64) {
    let lut: [f64; 256] = std::array::from_fn(|v| color::srgb_to_linear(v as f64 / 255.0));
    let axis: [f64; 256] = std::array::from_fn(|v| libm::cbrt(lut[v]) * LEVELS as f64);
    let at = |table: &[f64; 256], v: f64| {
        let v = v.clamp(0.0, 255.0);
        let i = (v as usize).min(254);
        let f = v - i as f64;
        table[i] * (1.0 - f) + table[i + 1] * f
    };
    let total: f64 = colors.weights.iter().sum();
    let mut h = vec![0f64; BINS];
    let mut cells = vec![[0f64; 4]; BINS];
    let mut lab = Vec::with_capacity(colors.len());
    for (&c, &w) in colors.colors.iter().zip(&colors.weights) {
        let lin = c.map(|v| at(&lut, v));
        let u = c.map(|v| at(&axis, v));
        // Trilinear: the weight shared between the two nearest bin centers on each axis.
        let parts = u.map(|u| {
            let t = (u - 0.5).clamp(0.0, (LEVELS - 1) as f64);
            let i = (t as usize).min(LEVELS - 2);
            let f = t - i as f64;
            [(i, 1.0 - f), (i + 1, f)]
        });
        for &(r, wr) in &parts[0] {
            for &(g, wg) in &parts[1] {
                for &(b, wb) in &parts[2] {
                    h[(r * LEVELS + g) * LEVELS + b] += w * wr * wg * wb;
                }
            }
        }
        let [r, g, b] = u.map(|u| (u as usize).min(LEVELS - 1));
        let cell = &mut cells[(r * LEVELS + g) * LEVELS + b];
        cell[0] += w;
        for k in 0..3 {
            cell[k + 1] += w * c[k];
        }
        lab.push(color::linear_to_oklab(lin));
    }
    let best = cells.iter().enumerate().max_by(|a, b| a.1[0].total_cmp(&b.1[0]).then(b.0.cmp(&a.0))).expect("a cell").1;
    let dominant = [1, 2, 3].map(|k| color::quantize(best[k] / best[0]));
    let mut mean = [0.0; 3];
    for (p, &w) in lab.iter().zip(&colors.weights) {
        mean[0] += p.l * w / total;
        mean[1] += p.a * w / total;
        mean[2] += p.b * w / total;
    }
    let m = Oklab { l: mean[0], a: mean[1], b: mean[2] };
    let var: f64 = lab.iter().zip(&colors.weights).map(|(p, &w)| p.delta_e(m).powi(2) * w / total).sum();
    (h.into_iter().map(|v| (v / total) as f32).collect(), dominant, var.sqrt())
}

/// The distance between two histograms: half the sum of their absolute differences, from 0 to 1.
pub fn distance(a: &[f32], b: &[f32]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs() as f64).sum::<f64>() / 2.0
}

/// One column of the barcode: a sampled frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Column {
    /// The frame's number among the sampled frames, from 0.
    pub frame: usize,
    /// Its time, in seconds.
    pub time: f64,
    /// Its mean color in linear light.
    #[serde(serialize_with = "hex")]
    pub mean: [u8; 3],
    /// Its dominant color.
    #[serde(serialize_with = "hex")]
    pub dominant: [u8; 3],
    /// The shot it belongs to (none: a transition).
    pub shot: Option<usize>,
    /// The distance of its histogram to the previous frame's.
    pub change: f64,
}

fn hex<S: serde::Serializer>(rgb: &[u8; 3], s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]))
}

/// Which color a barcode column shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BarcodeColor {
    /// The frame's mean color in linear light (the default).
    #[default]
    Mean,
    /// The frame's dominant color.
    Dominant,
}

impl BarcodeColor {
    /// Parses `mean` or `dominant`.
    pub fn parse(s: &str) -> Result<BarcodeColor> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mean" | "average" => Ok(BarcodeColor::Mean),
            "dominant" => Ok(BarcodeColor::Dominant),
            _ => Err(Error::InvalidOption(format!("unknown barcode color {s:?}; allowed: mean, dominant"))),
        }
    }
}

/// A shot: frames between two changes, with its palette.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Shot {
    /// Its number among the shots, from 0, in time order.
    pub index: usize,
    /// The time of its first frame, in seconds.
    pub start: f64,
    /// The time of the first frame after it (or the film's end), in seconds.
    pub end: f64,
    /// Its first and last sampled frames.
    pub first_frame: usize,
    /// (See `first_frame`.)
    pub last_frame: usize,
    /// Its key frame (the one most typical of it) and that frame's time.
    pub key_frame: usize,
    /// (See `key_frame`.)
    pub key_time: f64,
    /// Its palette, in the options' order.
    pub colors: Vec<Swatch>,
    /// Its key frame's picture, when its frames were made [`Frame::with_thumbnail`]
    /// (not serialized: a page takes it out as the shot comes).
    #[serde(skip)]
    pub thumbnail: Option<Image>,
}

impl Shot {
    /// Its length in seconds.
    pub fn duration(&self) -> f64 {
        self.end - self.start
    }
}

/// How a shot ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Cut,
    Gradual,
    End,
}

/// The shot being built.
struct Building {
    first: usize,
    start: f64,
    last: usize,
    frames: usize,
    flat: bool,
    after: Option<Change>,
    /// Per grid cell: pixels, and the sums of their R, G and B (1 MiB, allocated when the shot starts).
    cells: Vec<[f64; 4]>,
    levels: [u8; 256],
    hist_sum: Vec<f64>,
    /// (frame, time, histogram, thumbnail) of every `stride`-th frame.
    candidates: Vec<(usize, f64, Vec<f32>, Option<Image>)>,
    stride: usize,
}

impl Building {
    fn new(after: Option<Change>) -> Building {
        Building {
            first: usize::MAX,
            start: 0.0,
            last: 0,
            frames: 0,
            flat: true,
            after,
            cells: Vec::new(),
            levels: crate::histogram::levels(),
            hist_sum: vec![0.0; BINS],
            candidates: Vec::new(),
            stride: 1,
        }
    }

    fn add(&mut self, index: usize, frame: &Frame) {
        if self.frames == 0 {
            (self.first, self.start) = (index, frame.time);
            self.cells = vec![[0.0; 4]; 1 << (3 * crate::histogram::BIN_BITS)];
        }
        self.last = index;
        self.frames += 1;
        self.flat &= frame.flat;
        for (&c, &w) in frame.colors.colors.iter().zip(&frame.colors.weights) {
            // Keyed by the grid's cell of the rounded mean (at most 32,768, whatever the shot's length):
            // the same cell of every frame merges; means stay exact.
            let key = crate::histogram::cell_index(&self.levels, c.map(color::quantize));
            let cell = &mut self.cells[key];
            cell[0] += w;
            for k in 0..3 {
                cell[k + 1] += w * c[k];
            }
        }
        for (s, &h) in self.hist_sum.iter_mut().zip(&frame.hist) {
            *s += h as f64;
        }
        if (self.frames - 1) % self.stride == 0 {
            self.candidates.push((index, frame.time, frame.hist.clone(), frame.thumb.clone()));
            if self.candidates.len() > KEY_CANDIDATES {
                // Every other one kept, and half as many taken from now on.
                let mut i = 0;
                self.candidates.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
                self.stride *= 2;
            }
        }
    }
}

/// Finds the shots of a film from its frames, one at a time, and keeps its barcode.
pub struct Scanner {
    options: Options,
    columns: Vec<Column>,
    prev: Option<Vec<f32>>,
    noise: VecDeque<f64>,
    shot: Building,
    /// A run of changing frames that may be a transition: the histogram before it, and its frames.
    anchor: Option<Vec<f32>>,
    pending: Vec<(usize, Frame)>,
    quiet: usize,
    shots: Vec<Shot>,
    flushed: usize,
}

/// A scanned film: its shots, its barcode's columns and its palette.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Film {
    /// The shots, in time order.
    pub shots: Vec<Shot>,
    /// One column a sampled frame.
    pub columns: Vec<Column>,
    /// The film's palette (the shots' palettes merged by duration), in the options' order.
    pub colors: Vec<Swatch>,
}

impl Scanner {
    /// A scanner whose shots' palettes are extracted with `options`.
    pub fn new(options: Options) -> Result<Scanner> {
        options.check()?;
        if !options.keep.is_empty() {
            return Err(Error::InvalidOption("a film's palettes keep no colors (keep is for one still)".into()));
        }
        Ok(Scanner {
            options,
            columns: Vec::new(),
            prev: None,
            noise: VecDeque::new(),
            shot: Building::new(None),
            anchor: None,
            pending: Vec::new(),
            quiet: 0,
            shots: Vec::new(),
            flushed: 0,
        })
    }

    /// The barcode's columns so far.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The shots found so far.
    pub fn shots(&self) -> &[Shot] {
        &self.shots
    }

    /// The shots found since the last call (each once; mutable, so that their
    /// thumbnails can be taken out).
    pub fn new_shots(&mut self) -> &mut [Shot] {
        let from = self.flushed;
        self.flushed = self.shots.len();
        &mut self.shots[from..]
    }

    /// The thresholds of a gradual change and of a cut for the shot so far.
    fn thresholds(&self) -> (f64, f64) {
        let nu = if self.noise.len() < 4 {
            DEFAULT_NOISE
        } else {
            let mut v: Vec<f64> = self.noise.iter().copied().collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let cut = (5.0 * nu).clamp(0.25, 0.6);
        ((2.5 * nu).clamp(0.03, cut / 2.0), cut)
    }

    fn note(&mut self, d: f64) {
        self.noise.push_back(d);
        if self.noise.len() > NOISE_WINDOW {
            self.noise.pop_front();
        }
    }

    /// Adds the next sampled frame (frames come in time order).
    pub fn push(&mut self, frame: Frame) -> Result<()> {
        if let Some(last) = self.columns.last() {
            if frame.time < last.time {
                return Err(Error::InvalidInput(format!(
                    "frames come in time order: {} s after {} s",
                    frame.time, last.time
                )));
            }
        }
        let index = self.columns.len();
        let change = self.prev.as_ref().map_or(0.0, |p| distance(p, &frame.hist));
        self.columns.push(Column {
            frame: index,
            time: frame.time,
            mean: frame.mean,
            dominant: frame.dominant,
            shot: None,
            change,
        });
        let Some(before) = self.prev.replace(frame.hist.clone()) else {
            self.shot.add(index, &frame);
            return Ok(());
        };
        let (low, cut) = self.thresholds();
        if self.pending.is_empty() {
            if change >= cut {
                self.close(Change::Cut, frame.time)?;
                self.shot.add(index, &frame);
            } else if change >= low {
                self.anchor = Some(before);
                self.pending.push((index, frame));
                self.quiet = 0;
            } else {
                self.note(change);
                self.shot.add(index, &frame);
            }
            return Ok(());
        }
        if change >= cut {
            // A cut ends the run: the run is a transition if it changed the picture, else motion.
            let last = &self.pending.last().expect("a run").1.hist;
            let long = frame.time - self.pending[0].1.time > MAX_TRANSITION_SECONDS;
            let gradual = !long && distance(self.anchor.as_ref().expect("an anchor"), last) >= cut;
            self.resolve(gradual, 0)?;
            self.close(Change::Cut, frame.time)?;
            self.shot.add(index, &frame);
            return Ok(());
        }
        self.quiet = if change < low { self.quiet + 1 } else { 0 };
        let (hist, time) = (frame.hist.clone(), frame.time);
        self.pending.push((index, frame));
        if self.quiet >= QUIET {
            let gradual = distance(self.anchor.as_ref().expect("an anchor"), &hist) >= cut;
            self.resolve(gradual, QUIET)?;
        } else if self.pending.len() > MAX_TRANSITION || time - self.pending[0].1.time > MAX_TRANSITION_SECONDS {
            self.resolve(false, 0)?;
        }
        Ok(())
    }

    /// Ends the run of changing frames: a transition (its frames but the last
    /// `stable` belong to no shot, and those start the next one) or motion (all join the shot).
    fn resolve(&mut self, gradual: bool, stable: usize) -> Result<()> {
        let run = std::mem::take(&mut self.pending);
        self.anchor = None;
        self.quiet = 0;
        if !gradual {
            for (i, f) in run {
                let c = self.columns[i].change;
                self.note(c);
                self.shot.add(i, &f);
            }
            return Ok(());
        }
        let split = run.len() - stable.min(run.len());
        let start = run[0].1.time;
        self.close(Change::Gradual, start)?;
        for (i, f) in run.into_iter().skip(split) {
            self.shot.add(i, &f);
        }
        Ok(())
    }

    /// Ends the shot being built at `end` (the time of the first frame after
    /// it) and starts the next, unless the shot is part of a transition.
    fn close(&mut self, why: Change, end: f64) -> Result<()> {
        let next = Building::new(Some(why));
        let shot = std::mem::replace(&mut self.shot, next);
        self.noise.clear();
        if shot.frames == 0 {
            return Ok(());
        }
        let fade = shot.flat && (shot.after == Some(Change::Gradual) || why == Change::Gradual);
        let between = shot.frames < 2 && shot.after.is_some() && why != Change::End;
        if fade || between {
            return Ok(());
        }
        let index = self.shots.len();
        for c in &mut self.columns[shot.first..=shot.last] {
            c.shot = Some(index);
        }
        let colors = shot_colors(&shot.cells);
        let swatches = crate::extract::swatches_of(&colors, &self.options);
        let order = sort::order(&swatches, &self.options.sort)?;
        let mean: Vec<f32> = shot.hist_sum.iter().map(|&s| (s / shot.frames as f64) as f32).collect();
        // The most typical; among frames about as typical (within 0.01), the one nearest the middle.
        let typical: Vec<f64> = shot.candidates.iter().map(|c| distance(&c.2, &mean)).collect();
        let best = typical.iter().copied().fold(f64::INFINITY, f64::min);
        let middle = (shot.first + shot.last) as f64 / 2.0;
        let key = shot
            .candidates
            .iter()
            .zip(&typical)
            .filter(|(_, &d)| d <= best + 0.01)
            .map(|(c, _)| c)
            .min_by(|a, b| (a.0 as f64 - middle).abs().total_cmp(&(b.0 as f64 - middle).abs()).then(a.0.cmp(&b.0)))
            .expect("a frame");
        self.shots.push(Shot {
            index,
            start: shot.start,
            end,
            first_frame: shot.first,
            last_frame: shot.last,
            key_frame: key.0,
            key_time: key.1,
            colors: order.iter().map(|&i| swatches[i]).collect(),
            thumbnail: key.3.clone(),
        });
        Ok(())
    }

    /// Ends the film at `end` seconds (or, when `None`, one frame interval
    /// after its last frame), and gives its shots, barcode and palette.
    pub fn finish(mut self, end: Option<f64>) -> Result<Film> {
        let Some(last) = self.columns.last().copied() else {
            return Err(Error::InvalidInput("the film has no frame".into()));
        };
        if !self.pending.is_empty() {
            // A run at the very end: a fade out if it changed the picture.
            let last_hist = &self.pending.last().expect("a run").1.hist;
            let (_, cut) = self.thresholds();
            let gradual = distance(self.anchor.as_ref().expect("an anchor"), last_hist) >= cut;
            self.resolve(gradual, 0)?;
        }
        let step = typical_step(&self.columns);
        let end = end.filter(|e| e.is_finite() && *e > last.time).unwrap_or(last.time + step);
        self.close(Change::End, end)?;
        if self.shots.is_empty() {
            return Err(Error::InvalidInput("no shot was found: every frame is part of a transition".into()));
        }
        let colors = film_palette(&self.shots, &self.options)?;
        Ok(Film { shots: self.shots, columns: self.columns, colors })
    }
}

/// The median interval between sampled frames (1 s when there is one frame).
fn typical_step(columns: &[Column]) -> f64 {
    let mut d: Vec<f64> = columns.windows(2).map(|w| w[1].time - w[0].time).filter(|d| *d > 0.0).collect();
    if d.is_empty() {
        return 1.0;
    }
    d.sort_by(f64::total_cmp);
    d[d.len() / 2]
}

/// A shot's merged cells as weighted colors (in the grid's order).
fn shot_colors(cells: &[[f64; 4]]) -> WeightedColors {
    let used: Vec<&[f64; 4]> = cells.iter().filter(|c| c[0] > 0.0).collect();
    let counted = used.iter().map(|c| c[0]).sum::<f64>().round() as u64;
    WeightedColors {
        colors: used.iter().map(|c| [c[1] / c[0], c[2] / c[0], c[3] / c[0]]).collect(),
        weights: used.iter().map(|c| c[0]).collect(),
        exact: false,
        counted: counted.max(1),
    }
}

/// The film's palette: its shots' colors, each weighted by its share times
/// its shot's duration, clustered again by `options`.
pub fn film_palette(shots: &[Shot], options: &Options) -> Result<Vec<Swatch>> {
    // Weights in microseconds of screen time, so that counted (an integer) is exact enough.
    let mut colors = Vec::new();
    let mut weights = Vec::new();
    for shot in shots {
        for s in &shot.colors {
            let w = s.share * shot.duration().max(0.0) * 1e6;
            if w > 0.0 {
                colors.push(color::oklab_to_linear(s.oklab).map(|v| color::linear_to_srgb(v) * 255.0));
                weights.push(w);
            }
        }
    }
    if colors.is_empty() {
        return Err(Error::InvalidInput("the film's shots have no duration".into()));
    }
    let counted = weights.iter().sum::<f64>().round() as u64;
    let wc = WeightedColors { colors, weights, exact: false, counted: counted.max(1) };
    let swatches = crate::extract::swatches_of(&wc, options);
    let order = sort::order(&swatches, &options.sort)?;
    Ok(order.iter().map(|&i| swatches[i]).collect())
}

/// The barcode of `columns` as an RGBA image (opaque) of `width` × `height` (the
/// number of columns and 1 when `None`): each pixel column the frames whose
/// time range it covers, averaged in linear light (the nearest frame when it
/// covers none).
pub fn barcode(columns: &[Column], which: BarcodeColor, width: Option<u32>, height: Option<u32>) -> Result<Image> {
    if columns.is_empty() {
        return Err(Error::InvalidInput("the film has no frame".into()));
    }
    let n = columns.len();
    let w = width.unwrap_or(n as u32);
    let h = height.unwrap_or(1);
    if w == 0 || h == 0 || w as u64 * h as u64 > 64_000_000 {
        return Err(Error::InvalidOption(format!("a barcode of {w} × {h} pixels: from 1 × 1 to 64 million pixels")));
    }
    let pick = |c: &Column| match which {
        BarcodeColor::Mean => c.mean,
        BarcodeColor::Dominant => c.dominant,
    };
    let line: Vec<[u8; 3]> = (0..w as usize)
        .map(|x| {
            let (a, b) = (x * n / w as usize, ((x + 1) * n).div_ceil(w as usize).min(n));
            let span = if b > a { &columns[a..b] } else { &columns[a.min(n - 1)..=a.min(n - 1)] };
            let mut sum = [0.0; 3];
            for c in span {
                let rgb = pick(c);
                for k in 0..3 {
                    sum[k] += color::srgb_to_linear(rgb[k] as f64 / 255.0);
                }
            }
            sum.map(|s| color::quantize(color::linear_to_srgb(s / span.len() as f64) * 255.0))
        })
        .collect();
    let mut data = Vec::with_capacity(w as usize * h as usize * 4);
    for _ in 0..h {
        for p in &line {
            data.extend_from_slice(&[p[0], p[1], p[2], 255]);
        }
    }
    Image::from_rgba(w, h, data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::ColorCount;
    use crate::rng::Rng;

    /// A 64 × 36 frame: the left half `a`, the right half `b`, each pixel off by up to ±3 levels.
    fn frame(a: [f64; 3], b: [f64; 3], rng: &mut Rng) -> Image {
        let mut px = Vec::new();
        for _ in 0..36 {
            for x in 0..64 {
                let c = if x < 32 { a } else { b };
                px.extend(c.map(|v| (v + rng.next_f64() * 6.0 - 3.0).round().clamp(0.0, 255.0) as u8));
            }
        }
        Image::from_rgb(64, 36, px).unwrap()
    }

    fn mix(a: [f64; 3], b: [f64; 3], t: f64) -> [f64; 3] {
        [0, 1, 2].map(|k| a[k] * (1.0 - t) + b[k] * t)
    }

    fn options(n: usize) -> Options {
        Options { colors: ColorCount::try_from(n).unwrap(), region: Region::Full, ..Options::default() }
    }

    const RED: [f64; 3] = [200.0, 40.0, 40.0];
    const GOLD: [f64; 3] = [230.0, 180.0, 60.0];
    const TEAL: [f64; 3] = [20.0, 140.0, 150.0];
    const NAVY: [f64; 3] = [20.0, 30.0, 90.0];
    const GREEN: [f64; 3] = [60.0, 160.0, 70.0];
    const PINK: [f64; 3] = [240.0, 120.0, 200.0];
    const BLACK: [f64; 3] = [0.0, 0.0, 0.0];

    /// Scans `pictures` (one frame each 1/8 s) with 2 colors a palette.
    fn scan(pictures: &[([f64; 3], [f64; 3])]) -> Film {
        let mut rng = Rng::new(7);
        let mut s = Scanner::new(options(2)).unwrap();
        for (i, &(a, b)) in pictures.iter().enumerate() {
            s.push(Frame::new(&frame(a, b, &mut rng), i as f64 / 8.0, &options(2)).unwrap()).unwrap();
        }
        s.finish(None).unwrap()
    }

    /// Within ΔE_ok 1 (well under a visible difference): a swatch is the mean of its pixels, whose ±3 levels of
    /// noise average out, or the mean of two such swatches.
    fn near(s: &Swatch, c: [f64; 3]) -> bool {
        s.oklab.delta_e(color::srgb_to_oklab(c)) < 1.0
    }

    #[test]
    fn cuts_split_shots_at_their_frames() {
        let mut pictures = vec![(RED, GOLD); 10];
        pictures.extend([(TEAL, NAVY); 12]);
        pictures.extend([(GREEN, PINK); 9]);
        let film = scan(&pictures);
        let starts: Vec<f64> = film.shots.iter().map(|s| s.start).collect();
        assert_eq!(starts, vec![0.0, 10.0 / 8.0, 22.0 / 8.0]);
        assert_eq!(film.shots[2].end, 31.0 / 8.0);
        for (shot, (a, b)) in film.shots.iter().zip([(RED, GOLD), (TEAL, NAVY), (GREEN, PINK)]) {
            assert!(shot.colors.iter().any(|s| near(s, a)) && shot.colors.iter().any(|s| near(s, b)), "{shot:?}");
            assert!((shot.first_frame..=shot.last_frame).contains(&shot.key_frame));
        }
        assert!(film.columns.iter().all(|c| c.shot.is_some()));
    }

    #[test]
    fn a_fade_through_black_belongs_to_no_shot() {
        let mut pictures = vec![(RED, GOLD); 10];
        // Out over 8 frames, in over 8: frames 10..=25 (one of them black) are the fade.
        pictures.extend((1..=8).map(|i| (mix(RED, BLACK, i as f64 / 8.0), mix(GOLD, BLACK, i as f64 / 8.0))));
        pictures.extend((1..=8).map(|i| (mix(BLACK, TEAL, i as f64 / 8.0), mix(BLACK, NAVY, i as f64 / 8.0))));
        pictures.extend([(TEAL, NAVY); 10]);
        let film = scan(&pictures);
        assert_eq!(film.shots.len(), 2, "{:?}", film.shots);
        let (a, b) = (&film.shots[0], &film.shots[1]);
        // Each shot ends and starts within a frame or two of the fade's ends (the fade's first steps are small).
        assert!(a.last_frame >= 9 && a.last_frame <= 11, "{a:?}");
        assert!(b.first_frame >= 24 && b.first_frame <= 26, "{b:?}");
        assert!(film.columns[14..22].iter().all(|c| c.shot.is_none()));
        // The fade's darkened colors are in neither palette.
        assert!(a.colors.iter().all(|s| near(s, RED) || near(s, GOLD)), "{:?}", a.colors);
        assert!(b.colors.iter().all(|s| near(s, TEAL) || near(s, NAVY)), "{:?}", b.colors);
    }

    #[test]
    fn a_dissolve_belongs_to_no_shot_and_slow_motion_stays_in_its_shot() {
        let mut pictures = vec![(RED, GOLD); 10];
        pictures.extend((1..12).map(|i| (mix(RED, TEAL, i as f64 / 12.0), mix(GOLD, NAVY, i as f64 / 12.0))));
        pictures.extend([(TEAL, NAVY); 10]);
        // Then the light changes a little over 10 frames: the same shot.
        pictures.extend((1..=10).map(|i| (mix(TEAL, GREEN, i as f64 / 80.0), NAVY)));
        let film = scan(&pictures);
        assert_eq!(film.shots.len(), 2, "{:?}", film.shots);
        assert!(film.columns[12..19].iter().all(|c| c.shot.is_none()));
        assert_eq!(film.shots[1].last_frame, pictures.len() - 1);
    }

    #[test]
    fn steady_motion_is_one_shot() {
        // For 5 s the boundary between red and gold sweeps across the frame (every frame changes as
        // much as a fade's do, and the first and last are far apart), then a cut.
        let mut rng = Rng::new(5);
        let mut s = Scanner::new(options(2)).unwrap();
        let sweep = |x0: usize, rng: &mut Rng| {
            let mut px = Vec::new();
            for _ in 0..36 {
                for x in 0..64 {
                    let c = if x < x0 { RED } else { GOLD };
                    px.extend(c.map(|v| (v + rng.next_f64() * 6.0 - 3.0).round().clamp(0.0, 255.0) as u8));
                }
            }
            Image::from_rgb(64, 36, px).unwrap()
        };
        let mut t = 0.0;
        for i in 0..40 {
            // The boundary moves by an eighth of the frame each frame, to and fro.
            let x0 = [8, 16, 24, 32, 40, 48, 56, 48, 40, 32, 24, 16][i % 12];
            s.push(Frame::new(&sweep(x0, &mut rng), t, &options(2)).unwrap()).unwrap();
            t += 0.125;
        }
        for _ in 0..8 {
            s.push(Frame::new(&frame(TEAL, NAVY, &mut rng), t, &options(2)).unwrap()).unwrap();
            t += 0.125;
        }
        let film = s.finish(None).unwrap();
        let starts: Vec<f64> = film.shots.iter().map(|s| s.start).collect();
        assert_eq!(starts, vec![0.0, 5.0], "{:?}", film.shots);
        assert_eq!(film.shots[0].last_frame, 39, "every frame of the sweep is in its shot");
        assert!(film.columns.iter().all(|c| c.shot.is_some()));
    }

    #[test]
    fn the_film_palette_weighs_shots_by_their_duration() {
        let mut pictures = vec![(RED, RED); 30];
        pictures.extend([(TEAL, TEAL); 10]);
        let film = scan(&pictures);
        assert_eq!(film.shots.len(), 2);
        let red = film.colors.iter().find(|s| near(s, RED)).expect("red");
        assert!((red.share - 0.75).abs() < 0.01, "{:?}", film.colors);
    }

    #[test]
    fn the_barcode_follows_the_shots() {
        let mut pictures = vec![(RED, RED); 6];
        pictures.extend([(TEAL, TEAL); 2]);
        let film = scan(&pictures);
        let img = barcode(&film.columns, BarcodeColor::Mean, None, None).unwrap();
        assert_eq!((img.width(), img.height()), (8, 1));
        let at = |img: &Image, x| {
            let p = img.rgba_at(x, 0);
            color::rgb8_to_oklab([p[0], p[1], p[2]])
        };
        assert!(at(&img, 0).delta_e(color::srgb_to_oklab(RED)) < 1.0);
        assert!(at(&img, 7).delta_e(color::srgb_to_oklab(TEAL)) < 1.0);
        // Four pixels: each the mean of two frames, the last one teal.
        let small = barcode(&film.columns, BarcodeColor::Dominant, Some(4), Some(3)).unwrap();
        assert_eq!((small.width(), small.height()), (4, 3));
        assert!(at(&small, 3).delta_e(color::srgb_to_oklab(TEAL)) < 1.0);
        assert!(at(&small, 2).delta_e(color::srgb_to_oklab(RED)) < 1.0);
        assert_eq!(barcode(&[], BarcodeColor::Mean, None, None).unwrap_err().kind(), "invalid-input");
        assert_eq!(barcode(&film.columns, BarcodeColor::Mean, Some(0), None).unwrap_err().kind(), "invalid-option");
    }

    #[test]
    fn a_frame_is_reduced_in_size_and_its_mean_is_in_linear_light() {
        // Half black, half white: the mean in linear light is 50 % light, #bcbcbc, not #808080.
        let mut px = Vec::new();
        for _ in 0..100 {
            for x in 0..1000 {
                px.extend(if x < 500 { [0u8; 3] } else { [255u8; 3] });
            }
        }
        let f = Frame::new(&Image::from_rgb(1000, 100, px).unwrap(), 0.0, &options(2)).unwrap();
        assert_eq!(f.mean, [188, 188, 188]);
        assert!(!f.flat);
        assert!((f.hist.iter().sum::<f32>() - 1.0).abs() < 1e-4);
        assert_eq!(f.colors.counted, 320 * 32);
    }

    #[test]
    fn frames_out_of_order_and_an_empty_film_are_errors() {
        let mut rng = Rng::new(1);
        let mut s = Scanner::new(options(2)).unwrap();
        s.push(Frame::new(&frame(RED, RED, &mut rng), 2.0, &options(2)).unwrap()).unwrap();
        let e = s.push(Frame::new(&frame(RED, RED, &mut rng), 1.0, &options(2)).unwrap()).unwrap_err();
        assert_eq!(e.to_string(), "frames come in time order: 1 s after 2 s");
        assert_eq!(Scanner::new(options(2)).unwrap().finish(None).unwrap_err().to_string(), "the film has no frame");
        let e = Frame::new(&frame(RED, RED, &mut rng), f64::NAN, &options(2)).unwrap_err();
        assert_eq!(e.kind(), "invalid-option");
    }

    #[test]
    fn a_long_shot_keeps_a_bounded_number_of_key_frame_candidates() {
        let mut rng = Rng::new(2);
        let mut s = Scanner::new(options(2)).unwrap();
        for i in 0..1000 {
            s.push(Frame::new(&frame(RED, GOLD, &mut rng), i as f64, &options(2)).unwrap()).unwrap();
        }
        assert!(s.shot.candidates.len() <= KEY_CANDIDATES + 1);
        let film = s.finish(Some(1000.0)).unwrap();
        assert_eq!(film.shots.len(), 1);
        assert_eq!((film.shots[0].start, film.shots[0].end), (0.0, 1000.0));
    }

    #[test]
    fn a_shot_carries_its_key_frames_thumbnail() {
        let mut rng = Rng::new(3);
        let mut pictures = vec![(RED, GOLD); 10];
        pictures.extend([(TEAL, NAVY); 12]);
        // Each frame's own noise: the thumbnail must be the key frame's, not a neighbour's.
        let images: Vec<Image> = pictures.iter().map(|&(a, b)| frame(a, b, &mut rng)).collect();
        let mut s = Scanner::new(options(2)).unwrap();
        let mut given = Vec::new();
        for (i, image) in images.iter().enumerate() {
            let f = Frame::new(image, i as f64 / 8.0, &options(2)).unwrap().with_thumbnail(image, 16);
            s.push(f).unwrap();
            given.extend(s.new_shots().iter_mut().map(|shot| (shot.key_frame, shot.thumbnail.take())));
        }
        let mut film = s.finish(None).unwrap();
        given.extend(film.shots.iter_mut().filter_map(|shot| shot.thumbnail.take().map(|t| (shot.key_frame, Some(t)))));
        assert_eq!(given.len(), 2, "each shot's thumbnail given once");
        for (key, thumb) in given {
            let thumb = thumb.expect("a thumbnail");
            let want = images[key].thumbnail(16);
            assert_eq!((thumb.width(), thumb.height()), (16, 9));
            assert_eq!(thumb.data(), want.data(), "the key frame's ({key}) picture");
        }
        // Without thumbnails asked for, none is kept.
        assert!(scan(&pictures).shots.iter().all(|s| s.thumbnail.is_none()));
    }
}
