//! The benchmark table: speed, memory and quality of every method and space
//! over a folder of images (BENCHMARKS.md has the figures and how to read them).
//!
//! ```text
//! cargo bench --bench table                                   # everything, ../shared/images
//! cargo bench --bench table -- --quick --markdown             # fewer repetitions, markdown tables
//! cargo bench --bench table -- DIR --methods kmeans,complete --spaces oklab
//! cargo bench --bench table -- --e2e                          # only read + decode + extract, 22 MP JPEG
//! ```
//!
//! Arguments (after `--`): an images folder (default `../shared/images`
//! beside the checkout), `--quick` (1 timed run instead of 5; 3 end to end),
//! `--reps N`, `--methods a,b`, `--spaces a,b`, `--colors N` (default 10),
//! `--markdown`, `--e2e`. A missing folder prints a note and exits 0.
//!
//! Timings are single-threaded wall-clock medians, with the thread's CPU time
//! beside them (less disturbed by a busy machine). Memory is counted by a
//! `#[global_allocator]` wrapping the system allocator: live bytes and their
//! peak; a stage's figure is its peak minus the bytes live when it started
//! (so it includes what the stage returns, e.g. the decoded pixels).

use std::alloc::{GlobalAlloc, Layout as AllocLayout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use cinepal::color::{rgb8_to_oklab, Oklab};
use cinepal::{decode, extract, quality, ColorCount, Image, Limits, Method, Named, Options, Sampling, Space};

// ---------------------------------------------------------------- memory

/// The system allocator, counting live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = LIVE.fetch_add(bytes, Relaxed) + bytes;
    PEAK.fetch_max(now, Relaxed);
}

fn shrank(bytes: usize) {
    LIVE.fetch_sub(bytes, Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: AllocLayout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: AllocLayout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: AllocLayout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: AllocLayout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result with the peak bytes allocated above what
/// was live before it.
fn with_peak<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let out = f();
    (out, PEAK.load(Relaxed).saturating_sub(base))
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

// ---------------------------------------------------------------- arguments

struct Args {
    dir: PathBuf,
    reps: usize,
    e2e_reps: usize,
    methods: Vec<Method>,
    spaces: Vec<Space>,
    colors: usize,
    markdown: bool,
    e2e_only: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/images"),
        reps: 5,
        e2e_reps: 5,
        methods: Method::all().to_vec(),
        spaces: Space::all().to_vec(),
        colors: 10,
        markdown: false,
        e2e_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            // `cargo bench` passes `--bench` to every bench binary.
            "--bench" => {}
            "--quick" => {
                args.reps = 1;
                args.e2e_reps = 3;
            }
            "--markdown" => args.markdown = true,
            "--e2e" => args.e2e_only = true,
            "--reps" => {
                let n: usize = value("--reps")?.parse().map_err(|e| format!("--reps: {e}"))?;
                args.reps = n.max(1);
                args.e2e_reps = n.max(1);
            }
            "--colors" => args.colors = value("--colors")?.parse().map_err(|e| format!("--colors: {e}"))?,
            "--methods" => {
                args.methods = value("--methods")?
                    .split(',')
                    .map(|s| Method::parse(s).map_err(|e| e.to_string()))
                    .collect::<Result<_, _>>()?
            }
            "--spaces" => {
                args.spaces = value("--spaces")?
                    .split(',')
                    .map(|s| Space::parse(s).map_err(|e| e.to_string()))
                    .collect::<Result<_, _>>()?
            }
            s if s.starts_with('-') => return Err(format!("unknown option '{s}'")),
            s => args.dir = PathBuf::from(s),
        }
    }
    Ok(args)
}

// ---------------------------------------------------------------- tables

struct Table {
    title: String,
    head: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(title: impl Into<String>, head: &[&'static str]) -> Table {
        Table { title: title.into(), head: head.to_vec(), rows: vec![] }
    }

    fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    fn print(&self, markdown: bool) {
        // The first column is text (left-aligned), the others are figures.
        if markdown {
            println!("\n#### {}\n", self.title);
            println!("| {} |", self.head.join(" | "));
            let rule: Vec<&str> = (0..self.head.len()).map(|i| if i == 0 { "---" } else { "---:" }).collect();
            println!("|{}|", rule.join("|"));
            for r in &self.rows {
                println!("| {} |", r.join(" | "));
            }
        } else {
            println!("\n== {}", self.title);
            let mut width: Vec<usize> = self.head.iter().map(|h| h.chars().count()).collect();
            for r in &self.rows {
                for (w, c) in width.iter_mut().zip(r) {
                    *w = (*w).max(c.chars().count());
                }
            }
            let line = |cells: Vec<&str>| {
                let s: Vec<String> = cells
                    .iter()
                    .zip(&width)
                    .enumerate()
                    .map(|(i, (c, &w))| if i == 0 { format!("{c:<w$}") } else { format!("{c:>w$}") })
                    .collect();
                println!("{}", s.join("  ").trim_end());
            };
            line(self.head.clone());
            for r in &self.rows {
                line(r.iter().map(String::as_str).collect());
            }
        }
    }
}

fn f1(x: f64) -> String {
    format!("{x:.1}")
}

fn f2(x: f64) -> String {
    if x.is_infinite() {
        "inf".into()
    } else {
        format!("{x:.2}")
    }
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::NAN, f64::max)
}

/// Wall-clock times of repeated runs, in milliseconds.
#[derive(Clone, Copy)]
struct Timing {
    /// Median wall-clock time.
    median: f64,
    best: f64,
    worst: f64,
    /// Median CPU time of this thread (NaN where unavailable): on a busy
    /// machine it stays close to what a quiet machine's wall clock shows.
    cpu: f64,
}

/// Times `reps` runs of `f`.
fn time_ms<T>(reps: usize, mut f: impl FnMut() -> T) -> Timing {
    let (wall, cpu): (Vec<f64>, Vec<f64>) = (0..reps)
        .map(|_| {
            let c = thread_cpu_ms();
            let t = Instant::now();
            std::hint::black_box(f());
            (t.elapsed().as_secs_f64() * 1e3, thread_cpu_ms() - c)
        })
        .unzip();
    Timing {
        median: median(&wall),
        best: wall.iter().copied().fold(f64::INFINITY, f64::min),
        worst: max(&wall),
        cpu: median(&cpu),
    }
}

/// CPU time used by the calling thread so far, in milliseconds (NaN off Linux).
#[cfg(target_os = "linux")]
fn thread_cpu_ms() -> f64 {
    #[repr(C)]
    struct Timespec {
        tv_sec: std::ffi::c_long,
        tv_nsec: std::ffi::c_long,
    }
    extern "C" {
        fn clock_gettime(clock: std::ffi::c_int, tp: *mut Timespec) -> std::ffi::c_int;
    }
    const CLOCK_THREAD_CPUTIME_ID: std::ffi::c_int = 3;
    let mut ts = Timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is Linux's thread CPU clock.
    let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc == 0 {
        ts.tv_sec as f64 * 1e3 + ts.tv_nsec as f64 / 1e6
    } else {
        f64::NAN
    }
}

#[cfg(not(target_os = "linux"))]
fn thread_cpu_ms() -> f64 {
    f64::NAN
}

// ---------------------------------------------------------------- runs

/// One extraction of one image with one configuration.
struct Run {
    image: String,
    method: Method,
    space: Space,
    sampling: Sampling,
    extract: Timing,
    peak: usize,
    mean: f64,
    p99: f64,
    /// 99.9th percentile (not a docs/DESIGN.md measure: accents of under 1 % of the pixels show here, not in p99).
    p999: f64,
    min_pair: f64,
    swatches: usize,
}

struct Decoded {
    name: String,
    image: Image,
}

fn short(name: &str) -> String {
    name.rsplit_once('.').map_or(name, |(s, _)| s).to_string()
}

fn measure_run(d: &Decoded, options: &Options, reps: usize) -> Result<Run, String> {
    // One untimed run measures the memory (and warms the caches).
    let (palette, peak) = with_peak(|| extract(&d.image, options));
    let palette = palette.map_err(|e| format!("{}: extract: {e}", d.name))?;
    let extract = time_ms(reps, || extract(&d.image, options));
    let rgb: Vec<[u8; 3]> = palette.swatches.iter().map(|s| s.rgb).collect();
    let q = quality::measure(&d.image, &rgb, options.alpha_threshold).ok_or(format!("{}: no quality", d.name))?;
    Ok(Run {
        image: d.name.clone(),
        method: options.method,
        space: options.space,
        sampling: options.sampling,
        extract,
        peak,
        mean: q.mean,
        p99: q.p99,
        p999: percentile_delta_e(&d.image, &rgb, options.alpha_threshold, 0.999),
        min_pair: q.min_pair,
        swatches: rgb.len(),
    })
}

/// The `q`-quantile of the ΔE_ok from each counted pixel to its nearest
/// swatch (as `quality::measure` computes p99).
fn percentile_delta_e(image: &Image, palette: &[[u8; 3]], alpha_threshold: u8, q: f64) -> f64 {
    let mut counts = vec![0u32; 1 << 24];
    image.for_each_counted(1, alpha_threshold, |[r, g, b]| {
        counts[(r as usize) << 16 | (g as usize) << 8 | b as usize] += 1;
    });
    let swatches: Vec<Oklab> = palette.iter().map(|&c| rgb8_to_oklab(c)).collect();
    let mut dist: Vec<(f64, u32)> = counts
        .iter()
        .enumerate()
        .filter(|(_, &n)| n > 0)
        .map(|(c, &n)| {
            let p = rgb8_to_oklab([(c >> 16) as u8, (c >> 8) as u8, c as u8]);
            (swatches.iter().map(|s| s.delta_e(p)).fold(f64::INFINITY, f64::min), n)
        })
        .collect();
    drop(counts);
    let total: u64 = dist.iter().map(|&(_, n)| n as u64).sum();
    dist.sort_by(|a, b| a.0.total_cmp(&b.0));
    let rank = (q * total as f64).ceil() as u64;
    let mut seen = 0u64;
    for &(d, n) in &dist {
        seen += n as u64;
        if seen >= rank {
            return d;
        }
    }
    dist.last().map_or(f64::NAN, |l| l.0)
}

fn is_11mp(name: &str) -> bool {
    name.contains("11mp")
}

fn is_22mp(name: &str) -> bool {
    name.contains("22mp")
}

fn load_avg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("table: {e}");
            std::process::exit(2);
        }
    };
    let Ok(entries) = std::fs::read_dir(&args.dir) else {
        println!("table: no images folder at {}; nothing to measure (skipped)", args.dir.display());
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                matches!(e.to_ascii_lowercase().as_str(), "jpg" | "jpeg" | "png" | "webp" | "gif" | "bmp")
            })
        })
        .collect();
    paths.sort();
    if paths.is_empty() {
        println!("table: no images in {}; nothing to measure (skipped)", args.dir.display());
        return;
    }
    println!(
        "cinepal benchmark table: {} images in {}, n = {}, {} timed runs (median), {} cores, load average at start {}",
        paths.len(),
        args.dir.display(),
        args.colors,
        args.reps,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_avg()
    );

    let configs: Vec<Options> = args
        .methods
        .iter()
        .flat_map(|&method| args.spaces.iter().map(move |&space| (method, space)))
        .map(|(method, space)| Options {
            colors: ColorCount::try_from(args.colors).expect("1 to 64 colors"),
            method,
            space,
            ..Options::default()
        })
        .collect();
    let seed_configs: Vec<Options> = [Method::KMeans, Method::Complete]
        .into_iter()
        .filter(|m| args.methods.contains(m))
        .map(|method| Options {
            colors: ColorCount::try_from(args.colors).expect("1 to 64 colors"),
            method,
            space: Space::Rgb,
            sampling: Sampling::Seed,
            ..Options::default()
        })
        .collect();

    let mut images = Table::new(
        "Images: decoding (bytes in memory → RGB/RGBA pixels)",
        &["image", "size", "MP", "file MB", "decode ms", "decode cpu ms", "decode peak MB", "pixels MB"],
    );
    let mut runs: Vec<Run> = vec![];
    // With --e2e only the end-to-end section runs.
    let per_image: &[PathBuf] = if args.e2e_only { &[] } else { &paths };
    for path in per_image {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        eprintln!("  {name}");
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                println!("note: {name} not read ({e}); skipped");
                continue;
            }
        };
        let (image, decode_peak) = with_peak(|| decode(&bytes, &Limits::default()));
        let image = match image {
            Ok(i) => i,
            Err(e) => {
                println!("note: {name} not decoded ({e}); skipped");
                continue;
            }
        };
        let decode_time = time_ms(args.reps, || decode(&bytes, &Limits::default()));
        drop(bytes);
        images.push(vec![
            short(&name),
            format!("{}x{}", image.width(), image.height()),
            f1(image.pixel_count() as f64 / 1e6),
            f2(mb(std::fs::metadata(path).map(|m| m.len() as usize).unwrap_or(0))),
            f1(decode_time.median),
            f1(decode_time.cpu),
            f1(mb(decode_peak)),
            f1(mb(image.data().len())),
        ]);
        let d = Decoded { name: name.clone(), image };
        for options in configs.iter().chain(&seed_configs) {
            match measure_run(&d, options, args.reps) {
                Ok(r) => runs.push(r),
                Err(e) => println!("note: {e}"),
            }
        }
    }
    if !runs.is_empty() {
        print_tables(&args, &paths, &images, &configs, &seed_configs, &runs);
    }
    let e2e = end_to_end(&args, &paths, &configs);
    print_targets(&args, &runs, &e2e);
    println!("\nload average at end {}", load_avg());
}

fn print_tables(
    args: &Args,
    paths: &[PathBuf],
    images: &Table,
    configs: &[Options],
    seed_configs: &[Options],
    runs: &[Run],
) {
    let md = args.markdown;
    images.print(md);

    // Per image, per configuration.
    let groups: Vec<(Method, Space, Sampling)> =
        configs.iter().chain(seed_configs).map(|o| (o.method, o.space, o.sampling)).collect();
    let of = |g: &(Method, Space, Sampling)| -> Vec<&Run> {
        runs.iter().filter(|r| (r.method, r.space, r.sampling) == *g).collect()
    };
    for g in &groups {
        let mut t = Table::new(
            format!("{} / {} / sample {}: extraction after decoding", g.0.name(), g.1.name(), g.2.name()),
            &[
                "image",
                "extract ms",
                "best ms",
                "worst ms",
                "cpu ms",
                "peak MB",
                "mean ΔE",
                "p99 ΔE",
                "min pair ΔE",
                "swatches",
            ],
        );
        for r in of(g) {
            t.push(vec![
                short(&r.image),
                f1(r.extract.median),
                f1(r.extract.best),
                f1(r.extract.worst),
                f1(r.extract.cpu),
                f2(mb(r.peak)),
                f2(r.mean),
                f2(r.p99),
                f2(r.min_pair),
                r.swatches.to_string(),
            ]);
        }
        t.print(md);
    }

    // Summary per configuration.
    let mut summary = Table::new(
        "Summary per method and space",
        &[
            "method / space / sample",
            "median mean ΔE",
            "median p99 ΔE",
            "duplicates",
            "11 MP extract ms",
            "11 MP best ms",
            "11 MP worst ms",
            "11 MP cpu ms",
            "22 MP extract ms",
            "slowest extract ms",
            "max peak MB",
        ],
    );
    for g in &groups {
        let rs = of(g);
        let pick = |f: fn(&str) -> bool| rs.iter().find(|r| f(&r.image));
        let slowest = rs.iter().max_by(|a, b| a.extract.median.total_cmp(&b.extract.median));
        summary.push(vec![
            format!("{} / {} / {}", g.0.name(), g.1.name(), g.2.name()),
            f2(median(&rs.iter().map(|r| r.mean).collect::<Vec<_>>())),
            f2(median(&rs.iter().map(|r| r.p99).collect::<Vec<_>>())),
            rs.iter().filter(|r| r.min_pair <= 0.0).count().to_string(),
            pick(is_11mp).map_or("-".into(), |r| f1(r.extract.median)),
            pick(is_11mp).map_or("-".into(), |r| f1(r.extract.best)),
            pick(is_11mp).map_or("-".into(), |r| f1(r.extract.worst)),
            pick(is_11mp).map_or("-".into(), |r| f1(r.extract.cpu)),
            pick(is_22mp).map_or("-".into(), |r| f1(r.extract.median)),
            slowest.map_or("-".into(), |r| format!("{} ({})", f1(r.extract.median), short(&r.image))),
            f2(mb(rs.iter().map(|r| r.peak).max().unwrap_or(0))),
        ]);
    }
    summary.print(md);

    // Complete against k-means on the tail (p99), per space.
    for &space in &args.spaces {
        let find = |m: Method, image: &str| {
            runs.iter().find(|r| r.method == m && r.space == space && r.sampling == Sampling::All && r.image == image)
        };
        if !(args.methods.contains(&Method::KMeans) && args.methods.contains(&Method::Complete)) {
            break;
        }
        let mut t = Table::new(
            format!("Tails, complete against kmeans ({})", space.name()),
            &[
                "image",
                "kmeans p99",
                "complete p99",
                "complete lower p99",
                "kmeans p99.9",
                "complete p99.9",
                "kmeans mean",
                "complete mean",
            ],
        );
        for path in paths {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if let (Some(k), Some(c)) = (find(Method::KMeans, &name), find(Method::Complete, &name)) {
                t.push(vec![
                    short(&name),
                    f2(k.p99),
                    f2(c.p99),
                    (if c.p99 < k.p99 { "yes" } else { "no" }).into(),
                    f2(k.p999),
                    f2(c.p999),
                    f2(k.mean),
                    f2(c.mean),
                ]);
            }
        }
        t.print(md);
    }
}

/// End to end on the 22 MP JPEG: read the file, decode, extract. Returns the
/// timing of each configuration.
fn end_to_end(args: &Args, paths: &[PathBuf], configs: &[Options]) -> Vec<(Method, Space, Timing)> {
    let mut e2e: Vec<(Method, Space, Timing)> = vec![];
    if let Some(big) = paths.iter().find(|p| p.to_string_lossy().contains("22mp")) {
        let mut t = Table::new(
            format!(
                "End to end, {} (read file → decode → extract), median of {}",
                big.file_name().unwrap_or_default().to_string_lossy(),
                args.e2e_reps
            ),
            &["method / space", "total ms", "best ms", "worst ms", "cpu ms", "peak MB"],
        );
        for options in configs {
            let run = || -> Result<usize, String> {
                let bytes = std::fs::read(big).map_err(|e| e.to_string())?;
                let image = decode(&bytes, &Limits::default()).map_err(|e| e.to_string())?;
                drop(bytes);
                extract(&image, options).map(|p| p.swatches.len()).map_err(|e| e.to_string())
            };
            let (first, peak) = with_peak(run);
            if let Err(e) = first {
                println!("note: end to end {}: {e}", big.display());
                continue;
            }
            let time = time_ms(args.e2e_reps, run);
            e2e.push((options.method, options.space, time));
            t.push(vec![
                format!("{} / {}", options.method.name(), options.space.name()),
                f1(time.median),
                f1(time.best),
                f1(time.worst),
                f1(time.cpu),
                f1(mb(peak)),
            ]);
        }
        t.print(args.markdown);
    }
    e2e
}

/// The targets of the performance issue, each with its figure.
fn print_targets(args: &Args, runs: &[Run], e2e: &[(Method, Space, Timing)]) {
    let md = args.markdown;
    println!("\n{}Targets (n = {}):", if md { "#### " } else { "== " }, args.colors);
    let check = |ok: bool| if ok { "met" } else { "MISSED" };
    let all = |m: Method, s: Space| -> Vec<&Run> {
        runs.iter().filter(|r| r.method == m && r.space == s && r.sampling == Sampling::All).collect()
    };
    for &space in &args.spaces {
        for &m in &args.methods {
            let limit = if m == Method::KMeans { 50.0 } else { 150.0 };
            if let Some(r) = all(m, space).into_iter().find(|r| is_11mp(&r.image)) {
                println!(
                    "- {} / {} extract, 11 MP: median {:.1} ms, best {:.1} ms, cpu {:.1} ms (limit {limit:.0} ms): {}",
                    m.name(),
                    space.name(),
                    r.extract.median,
                    r.extract.best,
                    r.extract.cpu,
                    check(r.extract.median < limit)
                );
            }
        }
    }
    for &(m, s, t) in e2e {
        if (m, s) == (Method::KMeans, Space::Oklab) {
            println!(
                "- kmeans / oklab read + decode + extract, 22 MP: median {:.1} ms, cpu {:.1} ms (limit 300 ms): {}",
                t.median,
                t.cpu,
                check(t.median < 300.0)
            );
        }
    }
    if runs.is_empty() {
        return;
    }
    let peak = runs.iter().map(|r| r.peak).max().unwrap_or(0);
    println!(
        "- clustering-stage peak, any image, any configuration: {:.2} MB (limit 64 MB): {}",
        mb(peak),
        check(mb(peak) < 64.0)
    );
    if args.methods.contains(&Method::KMeans) && args.spaces.contains(&Space::Oklab) {
        let rs = all(Method::KMeans, Space::Oklab);
        let mean = median(&rs.iter().map(|r| r.mean).collect::<Vec<_>>());
        let p99 = median(&rs.iter().map(|r| r.p99).collect::<Vec<_>>());
        let dups: Vec<String> = rs.iter().filter(|r| r.min_pair <= 0.0).map(|r| short(&r.image)).collect();
        println!("- kmeans / oklab median mean ΔE_ok: {mean:.3} (limit 3.1): {}", check(mean <= 3.1));
        println!("- kmeans / oklab median p99 ΔE_ok: {p99:.3} (limit 9.8): {}", check(p99 <= 9.8));
        println!(
            "- kmeans / oklab duplicate swatches (min pair 0): {}: {}",
            if dups.is_empty() { "none".to_string() } else { dups.join(", ") },
            check(dups.is_empty())
        );
    }
}
