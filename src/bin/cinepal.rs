//! `cinepal`: the palettes of images on the command line.
//!
//! Errors are one line on stderr and a non-zero exit status:
//! 1 output could not be written, 2 usage or option error, 3 input could not
//! be read, 4 not a readable image, 5 over the decoding limits, 6 nothing to
//! extract (for example no opaque pixel), 70 internal error. With several
//! images, each failure is one line naming its file, the others go on, and
//! the status is the first failed file's.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Instant;

use cinepal::choice::{allowed, Choice, Named};
use cinepal::film::{self, BarcodeColor, Scanner};
use cinepal::{
    region::Region, render, ColorCount, Error, ExportContext, Format, Image, Limits, Method, Options, RenderOptions,
    Sampling, Sort, Space,
};
use clap::Parser;

/// The colors that tell an image, as a strip of swatches under it.
///
/// IMAGE is a PNG, JPEG, WebP, GIF (first frame) or BMP file, or - for stdin.
/// With several images, their palettes are printed in the order given
/// (`--format json`: one JSON object a line) while they are worked on in
/// parallel.
#[derive(Parser, Debug)]
#[command(name = "cinepal", version, about, max_term_width = 100)]
struct Cli {
    /// the images (- for stdin)
    #[arg(value_name = "IMAGE", required = true)]
    inputs: Vec<String>,

    #[arg(short = 'n', long, value_name = "N", help = colors_help())]
    colors: Option<ColorCount>,

    #[arg(short, long, value_name = "M", help = choice_help(Method::CHOICES, Options::default().method.name()))]
    method: Option<Method>,

    #[arg(short, long, value_name = "S", help = sort_help())]
    sort: Option<Sort>,

    #[arg(long, value_name = "SPACE", help = choice_help(Space::CHOICES, Options::default().space.name()))]
    space: Option<Space>,

    #[arg(long, value_name = "SEED", value_parser = |s: &str| Options::with("seed", s).map(|o| o.seed), help = seed_help())]
    seed: Option<u64>,

    #[arg(long, value_name = "MODE", help = choice_help(Sampling::CHOICES, Options::default().sampling.name()))]
    sample: Option<Sampling>,

    #[arg(
        long,
        value_name = "A",
        value_parser = |s: &str| Options::with("alphaThreshold", s).map(|o| o.alpha_threshold),
        help = format!("pixels with alpha below A (0 to 255) are left out [default: {}]", Options::default().alpha_threshold)
    )]
    alpha_threshold: Option<u8>,

    #[arg(
        long,
        value_name = "P",
        value_parser = |s: &str| Options::with("maxPixels", s).map(|o| o.max_pixels),
        help = format!("refuse images with more pixels [default: {}]", Options::default().max_pixels)
    )]
    max_pixels: Option<u64>,

    #[arg(long, value_name = "R", help = region_help())]
    region: Option<Region>,

    /// colors the palette must hold exactly, the others chosen around them (e.g. '#1b2a3c,#e8c547'; at most N, each once)
    #[arg(long, value_name = "COLORS", value_parser = |s: &str| Options::with("keep", s).map(|o| o.keep))]
    keep: Option<KeptColors>,

    #[arg(long, value_name = "F", default_value_t = Format::default(), help = format_help())]
    format: Format,

    /// write the image with its palette strip below it (PNG); one image only
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// write each image with its strip into DIR, named after the image (still.jpg → DIR/still-palette.png)
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,

    /// with -o, --out-dir or an image format, the strip alone
    #[arg(long)]
    strip: bool,

    /// with -o, --out-dir or an image format, the whole frame above the strip, not only the counted region
    #[arg(long)]
    full_frame: bool,

    /// swatch widths proportional to their share (in the pictures and the formats that draw the strip)
    #[arg(long)]
    proportional: bool,

    /// in the pictures, transparent parts of the image stay transparent (by default they are shown on the strip's white)
    #[arg(long)]
    keep_alpha: bool,

    /// IMAGE is a stream of frames (PNG or JPEG files one after another, as from
    /// `ffmpeg -i film.mkv -vf fps=1 -f image2pipe -c:v png -`): print one palette a frame as JSON Lines
    /// ({"frame": i, "time": s, "colors": [...], ...}), then one line a shot ({"shot": i, "start": s, ...})
    /// and the film's palette ({"film": {...}})
    #[arg(long)]
    frames: bool,

    /// with --frames, the stream's frames per second (frame i is at i / R seconds) [default: 1]
    #[arg(long, value_name = "R", value_parser = positive_seconds)]
    fps: Option<f64>,

    /// with --frames, write the film's color barcode (PNG): one column a frame, time left to right
    #[arg(long, value_name = "FILE")]
    barcode: Option<PathBuf>,

    /// with --barcode, its size in pixels [default: one pixel column a frame, a quarter as high]
    #[arg(long, value_name = "WxH", value_parser = barcode_size)]
    barcode_size: Option<(u32, u32)>,

    /// with --barcode, each frame's mean color (in linear light) or its dominant one [default: mean]
    #[arg(long, value_name = "C", value_parser = |s: &str| BarcodeColor::parse(s))]
    barcode_color: Option<BarcodeColor>,

    /// with --frames, write the film's palette as a strip (PNG)
    #[arg(long, value_name = "FILE")]
    film_palette: Option<PathBuf>,

    /// images worked on at once [default: the number of cores]
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    jobs: Option<u32>,
}

fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 1000.0 => Ok(v),
        _ => Err(format!("{s:?} is not a frame rate: a number of frames per second above 0, at most 1000")),
    }
}

fn barcode_size(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("{s:?} is not a size: WIDTHxHEIGHT in pixels, such as 1920x400");
    let (w, h) = s.trim().split_once(['x', 'X']).ok_or_else(bad)?;
    let (w, h): (u32, u32) = (w.parse().map_err(|_| bad())?, h.parse().map_err(|_| bad())?);
    if w == 0 || h == 0 || w > 65_535 || h > 65_535 {
        return Err(format!("{s:?}: a barcode is 1 to 65,535 pixels on each side"));
    }
    Ok((w, h))
}

/// The kept colors as one value (clap would read a `Vec` as repeated options).
type KeptColors = Vec<[u8; 3]>;

fn colors_help() -> String {
    format!("number of colors, {} to {} [default: {}]", ColorCount::MIN, ColorCount::MAX, Options::default().colors)
}

fn choice_help<T>(table: &[Choice<T>], default: &str) -> String {
    let listed: Vec<String> = table.iter().map(|c| format!("{} ({})", c.name, c.hint)).collect();
    format!("{} [default: {default}]", listed.join("; "))
}

fn sort_help() -> String {
    format!(
        "{}, or a permutation such as 3,1,0,2 [default: {}]",
        allowed(Sort::CHOICES),
        Options::default().sort.name()
    )
}

fn format_help() -> String {
    let listed: Vec<String> = Format::CHOICES
        .iter()
        .map(|c| if c.value.is_image() { format!("{} (the image with its strip)", c.name) } else { c.name.to_string() })
        .collect();
    format!("what to print: {}", listed.join(", "))
}

fn region_help() -> String {
    format!(
        "which pixels count: auto (without letterbox bars and flat borders), full, or X,Y,WIDTH,HEIGHT [default: {}]",
        Options::default().region
    )
}

fn seed_help() -> String {
    let seeded: Vec<&str> = Method::CHOICES.iter().filter(|c| c.value.uses_seed()).map(|c| c.name).collect();
    format!(
        "seed for the methods that draw random numbers ({}) [default: {}]",
        seeded.join(", "),
        Options::default().seed
    )
}

/// The names of the formats for which `keep` holds.
fn format_names(keep: impl Fn(Format) -> bool) -> String {
    Format::CHOICES.iter().filter(|c| keep(c.value)).map(|c| c.name).collect::<Vec<_>>().join(", ")
}

/// A failure and its exit status.
struct Failure(u8, String);

impl Failure {
    /// The same failure, said of frame `n` of a stream.
    fn about_frame(self, n: usize) -> Failure {
        Failure(self.0, format!("frame {n}: {}", self.1))
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let code = match e {
            Error::InvalidOption(_) => 2,
            Error::Decode(_) | Error::Unsupported(_) => 4,
            Error::Limits(_) => 5,
            _ => 6,
        };
        Failure(code, e.to_string())
    }
}

fn usage(msg: impl std::fmt::Display) -> Failure {
    Failure(2, format!("{msg} (see cinepal --help)"))
}

/// clap's error as one line: its message and tips, without the usage block.
fn clap_message(e: &clap::Error) -> String {
    let rendered = e.render().to_string();
    let body = rendered.split("\nUsage:").next().unwrap_or_default();
    let lines: Vec<&str> = body.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let lines: Vec<&str> = lines.into_iter().filter(|l| !l.starts_with("For more information")).collect();
    lines.join("; ").trim_start_matches("error: ").replace(":; ", ": ")
}

/// What to do with each image, checked once for all of them.
struct Job {
    options: Options,
    limits: Limits,
    format: Format,
    render: Option<RenderOptions>,
    proportional: bool,
    /// Where each image's composite goes.
    outputs: Vec<Option<PathBuf>>,
    /// With several images, the files of a format that does not stream (gpl, svg, ase…) go here.
    out_dir: Option<PathBuf>,
    several: bool,
}

/// The options the command line asks for, checked.
fn options(cli: &Cli) -> Result<Options, Failure> {
    let defaults = Options::default();
    let options = Options {
        colors: cli.colors.unwrap_or(defaults.colors),
        method: cli.method.unwrap_or(defaults.method),
        sort: cli.sort.clone().unwrap_or(defaults.sort),
        space: cli.space.unwrap_or(defaults.space),
        seed: cli.seed.unwrap_or(defaults.seed),
        alpha_threshold: cli.alpha_threshold.unwrap_or(defaults.alpha_threshold),
        sampling: cli.sample.unwrap_or(defaults.sampling),
        region: cli.region.unwrap_or(defaults.region),
        max_pixels: cli.max_pixels.unwrap_or(defaults.max_pixels),
        keep: cli.keep.clone().unwrap_or_default(),
    };
    options.check()?;
    Ok(options)
}

impl Job {
    fn new(cli: &Cli) -> Result<Job, Failure> {
        let options = options(cli)?;
        let several = cli.inputs.len() > 1;
        if several && cli.output.is_some() {
            return Err(usage("-o names one file; with several images use --out-dir DIR"));
        }
        let renders = cli.output.is_some() || cli.out_dir.is_some() || cli.format.is_image();
        if cli.strip && !renders {
            return Err(usage(format!(
                "--strip needs -o FILE, --out-dir DIR or --format {}",
                format_names(Format::is_image)
            )));
        }
        if cli.proportional && !renders && !cli.format.draws_strip() {
            return Err(usage(format!(
                "--proportional needs -o FILE, --out-dir DIR or a format that draws the strip ({})",
                format_names(Format::draws_strip)
            )));
        }
        if several && cli.out_dir.is_none() && !cli.format.streams() {
            return Err(usage(format!(
                "--format {} gives one file an image: with several images use --out-dir DIR (the formats that share \
                 stdout: {})",
                cli.format,
                format_names(Format::streams)
            )));
        }
        if !several && cli.format.is_binary() && std::io::stdout().is_terminal() {
            // As gzip and curl do: binary data would garble the terminal.
            return Err(usage(format!(
                "--format {} is binary data, not written to a terminal: redirect it (> {}) or pipe it",
                cli.format,
                cli.format.file_name(stem(&cli.inputs[0]))
            )));
        }
        if cli.inputs.iter().filter(|i| *i == "-").count() > 1 {
            return Err(usage("stdin (-) can be read only once"));
        }
        let outputs = match (&cli.output, &cli.out_dir) {
            (Some(path), _) => vec![Some(path.clone())],
            (None, Some(dir)) => out_dir_names(&cli.inputs, dir, Format::COMPOSITE)?.into_iter().map(Some).collect(),
            (None, None) => vec![None; cli.inputs.len()],
        };
        if let Some(dir) = &cli.out_dir {
            std::fs::create_dir_all(dir)
                .map_err(|e| Failure(1, format!("cannot create {:?}: {e}", dir.display().to_string())))?;
        }
        Ok(Job {
            limits: options.limits(),
            options,
            format: cli.format,
            render: renders.then_some(RenderOptions {
                proportional: cli.proportional,
                strip: cli.strip,
                full_frame: cli.full_frame,
                keep_alpha: cli.keep_alpha,
                ..RenderOptions::default()
            }),
            proportional: cli.proportional,
            outputs,
            out_dir: cli.out_dir.clone().filter(|_| several),
            several,
        })
    }
}

/// The image's file name without folder and extension (`stdin` for `-`).
fn stem(input: &str) -> &str {
    if input == "-" {
        return "stdin";
    }
    Path::new(input).file_stem().and_then(|s| s.to_str()).unwrap_or("cinepal")
}

/// `DIR/<stem>-palette.<ext>` for each input; two inputs with the same name are refused.
fn out_dir_names(inputs: &[String], dir: &Path, format: Format) -> Result<Vec<PathBuf>, Failure> {
    let mut seen = std::collections::HashMap::new();
    inputs
        .iter()
        .map(|input| {
            let name = format.file_name(stem(input));
            if let Some(first) = seen.insert(name.clone(), input) {
                return Err(usage(format!("{first:?} and {input:?} would both write {name:?} in --out-dir")));
            }
            Ok(dir.join(name))
        })
        .collect()
}

/// Reads and decodes the input. A regular file is decoded as it is read
/// (never held whole, except a JPEG); stdin, a pipe or a device is read into
/// memory, at most `max_file_bytes` + 1 of it.
fn decode_input(path: &str, limits: &Limits) -> Result<Image, Failure> {
    let cannot = |e: std::io::Error| Failure(3, format!("cannot read {path:?}: {e}"));
    let file = if path == "-" { stdin_file() } else { Some(std::fs::File::open(path).map_err(cannot)?) };
    let mut bytes = Vec::new();
    let cap = limits.max_file_bytes.saturating_add(1);
    match file {
        Some(file) => {
            let meta = file.metadata().map_err(cannot)?;
            if meta.is_dir() {
                return Err(Failure(3, format!("cannot read {path:?}: it is a folder, not an image file")));
            }
            if meta.is_file() {
                cinepal::decode::check_file_size(meta.len(), limits)?;
                return Ok(cinepal::decode_stream(std::io::BufReader::new(file), limits)?);
            }
            // A pipe or a device: read into memory, at most one byte over the limit.
            file.take(cap).read_to_end(&mut bytes)
        }
        None => std::io::stdin().lock().take(cap).read_to_end(&mut bytes),
    }
    .map_err(cannot)?;
    Ok(cinepal::decode_vec(bytes, limits)?)
}

/// Standard input as a file, so that `cinepal - < still.png` is decoded as it
/// is read, like a named file (a pipe is then seen as one by its metadata).
/// Not when something has already read part of it: the image is what is left.
#[cfg(unix)]
fn stdin_file() -> Option<std::fs::File> {
    use std::io::Seek;
    use std::os::fd::AsFd;
    let mut file = std::fs::File::from(std::io::stdin().as_fd().try_clone_to_owned().ok()?);
    match file.stream_position() {
        Ok(0) | Err(_) => Some(file),
        Ok(_) => None,
    }
}

#[cfg(not(unix))]
fn stdin_file() -> Option<std::fs::File> {
    None
}

/// One image: its palette, its composite written where asked, and what to print.
fn process(job: &Job, index: usize, input: &str) -> Outcome {
    let image = decode_input(input, &job.limits)?;
    for note in image.notes() {
        // Also in the JSON's `warnings`.
        eprintln!("cinepal: {input:?}: warning: {note}");
    }
    let decoded = Instant::now();
    let palette = cinepal::extract(&image, &job.options)?;
    let seconds = decoded.elapsed().as_secs_f64();

    let mut picture = None;
    if let Some(ro) = &job.render {
        let out = render::render(&image, &palette.swatches, &ro.for_region(palette.region))?;
        drop(image);
        if let Some(path) = &job.outputs[index] {
            write_png(path, &out)?;
        }
        picture = Some(out);
    }

    let cx =
        ExportContext { name: stem(input).into(), proportional: job.proportional, seconds: Some(seconds), frame: None };
    if job.several && !job.format.streams() {
        // Each image a file of its own, in the folder (the picture is already there).
        let dir =
            job.out_dir.as_ref().expect("checked: several images of a format that does not stream need --out-dir");
        if !job.format.is_image() {
            let path = dir.join(job.format.file_name(stem(input)));
            std::fs::write(&path, job.format.write(&palette, &cx)?).map_err(|e| cannot_write(&path, &e))?;
        }
        return Ok(Vec::new());
    }
    if job.format.is_image() {
        let mut bytes = Vec::new();
        encode_png(&mut bytes, picture.as_ref().expect("rendered for an image format")).map_err(|e| Failure(1, e))?;
        return Ok(bytes);
    }
    if job.several {
        return Ok(job.format.write_in_stream(input, &palette, &cx)?);
    }
    Ok(job.format.write(&palette, &cx)?)
}

fn cannot_write(path: &Path, e: &dyn std::fmt::Display) -> Failure {
    Failure(1, format!("cannot write {:?}: {e}", path.display().to_string()))
}

/// Encodes the composite straight from its buffer (no copy: at 64 megapixels
/// a copy is 256 MiB).
fn write_png(path: &Path, img: &Image) -> Result<(), Failure> {
    let file = std::fs::File::create(path).map_err(|e| cannot_write(path, &e))?;
    let mut out = std::io::BufWriter::new(file);
    encode_png(&mut out, img).map_err(|e| cannot_write(path, &e))?;
    out.flush().map_err(|e| cannot_write(path, &e))
}

/// The composite as an RGBA PNG tagged sRGB (its pixels are sRGB: decoding converted them).
fn encode_png(out: &mut impl Write, img: &Image) -> Result<(), String> {
    let mut encoder = png::Encoder::new(out, img.width(), img.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Balanced);
    encoder.set_filter(png::Filter::Adaptive);
    encoder.set_source_srgb(png::SrgbRenderingIntent::Perceptual);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(img.data()).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly.
fn print(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|_| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure(1, format!("cannot write to stdout: {e}"))),
    }
}

/// What one image gave: its bytes for stdout, or why not.
type Outcome = Result<Vec<u8>, Failure>;

/// Every image, `jobs` at a time; output in the order given, as soon as it
/// is ready. Returns the first failed image's status.
fn process_all(job: &Job, inputs: &[String], jobs: usize) -> Result<(), Failure> {
    let slots: Mutex<Vec<Option<Outcome>>> = Mutex::new((0..inputs.len()).map(|_| None).collect());
    let ready = Condvar::new();
    let next = AtomicUsize::new(0);
    let mut first_failure: Option<u8> = None;
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(inputs.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(input) = inputs.get(i) else { break };
                let result = std::panic::catch_unwind(|| process(job, i, input))
                    .unwrap_or_else(|p| Err(Failure(70, internal_error(p))));
                slots.lock().expect("no panic while locked")[i] = Some(result);
                ready.notify_all();
            });
        }
        for (i, input) in inputs.iter().enumerate() {
            let mut guard = slots.lock().expect("no panic while locked");
            let result = loop {
                if let Some(r) = guard[i].take() {
                    break r;
                }
                guard = ready.wait(guard).expect("no panic while locked");
            };
            drop(guard);
            match result.and_then(|bytes| print(&bytes)) {
                Ok(()) => {}
                Err(Failure(code, msg)) => {
                    // Say which image failed, unless the message already does.
                    if msg.contains(&format!("{input:?}")) {
                        eprintln!("cinepal: {msg}");
                    } else {
                        eprintln!("cinepal: {input:?}: {msg}");
                    }
                    first_failure.get_or_insert(code);
                }
            }
        }
    });
    match first_failure {
        None => Ok(()),
        Some(code) => Err(Failure(code, String::new())),
    }
}

fn try_main() -> Result<(), Failure> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion) => {
            print(e.render().to_string().as_bytes())?;
            return Ok(());
        }
        Err(e) => return Err(usage(clap_message(&e))),
    };
    let frame_only = cli.fps.is_some() || cli.barcode.is_some() || cli.film_palette.is_some();
    if frame_only && !cli.frames {
        return Err(usage("--fps, --barcode and --film-palette go with --frames"));
    }
    if (cli.barcode_size.is_some() || cli.barcode_color.is_some()) && cli.barcode.is_none() {
        return Err(usage("--barcode-size and --barcode-color go with --barcode FILE"));
    }
    if cli.frames {
        return frames(&cli);
    }
    let job = Job::new(&cli)?;
    if !job.several {
        return print(&process(&job, 0, &cli.inputs[0])?);
    }
    let jobs =
        cli.jobs.map(|j| j as usize).unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    process_all(&job, &cli.inputs, jobs)
}

/// `--frames`: the palettes of a stream of frames, its shots, barcode and film palette.
fn frames(cli: &Cli) -> Result<(), Failure> {
    if cli.inputs.len() != 1 {
        return Err(usage("--frames reads one stream of frames (a file, or - for stdin)"));
    }
    if cli.output.is_some() || cli.out_dir.is_some() || cli.strip || cli.keep.is_some() {
        return Err(usage(
            "--frames writes JSON Lines, --barcode and --film-palette: not -o, --out-dir, --strip or --keep",
        ));
    }
    if cli.format != Format::Json && cli.format != Format::default() {
        return Err(usage(format!("--frames writes JSON Lines: --format {} does not apply", cli.format)));
    }
    let options = options(cli)?;
    let limits = options.limits();
    let input = &cli.inputs[0];
    let cannot = |e: std::io::Error| Failure(3, format!("cannot read {input:?}: {e}"));
    let reader: Box<dyn std::io::BufRead> = if input == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(std::fs::File::open(input).map_err(cannot)?))
    };
    let fps = cli.fps.unwrap_or(1.0);
    let mut stream = cinepal::ImageStream::new(reader);
    let mut scanner = Scanner::new(options.clone())?;
    let line = |v: serde_json::Value| print((v.to_string() + "\n").as_bytes());
    let mut n = 0usize;
    while let Some(bytes) = stream.next_image(&limits)? {
        let image = cinepal::decode_vec(bytes, &limits).map_err(|e| Failure::from(e).about_frame(n))?;
        let time = n as f64 / fps;
        let started = Instant::now();
        let palette = cinepal::extract(&image, &options).map_err(|e| Failure::from(e).about_frame(n))?;
        let seconds = started.elapsed().as_secs_f64();
        scanner.push(film::Frame::new(&image, time, &options)?)?;
        drop(image);
        let mut v = serde_json::to_value(cinepal::export::Report::new(&palette, Some(seconds))).expect("serializes");
        let fields = v.as_object_mut().expect("an object");
        let mut out = serde_json::Map::new();
        out.insert("frame".into(), n.into());
        out.insert("time".into(), time.into());
        out.append(fields);
        line(out.into())?;
        n += 1;
    }
    if n == 0 {
        return Err(Failure(4, format!("{input:?} holds no frame: a stream of PNG or JPEG files was expected")));
    }
    let film = scanner.finish(Some(n as f64 / fps))?;
    for shot in &film.shots {
        let mut v = serde_json::to_value(shot).expect("serializes");
        let fields = v.as_object_mut().expect("an object");
        let index = fields.remove("index").expect("an index");
        let mut out = serde_json::Map::new();
        out.insert("shot".into(), index);
        out.append(fields);
        line(out.into())?;
    }
    line(serde_json::json!({ "film": {
        "frames": n,
        "duration": n as f64 / fps,
        "shots": film.shots.len(),
        "colors": film.colors,
    }}))?;
    if let Some(path) = &cli.barcode {
        let (w, h) = cli.barcode_size.unwrap_or((n as u32, (n as u32 / 4).max(1)));
        let img = film::barcode(&film.columns, cli.barcode_color.unwrap_or_default(), Some(w), Some(h))?;
        write_png(path, &img)?;
    }
    if let Some(path) = &cli.film_palette {
        let img = render::render_strip(
            1200,
            &film.colors,
            &RenderOptions { proportional: cli.proportional, ..RenderOptions::default() },
        )?;
        write_png(path, &img)?;
    }
    Ok(())
}

fn internal_error(p: Box<dyn std::any::Any + Send>) -> String {
    let msg = p
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    format!("internal error (please report): {msg}")
}

fn main() -> ExitCode {
    // A panic would be a bug; report it as one line, not a backtrace.
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(try_main).unwrap_or_else(|p| Err(Failure(70, internal_error(p))));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code, msg)) => {
            if !msg.is_empty() {
                eprintln!("cinepal: {msg}");
            }
            ExitCode::from(code)
        }
    }
}
