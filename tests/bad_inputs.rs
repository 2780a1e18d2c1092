//! Every file in `tests/bad/` (empty, text, random bytes, truncated and
//! corrupt images of every format, headers declaring absurd sizes) must give
//! an error from `decode` + `extract`: never a panic, within seconds, without
//! allocating much, and the CLI must exit with the matching code and one
//! line on stderr. The few files that legitimately decode are listed in
//! [`EXPECTED`] with the reason.
//!
//! Run with `cargo test --release --test bad_inputs`. The files are made by
//! `cargo test --release --test bad_inputs -- --ignored regenerate_bad_files`.

mod fixtures;

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cinepal::{decode, extract, Error, Limits, Options};
use fixtures::*;
use image::{DynamicImage, ImageFormat};

// ---------------------------------------------------------------- allocation accounting

/// The system allocator, counting the bytes currently allocated and the peak.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// A single request above this is refused outright (the test then aborts
/// with "memory allocation failed") rather than actually taking the memory.
const REFUSE_ABOVE: usize = 4 << 30;

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::SeqCst) + by;
    PEAK.fetch_max(now, Ordering::SeqCst);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > REFUSE_ABOVE {
            return std::ptr::null_mut();
        }
        let p = System.alloc(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.size() > REFUSE_ABOVE {
            return std::ptr::null_mut();
        }
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > REFUSE_ABOVE {
            return std::ptr::null_mut();
        }
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::SeqCst);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result with the most bytes allocated at once
/// above what was allocated before it.
fn peak_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let out = f();
    (out, PEAK.load(Ordering::SeqCst).saturating_sub(base))
}

// ---------------------------------------------------------------- expectations

/// What a bad file must give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// `Error::Decode` (CLI exit 4).
    Decode,
    /// `Error::Unsupported`: a format cinepal does not decode, named (CLI exit 4).
    Unsupported,
    /// `Error::Limits` (CLI exit 5).
    Limits,
    /// `Error::Limits` or `Error::Decode`: a size refused either by cinepal's
    /// limits or by the decoder's own bounds (CLI exit 5 or 4).
    LimitsOrDecode,
    /// `Error::InvalidInput`: readable but nothing to extract (CLI exit 6).
    NothingToExtract,
    /// A valid palette: the damage is in a part decoders may ignore (CLI exit 0).
    Palette,
}

/// Every file of `tests/bad/`, what it must give, and why.
const EXPECTED: &[(&str, Expect, &str)] = &[
    ("empty.png", Expect::Decode, "no bytes at all"),
    ("text.jpg", Expect::Decode, "plain text named like a JPEG"),
    ("random.bin", Expect::Decode, "4 KiB of random bytes"),
    ("pdf_renamed.jpg", Expect::Decode, "a PDF header: not a supported format"),
    ("tiff_header.png", Expect::Unsupported, "a TIFF signature: recognised but not supported"),
    ("avif_header.avif", Expect::Unsupported, "an AVIF file's ftyp box: named, and left to the browser in the page"),
    ("heic_header.heic", Expect::Unsupported, "a HEIC file's ftyp box: named, and left to the browser in the page"),
    ("jxl_codestream.jxl", Expect::Unsupported, "a JPEG XL codestream signature: named, and left to the browser"),
    ("png_signature_only.png", Expect::Decode, "the 8-byte PNG signature and nothing else"),
    ("png_cut_16.png", Expect::Decode, "truncated inside IHDR"),
    ("png_cut_33.png", Expect::Decode, "truncated right after IHDR, no image data"),
    ("png_cut_half.png", Expect::Decode, "truncated in the middle of IDAT"),
    ("png_cut_before_iend.png", Expect::Decode, "every row present but IEND missing: the png crate reads on to IEND"),
    ("png_bad_crc_ihdr.png", Expect::Decode, "IHDR checksum wrong"),
    ("png_bad_crc_idat.png", Expect::Decode, "IDAT checksum wrong"),
    ("png_bad_zlib.png", Expect::Decode, "IDAT holds bytes that are not a zlib stream"),
    ("png_zero_width.png", Expect::Decode, "IHDR declares a width of 0"),
    ("png_bad_color_type.png", Expect::Decode, "IHDR declares color type 5, which does not exist"),
    ("png_ihdr_100000x100000.png", Expect::Limits, "IHDR declares 100000x100000, over 65535 a side"),
    ("png_ihdr_60000x60000.png", Expect::Limits, "IHDR declares 60000x60000: within a side, 3600 megapixels"),
    ("png_transparent.png", Expect::NothingToExtract, "a valid PNG whose every pixel has alpha 0"),
    (
        "png_iccp_inflates_to_80MiB.png",
        Expect::Palette,
        "a 48x32 PNG whose 80 KB color profile inflates to 80 MiB: the png crate gives the profile up at the \
         16 MiB allowed before the pixels (not at the whole budget, 768 MiB) and decodes the pixels",
    ),
    ("jpeg_cut_2.jpg", Expect::Decode, "only the SOI marker"),
    ("jpeg_cut_20.jpg", Expect::Decode, "truncated inside the header segments"),
    ("jpeg_cut_header_end.jpg", Expect::Decode, "cut right after SOS, no scan data: no end-of-image marker"),
    ("jpeg_cut_half.jpg", Expect::Decode, "cut in the scan data: refused rather than filled with gray"),
    ("jpeg_cut_before_eoi.jpg", Expect::Decode, "the EOI marker missing: truncated, whatever the scan holds"),
    ("jpeg_sof_65000x65000.jpg", Expect::LimitsOrDecode, "SOF declares 65000x65000 (4225 megapixels)"),
    (
        "jpeg_progressive_8000x8000_30_scans.jpg",
        Expect::Limits,
        "a progressive SOF of 8000x8000 (64 megapixels, the limit) and 30 scans: over 25 scans of 64 megapixels",
    ),
    ("gif_cut_6.gif", Expect::Decode, "only the GIF89a signature"),
    ("gif_cut_13.gif", Expect::Decode, "signature and logical screen, no frame"),
    ("gif_cut_half.gif", Expect::Decode, "truncated inside the frame's LZW data"),
    ("gif_cut_before_trailer.gif", Expect::Palette, "only the trailer byte missing: the frame is complete"),
    ("gif_screen_65535x65535.gif", Expect::LimitsOrDecode, "logical screen 65535x65535 (4295 megapixels), 1x1 frame"),
    (
        "gif_frame_15000x15000_on_1x1_screen.gif",
        Expect::LimitsOrDecode,
        "a 1x1 screen with a 15000x15000 frame (225 megapixels) of 2 bytes of data",
    ),
    ("webp_cut_12.webp", Expect::Decode, "only the RIFF header"),
    ("webp_cut_24.webp", Expect::Decode, "truncated inside the VP8L header"),
    ("webp_cut_half.webp", Expect::Decode, "truncated in the middle of the VP8L data"),
    ("webp_vp8l_16000x16000.webp", Expect::LimitsOrDecode, "VP8L header declares 16000x16000 (256 megapixels)"),
    (
        "webp_vp8l_16384x16384.webp",
        Expect::LimitsOrDecode,
        "VP8L header declares 16384x16384, the format's largest (image-webp 0.2.4 reads it as 0x0)",
    ),
    ("bmp_cut_14.bmp", Expect::Decode, "only the file header"),
    ("bmp_cut_30.bmp", Expect::Decode, "truncated inside the info header"),
    ("bmp_cut_half.bmp", Expect::Decode, "truncated in the middle of the pixel rows"),
    (
        "bmp_100000x100000.bmp",
        Expect::LimitsOrDecode,
        "info header declares 100000x100000, over 65535 a side (refused by the BMP decoder's own bound)",
    ),
    ("bmp_30000x30000.bmp", Expect::LimitsOrDecode, "info header declares 30000x30000 (900 megapixels)"),
];

fn bad_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad")
}

/// The data files of `tests/bad/` (the README and the generator's notes left out).
fn bad_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(bad_dir())
        .expect("tests/bad exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

fn expectation(path: &Path) -> Expect {
    let name = path.file_name().unwrap().to_str().unwrap();
    EXPECTED.iter().find(|e| e.0 == name).unwrap_or_else(|| panic!("{name} is not listed in EXPECTED")).1
}

/// Most bytes decoding and extracting one bad file may allocate. The files
/// declare tiny sizes or sizes over the limits, so nothing big should be
/// needed: the histogram is 1 MiB, a valid fixture decodes to a few KiB.
const MAX_ALLOCATION: usize = 64 << 20;
/// Most time one file may take (release build; the valid fixtures are tiny).
const MAX_TIME: Duration = Duration::from_secs(3);

#[test]
fn every_listed_file_exists_and_every_file_is_listed() {
    let names: Vec<String> = bad_files().iter().map(|p| p.file_name().unwrap().to_str().unwrap().to_string()).collect();
    for (name, _, _) in EXPECTED {
        assert!(names.iter().any(|n| n == name), "{name} is missing from tests/bad (regenerate the files)");
    }
    for name in &names {
        assert!(EXPECTED.iter().any(|e| e.0 == name), "{name} is in tests/bad but not in EXPECTED");
        let len = std::fs::metadata(bad_dir().join(name)).unwrap().len();
        assert!(len < 100_000, "{name} is {len} bytes; bad files stay small");
    }
}

#[test]
fn bad_files_give_errors_not_panics_quickly_and_in_little_memory() {
    let mut failures = Vec::new();
    for path in bad_files() {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let expect = expectation(&path);
        let t0 = Instant::now();
        let (outcome, peak) = peak_allocation(|| {
            std::panic::catch_unwind(|| {
                let image = decode(&bytes, &Limits::default())?;
                extract(&image, &Options::default())
            })
        });
        let elapsed = t0.elapsed();
        let Ok(result) = outcome else {
            failures.push(format!("{name}: panicked"));
            continue;
        };
        if elapsed > MAX_TIME {
            failures.push(format!("{name}: took {elapsed:?}"));
        }
        if peak > MAX_ALLOCATION {
            failures.push(format!("{name}: allocated {} MiB at once", peak >> 20));
        }
        let ok = match (&result, expect) {
            (Ok(p), Expect::Palette) => {
                let total: f64 = p.swatches.iter().map(|s| s.share).sum();
                !p.swatches.is_empty() && (total - 1.0).abs() < 1e-9
            }
            (Err(Error::Decode(_)), Expect::Decode | Expect::LimitsOrDecode) => true,
            (Err(Error::Unsupported(m)), Expect::Unsupported) => m.contains("not supported"),
            (Err(Error::Limits(_)), Expect::Limits | Expect::LimitsOrDecode) => true,
            (Err(Error::InvalidInput(_)), Expect::NothingToExtract) => true,
            _ => false,
        };
        if !ok {
            failures.push(format!("{name}: expected {expect:?}, got {result:?}"));
        }
        if let Err(e) = &result {
            // Messages are one sentence for a person, never empty or multi-line.
            let msg = e.to_string();
            if msg.is_empty() || msg.contains('\n') {
                failures.push(format!("{name}: message {msg:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "bad files misbehaved:\n{}", failures.join("\n"));
    // The messages of the refusals that are cinepal's own say why.
    for (name, says) in [
        ("gif_frame_15000x15000_on_1x1_screen.gif", "is 1x1 but needs more memory than an image of that size can"),
        ("jpeg_progressive_8000x8000_30_scans.jpg", "is 8000x8000 in 30 scans"),
        ("png_ihdr_100000x100000.png", "the limit is 65535 pixels a side"),
        ("png_ihdr_60000x60000.png", "the limit is 64.0 megapixels"),
    ] {
        let e = decode(&std::fs::read(bad_dir().join(name)).unwrap(), &Limits::default()).unwrap_err();
        assert!(e.to_string().contains(says), "{name}: {e}");
    }
}

/// Every combination of sampling factors in a JPEG's frame header, for 3
/// components (baseline) and 4 (CMYK, baseline and progressive), decodes or
/// gives an error: never a panic (which is a trap in the page). The data no
/// longer fits most of these headers, so this sweeps the decoders' handling
/// of inconsistent frames; zune-jpeg's AVX2 upsampler is known to panic on
/// some unevenly sampled CMYK frames (fuzzing finding 3 in ROBUSTNESS.md,
/// replayed by `tests/fuzz_regressions.rs`).
#[test]
fn every_jpeg_sampling_factor_combination_decodes_or_errs_never_panics() {
    let factors = [0x11u8, 0x12, 0x21, 0x22, 0x13, 0x31, 0x14, 0x41, 0x24, 0x42, 0x44, 0x33, 0x23, 0x32];
    let rgb = encode(&base_image(), ImageFormat::Jpeg);
    let cmyk = |progressive: bool| {
        let inks: Vec<u8> = (0..48 * 32 * 4).map(|i| (i * 7 % 256) as u8).collect();
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
        enc.set_progressive(progressive);
        // Sampled 2×2 jpeg-encoder keeps K at full size and halves C, M and Y: the
        // frame header then says (0x11, 0x11, 0x11, 0x22), with the data to match.
        enc.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
        enc.encode(&inks, 48, 32, jpeg_encoder::ColorType::Cmyk).unwrap();
        out
    };
    let mut panics = Vec::new();
    let mut decoded = 0;
    for (name, jpeg, components, set) in [
        ("RGB", rgb, 3, &factors[..]),
        ("CMYK", cmyk(false), 4, &factors[..6]),
        ("CMYK progressive", cmyk(true), 4, &factors[..6]),
    ] {
        let sof = jpeg.windows(2).position(|w| w == [0xff, 0xc0] || w == [0xff, 0xc2]).unwrap();
        assert_eq!(jpeg[sof + 9] as usize, components, "{name}");
        let combos = set.len().pow(components as u32);
        for mut k in 0..combos {
            let mut bytes = jpeg.clone();
            let mut chosen = Vec::new();
            for c in 0..components {
                bytes[sof + 11 + 3 * c] = set[k % set.len()];
                chosen.push(set[k % set.len()]);
                k /= set.len();
            }
            match std::panic::catch_unwind(|| decode(&bytes, &Limits::default())) {
                Ok(Ok(_)) => decoded += 1,
                Ok(Err(_)) => {}
                Err(_) => panics.push(format!("{name} {chosen:02x?}")),
            }
        }
    }
    assert!(panics.is_empty(), "{} combinations panicked: {:?}", panics.len(), &panics[..panics.len().min(10)]);
    assert!(decoded > 500, "most combinations should still decode (to garbage): {decoded}");
}

/// The CLI on `args`, under a 2 GiB address-space limit where `sh` and
/// `ulimit` exist, so a runaway allocation fails the run instead of the machine.
fn cinepal(args: &[&str]) -> std::process::Output {
    let bin = env!("CARGO_BIN_EXE_cinepal");
    if cfg!(target_os = "linux") {
        Command::new("sh").arg("-c").arg("ulimit -v 2097152 && exec \"$0\" \"$@\"").arg(bin).args(args).output()
    } else {
        Command::new(bin).args(args).output()
    }
    .expect("run cinepal")
}

#[test]
fn the_cli_exits_with_the_matching_code_and_one_line() {
    let mut failures = Vec::new();
    for path in bad_files() {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let t0 = Instant::now();
        let out = cinepal(&[path.to_str().unwrap()]);
        let elapsed = t0.elapsed();
        let code = out.status.code();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let codes: &[i32] = match expectation(&path) {
            Expect::Decode | Expect::Unsupported => &[4],
            Expect::Limits => &[5],
            Expect::LimitsOrDecode => &[4, 5],
            Expect::NothingToExtract => &[6],
            Expect::Palette => &[0],
        };
        if !code.is_some_and(|c| codes.contains(&c)) {
            failures.push(format!("{name}: exit {code:?}, expected one of {codes:?}; stderr {stderr:?}"));
            continue;
        }
        if elapsed > MAX_TIME {
            failures.push(format!("{name}: took {elapsed:?}"));
        }
        if code == Some(0) {
            if !stderr.is_empty() || out.stdout.is_empty() {
                failures.push(format!("{name}: succeeded but stdout {:?} stderr {stderr:?}", out.stdout.len()));
            }
        } else if !out.stdout.is_empty()
            || !stderr.starts_with("cinepal: ")
            || stderr.lines().count() != 1
            || stderr.contains("panicked")
        {
            failures.push(format!("{name}: stdout {} bytes, stderr {stderr:?}", out.stdout.len()));
        }
    }
    assert!(failures.is_empty(), "the CLI misbehaved on bad files:\n{}", failures.join("\n"));
}

// ---------------------------------------------------------------- the generator

/// The valid image every truncated file is cut from: 48×32 jittered quadrants.
fn base_image() -> DynamicImage {
    let base = quadrants(48, 32);
    let mut rng = Lcg::new(3);
    DynamicImage::ImageRgb8(rgb_image(48, 32, |x, y| jitter(base.get_pixel(x, y).0, 8, &mut rng)))
}

fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).position(|w| w == needle).expect("marker present")
}

/// A PNG from hand-made parts: IHDR data, IDAT data, nothing else.
fn raw_png(ihdr_data: &[u8], idat: &[u8]) -> Vec<u8> {
    let mut out = PNG_SIGNATURE.to_vec();
    out.extend(png_chunk(b"IHDR", ihdr_data));
    out.extend(png_chunk(b"IDAT", idat));
    out.extend(png_chunk(b"IEND", &[]));
    out
}

/// A GIF89a: logical screen `sw × sh`, one frame `fw × fh` at (0, 0) with a
/// 2-color local table and the LZW data of a single pixel.
fn gif(sw: u16, sh: u16, fw: u16, fh: u16) -> Vec<u8> {
    let mut out = b"GIF89a".to_vec();
    out.extend(sw.to_le_bytes());
    out.extend(sh.to_le_bytes());
    out.extend([0x00, 0, 0]); // no global color table
    out.push(0x2c); // image descriptor
    out.extend([0, 0, 0, 0]);
    out.extend(fw.to_le_bytes());
    out.extend(fh.to_le_bytes());
    out.push(0x80); // local color table of 2 entries
    out.extend([200, 30, 40, 40, 60, 200]);
    // LZW, minimum code size 2: codes of 3 bits, clear (4), index 0, end (5).
    out.extend([2, 2, 0x44, 0x01, 0]);
    out.push(0x3b);
    out
}

/// A 24-bit BMP header declaring `w × h` followed by `pixel_bytes` of data.
fn bmp(w: i32, h: i32, pixel_bytes: usize) -> Vec<u8> {
    let mut out = b"BM".to_vec();
    out.extend((54 + pixel_bytes as u32).to_le_bytes());
    out.extend([0, 0, 0, 0]);
    out.extend(54u32.to_le_bytes());
    out.extend(40u32.to_le_bytes());
    out.extend(w.to_le_bytes());
    out.extend(h.to_le_bytes());
    out.extend(1u16.to_le_bytes());
    out.extend(24u16.to_le_bytes());
    out.extend([0u8; 24]); // no compression, sizes and resolution left 0
    out.extend(std::iter::repeat_n(0x80u8, pixel_bytes));
    out
}

/// Every bad file, by name.
fn bad_file_contents() -> Vec<(String, Vec<u8>)> {
    let img = base_image();
    let png = encode(&img, ImageFormat::Png);
    let jpeg = encode(&img, ImageFormat::Jpeg);
    let gif_file = encode(&img, ImageFormat::Gif);
    let webp = encode(&img, ImageFormat::WebP);
    let bmp_file = encode(&img, ImageFormat::Bmp);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>| files.push((name.to_string(), bytes));

    add("empty.png", Vec::new());
    add("text.jpg", b"Not a picture.\nJust some notes about a film still.\n".to_vec());
    let mut rng = Lcg::new(99);
    add("random.bin", (0..4096).map(|_| rng.next_u32() as u8).collect());
    add(
        "pdf_renamed.jpg",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
            .to_vec(),
    );
    add("tiff_header.png", b"II*\x00\x08\x00\x00\x00\x00\x00".to_vec());
    add("avif_header.avif", b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf".to_vec());
    add("heic_header.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic".to_vec());
    add("jxl_codestream.jxl", b"\xff\x0a\xfa\x7f\x01\x90\x08\x06\x01\x00\x48\x00".to_vec());

    add("png_signature_only.png", PNG_SIGNATURE.to_vec());
    add("png_cut_16.png", png[..16].to_vec());
    add("png_cut_33.png", png[..33].to_vec());
    add("png_cut_half.png", png[..png.len() / 2].to_vec());
    add("png_cut_before_iend.png", png[..png.len() - 12].to_vec());
    let mut bad = png.clone();
    bad[29] ^= 0xff; // IHDR's CRC: bytes 29..33
    add("png_bad_crc_ihdr.png", bad);
    let mut bad = png.clone();
    let iend = png.len() - 12;
    bad[iend - 1] ^= 0xff; // the last byte before IEND is the last IDAT's CRC
    add("png_bad_crc_idat.png", bad);
    add("png_bad_zlib.png", raw_png(&ihdr(48, 32, 8, 2), b"definitely not zlib data at all"));
    add("png_zero_width.png", raw_png(&ihdr(0, 32, 8, 2), &zlib_stored(&[0; 32])));
    add("png_bad_color_type.png", raw_png(&ihdr(4, 4, 8, 5), &zlib_stored(&[0; 4 * 13])));
    add("png_ihdr_100000x100000.png", raw_png(&ihdr(100_000, 100_000, 8, 2), &zlib_stored(&[0; 301])));
    add("png_ihdr_60000x60000.png", raw_png(&ihdr(60_000, 60_000, 8, 2), &zlib_stored(&[0; 181])));
    add("png_transparent.png", transparent_png(24, 16));
    let mut profile = b"bomb\0\0".to_vec(); // profile name, then compression method 0 (zlib)
    profile.extend(miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; 80 << 20], 10));
    let after_ihdr = 8 + 25;
    let mut bomb = png[..after_ihdr].to_vec();
    bomb.extend(png_chunk(b"iCCP", &profile));
    bomb.extend(&png[after_ihdr..]);
    add("png_iccp_inflates_to_80MiB.png", bomb);

    add("jpeg_cut_2.jpg", jpeg[..2].to_vec());
    add("jpeg_cut_20.jpg", jpeg[..20].to_vec());
    let sos = find(&jpeg, &[0xff, 0xda]);
    let sos_len = u16::from_be_bytes([jpeg[sos + 2], jpeg[sos + 3]]) as usize;
    add("jpeg_cut_header_end.jpg", jpeg[..sos + 2 + sos_len].to_vec());
    add("jpeg_cut_half.jpg", jpeg[..(sos + jpeg.len()) / 2].to_vec());
    add("jpeg_cut_before_eoi.jpg", jpeg[..jpeg.len() - 2].to_vec());
    let mut big = jpeg.clone();
    let sof = find(&jpeg, &[0xff, 0xc0]);
    big[sof + 5..sof + 7].copy_from_slice(&65_000u16.to_be_bytes());
    big[sof + 7..sof + 9].copy_from_slice(&65_000u16.to_be_bytes());
    add("jpeg_sof_65000x65000.jpg", big);
    let mut many = jpeg.clone();
    many[sof + 1] = 0xc2; // progressive
    many[sof + 5..sof + 7].copy_from_slice(&8000u16.to_be_bytes());
    many[sof + 7..sof + 9].copy_from_slice(&8000u16.to_be_bytes());
    many.truncate(many.len() - 2); // EOI
    let sos_segment = jpeg[sos..sos + 2 + sos_len].to_vec();
    for _ in 1..30 {
        many.extend(&sos_segment);
    }
    many.extend([0xff, 0xd9]);
    add("jpeg_progressive_8000x8000_30_scans.jpg", many);

    add("gif_cut_6.gif", gif_file[..6].to_vec());
    add("gif_cut_13.gif", gif_file[..13].to_vec());
    add("gif_cut_half.gif", gif_file[..gif_file.len() / 2].to_vec());
    add("gif_cut_before_trailer.gif", gif_file[..gif_file.len() - 1].to_vec());
    add("gif_screen_65535x65535.gif", gif(65_535, 65_535, 1, 1));
    add("gif_frame_15000x15000_on_1x1_screen.gif", gif(1, 1, 15_000, 15_000));

    add("webp_cut_12.webp", webp[..12].to_vec());
    add("webp_cut_24.webp", webp[..24].to_vec());
    add("webp_cut_half.webp", webp[..webp.len() / 2].to_vec());
    let vp8l = find(&webp, b"VP8L") + 8;
    assert_eq!(webp[vp8l], 0x2f, "a lossless WebP");
    for side in [16_000u32, 16_384] {
        let mut big = webp.clone();
        // 14 bits width − 1, 14 bits height − 1, alpha and version bits kept.
        let bits = u32::from_le_bytes(big[vp8l + 1..vp8l + 5].try_into().unwrap());
        let bits = (bits & 0xf000_0000) | ((side - 1) << 14) | (side - 1);
        big[vp8l + 1..vp8l + 5].copy_from_slice(&bits.to_le_bytes());
        add(&format!("webp_vp8l_{side}x{side}.webp"), big);
    }

    add("bmp_cut_14.bmp", bmp_file[..14].to_vec());
    add("bmp_cut_30.bmp", bmp_file[..30].to_vec());
    add("bmp_cut_half.bmp", bmp_file[..bmp_file.len() / 2].to_vec());
    add("bmp_100000x100000.bmp", bmp(100_000, 100_000, 256));
    add("bmp_30000x30000.bmp", bmp(30_000, 30_000, 256));
    files
}

/// Writes `tests/bad/`. Run it by hand when the list changes.
#[test]
#[ignore = "writes the files of tests/bad; run by hand"]
fn regenerate_bad_files() {
    let dir = bad_dir();
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in bad_file_contents() {
        std::fs::write(dir.join(&name), bytes).unwrap();
    }
}
