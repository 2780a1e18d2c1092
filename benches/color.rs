//! Color management's cost (issue 10): decoding the 22 MP and 11 MP JPEGs of
//! `../shared/images` without a profile (theirs taken out), with an sRGB profile embedded
//! (recognised as sRGB and skipped), and with a Display P3 profile embedded.
//! The profile is put into the file as an APP2 segment after its SOI marker;
//! the compressed image is the same.
//!
//! Two paths are timed: **to the palette** (decoding and the default
//! extraction, as the CLI's JSON: a P3 file's own pixels are counted, its
//! sRGB pixels never made) and **to the pixels shown** (decoding and the
//! sRGB pixels, as the page and the composite need them: every pixel of a P3
//! file converted).
//!
//! ```text
//! cargo bench --bench color
//! ```

use std::path::Path;
use std::time::Instant;

use cinepal::{decode, Limits};
use moxcms::ColorProfile;

/// `jpeg` with `icc` as its ICC profile (one APP2 segment, after SOI; the
/// file's own profile segments left out), or with none.
fn with_profile(jpeg: &[u8], icc: Option<&[u8]>) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    if let Some(icc) = icc {
        let mut payload = b"ICC_PROFILE\0\x01\x01".to_vec();
        payload.extend_from_slice(icc);
        out.extend_from_slice(&[0xff, 0xe2]);
        out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        out.extend_from_slice(&payload);
    }
    // The header segments up to the first start-of-scan, without APP2 ICC_PROFILE.
    let mut i = 2;
    while i + 4 <= jpeg.len() && jpeg[i] == 0xff && jpeg[i + 1] != 0xda {
        let end = i + 2 + u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]) as usize;
        if !(jpeg[i + 1] == 0xe2 && jpeg[i + 4..].starts_with(b"ICC_PROFILE\0")) {
            out.extend_from_slice(&jpeg[i..end]);
        }
        i = end;
    }
    out.extend_from_slice(&jpeg[i..]);
    out
}

/// One decoding of `bytes` and its palette (`shown`: and its sRGB pixels instead), in milliseconds.
fn once(bytes: &[u8], shown: bool) -> f64 {
    let t = Instant::now();
    let img = decode(bytes, &Limits::default()).expect("decodes");
    if shown {
        std::hint::black_box(img.data()[0]);
    } else {
        std::hint::black_box(cinepal::extract(&img, &cinepal::Options::default()).expect("a palette"));
    }
    t.elapsed().as_secs_f64() * 1e3
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/images");
    let p3 = ColorProfile::new_display_p3().encode().expect("P3 profile");
    let srgb = ColorProfile::new_srgb().encode().expect("sRGB profile");
    println!(
        "| image | path | profile | median ms | best ms | over none, same round (median) |\n|---|---|---|---|---|---|"
    );
    for name in ["okolors_lake_mendota_22mp.jpg", "vibrant_night_umbrella_11mp.jpg"] {
        let Ok(jpeg) = std::fs::read(dir.join(name)) else {
            eprintln!("{name} not found in {}", dir.display());
            continue;
        };
        let plain = with_profile(&jpeg, None);
        let cases = [
            ("none", plain.clone()),
            ("sRGB", with_profile(&jpeg, Some(&srgb))),
            ("Display P3", with_profile(&jpeg, Some(&p3))),
        ];
        for (label, bytes) in &cases[1..] {
            assert!(decode(bytes, &Limits::default()).expect("decodes").notes().is_empty(), "{label}: a note");
        }
        for shown in [false, true] {
            let path = if shown { "pixels shown" } else { "palette" };
            // The three in turn, 11 rounds: the machine's drift hits them alike.
            let mut ms = vec![Vec::new(); cases.len()];
            for _ in 0..11 {
                for (i, (_, bytes)) in cases.iter().enumerate() {
                    ms[i].push(once(bytes, shown));
                }
            }
            for (i, (label, _)) in cases.iter().enumerate() {
                // The extra time of each round over the same round's plain file.
                let extra: Vec<f64> = ms[i].iter().zip(&ms[0]).map(|(a, b)| a / b - 1.0).collect();
                let best = ms[i].iter().cloned().fold(f64::INFINITY, f64::min);
                println!(
                    "| {name} | {path} | {label} | {:.1} | {best:.1} | {:+.1} % |",
                    median(ms[i].clone()),
                    median(extra) * 100.0
                );
            }
        }
    }
}
