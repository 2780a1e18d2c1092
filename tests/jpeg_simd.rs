//! The JPEG fixtures of tests/jpeg_fixtures/ decoded natively (zune-jpeg with its
//! AVX2 paths where the CPU has them): the pixels whose hashes the wasm
//! tests (tests/wasm_simd.rs, simd128 and scalar) must match too.

mod jpeg_fixtures;

use jpeg_fixtures::{cinepal_hash, zune_hash, FIXTURES};
use zune_core::colorspace::ColorSpace;

#[test]
fn fixtures_decode_to_the_recorded_pixels() {
    let mut wrong = Vec::new();
    for f in FIXTURES {
        let got = (zune_hash(f.bytes, ColorSpace::RGB, true), zune_hash(f.bytes, ColorSpace::RGBA, true));
        let got = (got.0, got.1, cinepal_hash(f.bytes));
        if got != (f.rgb, f.rgba, f.cinepal) {
            wrong.push(format!("fixture!(\"{}\", {:#018x}, {:#018x}, {:#018x}),", f.name, got.0, got.1, got.2));
        }
    }
    assert!(wrong.is_empty(), "pixels unlike the recorded ones; now:\n{}", wrong.join("\n"));
}

/// A still-like picture: smooth gradients, hard edges, saturated patches
/// (whose converted colors fall outside 0..=255 before the clamp) and noise.
fn picture(w: usize, h: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 59) as i32 - 16
    };
    let mut px = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            let rgb = if (x / 9 + y / 7) % 5 == 0 {
                [[255, 0, 0], [0, 0, 255], [0, 255, 0], [255, 255, 0], [255, 0, 255]][(x / 9) % 5]
            } else if x > w / 2 && y > h / 3 {
                [(x * 255 / w) as i32, (y * 255 / h) as i32, ((x * y) % 256) as i32].map(|c| c + noise())
            } else {
                [20 + (y * 2) as i32, 60 + (x % 32) as i32 * 4, 200 - (y / 2) as i32].map(|c| c + noise() / 4)
            };
            px.extend(rgb.map(|c| c.clamp(0, 255) as u8));
        }
    }
    px
}

/// Writes tests/fixtures/jpeg/ (then record the hashes the test above prints).
#[test]
#[ignore]
fn write_fixtures() {
    use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jpeg");
    let (w, h) = (203, 117);
    let rgb = picture(w, h);
    let write = |name: &str, quality: u8, set: &dyn Fn(&mut Encoder<&mut Vec<u8>>), gray: bool, w: usize, h: usize| {
        let mut out = Vec::new();
        let mut enc = Encoder::new(&mut out, quality);
        set(&mut enc);
        if gray {
            let luma: Vec<u8> = rgb
                .chunks(3)
                .take(w * h)
                .map(|p| ((p[0] as u32 * 3 + p[1] as u32 * 6 + p[2] as u32) / 10) as u8)
                .collect();
            enc.encode(&luma, w as u16, h as u16, ColorType::Luma).unwrap();
        } else {
            let px: Vec<u8> = (0..h).flat_map(|y| rgb[y * 203 * 3..][..w * 3].to_vec()).collect();
            enc.encode(&px, w as u16, h as u16, ColorType::Rgb).unwrap();
        }
        std::fs::write(format!("{dir}/{name}"), out).unwrap();
    };
    write("ycc420.jpg", 85, &|e| e.set_sampling_factor(SamplingFactor::F_2_2), false, w, h);
    write("ycc422.jpg", 85, &|e| e.set_sampling_factor(SamplingFactor::F_2_1), false, w, h);
    write("ycc440.jpg", 85, &|e| e.set_sampling_factor(SamplingFactor::F_1_2), false, w, h);
    write("ycc444.jpg", 95, &|e| e.set_sampling_factor(SamplingFactor::F_1_1), false, w, h);
    write("gray.jpg", 90, &|_| {}, true, w, h);
    write(
        "restarts.jpg",
        80,
        &|e| {
            e.set_sampling_factor(SamplingFactor::F_2_2);
            e.set_restart_interval(3);
        },
        false,
        w,
        h,
    );
    write(
        "progressive.jpg",
        85,
        &|e| {
            e.set_sampling_factor(SamplingFactor::F_2_2);
            e.set_progressive(true);
        },
        false,
        w,
        h,
    );
    write("narrow.jpg", 85, &|e| e.set_sampling_factor(SamplingFactor::F_2_2), false, 13, 9);
}
