//! Prints the quality measures of one method and space over a folder of images.
//!
//! `cargo run --release --example quality -- ../shared/images kmeans oklab 10`

use std::time::Instant;

use cinepal::{decode, extract, quality, ColorCount, Limits, Method, Named, Options, Space};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().map(String::as_str).unwrap_or("../shared/images");
    let method = Method::parse(args.get(1).map(String::as_str).unwrap_or("kmeans")).expect("method");
    let space = Space::parse(args.get(2).map(String::as_str).unwrap_or("oklab")).expect("space");
    let n: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10);
    let mut paths: Vec<_> = std::fs::read_dir(dir).expect("folder").filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.retain(|p| p.extension().is_some_and(|e| e != "md"));
    paths.sort();
    let (mut means, mut p99s) = (vec![], vec![]);
    for p in paths {
        let img = decode(&std::fs::read(&p).expect("read"), &Limits::default()).expect("decode");
        let t = Instant::now();
        let pal = extract(
            &img,
            &Options { colors: ColorCount::try_from(n).expect("1 to 64 colors"), method, space, ..Options::default() },
        )
        .expect("extract");
        let secs = t.elapsed().as_secs_f64();
        let q = quality::measure(&img, &pal.swatches.iter().map(|s| s.rgb).collect::<Vec<_>>(), 128).expect("q");
        println!(
            "{:40} {:3} colors {:7.1} ms  mean {:5.2}  p99 {:6.2}  min pair {:6.2}",
            p.file_name().unwrap().to_string_lossy(),
            pal.swatches.len(),
            secs * 1e3,
            q.mean,
            q.p99,
            q.min_pair
        );
        means.push(q.mean);
        p99s.push(q.p99);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    };
    println!("median mean {:.2}  median p99 {:.2}", median(&mut means), median(&mut p99s));
}
