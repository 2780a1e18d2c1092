//! The `cinepal` binary on generated fixture files: every output format, the
//! composite and strip PNGs, aliases, stdin, and every documented error exit.
//!
//! Run with `cargo test --release --test cli`.

mod fixtures;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use fixtures::*;
use image::{DynamicImage, ImageFormat, RgbaImage};

/// What a run of the binary gave.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_with(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cinepal"))
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start cinepal");
    if let Some(bytes) = stdin {
        child.stdin.take().expect("stdin").write_all(bytes).expect("write stdin");
    }
    let out = child.wait_with_output().expect("run cinepal");
    Run {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

fn run(args: &[&str]) -> Run {
    run_with(args, None)
}

/// A run that must succeed with nothing on stderr.
fn ok(args: &[&str]) -> Run {
    let r = run(args);
    assert_eq!(r.code, 0, "cinepal {args:?}: {r:?}");
    assert_eq!(r.stderr, "", "cinepal {args:?}");
    r
}

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path.to_str().expect("utf-8 path").to_string()
}

/// Four jittered quadrants, `w × h`, as PNG: many distinct colors, four groups.
fn noisy_quadrants_png(w: u32, h: u32) -> Vec<u8> {
    let base = quadrants(w, h);
    let mut rng = Lcg::new(7);
    let img = rgb_image(w, h, |x, y| jitter(base.get_pixel(x, y).0, 6, &mut rng));
    encode(&DynamicImage::ImageRgb8(img), ImageFormat::Png)
}

// ---------------------------------------------------------------- a tiny JSON reader

#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> &Json {
        match self {
            Json::Obj(fields) => {
                fields.iter().find(|(k, _)| k == key).map(|(_, v)| v).unwrap_or_else(|| panic!("no key {key}"))
            }
            other => panic!("not an object: {other:?}"),
        }
    }
    fn num(&self) -> f64 {
        match self {
            Json::Num(v) => *v,
            other => panic!("not a number: {other:?}"),
        }
    }
    fn str(&self) -> &str {
        match self {
            Json::Str(s) => s,
            other => panic!("not a string: {other:?}"),
        }
    }
    fn arr(&self) -> &[Json] {
        match self {
            Json::Arr(a) => a,
            other => panic!("not an array: {other:?}"),
        }
    }
}

/// Parses one JSON value (the whole input, surrounding whitespace allowed).
fn parse_json(text: &str) -> Json {
    let b = text.as_bytes();
    let mut i = 0;
    let v = value(b, &mut i);
    skip_ws(b, &mut i);
    assert_eq!(i, b.len(), "trailing characters after JSON: {text}");
    v
}

fn skip_ws(b: &[u8], i: &mut usize) {
    while *i < b.len() && b[*i].is_ascii_whitespace() {
        *i += 1;
    }
}

fn expect(b: &[u8], i: &mut usize, c: u8) {
    skip_ws(b, i);
    assert_eq!(b.get(*i), Some(&c), "expected '{}' at {}", c as char, i);
    *i += 1;
}

fn value(b: &[u8], i: &mut usize) -> Json {
    skip_ws(b, i);
    match b[*i] {
        b'{' => {
            *i += 1;
            let mut fields = Vec::new();
            skip_ws(b, i);
            if b[*i] == b'}' {
                *i += 1;
                return Json::Obj(fields);
            }
            loop {
                skip_ws(b, i);
                let Json::Str(k) = value(b, i) else { panic!("object key must be a string") };
                expect(b, i, b':');
                fields.push((k, value(b, i)));
                skip_ws(b, i);
                *i += 1;
                match b[*i - 1] {
                    b',' => continue,
                    b'}' => return Json::Obj(fields),
                    c => panic!("unexpected '{}' in object", c as char),
                }
            }
        }
        b'[' => {
            *i += 1;
            let mut items = Vec::new();
            skip_ws(b, i);
            if b[*i] == b']' {
                *i += 1;
                return Json::Arr(items);
            }
            loop {
                items.push(value(b, i));
                skip_ws(b, i);
                *i += 1;
                match b[*i - 1] {
                    b',' => continue,
                    b']' => return Json::Arr(items),
                    c => panic!("unexpected '{}' in array", c as char),
                }
            }
        }
        b'"' => {
            *i += 1;
            let mut s = String::new();
            while b[*i] != b'"' {
                if b[*i] == b'\\' {
                    *i += 1;
                    match b[*i] {
                        b'u' => {
                            let hex = std::str::from_utf8(&b[*i + 1..*i + 5]).unwrap();
                            s.push(char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap());
                            *i += 4;
                        }
                        b'n' => s.push('\n'),
                        b't' => s.push('\t'),
                        c => s.push(c as char),
                    }
                    *i += 1;
                } else {
                    let start = *i;
                    while b[*i] != b'"' && b[*i] != b'\\' {
                        *i += 1;
                    }
                    s.push_str(std::str::from_utf8(&b[start..*i]).unwrap());
                }
            }
            *i += 1;
            Json::Str(s)
        }
        b't' if b[*i..].starts_with(b"true") => {
            *i += 4;
            Json::Bool(true)
        }
        b'f' if b[*i..].starts_with(b"false") => {
            *i += 5;
            Json::Bool(false)
        }
        b'n' if b[*i..].starts_with(b"null") => {
            *i += 4;
            Json::Null
        }
        _ => {
            let start = *i;
            while *i < b.len() && matches!(b[*i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                *i += 1;
            }
            let t = std::str::from_utf8(&b[start..*i]).unwrap();
            Json::Num(t.parse().unwrap_or_else(|_| panic!("bad number '{t}'")))
        }
    }
}

/// The swatches of a `--format json` output: (hex, rgb, share).
fn json_colors(j: &Json) -> Vec<(String, [u8; 3], f64)> {
    j.get("colors")
        .arr()
        .iter()
        .map(|c| {
            let rgb = c.get("rgb").arr();
            assert_eq!(rgb.len(), 3);
            let rgb = [0, 1, 2].map(|k| {
                let v = rgb[k].num();
                assert!(v.fract() == 0.0 && (0.0..=255.0).contains(&v), "channel {v}");
                v as u8
            });
            (c.get("hex").str().to_string(), rgb, c.get("share").num())
        })
        .collect()
}

fn hex_of([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

#[test]
fn the_json_reader_reads_what_it_should() {
    let j = parse_json(r#" {"a": [1, -2.5e1, true, null], "b\"c": {"d": "\u0041"}, "e": []} "#);
    assert_eq!(j.get("a").arr()[1].num(), -25.0);
    assert_eq!(j.get("b\"c").get("d").str(), "A");
    assert!(j.get("e").arr().is_empty());
}

// ---------------------------------------------------------------- formats

#[test]
fn every_format_lists_the_same_swatches() {
    let dir = scratch("formats");
    let input = write(&dir, "quads.png", &noisy_quadrants_png(64, 48));

    let j = parse_json(&ok(&[&input, "-n", "6", "--format", "json"]).stdout);
    assert_eq!(j.get("width").num(), 64.0);
    assert_eq!(j.get("height").num(), 48.0);
    assert_eq!(j.get("pixels").num(), 3072.0);
    assert_eq!(j.get("method").str(), "telling");
    assert_eq!(j.get("space").str(), "oklab");
    assert_eq!(j.get("sort").str(), "smooth", "the default order");
    assert_eq!(j.get("requested").num(), 6.0);
    assert_eq!(j.get("count").num(), 6.0);
    assert!(j.get("seconds").num() >= 0.0);
    let colors = json_colors(&j);
    assert_eq!(colors.len(), 6);
    for (hex, rgb, share) in &colors {
        assert_eq!(*hex, hex_of(*rgb));
        assert!(*share > 0.0);
    }
    let total: f64 = colors.iter().map(|c| c.2).sum();
    // Shares print in Rust's shortest round-trip form, so they sum as in memory.
    assert!((total - 1.0).abs() < 1e-9, "shares sum to {total}");
    let distinct: std::collections::BTreeSet<&String> = colors.iter().map(|c| &c.0).collect();
    assert_eq!(distinct.len(), 6);

    // text: "#rrggbb  r g b  xx.x%" a line, in the same order.
    let text = ok(&[&input, "-n", "6"]).stdout;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 6, "{text}");
    for (line, (hex, rgb, share)) in lines.iter().zip(&colors) {
        let t: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(t.len(), 5, "{line}");
        assert_eq!(t[0], hex);
        assert_eq!([t[1], t[2], t[3]].map(|v| v.parse::<u8>().unwrap()), *rgb, "{line}");
        let pct: f64 = t[4].strip_suffix('%').expect("percent").parse().unwrap();
        assert!((pct - share * 100.0).abs() <= 0.05 + 1e-9, "{line}");
    }

    // css: custom properties on :root, numbered from 1.
    let css = ok(&[&input, "-n", "6", "--format", "css"]).stdout;
    let lines: Vec<&str> = css.lines().collect();
    assert_eq!((lines[0], *lines.last().unwrap(), lines.len()), (":root {", "}", 8), "{css}");
    for (i, (line, (hex, _, _))) in lines[1..7].iter().zip(&colors).enumerate() {
        let prefix = format!("  --cinepal-{}: {hex};", i + 1);
        assert!(line.starts_with(&prefix), "{line} should start with {prefix}");
    }

    // gpl: the GIMP palette header, then "r g b<TAB>name" rows.
    let gpl = ok(&[&input, "-n", "6", "--format", "gpl"]).stdout;
    let lines: Vec<&str> = gpl.lines().collect();
    assert_eq!(&lines[..4], &["GIMP Palette", "Name: quads", "Columns: 6", "#"], "{gpl}");
    assert_eq!(lines.len(), 10);
    for (line, (hex, rgb, _)) in lines[4..].iter().zip(&colors) {
        let (values, name) = line.split_once('\t').expect("tab before the name");
        let v: Vec<u8> = values.split_whitespace().map(|x| x.parse().unwrap()).collect();
        assert_eq!(v, rgb.to_vec(), "{line}");
        assert!(name.starts_with(hex.as_str()), "{line}");
    }
}

#[test]
fn fewer_colors_than_requested_are_reported() {
    let dir = scratch("fewer");
    let img = rgb_image(30, 10, |x, _| [[250, 0, 0], [0, 250, 0], [0, 0, 250]][x as usize / 10]);
    let input = write(&dir, "three.png", &encode(&DynamicImage::ImageRgb8(img), ImageFormat::Png));
    let j = parse_json(&ok(&[&input, "-n", "10", "--format", "json", "-s", "share"]).stdout);
    assert_eq!((j.get("requested").num(), j.get("count").num()), (10.0, 3.0));
    let mut got: Vec<[u8; 3]> = json_colors(&j).iter().map(|c| c.1).collect();
    got.sort();
    assert_eq!(got, vec![[0, 0, 250], [0, 250, 0], [250, 0, 0]]);
}

// ---------------------------------------------------------------- images out

/// `⌊k·W / (10n + 1)⌋`, the composite's geometry (docs/DESIGN.md).
fn at(k: u64, w: u32, n: usize) -> u32 {
    (k * w as u64 / (10 * n as u64 + 1)) as u32
}

fn read_png(path: &Path) -> RgbaImage {
    let bytes = std::fs::read(path).expect("output written");
    assert_eq!(image::guess_format(&bytes).unwrap(), ImageFormat::Png);
    image::load_from_memory(&bytes).unwrap().to_rgba8()
}

#[test]
fn output_png_is_the_still_with_its_strip() {
    let dir = scratch("composite");
    let (w, h) = (211u32, 37u32);
    let bytes = noisy_quadrants_png(w, h);
    let still = image::load_from_memory(&bytes).unwrap().to_rgba8();
    let input = write(&dir, "still.png", &bytes);
    let out = dir.join("out.png");
    let r = ok(&[&input, "-n", "5", "-s", "hue", "--format", "json", "-o", out.to_str().unwrap()]);
    let colors = json_colors(&parse_json(&r.stdout));
    let n = colors.len();
    assert_eq!(n, 5);
    let png = read_png(&out);
    assert_eq!(png.dimensions(), (w, h + at(11, w, n)));
    for (x, y, p) in still.enumerate_pixels() {
        assert_eq!(png.get_pixel(x, y), p, "still pixel ({x},{y})");
    }
    let y = h + (at(1, w, n) + at(10, w, n)) / 2;
    for (i, (_, [r, g, b], _)) in colors.iter().enumerate() {
        let x = (at(10 * i as u64 + 1, w, n) + at(10 * (i as u64 + 1), w, n)) / 2;
        assert_eq!(png.get_pixel(x, y).0, [*r, *g, *b, 255], "swatch {i}");
    }
    assert_eq!(png.get_pixel(0, y).0, [255; 4], "left margin");
    assert_eq!(png.get_pixel(w / 2, h + at(11, w, n) - 1).0, [255; 4], "bottom margin");
    // Tagged sRGB (decoding converted the still's colors to sRGB).
    let reader = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&out).unwrap())).read_info().unwrap();
    assert!(reader.info().srgb.is_some(), "no sRGB chunk");
}

#[test]
fn a_broken_color_profile_is_a_warning_not_a_failure() {
    let dir = scratch("profile");
    let (w, h) = (64u32, 48u32);
    let still = image::load_from_memory(&noisy_quadrants_png(w, h)).unwrap().to_rgb8();
    let mut bytes = Vec::new();
    let mut e = image::codecs::png::PngEncoder::new(&mut bytes);
    image::ImageEncoder::set_icc_profile(
        &mut e,
        b"not an ICC profile at all, but long enough to look like one".repeat(4),
    )
    .unwrap();
    image::ImageEncoder::write_image(e, still.as_raw(), w, h, image::ExtendedColorType::Rgb8).unwrap();
    let input = write(&dir, "broken.png", &bytes);
    let r = run(&[&input, "--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.starts_with(&format!("cinepal: {input:?}: warning: the embedded color profile")), "{r:?}");
    assert_eq!(r.stderr.lines().count(), 1, "{r:?}");
    assert!(r.stdout.contains("\"warnings\":[\"the embedded color profile"), "{}", r.stdout);
}

/// Runs of equal color along row `y`, white left out: (rgba, start, length).
fn runs(img: &RgbaImage, y: u32) -> Vec<([u8; 4], u32, u32)> {
    let mut out: Vec<([u8; 4], u32, u32)> = Vec::new();
    for x in 0..img.width() {
        let p = img.get_pixel(x, y).0;
        match out.last_mut() {
            Some((c, s, len)) if *c == p && *s + *len == x => *len += 1,
            _ => out.push((p, x, 1)),
        }
    }
    out.retain(|r| r.0 != [255; 4]);
    out
}

#[test]
fn strip_and_proportional_outputs() {
    let dir = scratch("strip");
    // Quadrants of unequal size: 3/4 of the width on the left.
    let (w, h) = (400u32, 40u32);
    let img = rgb_image(w, h, |x, y| match (x < 300, y < 20) {
        (true, true) => [200, 30, 40],
        (true, false) => [40, 60, 200],
        (false, true) => [30, 160, 60],
        (false, false) => [230, 200, 40],
    });
    let input = write(&dir, "uneven.png", &encode(&DynamicImage::ImageRgb8(img), ImageFormat::Png));

    let strip = dir.join("strip.png");
    let r = ok(&[&input, "-n", "4", "--format", "json", "--strip", "-o", strip.to_str().unwrap()]);
    let colors = json_colors(&parse_json(&r.stdout));
    let png = read_png(&strip);
    assert_eq!(png.dimensions(), (w, at(11, w, 4)));
    let equal = runs(&png, png.height() / 2);
    assert_eq!(equal.len(), 4);
    for (i, ((rgba, x0, len), (_, rgb, _))) in equal.iter().zip(&colors).enumerate() {
        assert_eq!(&rgba[..3], rgb);
        assert_eq!(
            (*x0, *len),
            (at(10 * i as u64 + 1, w, 4), at(10 * (i as u64 + 1), w, 4) - at(10 * i as u64 + 1, w, 4))
        );
    }

    let prop = dir.join("prop.png");
    let r = ok(&[&input, "-n", "4", "-s", "share", "--format", "json", "--proportional", "-o", prop.to_str().unwrap()]);
    let colors = json_colors(&parse_json(&r.stdout));
    let shares: Vec<f64> = colors.iter().map(|c| c.2).collect();
    assert_eq!(shares, vec![0.375, 0.375, 0.125, 0.125]);
    let png = read_png(&prop);
    assert_eq!(png.dimensions(), (w, h + at(11, w, 4)));
    let r = runs(&png, h + png.height().saturating_sub(h) / 2);
    assert_eq!(r.len(), 4, "{r:?}");
    let m = w as f64 / 41.0;
    for ((rgba, _, len), (_, rgb, share)) in r.iter().zip(&colors) {
        assert_eq!(&rgba[..3], rgb);
        // The swatches share the 9n·m the equal layout gives them; truncating each end costs ≤ 1 pixel.
        let want = 36.0 * m * share;
        assert!((*len as f64 - want).abs() <= 1.0, "{len} px for share {share}, want {want:.1}");
    }
}

// ---------------------------------------------------------------- spellings and stdin

#[test]
fn aliases_and_spellings_are_accepted() {
    let dir = scratch("aliases");
    let input = write(&dir, "quads.png", &noisy_quadrants_png(48, 48));
    let json = |args: &[&str]| {
        let mut all = vec![input.as_str(), "--format", "json"];
        all.extend(args);
        parse_json(&ok(&all).stdout)
    };
    for (alias, canonical) in [
        ("agglomerative-complete", "vivid_accents"),
        ("complete", "vivid_accents"),
        ("vivid-accents", "vivid_accents"),
        ("agglomerative_ward", "balanced"),
        ("k-means", "dominant"),
        ("kmeans", "dominant"),
        ("Average", "in_between"),
        ("single", "outliers"),
    ] {
        assert_eq!(json(&["-m", alias]).get("method").str(), canonical);
    }
    let j = json(&["-s", "dark-to-light", "-n", "5"]);
    assert_eq!(j.get("sort").str(), "dark_to_light");
    let sums: Vec<u32> = json_colors(&j).iter().map(|c| c.1.iter().map(|&v| v as u32).sum()).collect();
    assert!(sums.windows(2).all(|w| w[0] <= w[1]), "{sums:?}");
    assert_eq!(json(&["--sort=Along-Color"]).get("sort").str(), "widest_channel");
    assert_eq!(json(&["--sort=none"]).get("sort").str(), "as_found");
    assert_eq!(json(&["--space", "RGB"]).get("space").str(), "rgb");
    assert_eq!(json(&["--colors=3", "--method=ward"]).get("count").num(), 3.0);
    assert_eq!(json(&["--sample", "seed"]).get("sample").str(), "seed");

    // A manual order refers to the `none` order.
    let none = json_colors(&json(&["-n", "4", "-s", "none"]));
    let manual = json_colors(&json(&["-n", "4", "-s", "3,1,0,2"]));
    for (pos, &i) in [3usize, 1, 0, 2].iter().enumerate() {
        assert_eq!(manual[pos].0, none[i].0);
    }
}

#[test]
fn stdin_is_read_for_a_dash() {
    let dir = scratch("stdin");
    let bytes = noisy_quadrants_png(50, 30);
    let input = write(&dir, "quads.png", &bytes);
    let from_file = ok(&[&input, "-n", "4", "-m", "ward"]).stdout;
    let from_stdin = run_with(&["-", "-n", "4", "-m", "ward"], Some(&bytes));
    assert_eq!(from_stdin.code, 0, "{from_stdin:?}");
    assert_eq!(from_stdin.stdout, from_file);
    assert_eq!(from_stdin.stdout.lines().count(), 4);
    // Redirected from a file (`cinepal - < quads.png`), stdin is read as that file.
    let out = Command::new(env!("CARGO_BIN_EXE_cinepal"))
        .args(["-", "-n", "4", "-m", "ward"])
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), from_file);
    // ... from where it stands: what an earlier reader left of it.
    if cfg!(unix) {
        let mut prefixed = b"JUNK".to_vec();
        prefixed.extend(&bytes);
        let path = write(&dir, "prefixed.png", &prefixed);
        let out = Command::new("sh")
            .args(["-c", "head -c 4 >/dev/null; exec \"$0\" - -n 4 -m ward", env!("CARGO_BIN_EXE_cinepal")])
            .stdin(std::fs::File::open(&path).unwrap())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        assert_eq!(String::from_utf8(out.stdout).unwrap(), from_file);
    }
    // A redirected file over the size limit is refused from its size.
    let huge = dir.join("huge.png");
    std::fs::File::create(&huge).unwrap().set_len((640 << 20) + 1).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cinepal")).arg("-").stdin(std::fs::File::open(&huge).unwrap()).output();
    std::fs::remove_file(&huge).unwrap();
    let out = out.unwrap();
    assert_eq!(out.status.code(), Some(5), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("the limit is 640 MiB"), "{out:?}");
}

#[test]
fn help_and_version_print_to_stdout() {
    let help = ok(&["--help"]);
    assert!(help.stdout.contains("Usage: cinepal"), "{}", help.stdout);
    assert!(help.stdout.contains("--format"));
    let version = ok(&["-V"]);
    assert_eq!(version.stdout.trim(), format!("cinepal {}", env!("CARGO_PKG_VERSION")));
}

// ---------------------------------------------------------------- errors

/// One line on stderr starting with `cinepal: `, nothing on stdout, no panic, the documented code.
fn assert_fails(what: &str, r: &Run, code: i32) {
    assert_eq!(r.code, code, "{what}: {r:?}");
    assert_eq!(r.stdout, "", "{what}: stdout must stay empty");
    assert!(r.stderr.starts_with("cinepal: "), "{what}: {:?}", r.stderr);
    assert!(r.stderr.ends_with('\n') && r.stderr.lines().count() == 1, "{what}: {:?}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{what}: {:?}", r.stderr);
}

#[test]
fn every_error_exits_with_its_documented_code_and_one_line() {
    let dir = scratch("errors");
    let good = write(&dir, "quads.png", &noisy_quadrants_png(64, 48));
    let text = write(&dir, "notes.png", b"this is a text file, not an image\n");
    let empty = write(&dir, "empty.png", b"");
    let clear = write(&dir, "clear.png", &transparent_png(16, 16));
    let missing = dir.join("no-such-file.png").to_str().unwrap().to_string();
    let folder = dir.to_str().unwrap().to_string();
    let unwritable = dir.join("no-such-folder").join("out.png").to_str().unwrap().to_string();
    // Names are quoted with escapes, so even these stay on one line.
    let missing_newline = dir.join("no\nsuch.png").to_str().unwrap().to_string();
    let unwritable_newline = dir.join("no-such-folder").join("out\n.png").to_str().unwrap().to_string();
    // Over the 640 MiB file limit: refused from its size, without reading it (sparse, so it takes no disk).
    let huge = dir.join("huge.png");
    std::fs::File::create(&huge).unwrap().set_len((640 << 20) + 1).unwrap();
    let huge = huge.to_str().unwrap().to_string();
    let g = good.as_str();

    let cases: Vec<(&str, Vec<&str>, i32)> = vec![
        ("n = 0", vec![g, "-n", "0"], 2),
        ("n = 65", vec![g, "-n", "65"], 2),
        ("n not a number", vec![g, "-n", "ten"], 2),
        ("n without a value", vec![g, "-n"], 2),
        ("unknown method", vec![g, "-m", "dbscan"], 2),
        ("unknown sort", vec![g, "-s", "rainbow"], 2),
        ("unknown space", vec![g, "--space", "hsv"], 2),
        ("unknown format", vec![g, "--format", "xml"], 2),
        ("unknown sampling", vec![g, "--sample", "some"], 2),
        ("manual order with a repeat", vec![g, "-n", "4", "-s", "0,0,1,2"], 2),
        ("manual order too short", vec![g, "-n", "4", "-s", "0,1,2"], 2),
        ("manual order out of range", vec![g, "-n", "4", "-s", "0,1,2,4"], 2),
        ("manual order not numbers", vec![g, "-s", "1,x"], 2),
        ("alpha threshold 256", vec![g, "--alpha-threshold", "256"], 2),
        ("negative seed", vec![g, "--seed", "-1"], 2),
        ("max pixels 0", vec![g, "--max-pixels", "0"], 2),
        ("strip without -o", vec![g, "--strip"], 2),
        ("no image given", vec!["-n", "5"], 2),
        ("-o with two images", vec![g, g, "-o", "x.png"], 2),
        ("gpl for two images on stdout", vec![g, g, "--format", "gpl"], 2),
        ("ase for two images on stdout", vec![g, g, "--format", "ase"], 2),
        ("tailwind for two images on stdout", vec![g, g, "--format", "tailwind"], 2),
        ("stdin twice", vec!["-", "-"], 2),
        ("unknown flag", vec![g, "--frobnicate"], 2),
        ("missing file", vec![&missing], 3),
        ("a folder", vec![&folder], 3),
        ("a text file", vec![&text], 4),
        ("an empty file", vec![&empty], 4),
        ("over --max-pixels", vec![g, "--max-pixels", "10"], 5),
        ("fully transparent", vec![&clear], 6),
        ("output not writable", vec![g, "-o", &unwritable], 1),
        ("missing file with a newline in its name", vec![&missing_newline], 3),
        ("output with a newline in its name", vec![g, "-o", &unwritable_newline], 1),
        ("a file over 640 MiB", vec![&huge], 5),
    ];
    for (what, args, code) in &cases {
        assert_fails(what, &run(args), *code);
    }
    let r = run(&[&missing_newline]);
    assert!(r.stderr.contains(r#"no\nsuch.png""#), "the name, quoted with its escape: {:?}", r.stderr);
    let r = run(&[&huge]);
    assert!(r.stderr.contains("the limit is 640 MiB"), "{:?}", r.stderr);
    std::fs::remove_file(&huge).unwrap();
    assert_fails("empty stdin", &run_with(&["-"], Some(b"")), 4);
    assert_fails("text on stdin", &run_with(&["-"], Some(b"not an image at all")), 4);
    // "GIF89a" then " b" and "ut" read as a logical screen of 25120x29813: refused by the limits.
    assert_fails("a GIF header alone", &run_with(&["-"], Some(b"GIF89a but not really")), 5);
}

// ---------------------------------------------------------------- several images

/// Three distinct images and what one run on each prints.
fn three_images(dir: &Path) -> Vec<String> {
    [(48, 32), (40, 40), (64, 24)]
        .iter()
        .enumerate()
        .map(|(i, &(w, h))| write(dir, &format!("still-{i}.png"), &noisy_quadrants_png(w, h)))
        .collect()
}

#[test]
fn several_images_print_json_lines_in_the_order_given() {
    let dir = scratch("several-json");
    let inputs = three_images(&dir);
    let mut args: Vec<&str> = inputs.iter().map(String::as_str).collect();
    args.extend(["-n", "4", "--format", "json", "--jobs", "3"]);
    let out = ok(&args).stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    for (line, input) in lines.iter().zip(&inputs) {
        let j = parse_json(line);
        assert_eq!(j.get("file").str(), input);
        // The same palette as a run on that image alone.
        let alone = parse_json(&ok(&[input, "-n", "4", "--format", "json"]).stdout);
        assert_eq!(json_colors(&j), json_colors(&alone), "{input}");
        assert_eq!(j.get("width").num(), alone.get("width").num());
    }
}

#[test]
fn a_missing_image_among_several_costs_one_line_and_the_others_go_on() {
    let dir = scratch("several-missing");
    let inputs = three_images(&dir);
    let missing = dir.join("gone.png").to_str().unwrap().to_string();
    let text = write(&dir, "notes.png", b"plain text\n");
    let r = run(&[&inputs[0], &missing, &inputs[1], &text, &inputs[2], "-n", "3", "--format", "json"]);
    assert_eq!(r.code, 3, "the first failure's status (missing file): {r:?}");
    let files: Vec<String> = r.stdout.lines().map(|l| parse_json(l).get("file").str().to_string()).collect();
    assert_eq!(files, inputs, "every readable image, in order");
    let errors: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(errors.len(), 2, "{:?}", r.stderr);
    assert!(errors[0].starts_with("cinepal: ") && errors[0].contains("gone.png"), "{errors:?}");
    assert!(errors[1].contains("notes.png") && errors[1].contains("not"), "{errors:?}");
    // Text output: one block an image, headed by its name.
    let r = run(&[&inputs[0], &missing, &inputs[1], "-n", "3"]);
    assert_eq!(r.code, 3);
    assert_eq!(r.stdout.matches("==> ").count(), 2, "{}", r.stdout);
    assert!(r.stdout.starts_with(&format!("==> {} <==\n", inputs[0])), "{}", r.stdout);
}

#[test]
fn out_dir_gets_a_composite_named_after_each_image() {
    let dir = scratch("out-dir");
    let inputs = three_images(&dir);
    let out = dir.join("palettes");
    let mut args: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let out_str = out.to_str().unwrap().to_string();
    args.extend(["-n", "5", "--out-dir", &out_str, "--format", "svg"]);
    let r = ok(&args);
    assert_eq!(r.stdout, "", "svg files go to the folder, not stdout");
    for (i, input) in inputs.iter().enumerate() {
        let png = read_png(&out.join(format!("still-{i}-palette.png")));
        let alone = dir.join(format!("alone-{i}.png"));
        ok(&[input, "-n", "5", "-o", alone.to_str().unwrap()]);
        assert_eq!(png, read_png(&alone), "{input}: the same composite as -o");
        let svg = std::fs::read_to_string(out.join(format!("still-{i}-palette.svg"))).unwrap();
        assert_eq!(svg.matches("<rect x=").count(), 5, "{svg}");
    }
    // Two images of the same name would overwrite each other: refused before any work.
    let other = dir.join("other");
    std::fs::create_dir_all(&other).unwrap();
    let twin = write(&other, "still-0.png", &noisy_quadrants_png(20, 20));
    let r = run(&[&inputs[0], &twin, "--out-dir", &out_str]);
    assert_fails("same name twice", &r, 2);
    assert!(r.stderr.contains("still-0-palette.png"), "{:?}", r.stderr);
}

#[test]
fn svg_on_stdout_is_the_strip_of_the_palette() {
    let dir = scratch("svg");
    let input = write(&dir, "quads.png", &noisy_quadrants_png(101, 40));
    let colors = json_colors(&parse_json(&ok(&[&input, "-n", "4", "--format", "json"]).stdout));
    let svg = ok(&[&input, "-n", "4", "--format", "svg"]).stdout;
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"101\""), "{svg}");
    let fills: Vec<&str> = svg.split("fill=\"").skip(2).map(|s| &s[..7]).collect();
    let hexes: Vec<&str> = colors.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(fills, hexes);
}

#[test]
fn option_errors_are_one_short_line_pointing_to_help() {
    let dir = scratch("short-errors");
    let g = write(&dir, "quads.png", &noisy_quadrants_png(16, 16));
    for (args, says) in [
        (vec![g.as_str(), "-n", "0"], "the number of colors must be a whole number from 1 to 64, got 0"),
        (
            vec![g.as_str(), "-m", "dbscan"],
            "allowed: telling, dominant, balanced, vivid_accents, in_between, outliers (or default, kmeans",
        ),
        (vec![g.as_str(), "--format", "xml"], "allowed: png, json, css, gpl, svg, text"),
        (vec![g.as_str(), "--colours", "3"], "--colors"),
        (vec!["-n", "3"], "IMAGE"),
    ] {
        let r = run(&args);
        assert_fails(&format!("{args:?}"), &r, 2);
        assert!(r.stderr.contains(says), "{args:?}: {:?}", r.stderr);
        assert!(r.stderr.trim_end().ends_with("(see cinepal --help)"), "{:?}", r.stderr);
        assert!(r.stderr.len() < 300, "short: {:?}", r.stderr);
    }
}

#[test]
fn png_on_stdout_with_and_without_a_file_and_the_strip_alone() {
    let dir = scratch("png-stdout");
    let input = write(&dir, "quads.png", &noisy_quadrants_png(101, 40));
    let decode = |bytes: &[u8]| image::load_from_memory(bytes).expect("a PNG").to_rgba8();
    let run_bytes = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_cinepal")).args(args).output().expect("run cinepal");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let file = dir.join("composite.png");
    let printed = run_bytes(&[&input, "-n", "4", "--format", "png", "-o", file.to_str().unwrap()]);
    let composite = decode(&printed);
    assert_eq!(composite, read_png(&file), "stdout and -o hold the same composite");
    assert_eq!((composite.width(), composite.height()), (101, 40 + at(11, 101, 4)));
    let strip = decode(&run_bytes(&[&input, "-n", "4", "--format", "png", "--strip"]));
    assert_eq!((strip.width(), strip.height()), (101, at(11, 101, 4)));
    let proportional = decode(&run_bytes(&[&input, "-n", "4", "--format", "png", "--strip", "--proportional"]));
    assert_eq!(proportional.dimensions(), strip.dimensions());
    assert_ne!(proportional, strip, "proportional widths change the strip");
}

#[test]
fn transparent_parts_are_shown_on_the_strips_white_unless_kept() {
    let dir = scratch("keep-alpha");
    // The left half opaque red, the right half transparent (its RGB black, as background removers leave it).
    let mut rgba = image::RgbaImage::new(40, 20);
    for (x, _, p) in rgba.enumerate_pixels_mut() {
        *p = if x < 20 { image::Rgba([220, 20, 30, 255]) } else { image::Rgba([0, 0, 0, 0]) };
    }
    let mut bytes = Vec::new();
    rgba.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png).unwrap();
    let input = write(&dir, "half.png", &bytes);
    let shown = |extra: &[&str]| {
        let mut args = vec![input.as_str(), "-n", "1", "--format", "png"];
        args.extend(extra);
        let (code, out, err) = run_bytes(&args);
        assert_eq!(code, 0, "{err}");
        image::load_from_memory(&out).unwrap().to_rgba8()
    };
    let plain = shown(&[]);
    assert_eq!(plain.get_pixel(5, 5).0, [220, 20, 30, 255]);
    assert_eq!(plain.get_pixel(30, 5).0, [255, 255, 255, 255], "as the page shows it: on the strip's white");
    let kept = shown(&["--keep-alpha"]);
    assert_eq!(kept.get_pixel(30, 5).0[3], 0, "--keep-alpha keeps it transparent");
    assert_eq!(kept.get_pixel(5, 5).0, [220, 20, 30, 255]);
}

/// A run's exit status, stdout as bytes, and stderr.
fn run_bytes(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_cinepal")).args(args).stdin(Stdio::null()).output().expect("run cinepal");
    (out.status.code().expect("exited"), out.stdout, String::from_utf8(out.stderr).expect("utf-8 stderr"))
}

/// `s` as UTF-16BE, as the names of the `.ase` and `.aco` files are written.
fn utf16be(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

#[test]
fn the_formats_of_other_apps_on_stdout() {
    let dir = scratch("app-formats");
    let input = write(&dir, "quads.png", &noisy_quadrants_png(64, 48));
    let colors = json_colors(&parse_json(&ok(&[&input, "-n", "5", "--format", "json"]).stdout));
    let hexes: Vec<&str> = colors.iter().map(|(hex, _, _)| hex.as_str()).collect();
    assert_eq!(hexes.len(), 5);
    let binary = |format: &str| {
        let (code, stdout, stderr) = run_bytes(&[&input, "-n", "5", "--format", format]);
        assert_eq!((code, stderr.as_str()), (0, ""), "{format}");
        assert!(!stdout.is_empty(), "{format}");
        stdout
    };
    // Adobe Swatch Exchange 1.0, 7 blocks (a group around the 5 colors), each color named by its hex, in order.
    let ase = binary("ase");
    assert_eq!(&ase[..12], b"ASEF\0\x01\0\0\0\0\0\x07");
    assert!(ase.windows(10).any(|w| w == utf16be("quads").as_slice()), "the group is named after the image");
    let at: Vec<usize> =
        hexes.iter().map(|h| ase.windows(14).position(|w| w == utf16be(h)).expect("each hex")).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "in order: {at:?}");
    // Photoshop: version 1, 5 colors, each RGB (space 0) in 16 bits; then version 2 with names.
    let aco = binary("aco");
    let (r, g, b) = (colors[0].1[0] as u16 * 257, colors[0].1[1] as u16 * 257, colors[0].1[2] as u16 * 257);
    let first: Vec<u8> = [1, 5, 0, r, g, b, 0].iter().flat_map(|v: &u16| v.to_be_bytes()).collect();
    assert_eq!(&aco[..14], first.as_slice());
    assert_eq!(&aco[54..58], &[0, 2, 0, 5], "the version 2 section after 5 colors of 10 bytes");
    // Procreate: a ZIP whose one file is Swatches.json.
    let swatches = binary("swatches");
    assert_eq!(&swatches[..4], b"PK\x03\x04");
    assert_eq!(&swatches[30..43], b"Swatches.json");
    // Tailwind: every color in order, as text.
    let theme = ok(&[&input, "-n", "5", "--format", "tailwind"]).stdout;
    let config = ok(&[&input, "-n", "5", "--format", "tailwind-config"]).stdout;
    for (i, hex) in hexes.iter().enumerate() {
        assert!(theme.contains(&format!("  --color-cinepal-{}: {hex};", i + 1)), "{theme}");
        assert!(config.contains(&format!(" {}: '{hex}',", i + 1)), "{config}");
    }
    assert!(theme.contains("@theme {") && config.contains("export default {"));
}

#[test]
fn several_images_get_a_file_each_of_the_formats_of_other_apps() {
    let dir = scratch("app-formats-out-dir");
    let inputs = three_images(&dir);
    let out = dir.join("palettes");
    for (format, extension, head) in
        [("ase", "ase", &b"ASEF"[..]), ("swatches", "swatches", b"PK\x03\x04"), ("tailwind", "tailwind.css", b"/* ")]
    {
        let mut args: Vec<&str> = inputs.iter().map(String::as_str).collect();
        args.extend(["-n", "4", "--format", format, "--out-dir", out.to_str().unwrap()]);
        let r = ok(&args);
        assert_eq!(r.stdout, "", "{format}: the files go to the folder");
        for i in 0..3 {
            let file = std::fs::read(out.join(format!("still-{i}-palette.{extension}"))).unwrap();
            assert!(file.starts_with(head), "{format} {i}");
        }
    }
}

#[test]
fn binary_data_is_not_written_to_a_terminal() {
    // `script` gives the command a terminal for its output (util-linux).
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` command to give cinepal a terminal");
        return;
    }
    let dir = scratch("terminal");
    let input = write(&dir, "quads.png", &noisy_quadrants_png(32, 32));
    let on_terminal = |format: &str| {
        let command = format!("{} {input} -n 3 --format {format}", env!("CARGO_BIN_EXE_cinepal"));
        let out = Command::new("script").args(["-qec", &command, "/dev/null"]).stdin(Stdio::null()).output().unwrap();
        (out.status.code().unwrap(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    for format in ["ase", "aco", "swatches", "png"] {
        let (code, shown) = on_terminal(format);
        assert_eq!(code, 2, "{format}: {shown}");
        assert!(shown.contains("is binary data, not written to a terminal"), "{format}: {shown}");
        assert!(!shown.contains("ASEF") && !shown.contains("PNG"), "{format}: nothing else: {shown}");
    }
    let (code, shown) = on_terminal("tailwind");
    assert_eq!(code, 0, "text is written: {shown}");
    assert!(shown.contains("@theme {"), "{shown}");
}

#[test]
fn svg_on_stdout_takes_proportional_widths() {
    let dir = scratch("svg-proportional");
    let input = write(&dir, "quads.png", &noisy_quadrants_png(101, 40));
    let widths = |svg: &str| -> Vec<u32> {
        svg.split("<rect x=")
            .skip(1)
            .map(|r| r.split("width=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap())
            .collect()
    };
    let even = widths(&ok(&[&input, "-n", "7", "--format", "svg"]).stdout);
    let proportional = widths(&ok(&[&input, "-n", "7", "--format", "svg", "--proportional"]).stdout);
    assert!(even.windows(2).all(|w| w[0].abs_diff(w[1]) <= 1), "equal but for rounding: {even:?}");
    assert_ne!(even, proportional);
    assert_fails("--proportional for text", &run(&[&input, "--proportional"]), 2);
}

#[test]
fn help_lists_every_choice_and_default_from_the_core() {
    use cinepal::{Format, Method, Named, Options, Sampling, Sort, Space};
    let help = ok(&["--help"]).stdout;
    let names = Method::CHOICES
        .iter()
        .map(|c| c.name)
        .chain(Sort::CHOICES.iter().map(|c| c.name))
        .chain(Space::CHOICES.iter().map(|c| c.name))
        .chain(Sampling::CHOICES.iter().map(|c| c.name))
        .chain(Format::CHOICES.iter().map(|c| c.name));
    for name in names {
        assert!(help.contains(name), "{name} is not in --help");
    }
    for hint in Method::CHOICES.iter().map(|c| c.hint) {
        assert!(help.replace('\n', " ").split_whitespace().collect::<Vec<_>>().join(" ").contains(hint), "{hint}");
    }
    let d = Options::default();
    assert!(
        help.contains(&format!("[default: {}]", d.colors)) && help.contains(&format!("[default: {}]", d.max_pixels))
    );
}

// ---------------------------------------------------------------- the counted region

/// Jittered quadrants (120 × 60) between black bars 15 rows high above and below.
fn letterboxed_png() -> Vec<u8> {
    let inner = quadrants(120, 60);
    let mut rng = Lcg::new(3);
    let img = rgb_image(120, 90, |x, y| {
        if (15..75).contains(&y) {
            jitter(inner.get_pixel(x, y - 15).0, 6, &mut rng)
        } else {
            jitter([2, 2, 2], 2, &mut rng)
        }
    });
    encode(&DynamicImage::ImageRgb8(img), ImageFormat::Png)
}

#[test]
fn region_auto_leaves_the_bars_out_of_the_palette_and_the_composite() {
    let dir = scratch("region");
    let input = write(&dir, "letterboxed.png", &letterboxed_png());
    let j = parse_json(&ok(&[&input, "-n", "4", "--format", "json"]).stdout);
    let auto = parse_json(&ok(&[&input, "-n", "4", "--region", "auto", "--format", "json"]).stdout);
    assert_eq!(json_colors(&j), json_colors(&auto), "auto by default");
    let region = j.get("region");
    let r = ["x", "y", "width", "height"].map(|k| region.get(k).num() as u32);
    assert_eq!(r, [0, 15, 120, 60], "the bars found");
    for (hex, rgb, _) in json_colors(&j) {
        assert!(rgb.iter().any(|&c| c > 40), "{hex}: no swatch is the bars' color");
    }
    assert_eq!(j.get("counted").num(), 120.0 * 60.0);
    // The whole image when asked.
    let full = parse_json(&ok(&[&input, "-n", "4", "--region", "full", "--format", "json"]).stdout);
    assert_eq!(full.get("region").get("height").num(), 90.0);
    assert!(json_colors(&full).iter().any(|c| c.1.iter().all(|&v| v < 10)), "the bars take a swatch");
    // The composite shows the region, or the full frame when asked.
    let out = dir.join("auto.png");
    ok(&[&input, "-n", "4", "--region", "auto", "-o", out.to_str().unwrap()]);
    assert_eq!(read_png(&out).dimensions(), (120, 60 + at(11, 120, 4)));
    ok(&[&input, "-n", "4", "--region", "auto", "--full-frame", "-o", out.to_str().unwrap()]);
    assert_eq!(read_png(&out).dimensions(), (120, 90 + at(11, 120, 4)));
    // A region by hand; bad ones are one line naming what is allowed.
    let hand = parse_json(&ok(&[&input, "-n", "2", "--region", "0,15,60,30", "--format", "json"]).stdout);
    assert_eq!(hand.get("counted").num(), 1800.0);
    for bad in ["0,0,0,5", "100,0,30,10", "1,2,3", "left"] {
        let r = run(&[&input, "--region", bad]);
        assert_fails(bad, &r, 2);
        assert!(
            r.stderr.contains("X,Y,WIDTH,HEIGHT") || r.stderr.contains("inside the 120x90 image"),
            "{:?}",
            r.stderr
        );
    }
    let clear = write(&dir, "clear.png", &transparent_png(16, 16));
    assert_fails("a region with no opaque pixel", &run(&[&clear, "--region", "2,2,4,4"]), 6);
}

#[test]
fn kept_colors_are_in_the_palette_and_bad_ones_are_option_errors() {
    let dir = scratch("keep");
    let img = write(&dir, "q.png", &noisy_quadrants_png(64, 48));
    let args = ["-n", "6", "--keep", "#ff00ff,#203040", "--format", "json", &img];
    let r = ok(&args);
    let colors = json_colors(&parse_json(&r.stdout));
    assert_eq!(colors.len(), 6, "{}", r.stdout);
    for hex in ["#ff00ff", "#203040"] {
        assert!(colors.iter().any(|c| c.0 == hex), "{hex} missing: {}", r.stdout);
        assert!(r.stdout.contains(&format!("\"hex\":\"{hex}\"")));
    }
    assert_eq!(r.stdout.matches("\"kept\":true").count(), 2, "{}", r.stdout);
    assert_eq!(r.stdout.matches("\"kept\":false").count(), 4, "{}", r.stdout);
    // Deterministic.
    assert_eq!(ok(&args).stdout.split("\"seconds\"").next(), r.stdout.split("\"seconds\"").next());
    for (keep, n, says) in [
        ("red", "6", "keep must list colors written #rrggbb"),
        ("#12345", "6", "keep must list colors written #rrggbb"),
        ("#000000,#000000", "6", "keep lists #000000 twice"),
        ("#000000,#111111,#222222", "2", "keep lists 3 colors but the palette has 2"),
    ] {
        let r = run(&["-n", n, "--keep", keep, &img]);
        assert_eq!(r.code, 2, "--keep {keep}: {r:?}");
        assert_eq!(r.stderr.lines().count(), 1, "--keep {keep}: {}", r.stderr);
        assert!(r.stderr.starts_with("cinepal: ") && r.stderr.contains(says), "--keep {keep}: {}", r.stderr);
        assert_eq!(r.stdout, "");
    }
}
