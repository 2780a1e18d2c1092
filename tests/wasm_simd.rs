//! zune-jpeg's wasm32 simd128 paths (vendor/zune-jpeg, CINEPAL.md) against
//! its scalar code, in a real (headless) browser: random IDCT blocks, random
//! YCbCr rows and chroma rows give the same output, bit for bit; and whole
//! JPEGs (tests/fixtures/jpeg/) decode to the same pixels with simd128 on
//! and off, which are those the native decoder gives (the hashes
//! tests/jpeg_simd.rs checks natively).
//!
//! Run with `cargo test --target wasm32-unknown-unknown --test wasm_simd` (see scripts/test.sh).
#![cfg(target_arch = "wasm32")]

mod jpeg_fixtures;

use jpeg_fixtures::{cinepal_hash, zune_hash, FIXTURES};
use wasm_bindgen_test::*;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;
use zune_jpeg::kernels;

wasm_bindgen_test_configure!(run_in_browser);

/// xorshift64*: deterministic random numbers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i32, hi: i32) -> i32 {
        lo + (self.next() % (hi - lo + 1) as u64) as i32
    }

    fn chance(&mut self, one_in: u64) -> bool {
        self.next() % one_in == 0
    }
}

fn simd() -> DecoderOptions {
    DecoderOptions::default()
}

#[wasm_bindgen_test]
fn the_decoder_picks_the_simd128_kernels_and_the_scalar_ones_without_unsafe() {
    let scalar = simd().set_use_unsafe(false);
    let ptr = |f: kernels::IDCTPtr| f as usize;
    assert_ne!(ptr(kernels::idct(&simd())), ptr(kernels::idct_scalar()));
    assert_ne!(ptr(kernels::idct_4x4(&simd())), ptr(kernels::idct_4x4_scalar()));
    assert_eq!(ptr(kernels::idct(&scalar)), ptr(kernels::idct_scalar()));
    assert_eq!(ptr(kernels::idct_4x4(&scalar)), ptr(kernels::idct_4x4_scalar()));
    let cc = |f: Option<kernels::ColorConvert16Ptr>| f.unwrap() as usize;
    for out in [ColorSpace::RGB, ColorSpace::RGBA] {
        assert_ne!(cc(kernels::ycbcr_to(out, &simd())), cc(kernels::ycbcr_to_scalar(out)));
        assert_eq!(cc(kernels::ycbcr_to(out, &scalar)), cc(kernels::ycbcr_to_scalar(out)));
    }
    let up = |fs: [kernels::UpSampler; 3]| fs.map(|f| f as usize);
    let (fast, plain, reference) =
        (up(kernels::upsamplers(&simd())), up(kernels::upsamplers(&scalar)), up(kernels::upsamplers_scalar()));
    assert_eq!(plain, reference);
    for i in 0..3 {
        assert_ne!(fast[i], reference[i], "upsampler {i}");
    }
}

/// A block of dequantized coefficients: mostly the sparse, mid-sized values
/// of real images, sometimes extreme ones (the arithmetic wraps, in both).
fn block(rng: &mut Rng, kind: u64) -> [i32; 64] {
    let mut b = [0i32; 64];
    match kind % 6 {
        // DC only
        0 => b[0] = rng.range(-20000, 20000),
        // the upper 4x4 only (the 4x4 IDCT's blocks)
        1 => {
            for r in 0..4 {
                for c in 0..4 {
                    if rng.chance(2) {
                        b[8 * r + c] = rng.range(-1500, 1500);
                    }
                }
            }
        }
        // sparse, like a real block
        2 => {
            b[0] = rng.range(-8000, 8000);
            for _ in 0..rng.range(1, 12) {
                b[rng.range(1, 63) as usize] = rng.range(-600, 600);
            }
        }
        // dense
        3 => b.iter_mut().for_each(|c| *c = rng.range(-2048, 2047) * rng.range(1, 8)),
        // one AC coefficient anywhere (e.g. the last: the zero test)
        4 => b[rng.range(1, 63) as usize] = rng.range(-1, 1) | 1,
        // anything (wrapping, saturating narrowing)
        _ => b.iter_mut().for_each(|c| *c = rng.next() as i32 >> rng.range(0, 20)),
    }
    b
}

#[wasm_bindgen_test]
fn the_simd128_idct_is_the_scalar_one() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (fast, fast_4x4) = (kernels::idct(&simd()), kernels::idct_4x4(&simd()));
    let (scalar, scalar_4x4) = (kernels::idct_scalar(), kernels::idct_4x4_scalar());
    for n in 0..20_000u64 {
        let coeffs = block(&mut rng, n);
        // A stride wider than the block, the rest of the rows untouched.
        let stride = [8, 16, 24][(n % 3) as usize];
        let fill = rng.range(-5, 300) as i16;
        let mut want = vec![fill; stride * 8];
        let mut got = want.clone();
        scalar(&mut coeffs.clone(), &mut want, stride);
        let mut input = coeffs;
        fast(&mut input, &mut got, stride);
        assert_eq!(got, want, "block {n}: {coeffs:?}, stride {stride}");

        if n % 6 == 1 {
            let mut want_4x4 = vec![fill; stride * 8];
            let mut got_4x4 = want_4x4.clone();
            scalar_4x4(&mut coeffs.clone(), &mut want_4x4, stride);
            assert_eq!(want_4x4, want, "block {n}: the scalar 4x4 IDCT is the full one");
            let mut input = coeffs;
            fast_4x4(&mut input, &mut got_4x4, stride);
            assert_eq!(got_4x4, want, "4x4 block {n}: {coeffs:?}");
            // The 4x4 contract: coefficients outside the upper 4x4 stay zero.
            for r in 0..8 {
                for c in 0..8 {
                    if r >= 4 || c >= 4 {
                        assert_eq!(input[8 * r + c], 0, "4x4 block {n}: coefficient {r},{c}");
                    }
                }
            }
        }
    }
    // A short output (a bad image's last block): no panic, the same rows written.
    let coeffs = block(&mut rng, 3);
    let mut want = vec![7i16; 8 * 5 + 3];
    let mut got = want.clone();
    scalar(&mut coeffs.clone(), &mut want, 8);
    fast(&mut coeffs.clone(), &mut got, 8);
    assert_eq!(got, want);
}

#[wasm_bindgen_test]
fn the_simd128_color_conversion_is_the_scalar_one() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for out in [ColorSpace::RGB, ColorSpace::RGBA] {
        let fast = kernels::ycbcr_to(out, &simd()).unwrap();
        let scalar = kernels::ycbcr_to_scalar(out).unwrap();
        let n = out.num_components() * 16;
        for i in 0..20_000 {
            // Samples as the IDCT and upsamplers give them (0..=255), sometimes
            // a little outside (clamping), and the extremes of every channel.
            let (lo, hi) = if i % 4 == 0 { (-300, 600) } else { (0, 255) };
            let mut planes = [[0i16; 16]; 3];
            for p in planes.iter_mut() {
                for s in p.iter_mut() {
                    *s = match rng.next() % 8 {
                        0 => 0,
                        1 => 255,
                        _ => rng.range(lo, hi) as i16,
                    };
                }
            }
            let [y, cb, cr] = &planes;
            let at = (i % 3) * 5;
            let mut want = vec![9u8; at + n + 7];
            let mut got = want.clone();
            let (mut pos_want, mut pos_got) = (at, at);
            scalar(y, cb, cr, &mut want, &mut pos_want);
            fast(y, cb, cr, &mut got, &mut pos_got);
            assert_eq!(got, want, "{out:?} {i}: {planes:?}");
            assert_eq!(pos_got, pos_want);
        }
    }
}

#[wasm_bindgen_test]
fn the_simd128_upsamplers_are_the_scalar_ones() {
    let mut rng = Rng(0x0bad_cafe_f00d_d00d);
    let fast = kernels::upsamplers(&simd());
    let scalar = kernels::upsamplers_scalar();
    let names = ["horizontal", "vertical", "hv"];
    for width in 3..300usize {
        for _ in 0..4 {
            let mut row = || (0..width).map(|_| rng.range(0, 255) as i16).collect::<Vec<i16>>();
            let (input, near, far) = (row(), row(), row());
            for k in 0..3 {
                let out_len = if k == 2 { width * 4 } else { width * 2 };
                let mut want = vec![0i16; out_len];
                let mut got = vec![1i16; out_len];
                let (mut s_want, mut s_got) = (vec![0i16; width * 2], vec![0i16; width * 2]);
                scalar[k](&input, &near, &far, &mut s_want, &mut want);
                fast[k](&input, &near, &far, &mut s_got, &mut got);
                assert_eq!(got, want, "{} upsampling, width {width}", names[k]);
            }
        }
    }
}

#[wasm_bindgen_test]
fn jpegs_decode_to_the_native_pixels_with_simd128_and_without() {
    for f in FIXTURES {
        for (out, native) in [(ColorSpace::RGB, f.rgb), (ColorSpace::RGBA, f.rgba)] {
            let scalar = zune_hash(f.bytes, out, false);
            let fast = zune_hash(f.bytes, out, true);
            assert_eq!(scalar, native, "{} to {out:?}: the scalar decode is not the native one", f.name);
            assert_eq!(fast, native, "{} to {out:?}: the simd128 decode is not the native one", f.name);
        }
        assert_eq!(cinepal_hash(f.bytes), f.cinepal, "{}: cinepal's decode", f.name);
    }
}
