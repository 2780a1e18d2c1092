//! Small JPEGs (tests/fixtures/jpeg/, written by `cargo test --release --test
//! jpeg_simd -- --ignored write_fixtures`) covering zune-jpeg's paths: 4:2:0,
//! 4:2:2, 4:4:0 and 4:4:4 (its upsamplers), gray, restart markers,
//! progressive, a width under 16 (its narrow color conversion); and the hash
//! of the pixels each decodes to. The native decode (AVX2 where the CPU has
//! it, tests/jpeg_simd.rs) and the wasm one (simd128 and scalar,
//! tests/wasm_simd.rs) must all give these pixels.
#![allow(dead_code)]

use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;

/// A fixture: its file name, its bytes, and the FNV-1a hashes of its pixels
/// decoded by zune-jpeg to RGB and to RGBA (gray stays gray for both) and
/// by [`cinepal::decode`].
pub struct Fixture {
    pub name: &'static str,
    pub bytes: &'static [u8],
    pub rgb: u64,
    pub rgba: u64,
    pub cinepal: u64,
}

macro_rules! fixture {
    ($name:literal, $rgb:literal, $rgba:literal, $cinepal:literal) => {
        Fixture {
            name: $name,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jpeg/", $name)),
            rgb: $rgb,
            rgba: $rgba,
            cinepal: $cinepal,
        }
    };
}

pub const FIXTURES: &[Fixture] = &[
    fixture!("ycc420.jpg", 0xf10f513f22f043c1, 0x09429892f73018e8, 0xf10f513f22f043c1),
    fixture!("ycc422.jpg", 0xec5238892d4e5439, 0x1396b58805e7e75c, 0xec5238892d4e5439),
    fixture!("ycc440.jpg", 0x17d790ed2da98d01, 0x1608fc9f23ddc635, 0x17d790ed2da98d01),
    fixture!("ycc444.jpg", 0x18190fdc2c0357ad, 0xf5c170739af7799a, 0x18190fdc2c0357ad),
    fixture!("gray.jpg", 0x72e889725be2a862, 0x72e889725be2a862, 0xfc6876e6105ec75c),
    fixture!("restarts.jpg", 0xb5c102a11f4d0d32, 0xae8c8343ed25cf38, 0xb5c102a11f4d0d32),
    fixture!("progressive.jpg", 0xf10f513f22f043c1, 0x09429892f73018e8, 0xf10f513f22f043c1),
    fixture!("narrow.jpg", 0xd577ca148e76cbb3, 0x76aa10442b505ded, 0xd577ca148e76cbb3),
];

/// 64-bit FNV-1a of `bytes`, after the width and height.
pub fn fnv1a(width: usize, height: usize, bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in (width as u64).to_le_bytes().iter().chain(&(height as u64).to_le_bytes()).chain(bytes) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Decodes `bytes` with zune-jpeg to `out` (RGB or RGBA; gray files stay
/// gray), its SIMD paths on or off (`set_use_unsafe`, which on wasm32 turns
/// simd128 off; natively AVX2 stays on either way): the hash of the pixels.
pub fn zune_hash(bytes: &[u8], out: ColorSpace, simd: bool) -> u64 {
    let options = DecoderOptions::default().set_use_unsafe(simd);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(zune_core::bytestream::ZCursor::new(bytes), options);
    decoder.decode_headers().unwrap();
    let out = if decoder.input_colorspace() == Some(ColorSpace::Luma) { ColorSpace::Luma } else { out };
    decoder.set_options(decoder.options().jpeg_set_out_colorspace(out));
    let pixels = decoder.decode().unwrap();
    let (w, h) = decoder.dimensions().unwrap();
    assert_eq!(pixels.len(), w * h * out.num_components());
    fnv1a(w, h, &pixels)
}

/// The hash of the pixels cinepal decodes `bytes` to (as the page and the CLI do).
pub fn cinepal_hash(bytes: &[u8]) -> u64 {
    let img = cinepal::decode(bytes, &cinepal::Limits::default()).unwrap();
    fnv1a(img.width() as usize, img.height() as usize, img.data())
}
