//! A film's frames in the core (issue 13): the cost of reducing one sampled
//! frame (320 px on its long side, as the page's scan sends them), of adding
//! it to the scan, and of a shot's palette, single-threaded, natively.
//! (The page's figures, in wasm with the browser decoding: benches/film.mjs.)
//!
//! ```text
//! cargo bench --bench frames [-- IMAGE]     # default: the 11 MP photo of ../shared/images
//! ```

use std::time::Instant;
fn main() {
    let path = std::env::args().skip(1).find(|a| !a.starts_with('-')).unwrap_or_else(|| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/images/vibrant_night_umbrella_11mp.jpg").into()
    });
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let img = cinepal::decode(&bytes, &cinepal::Limits::default()).unwrap().thumbnail(320);
    let o = cinepal::Options::default();
    let n = 200;
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(o.region.resolve(&img).unwrap());
    }
    println!("{}: a {}×{} frame", path, img.width(), img.height());
    println!("region {:.3} ms", t.elapsed().as_secs_f64() * 1e3 / n as f64);
    let r = o.region.resolve(&img).unwrap();
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(cinepal::histogram::weighted_colors_in(&img, r, 1, 128, 0).unwrap());
    }
    println!("weighted {:.3} ms", t.elapsed().as_secs_f64() * 1e3 / n as f64);
    let t = Instant::now();
    for i in 0..n {
        std::hint::black_box(cinepal::film::Frame::new(&img, i as f64, &o).unwrap());
    }
    println!("frame {:.3} ms", t.elapsed().as_secs_f64() * 1e3 / n as f64);
    let mut s = cinepal::film::Scanner::new(o.clone()).unwrap();
    let frames: Vec<_> = (0..n).map(|i| cinepal::film::Frame::new(&img, i as f64, &o).unwrap()).collect();
    let t = Instant::now();
    for f in frames {
        s.push(f).unwrap();
    }
    println!("push {:.3} ms", t.elapsed().as_secs_f64() * 1e3 / n as f64);
    let t = Instant::now();
    let film = s.finish(None).unwrap();
    println!("finish (one shot's palette) {:.1} ms, {} shots", t.elapsed().as_secs_f64() * 1e3, film.shots.len());
}
