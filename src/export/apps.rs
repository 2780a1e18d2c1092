//! The formats of other apps and tools: Adobe Swatch Exchange (`.ase`),
//! Photoshop swatches (`.aco`), a Procreate palette (`.swatches`) and
//! Tailwind CSS colors (a `@theme` block, a config module).
//!
//! Built with the `app-formats` feature (a default one). The page's first
//! WebAssembly module leaves it out, to stay small: there these formats are a
//! `needs-full` error, and the worker writes them with the module built with
//! every feature (docs/WASM_API.md).
//!
//! The colors written are the swatches' 8-bit sRGB (their hex), except in
//! the `@theme` block, where a color beyond sRGB is its `oklch()`. Swatches
//! are named by their hex; a file's group or palette is named after the image.

use std::fmt::Write;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::palette::Palette;

/// Tailwind CSS 4 theme colors: `--color-cinepal-1` … in `@theme` (the
/// classes `bg-cinepal-1`, `text-cinepal-1`…), with shares as comments. A
/// color beyond sRGB is written as its `oklch()` ([`Swatch::css`]), as
/// Tailwind 4's own colors are.
///
/// [`Swatch::css`]: crate::swatch::Swatch::css
pub fn to_tailwind(p: &Palette) -> String {
    let mut s = String::from(
        "/* Tailwind CSS 4 theme colors (bg-cinepal-1, text-cinepal-2…). A color beyond sRGB\n   \
         is oklch(), as in Tailwind's own palette; its hex is in its comment. */\n@theme {\n",
    );
    for (i, c) in p.swatches.iter().enumerate() {
        let _ = write!(s, "  --color-cinepal-{}: {}; /* {:.1}%", i + 1, c.css(), c.share * 100.0);
        if c.mapped() {
            let _ = write!(s, "; beyond sRGB, {} there", c.hex());
        }
        s.push_str(" */\n");
    }
    s.push_str("}\n");
    s
}

/// Tailwind CSS colors as an ES module: a config whose
/// `theme.extend.colors.cinepal` is `{1: '#rrggbb', …}`, to use as a preset,
/// with `@config` in Tailwind 4, or spread into a `tailwind.config.js`. In
/// hex: a color beyond sRGB is gamut-mapped, its `oklch()` in a comment.
pub fn to_tailwind_config(p: &Palette) -> String {
    let mut s = String::from(
        "// Tailwind CSS colors (bg-cinepal-1, text-cinepal-2…): a preset, an @config file, or spread\n\
         // theme.extend.colors into your tailwind.config.js. Hex, sRGB: a color beyond sRGB is\n\
         // gamut-mapped (its oklch() in the comment; the tailwind format keeps it).\n\
         export default {\n  theme: {\n    extend: {\n      colors: {\n        cinepal: {\n",
    );
    for (i, c) in p.swatches.iter().enumerate() {
        let _ = write!(s, "          {}: '{}', // {:.1}%", i + 1, c.hex(), c.share * 100.0);
        if c.mapped() {
            let _ = write!(s, "; beyond sRGB: {}", c.css());
        }
        s.push('\n');
    }
    s.push_str("        },\n      },\n    },\n  },\n};\n");
    s
}

/// Appends `v` big-endian: the byte order of every binary format here.
fn put(out: &mut Vec<u8>, v: impl Into<u32>, bytes: usize) {
    out.extend_from_slice(&v.into().to_be_bytes()[4 - bytes..]);
}

/// Appends `s` (its first 200 characters) as UTF-16BE with a terminating
/// null, after its length in code units, null included, in `bytes` bytes
/// (the names of the `.ase` and `.aco` files).
fn put_utf16(out: &mut Vec<u8>, s: &str, bytes: usize) {
    let units: Vec<u16> = s.chars().take(200).collect::<String>().encode_utf16().chain([0]).collect();
    put(out, units.len() as u32, bytes);
    for u in units {
        put(out, u, 2);
    }
}

/// Adobe Swatch Exchange (`.ase`, version 1.0): one group named `name`, and
/// in it a global RGB color a swatch (its 8-bit sRGB as 32-bit floats),
/// named by its hex.
pub fn to_ase(p: &Palette, name: &str) -> Vec<u8> {
    let mut out = b"ASEF\0\x01\0\0".to_vec();
    // The blocks: the group's start, a color a swatch, the group's end.
    put(&mut out, p.swatches.len() as u32 + 2, 4);
    let mut block = |kind: u16, body: &[u8]| {
        put(&mut out, kind, 2);
        put(&mut out, body.len() as u32, 4);
        out.extend_from_slice(body);
    };
    let mut body = Vec::new();
    put_utf16(&mut body, name, 2);
    block(0xc001, &body);
    for c in &p.swatches {
        body.clear();
        put_utf16(&mut body, &c.hex(), 2);
        body.extend_from_slice(b"RGB ");
        for v in c.rgb {
            put(&mut body, (v as f32 / 255.0).to_bits(), 4);
        }
        put(&mut body, 0u16, 2); // global
        block(1, &body);
    }
    block(0xc002, &[]);
    out
}

/// Photoshop color swatches (`.aco`): a version 1 section, then a version 2
/// one (the same colors, named by their hex); RGB, 16 bits a channel.
pub fn to_aco(p: &Palette) -> Vec<u8> {
    let mut out = Vec::new();
    for version in [1u16, 2] {
        put(&mut out, version, 2);
        put(&mut out, p.swatches.len() as u32, 2);
        for c in &p.swatches {
            put(&mut out, 0u16, 2); // RGB
            for v in c.rgb.into_iter().chain([0]) {
                put(&mut out, v as u32 * 257, 2);
            }
            if version == 2 {
                put_utf16(&mut out, &c.hex(), 4);
            }
        }
    }
    out
}

/// The most swatches a Procreate palette holds.
pub const PROCREATE_MAX: usize = 30;

/// A Procreate palette (`.swatches`): a ZIP holding `Swatches.json`, a swatch's
/// color as hue, saturation and brightness (of its 8-bit sRGB) from 0 to 1.
/// A palette of more than [`PROCREATE_MAX`] colors is an error.
pub fn to_swatches(p: &Palette, name: &str) -> Result<Vec<u8>> {
    if p.swatches.len() > PROCREATE_MAX {
        return Err(Error::InvalidOption(format!(
            "a Procreate palette holds at most {PROCREATE_MAX} colors, this one has {}",
            p.swatches.len()
        )));
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Entry {
        hue: f64,
        saturation: f64,
        brightness: f64,
        alpha: u8,
        color_space: u8,
    }
    #[derive(Serialize)]
    struct Procreate<'a> {
        name: &'a str,
        swatches: Vec<Entry>,
    }
    let swatches = p
        .swatches
        .iter()
        .map(|c| {
            let [hue, saturation, brightness] = hsv(c.rgb);
            Entry { hue, saturation, brightness, alpha: 1, color_space: 0 }
        })
        .collect();
    // An array of one palette, as Procreate writes it.
    let json = serde_json::to_vec(&[Procreate { name, swatches }]).expect("a palette serializes");
    Ok(zip_stored("Swatches.json", &json))
}

/// Hue, saturation and value of an 8-bit sRGB color, each from 0 to 1 (hue below 1).
fn hsv(rgb: [u8; 3]) -> [f64; 3] {
    let [r, g, b] = rgb.map(|v| v as f64 / 255.0);
    let max = r.max(g).max(b);
    let d = max - r.min(g).min(b);
    let sixths = if d == 0.0 {
        0.0
    } else if max == r {
        ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        (b - r) / d + 2.0
    } else {
        (r - g) / d + 4.0
    };
    [sixths / 6.0, if max == 0.0 { 0.0 } else { d / max }, max]
}

/// A ZIP archive of one file, stored (not compressed), dated 1980-01-01.
fn zip_stored(name: &str, data: &[u8]) -> Vec<u8> {
    // ZIP's numbers are little-endian.
    fn le(out: &mut Vec<u8>, fields: &[(u32, usize)]) {
        for &(v, bytes) in fields {
            out.extend_from_slice(&v.to_le_bytes()[..bytes]);
        }
    }
    let (size, name_len) = (data.len() as u32, name.len() as u32);
    // Version needed 1.0, no flags, stored, time 0, date, CRC-32, both sizes, name length, no extra field.
    let mut common = Vec::new();
    le(
        &mut common,
        &[(10, 2), (0, 2), (0, 2), (0, 2), (0x21, 2), (crc32(data), 4), (size, 4), (size, 4), (name_len, 2), (0, 2)],
    );
    let mut out = Vec::new();
    le(&mut out, &[(0x04034b50, 4)]);
    out.extend_from_slice(&common);
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(data);
    let directory = out.len() as u32;
    // The central directory: made by version 2.0, the same fields, no comment, disk 0, no attributes, at offset 0.
    le(&mut out, &[(0x02014b50, 4), (20, 2)]);
    out.extend_from_slice(&common);
    le(&mut out, &[(0, 2), (0, 2), (0, 2), (0, 4), (0, 4)]);
    out.extend_from_slice(name.as_bytes());
    let directory_size = out.len() as u32 - directory;
    // Its end: disk 0, one entry (on this disk and in all), its size and offset, no comment.
    le(&mut out, &[(0x06054b50, 4), (0, 2), (0, 2), (1, 2), (1, 2), (directory_size, 4), (directory, 4), (0, 2)]);
    out
}

/// The CRC-32 of ZIP (and PNG): reflected, polynomial 0xedb88320.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= byte as u32;
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xedb8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::color::Oklab;
    use crate::options::Options;
    use crate::region::Rect;
    use crate::swatch::Swatch;

    fn palette(swatches: Vec<Swatch>) -> Palette {
        Palette {
            width: 8,
            height: 4,
            pixels: 32,
            counted: 32,
            region: Rect { x: 0, y: 0, width: 8, height: 4 },
            options: Options::default(),
            order: (0..swatches.len()).collect(),
            swatches,
            warnings: Vec::new(),
        }
    }

    /// Five swatches: a dark blue, white, black, a pink, and a red beyond sRGB (Display P3's red, about).
    fn sample() -> Palette {
        let mut swatches: Vec<Swatch> =
            [[0x1b, 0x2a, 0x3c], [255, 255, 255], [0, 0, 0], [200, 30, 90]].map(|rgb| Swatch::new(rgb, 0.2)).into();
        swatches.push(Swatch::from_oklab(Oklab { l: 0.649, a: 0.236, b: 0.131 }, 0.2));
        let p = palette(swatches);
        assert!(p.swatches[4].mapped() && !p.swatches[0].mapped(), "the sample has one color beyond sRGB");
        p
    }

    /// Reads big-endian numbers and UTF-16 strings from a file, checking that it does not run past its end.
    struct Reader<'a>(&'a [u8]);

    impl Reader<'_> {
        fn take(&mut self, n: usize) -> &[u8] {
            assert!(self.0.len() >= n, "{n} bytes wanted, {} left", self.0.len());
            let (head, rest) = self.0.split_at(n);
            self.0 = rest;
            head
        }
        fn u16(&mut self) -> u16 {
            u16::from_be_bytes(self.take(2).try_into().unwrap())
        }
        fn u32(&mut self) -> u32 {
            u32::from_be_bytes(self.take(4).try_into().unwrap())
        }
        /// `units` UTF-16BE code units, the last a null.
        fn utf16(&mut self, units: usize) -> String {
            let all: Vec<u16> = (0..units).map(|_| self.u16()).collect();
            assert_eq!(all.last(), Some(&0), "a terminating null");
            String::from_utf16(&all[..units - 1]).unwrap()
        }
    }

    #[test]
    fn ase_has_its_header_a_group_and_a_global_rgb_color_a_swatch() {
        let p = sample();
        let ase = to_ase(&p, "still é");
        let mut r = Reader(&ase);
        assert_eq!(r.take(4), b"ASEF");
        assert_eq!((r.u16(), r.u16()), (1, 0), "version 1.0");
        assert_eq!(r.u32() as usize, p.swatches.len() + 2, "blocks: the group's start and end, a color a swatch");
        let block = |r: &mut Reader| -> (u16, Vec<u8>) {
            let kind = r.u16();
            let len = r.u32() as usize;
            (kind, r.take(len).to_vec())
        };
        let (kind, body) = block(&mut r);
        assert_eq!(kind, 0xc001, "group start");
        let mut b = Reader(&body);
        let units = b.u16() as usize;
        assert_eq!(b.utf16(units), "still é");
        assert!(b.0.is_empty(), "the group start's length is its name's");
        for c in &p.swatches {
            let (kind, body) = block(&mut r);
            assert_eq!(kind, 1, "color entry");
            let mut b = Reader(&body);
            let units = b.u16() as usize;
            assert_eq!(b.utf16(units), c.hex());
            assert_eq!(b.take(4), b"RGB ");
            let rgb: Vec<u8> = (0..3).map(|_| (f32::from_bits(b.u32()) * 255.0).round() as u8).collect();
            assert_eq!(rgb, c.rgb, "{}", c.hex());
            assert_eq!(b.u16(), 0, "global");
            assert!(b.0.is_empty(), "the block's length is its content's");
        }
        assert_eq!(block(&mut r), (0xc002, Vec::new()), "group end");
        assert!(r.0.is_empty(), "nothing after the last block");
    }

    #[test]
    fn aco_has_a_version_1_section_then_a_named_version_2_one() {
        let p = sample();
        let aco = to_aco(&p);
        let n = p.swatches.len();
        let names_len: usize = p.swatches.iter().map(|c| 4 + 2 * (c.hex().len() + 1)).sum();
        assert_eq!(aco.len(), 4 + 10 * n + 4 + 10 * n + names_len);
        let mut r = Reader(&aco);
        for version in [1, 2] {
            assert_eq!((r.u16(), r.u16() as usize), (version, n));
            for c in &p.swatches {
                assert_eq!(r.u16(), 0, "RGB");
                let [red, green, blue, zero] = [r.u16(), r.u16(), r.u16(), r.u16()];
                assert_eq!([red, green, blue], c.rgb.map(|v| v as u16 * 257), "16 bits a channel: 255 is 65535");
                assert_eq!(zero, 0);
                if version == 2 {
                    let units = r.u32() as usize;
                    assert_eq!(r.utf16(units), c.hex());
                }
            }
        }
        assert!(r.0.is_empty());
    }

    /// The sRGB color of hue, saturation and value from 0 to 1 (the usual six sectors).
    fn rgb_of(h: f64, s: f64, v: f64) -> [u8; 3] {
        let sector = (h * 6.0).floor();
        let f = h * 6.0 - sector;
        let (p, q, t) = (v * (1.0 - s), v * (1.0 - s * f), v * (1.0 - s * (1.0 - f)));
        let rgb = match sector as i32 % 6 {
            0 => [v, t, p],
            1 => [q, v, p],
            2 => [p, v, t],
            3 => [p, q, v],
            4 => [t, p, v],
            _ => [v, p, q],
        };
        rgb.map(|x| (x * 255.0).round() as u8)
    }

    #[test]
    fn hsv_of_known_colors() {
        assert_eq!(hsv([255, 0, 0]), [0.0, 1.0, 1.0]);
        assert_eq!(hsv([0, 255, 255]), [0.5, 1.0, 1.0]);
        assert_eq!(hsv([255, 255, 255]), [0.0, 0.0, 1.0]);
        assert_eq!(hsv([0, 0, 0]), [0.0, 0.0, 0.0]);
        let [h, s, v] = hsv([255, 0, 128]);
        assert!((h - (1.0 - 128.0 / 255.0 / 6.0)).abs() < 1e-12 && s == 1.0 && v == 1.0, "{h}");
        for rgb in [[1, 2, 3], [200, 30, 90], [30, 200, 90], [90, 30, 200], [128, 128, 0], [0, 1, 0]] {
            let [h, s, v] = hsv(rgb);
            assert!((0.0..1.0).contains(&h), "{rgb:?}");
            assert_eq!(rgb_of(h, s, v), rgb);
        }
    }

    #[test]
    fn crc32_is_zips() {
        // The check value of CRC-32 (ISO-HDLC), as every table of CRCs gives it.
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        assert_eq!(crc32(b""), 0);
    }

    fn le(bytes: &[u8], at: usize, n: usize) -> u32 {
        bytes[at..at + n].iter().rev().fold(0, |v, &b| v << 8 | b as u32)
    }

    #[test]
    fn procreate_swatches_are_a_zip_of_swatches_json_in_hsb() {
        let p = sample();
        let zip = to_swatches(&p, "still \"one\"").unwrap();
        // The local file header: stored, its CRC and sizes, the name, then the file.
        assert_eq!(le(&zip, 0, 4), 0x0403_4b50);
        assert_eq!(le(&zip, 8, 2), 0, "stored");
        let (crc, size, name_len) = (le(&zip, 14, 4), le(&zip, 18, 4) as usize, le(&zip, 26, 2) as usize);
        assert_eq!(le(&zip, 22, 4) as usize, size);
        assert_eq!(&zip[30..30 + name_len], b"Swatches.json");
        let data = &zip[30 + name_len..30 + name_len + size];
        assert_eq!(crc32(data), crc);
        // The end of the central directory: one entry, whose header is where it says, naming the file.
        let end = zip.len() - 22;
        assert_eq!(le(&zip, end, 4), 0x0605_4b50);
        assert_eq!((le(&zip, end + 8, 2), le(&zip, end + 10, 2)), (1, 1));
        let (dir_size, dir) = (le(&zip, end + 12, 4) as usize, le(&zip, end + 16, 4) as usize);
        assert_eq!(dir + dir_size, end);
        assert_eq!(le(&zip, dir, 4), 0x0201_4b50);
        assert_eq!((le(&zip, dir + 16, 4), le(&zip, dir + 24, 4) as usize), (crc, size));
        assert_eq!(&zip[dir + 46..dir + 46 + name_len], b"Swatches.json");
        assert_eq!(le(&zip, dir + 42, 4), 0, "the file is at the start");

        let json: serde_json::Value = serde_json::from_slice(data).unwrap();
        assert_eq!(json[0]["name"], "still \"one\"");
        let swatches = json[0]["swatches"].as_array().unwrap();
        assert_eq!(swatches.len(), p.swatches.len());
        for (s, c) in swatches.iter().zip(&p.swatches) {
            let f = |k: &str| s[k].as_f64().unwrap_or_else(|| panic!("{k} in {s}"));
            assert_eq!(rgb_of(f("hue"), f("saturation"), f("brightness")), c.rgb, "{s}");
            assert_eq!((f("alpha"), f("colorSpace")), (1.0, 0.0));
        }
    }

    #[test]
    fn procreate_holds_thirty_swatches_at_most() {
        let thirty = palette((0..30).map(|i| Swatch::new([i * 8, 0, 0], 1.0 / 30.0)).collect());
        assert!(to_swatches(&thirty, "x").is_ok());
        let more = palette((0..31).map(|i| Swatch::new([i * 8, 0, 0], 1.0 / 31.0)).collect());
        let e = to_swatches(&more, "x").unwrap_err();
        assert_eq!(e.kind(), "invalid-option");
        assert!(e.message().contains("at most 30 colors, this one has 31"), "{e}");
    }

    #[test]
    fn tailwind_theme_names_each_color_in_order_beyond_srgb_as_oklch() {
        let p = sample();
        let css = to_tailwind(&p);
        assert!(css.contains("\n@theme {\n") && css.ends_with("}\n"), "{css}");
        assert_eq!(css.matches('{').count(), css.matches('}').count());
        let values: Vec<&str> = css
            .lines()
            .filter_map(|l| l.trim().strip_prefix("--color-cinepal-"))
            .map(|l| l.split_once(';').unwrap().0)
            .collect();
        let want: Vec<String> = p.swatches.iter().enumerate().map(|(i, c)| format!("{}: {}", i + 1, c.css())).collect();
        assert_eq!(values, want);
        assert!(want[4].starts_with("5: oklch(") && want[0] == "1: #1b2a3c", "{want:?}");
        // The beyond-sRGB color's hex stand-in is in its comment.
        assert!(css.contains(&format!("beyond sRGB, {} there */", p.swatches[4].hex())), "{css}");
    }

    #[test]
    fn tailwind_config_is_a_module_of_hex_colors_in_order() {
        let p = sample();
        let js = to_tailwind_config(&p);
        assert!(
            js.contains("export default {\n  theme: {\n    extend: {\n      colors: {\n        cinepal: {\n"),
            "{js}"
        );
        assert!(js.ends_with("};\n"));
        assert_eq!(js.matches('{').count(), js.matches('}').count());
        let entries: Vec<&str> =
            js.lines().filter(|l| l.starts_with("          ")).map(|l| l.trim().split_once(',').unwrap().0).collect();
        let want: Vec<String> =
            p.swatches.iter().enumerate().map(|(i, c)| format!("{}: '{}'", i + 1, c.hex())).collect();
        assert_eq!(entries, want);
        assert!(js.contains(&format!("beyond sRGB: {}", p.swatches[4].css())), "{js}");
    }
}
