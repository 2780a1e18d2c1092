//! Films through the CLI: a clip made by ffmpeg from three stills of known
//! content (a cut, then a fade), its frames piped to `cinepal --frames` as
//! ffmpeg writes them, the shots found at the right times, each shot's
//! palette near the still it was made from, and the barcode following the
//! shots.
//!
//! Needs `ffmpeg` (Debian's; scripts/test.sh installs it). Run with
//! `cargo test --release --test film`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cinepal::color::{self, Oklab};
use image::{Rgb, RgbImage};
use serde_json::Value;

/// The clip's frame rate, and the rate its frames are sampled at.
const FPS: u32 = 24;
const SAMPLES: u32 = 8;

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("film").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg runs (apt-get install ffmpeg; scripts/test.sh installs it)");
    assert!(out.status.success(), "ffmpeg {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A still of four quadrants of the colors `q` (a soft gradient each, ±6
/// levels), 640 × 360: every row and column holds two colors, so no border is
/// flat (the region `auto` would leave a flat band out), and with four colors
/// asked for, each swatch is one quadrant.
fn still(q: [[f64; 3]; 4]) -> RgbImage {
    RgbImage::from_fn(640, 360, |x, y| {
        let c = q[(x >= 320) as usize + 2 * (y >= 180) as usize];
        let g = (x % 320) as f64 / 320.0 * 6.0 + (y % 180) as f64 / 180.0 * 6.0 - 6.0;
        Rgb(c.map(|v| (v + g).round().clamp(0.0, 255.0) as u8))
    })
}

/// Three stills, and the clip: A for 3 s, a cut, B for 3 s of which the
/// last second fades into C (ffmpeg's xfade), C to 8 s. Untagged 4:2:0 H.264,
/// converted to and from RGB by ffmpeg's defaults (the same matrix both ways:
/// ffmpeg 5.1 converts tagged BT.709 or SMPTE 170M streams back with other
/// coefficients than it wrote them with, shifting colors by 5 to 14 levels).
fn clip(dir: &Path) -> (Vec<PathBuf>, PathBuf) {
    let stills = [
        still([[200.0, 50.0, 45.0], [235.0, 185.0, 70.0], [90.0, 30.0, 25.0], [245.0, 225.0, 190.0]]),
        still([[25.0, 120.0, 140.0], [40.0, 40.0, 70.0], [150.0, 200.0, 210.0], [20.0, 70.0, 60.0]]),
        still([[70.0, 160.0, 80.0], [110.0, 60.0, 140.0], [230.0, 220.0, 200.0], [240.0, 120.0, 170.0]]),
    ];
    let paths: Vec<PathBuf> = (0..3).map(|i| dir.join(format!("still{i}.png"))).collect();
    for (s, p) in stills.iter().zip(&paths) {
        s.save(p).expect("save still");
    }
    let video = dir.join("clip.mp4");
    let p = |i: usize| paths[i].to_str().unwrap().to_string();
    let chain = format!(
        "[0]fps={FPS},format=rgb24,settb=1/{FPS}[a];[1]fps={FPS},format=rgb24,settb=1/{FPS}[b];\
         [2]fps={FPS},format=rgb24,settb=1/{FPS}[c];[b][c]xfade=transition=fade:duration=1:offset=2[bc];\
         [a][bc]concat=n=2:v=1,format=yuv420p[v]"
    );
    ffmpeg(&[
        "-loop",
        "1",
        "-t",
        "3",
        "-i",
        &p(0),
        "-loop",
        "1",
        "-t",
        "3",
        "-i",
        &p(1),
        "-loop",
        "1",
        "-t",
        "3",
        "-i",
        &p(2),
        "-filter_complex",
        &chain,
        "-map",
        "[v]",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        video.to_str().unwrap(),
    ]);
    (paths, video)
}

/// The clip's frames sampled at `SAMPLES` a second, as a stream of PNGs or JPEGs.
fn frames(video: &Path, codec: &str) -> Vec<u8> {
    let out = Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin", "-i", video.to_str().unwrap(), "-vf"])
        .arg(format!("fps={SAMPLES}"))
        .args(["-f", "image2pipe", "-c:v", codec, "-q:v", "2", "-"])
        .stderr(Stdio::inherit())
        .output()
        .expect("ffmpeg runs");
    assert!(out.status.success());
    out.stdout
}

fn cinepal(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_cinepal"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start cinepal");
    let mut input = child.stdin.take().expect("stdin");
    let bytes = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().expect("run cinepal");
    writer.join().unwrap();
    (
        out.status.code().expect("exited"),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

fn oklab(swatch: &Value) -> Oklab {
    let v: Vec<f64> = swatch["oklab"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    Oklab { l: v[0], a: v[1], b: v[2] }
}

/// The largest distance from a swatch of one palette holding at least 5 % to
/// the nearest swatch of the other, both ways (ΔE_ok).
fn palette_distance(a: &[Value], b: &[Value]) -> f64 {
    let one_way = |a: &[Value], b: &[Value]| {
        a.iter()
            .filter(|s| s["share"].as_f64().unwrap() >= 0.05)
            .map(|s| b.iter().map(|t| oklab(s).delta_e(oklab(t))).fold(f64::INFINITY, f64::min))
            .fold(0.0, f64::max)
    };
    one_way(a, b).max(one_way(b, a))
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

#[test]
fn a_clip_of_three_shots_gives_three_shots_their_palettes_and_barcode() {
    let dir = scratch("three-shots");
    let (stills, video) = clip(&dir);
    let barcode = dir.join("barcode.png");
    let strip = dir.join("film.png");
    let fps = SAMPLES.to_string();
    for codec in ["png", "mjpeg"] {
        let stream = frames(&video, codec);
        let (code, stdout, stderr) = cinepal(
            &[
                "--frames",
                "-",
                "--fps",
                &fps,
                "-n",
                "4",
                "--barcode",
                barcode.to_str().unwrap(),
                "--barcode-size",
                "64x10",
                "--film-palette",
                strip.to_str().unwrap(),
            ],
            &stream,
        );
        assert_eq!((code, stderr.as_str()), (0, ""), "{codec}");
        let out = lines(&stdout);
        let frames: Vec<&Value> = out.iter().filter(|v| v.get("frame").is_some()).collect();
        let shots: Vec<&Value> = out.iter().filter(|v| v.get("shot").is_some()).collect();
        let film = out.last().unwrap()["film"].clone();
        // 8 s at 8 a second; each frame with its number, time and palette.
        assert_eq!(frames.len(), 64, "{codec}");
        for (i, f) in frames.iter().enumerate() {
            assert_eq!(f["frame"], i);
            assert_eq!(f["time"].as_f64().unwrap(), i as f64 / SAMPLES as f64);
            assert_eq!(f["colors"].as_array().unwrap().len(), 4);
        }
        // Three shots: A from 0, B from the cut at 3 s, C after the fade (5 to 6 s), within one sampled frame.
        let step = 1.0 / SAMPLES as f64;
        assert_eq!(shots.len(), 3, "{codec}: {shots:?}");
        let time = |s: &Value, k: &str| s[k].as_f64().unwrap();
        assert_eq!(time(shots[0], "start"), 0.0);
        assert!((time(shots[1], "start") - 3.0).abs() <= step, "{}", shots[1]);
        assert!(time(shots[0], "end") <= time(shots[1], "start"));
        assert!((time(shots[1], "end") - 5.0).abs() <= 2.0 * step, "B ends as the fade begins: {}", shots[1]);
        assert!((time(shots[2], "start") - 6.0).abs() <= 2.0 * step, "C starts as the fade ends: {}", shots[2]);
        assert_eq!(time(shots[2], "end"), 8.0);
        // Each shot's palette is its still's (the CLI's palette of the source image), within ΔE_ok 3: what
        // H.264 (4:2:0, CRF 23) and a JPEG stream do to flat colors stays below that.
        for (shot, still) in shots.iter().zip(&stills) {
            let (code, json, _) = cinepal(&["-n", "4", "--format", "json", still.to_str().unwrap()], &[]);
            assert_eq!(code, 0);
            let truth: Value = serde_json::from_str(&json).unwrap();
            let d = palette_distance(shot["colors"].as_array().unwrap(), truth["colors"].as_array().unwrap());
            assert!(d <= 3.0, "{codec}: shot {} is {d:.2} ΔE_ok from {still:?}", shot["shot"]);
            let key = time(shot, "keyTime");
            assert!(key >= time(shot, "start") && key < time(shot, "end"));
        }
        // The film's palette: the shots' colors by screen time (A 3 s, B 2 s, C 2 s).
        assert_eq!(film["frames"], 64);
        assert_eq!(film["shots"], 3);
        assert!(!film["colors"].as_array().unwrap().is_empty());
        // The barcode: 64 columns for 64 frames; each shot's columns are its still's mean color.
        let img = image::open(&barcode).unwrap().to_rgb8();
        assert_eq!(img.dimensions(), (64, 10));
        for (shot, still) in shots.iter().zip(&stills) {
            let mean = linear_mean(&image::open(still).unwrap().to_rgb8());
            let first = shot["firstFrame"].as_u64().unwrap() as u32;
            let last = shot["lastFrame"].as_u64().unwrap() as u32;
            for x in first..=last {
                let p = img.get_pixel(x, 5).0;
                let d = color::rgb8_to_oklab(p).delta_e(mean);
                assert!(d <= 3.0, "{codec}: column {x} is {d:.2} ΔE_ok from its still's mean");
            }
        }
        let strip_img = image::open(&strip).unwrap();
        assert_eq!(strip_img.width(), 1200);
    }
}

fn linear_mean(img: &RgbImage) -> Oklab {
    let mut sum = [0.0; 3];
    for p in img.pixels() {
        for (s, &v) in sum.iter_mut().zip(&p.0) {
            *s += color::srgb_to_linear(v as f64 / 255.0);
        }
    }
    let n = (img.width() * img.height()) as f64;
    color::linear_to_oklab(sum.map(|s| s / n))
}

#[test]
fn bad_streams_are_clear_errors() {
    let (code, _, stderr) = cinepal(&["--frames", "-"], b"this is not a stream of images");
    assert_eq!(code, 4);
    assert!(stderr.contains("neither a PNG nor a JPEG"), "{stderr}");
    let (code, _, stderr) = cinepal(&["--frames", "-"], b"");
    assert_eq!(code, 4);
    assert!(stderr.contains("holds no frame"), "{stderr}");
    let mut png = Vec::new();
    RgbImage::from_pixel(8, 8, Rgb([1, 2, 3]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let mut cut = png.repeat(2);
    cut.truncate(png.len() + 20);
    let (code, stdout, stderr) = cinepal(&["--frames", "-"], &cut);
    assert_eq!(code, 4, "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "the first frame's palette is printed before the error");
    assert!(stderr.contains("the stream ends inside frame 1"), "{stderr}");
    let (code, _, stderr) = cinepal(&["--fps", "2", "-"], &png);
    assert_eq!(code, 2);
    assert!(stderr.contains("go with --frames"), "{stderr}");
    let (code, _, stderr) = cinepal(&["--frames", "--fps", "0", "-"], &png);
    assert_eq!(code, 2, "{stderr}");
}
