//! `cinepal`: the palette of an image on the command line.
//!
//! Errors are one line on stderr and a non-zero exit status:
//! 1 output could not be written, 2 usage or option error, 3 input could not
//! be read, 4 not a readable image, 5 over the decoding limits, 6 nothing to
//! extract (for example no opaque pixel), 70 internal error.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use cinepal::{export, palette, render, Error, Limits, Method, Options, RenderOptions, Sampling, Sort, Space};

const USAGE: &str = "\
cinepal: the colors that tell an image, as a strip of swatches under it

Usage: cinepal [OPTIONS] <IMAGE>

IMAGE is a PNG, JPEG, WebP, GIF (first frame) or BMP file, or - for stdin.

Options:
  -n, --colors <N>          number of colors, 1 to 64 (default 10)
  -m, --method <M>          kmeans | ward | complete | average | single (default kmeans)
  -s, --sort <S>            none | red | green | blue | along_color | dark_to_light |
                            share | hue | lightness | smooth, or a permutation such as
                            3,1,0,2 (default none)
      --space <SPACE>       oklab | rgb (default oklab)
      --seed <SEED>         seed for k-means (default 0)
      --sample <MODE>       all | seed: every pixel, or every s-th pixel as the seed
                            notebook did (default all)
      --alpha-threshold <A> pixels with alpha below A are left out, 0 to 255 (default 128)
      --max-pixels <P>      refuse images with more pixels (default 64000000)
      --format <F>          text | json | css | gpl (default text)
  -o, --output <FILE>       write the image with its palette strip below it (PNG)
      --strip               with -o, write the strip alone
      --proportional        with -o, swatch widths proportional to their share
  -h, --help                print this help
  -V, --version             print the version
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Css,
    Gpl,
}

struct Args {
    input: String,
    options: Options,
    limits: Limits,
    format: Format,
    output: Option<PathBuf>,
    strip: bool,
    proportional: bool,
}

/// A failure and its exit status.
struct Failure(u8, String);

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let code = match e {
            Error::InvalidOption(_) => 2,
            Error::Decode(_) => 4,
            Error::Limits(_) => 5,
            _ => 6,
        };
        Failure(code, e.to_string())
    }
}

fn usage(msg: String) -> Failure {
    Failure(2, format!("{msg} (see cinepal --help)"))
}

fn parse_number<T: std::str::FromStr>(flag: &str, v: &str, allowed: &str) -> Result<T, Failure> {
    v.trim().parse().map_err(|_| usage(format!("{flag} must be {allowed}, got {v:?}")))
}

fn parse_args(argv: Vec<String>) -> Result<Option<Args>, Failure> {
    let mut options = Options::default();
    let mut limits = Limits::default();
    let (mut format, mut output, mut strip, mut proportional, mut input) = (Format::Text, None, false, false, None);
    let mut it = argv.into_iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let takes_value = matches!(
            flag.as_str(),
            "-n" | "--colors"
                | "-m"
                | "--method"
                | "-s"
                | "--sort"
                | "--space"
                | "--seed"
                | "--sample"
                | "--alpha-threshold"
                | "--max-pixels"
                | "--format"
                | "-o"
                | "--output"
        );
        let value = if takes_value {
            match inline.or_else(|| it.next()) {
                Some(v) => v,
                None => return Err(usage(format!("{flag} needs a value"))),
            }
        } else {
            String::new()
        };
        match flag.as_str() {
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(None);
            }
            "-V" | "--version" => {
                println!("cinepal {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            "-n" | "--colors" => {
                let n: usize =
                    parse_number(&flag, &value, &format!("a whole number from 1 to {}", palette::MAX_COLORS))?;
                palette::validate_colors(n)?;
                options.colors = n;
            }
            "-m" | "--method" => {
                options.method = Method::parse(&value).ok_or_else(|| {
                    Failure(2, format!("unknown method {value:?}; allowed: kmeans, ward, complete, average, single (or agglomerative-<linkage>, k-means)"))
                })?;
            }
            "-s" | "--sort" => options.sort = Sort::parse(&value)?,
            "--space" => options.space = Space::parse(&value)?,
            "--seed" => options.seed = parse_number(&flag, &value, "a whole number from 0 to 18446744073709551615")?,
            "--sample" => options.sampling = Sampling::parse(&value)?,
            "--alpha-threshold" => {
                options.alpha_threshold = parse_number(&flag, &value, "a whole number from 0 to 255")?
            }
            "--max-pixels" => {
                limits.max_pixels = parse_number(&flag, &value, "a positive whole number")?;
                if limits.max_pixels == 0 {
                    return Err(usage("--max-pixels must be at least 1".into()));
                }
            }
            "--format" => {
                format = match value.trim().to_ascii_lowercase().as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    "css" => Format::Css,
                    "gpl" => Format::Gpl,
                    _ => return Err(Failure(2, format!("unknown format {value:?}; allowed: text, json, css, gpl"))),
                }
            }
            "-o" | "--output" => output = Some(PathBuf::from(value)),
            "--strip" => strip = true,
            "--proportional" => proportional = true,
            f if f.starts_with('-') && f != "-" => return Err(usage(format!("unknown option {f:?}"))),
            _ => {
                if input.replace(arg.clone()).is_some() {
                    return Err(usage(format!("only one image may be given, got a second: {arg:?}")));
                }
            }
        }
    }
    let input = input.ok_or_else(|| usage("no image given".into()))?;
    if (strip || proportional) && output.is_none() {
        return Err(usage("--strip and --proportional need -o <FILE>".into()));
    }
    Ok(Some(Args { input, options, limits, format, output, strip, proportional }))
}

/// Reads and decodes the input. A regular file is decoded as it is read
/// (never held whole, except a JPEG); stdin, a pipe or a device is read into
/// memory, at most `max_file_bytes` + 1 of it.
fn decode_input(path: &str, limits: &Limits) -> Result<cinepal::Image, Failure> {
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

fn try_main() -> Result<(), Failure> {
    let Some(args) = parse_args(std::env::args().skip(1).collect())? else {
        return Ok(());
    };
    let image = decode_input(&args.input, &args.limits)?;
    let decoded = Instant::now();
    let palette = cinepal::extract(&image, &args.options)?;
    let seconds = decoded.elapsed().as_secs_f64();

    if let Some(path) = &args.output {
        let ro = RenderOptions { proportional: args.proportional, ..RenderOptions::default() };
        let out = if args.strip {
            render::render_strip(image.width(), &palette.swatches, &ro)?
        } else {
            render::render_composite(&image, &palette.swatches, &ro)?
        };
        drop(image);
        write_png(path, &out)?;
    }

    let stem = std::path::Path::new(&args.input).file_stem().and_then(|s| s.to_str()).unwrap_or("cinepal");
    let text = match args.format {
        Format::Text => export::to_text(&palette),
        Format::Json => export::to_json(&palette, Some(seconds)) + "\n",
        Format::Css => export::to_css(&palette),
        Format::Gpl => export::to_gpl(&palette, stem),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure(1, format!("cannot write to stdout: {e}"))),
    }
}

/// Encodes the composite straight from its buffer (no copy: at 64 megapixels
/// a copy is 256 MiB).
fn write_png(path: &std::path::Path, img: &cinepal::Image) -> Result<(), Failure> {
    use image::ImageEncoder;
    let cannot = |e: &dyn std::fmt::Display| Failure(1, format!("cannot write {:?}: {e}", path.display().to_string()));
    let file = std::fs::File::create(path).map_err(|e| cannot(&e))?;
    let mut out = std::io::BufWriter::new(file);
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.data(), img.width(), img.height(), image::ExtendedColorType::Rgba8)
        .map_err(|e| cannot(&e))?;
    out.flush().map_err(|e| cannot(&e))
}

fn main() -> ExitCode {
    // A panic would be a bug; report it as one line, not a backtrace.
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(try_main).unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Failure(70, format!("internal error (please report): {msg}")))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code, msg)) => {
            eprintln!("cinepal: {msg}");
            ExitCode::from(code)
        }
    }
}
