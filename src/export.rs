//! A palette as text, JSON, CSS custom properties, a GIMP palette, an SVG
//! strip, the swatch files of Adobe's apps (`.ase`, `.aco`) and of Procreate
//! (`.swatches`), Tailwind CSS colors, or (rendered by [`crate::render`]) a
//! PNG: one [`Format`] table for the CLI and the page's downloads.

use std::fmt::Write;

use serde::Serialize;

use crate::choice::{serde_by_name, Choice, Named};
use crate::error::{Error, Result};
use crate::palette::Palette;

#[cfg(feature = "app-formats")]
pub mod apps;

/// An export format (`text` unless said).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// One line a swatch: hex, RGB, share.
    #[default]
    Text,
    /// The palette object (the wasm API's, with the same field names).
    Json,
    /// Custom properties for a style sheet.
    Css,
    /// A GIMP palette.
    Gpl,
    /// The strip as SVG.
    Svg,
    /// The still with its strip below it, as PNG (rendered, not written as text).
    Png,
    /// Adobe Swatch Exchange (Illustrator, Photoshop, InDesign…).
    Ase,
    /// Photoshop color swatches.
    Aco,
    /// A Procreate palette.
    Swatches,
    /// Tailwind CSS 4 theme colors (`@theme`).
    Tailwind,
    /// Tailwind CSS colors as a JavaScript module (a preset, or `@config` in Tailwind 4).
    TailwindConfig,
}

impl Named for Format {
    const WHAT: &'static str = "format";
    const CHOICES: &'static [Choice<Format>] = &[
        Choice {
            value: Format::Png,
            name: "png",
            label: "Image with strip (PNG)",
            aliases: &[],
            hint: "the still with its strip, full resolution",
        },
        Choice {
            value: Format::Json,
            name: "json",
            label: "JSON",
            aliases: &[],
            hint: "every color with its share, for scripts",
        },
        Choice {
            value: Format::Css,
            name: "css",
            label: "CSS",
            aliases: &[],
            hint: "custom properties for a style sheet",
        },
        Choice {
            value: Format::Gpl,
            name: "gpl",
            label: "GIMP .gpl",
            aliases: &["gimp"],
            hint: "a palette for GIMP and Inkscape",
        },
        Choice {
            value: Format::Svg,
            name: "svg",
            label: "SVG strip",
            aliases: &[],
            hint: "the strip as a vector image",
        },
        Choice { value: Format::Text, name: "text", label: "Text", aliases: &["txt"], hint: "one hex value per line" },
        Choice {
            value: Format::Ase,
            name: "ase",
            label: "Adobe .ase",
            aliases: &[],
            hint: "Adobe Swatch Exchange, for Illustrator and Photoshop",
        },
        Choice {
            value: Format::Aco,
            name: "aco",
            label: "Photoshop .aco",
            aliases: &["photoshop"],
            hint: "Photoshop swatches",
        },
        Choice {
            value: Format::Swatches,
            name: "swatches",
            label: "Procreate",
            aliases: &["procreate"],
            hint: "a palette for Procreate",
        },
        Choice {
            value: Format::Tailwind,
            name: "tailwind",
            label: "Tailwind 4 CSS",
            aliases: &[],
            hint: "an @theme block for Tailwind CSS 4",
        },
        Choice {
            value: Format::TailwindConfig,
            name: "tailwind-config",
            label: "Tailwind config",
            aliases: &[],
            hint: "a colors module for a Tailwind config",
        },
    ];
}

serde_by_name!(Format);

/// What a file of a format is called and served as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatSpec {
    /// The file name extension, without the dot.
    pub extension: &'static str,
    /// The MIME type.
    pub mime: &'static str,
}

/// Files are named after their image: `still.jpg` → `still-palette.json`.
pub const FILE_SUFFIX: &str = "-palette";

/// What a writer needs besides the palette. The wasm API takes `{name, proportional, frame}`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExportContext {
    /// The palette's name (the GIMP palette's `Name:`, the ASE group's, the Procreate palette's), usually the image's file stem.
    pub name: String,
    /// Swatch widths proportional to their shares (SVG).
    pub proportional: bool,
    /// Seconds the extraction took, written in the JSON when known.
    #[serde(skip)]
    pub seconds: Option<f64>,
    /// The frame of a film the palette's image is (the page's "palette of this frame"), written in the JSON.
    pub frame: Option<FrameRef>,
}

/// Where in a film a palette's image comes from: the JSON's `"frame": {"time": s}`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameRef {
    /// Seconds from the film's start.
    pub time: f64,
}

impl Default for ExportContext {
    fn default() -> ExportContext {
        ExportContext { name: "cinepal".into(), proportional: false, seconds: None, frame: None }
    }
}

impl Format {
    /// Extension and MIME type.
    pub fn spec(self) -> FormatSpec {
        let (extension, mime) = match self {
            Format::Text => ("txt", "text/plain"),
            Format::Json => ("json", "application/json"),
            Format::Css => ("css", "text/css"),
            Format::Gpl => ("gpl", "text/plain"),
            Format::Svg => ("svg", "image/svg+xml"),
            Format::Png => ("png", "image/png"),
            Format::Ase => ("ase", "application/octet-stream"),
            Format::Aco => ("aco", "application/octet-stream"),
            Format::Swatches => ("swatches", "application/octet-stream"),
            Format::Tailwind => ("tailwind.css", "text/css"),
            Format::TailwindConfig => ("tailwind.js", "text/javascript"),
        };
        FormatSpec { extension, mime }
    }

    /// The format the still with its strip is written in.
    pub const COMPOSITE: Format = Format::Png;

    /// Whether this format is a picture drawn by [`crate::render`], not written by [`Format::write`].
    pub fn is_image(self) -> bool {
        match self {
            Format::Png => true,
            Format::Text
            | Format::Json
            | Format::Css
            | Format::Gpl
            | Format::Svg
            | Format::Ase
            | Format::Aco
            | Format::Swatches
            | Format::Tailwind
            | Format::TailwindConfig => false,
        }
    }

    /// Whether this format's files are binary data, not UTF-8 text.
    pub fn is_binary(self) -> bool {
        match self {
            Format::Png | Format::Ase | Format::Aco | Format::Swatches => true,
            Format::Text
            | Format::Json
            | Format::Css
            | Format::Gpl
            | Format::Svg
            | Format::Tailwind
            | Format::TailwindConfig => false,
        }
    }

    /// Whether this format draws the strip, so that proportional widths change it.
    pub fn draws_strip(self) -> bool {
        match self {
            Format::Svg | Format::Png => true,
            Format::Text
            | Format::Json
            | Format::Css
            | Format::Gpl
            | Format::Ase
            | Format::Aco
            | Format::Swatches
            | Format::Tailwind
            | Format::TailwindConfig => false,
        }
    }

    /// The file name for the palette of an image whose name without extension is `stem`.
    pub fn file_name(self, stem: &str) -> String {
        format!("{stem}{FILE_SUFFIX}.{}", self.spec().extension)
    }

    /// The palette as this format's file (UTF-8 text unless [`Format::is_binary`]); an image format is an error,
    /// and so is a format of another app in a build without the `app-formats` feature.
    pub fn write(self, p: &Palette, cx: &ExportContext) -> Result<Vec<u8>> {
        Ok(match self {
            Format::Text => to_text(p).into_bytes(),
            Format::Json => {
                let report = Report { frame: cx.frame, ..Report::new(p, cx.seconds) };
                (serde_json::to_string(&report).expect("a palette serializes") + "\n").into_bytes()
            }
            Format::Css => to_css(p).into_bytes(),
            Format::Gpl => to_gpl(p, &cx.name).into_bytes(),
            Format::Svg => to_svg(p, p.region.width, cx.proportional).into_bytes(),
            #[cfg(feature = "app-formats")]
            Format::Ase => apps::to_ase(p, &cx.name),
            #[cfg(feature = "app-formats")]
            Format::Aco => apps::to_aco(p),
            #[cfg(feature = "app-formats")]
            Format::Swatches => apps::to_swatches(p, &cx.name)?,
            #[cfg(feature = "app-formats")]
            Format::Tailwind => apps::to_tailwind(p).into_bytes(),
            #[cfg(feature = "app-formats")]
            Format::TailwindConfig => apps::to_tailwind_config(p).into_bytes(),
            #[cfg(not(feature = "app-formats"))]
            Format::Ase | Format::Aco | Format::Swatches | Format::Tailwind | Format::TailwindConfig => {
                return Err(Error::NeedsFull(format!("this build does not write {self} files")))
            }
            Format::Png => {
                return Err(Error::InvalidOption(
                    "png is a picture of the still with its strip: it is rendered, not written as text".into(),
                ))
            }
        })
    }
}

impl Format {
    /// Whether the palettes of several images can follow each other on one
    /// stream (one JSON object a line; text and CSS headed by the file's name).
    /// Otherwise each image gets a file of its own.
    pub fn streams(self) -> bool {
        match self {
            Format::Text | Format::Json | Format::Css => true,
            Format::Gpl
            | Format::Svg
            | Format::Png
            | Format::Ase
            | Format::Aco
            | Format::Swatches
            | Format::Tailwind
            | Format::TailwindConfig => false,
        }
    }

    /// The palette of `file`, one of several on a stream (see [`Format::streams`]).
    pub fn write_in_stream(self, file: &str, p: &Palette, cx: &ExportContext) -> Result<Vec<u8>> {
        Ok(match self {
            Format::Json => {
                let line = FileReport { file, report: Report::new(p, cx.seconds) };
                serde_json::to_string(&line).expect("a palette serializes") + "\n"
            }
            Format::Text => format!("==> {file} <==\n{}\n", to_text(p)),
            Format::Css => format!("/* {file:?} */\n{}", to_css(p)),
            Format::Gpl
            | Format::Svg
            | Format::Png
            | Format::Ase
            | Format::Aco
            | Format::Swatches
            | Format::Tailwind
            | Format::TailwindConfig => {
                return Err(Error::InvalidOption(format!(
                    "{self} gives one file an image: the palettes of several images cannot share one stream"
                )))
            }
        }
        .into_bytes())
    }
}

/// A line of JSON Lines for several images: the file, then its report.
#[derive(Serialize)]
struct FileReport<'a> {
    file: &'a str,
    #[serde(flatten)]
    report: Report<'a>,
}

impl std::fmt::Display for Palette {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&to_text(self))
    }
}

/// A palette with how long it took: the CLI's `--format json` object and the
/// wasm API's `extract_palette` result.
#[derive(Debug, Clone, Serialize)]
pub struct Report<'a> {
    /// The palette, its fields at the top level.
    #[serde(flatten)]
    pub palette: &'a Palette,
    /// Seconds the extraction took (after decoding), to the microsecond.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
    /// The film's frame the image is, when it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frame: Option<FrameRef>,
}

impl<'a> Report<'a> {
    /// A report of `palette`, its time rounded to the microsecond.
    pub fn new(palette: &'a Palette, seconds: Option<f64>) -> Report<'a> {
        Report { palette, seconds: seconds.filter(|t| t.is_finite()).map(|t| (t * 1e6).round() / 1e6), frame: None }
    }
}

/// The palette as one line of JSON ([`Report`]), with `seconds` when known.
pub fn to_json(p: &Palette, seconds: Option<f64>) -> String {
    serde_json::to_string(&Report::new(p, seconds)).expect("a palette serializes")
}

/// One line a swatch: hex, RGB and share in percent.
pub fn to_text(p: &Palette) -> String {
    let mut s = String::new();
    for c in &p.swatches {
        let [r, g, b] = c.rgb;
        let _ = writeln!(s, "{}  {r:3} {g:3} {b:3}  {:5.1}%", c.hex(), c.share * 100.0);
    }
    s
}

/// CSS custom properties `--cinepal-1` … on `:root`, with shares as
/// comments. A color beyond sRGB is written as its hex (gamut-mapped), and
/// again as `oklch()` for browsers that show it, in an `@supports` block (a
/// custom property cannot fall back by itself: the last value would win
/// everywhere).
pub fn to_css(p: &Palette) -> String {
    let mut s = String::from(":root {\n");
    for (i, c) in p.swatches.iter().enumerate() {
        let _ = writeln!(s, "  --cinepal-{}: {}; /* {:.1}% */", i + 1, c.hex(), c.share * 100.0);
    }
    s.push_str("}\n");
    if p.swatches.iter().any(|c| c.mapped()) {
        s.push_str("@supports (color: oklch(0% 0 0)) {\n  :root {\n");
        for (i, c) in p.swatches.iter().enumerate().filter(|(_, c)| c.mapped()) {
            let _ = writeln!(s, "    --cinepal-{}: {}; /* beyond sRGB; {} there */", i + 1, c.css(), c.hex());
        }
        s.push_str("  }\n}\n");
    }
    s
}

/// A GIMP palette (`.gpl`).
pub fn to_gpl(p: &Palette, name: &str) -> String {
    let clean: String = name.chars().filter(|c| !c.is_control()).collect();
    let mut s = format!("GIMP Palette\nName: {clean}\nColumns: {}\n#\n", p.swatches.len());
    for c in &p.swatches {
        let [r, g, b] = c.rgb;
        let _ = writeln!(s, "{r:3} {g:3} {b:3}\t{} {:.1}%", c.hex(), c.share * 100.0);
    }
    s
}

/// The strip as SVG, in the composite's geometry for a strip `width` units wide.
pub fn to_svg(p: &Palette, width: u32, proportional: bool) -> String {
    let shares: Vec<f64> = p.swatches.iter().map(|c| c.share).collect();
    let g = crate::render::strip_geometry(width, &shares, proportional);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{h}\" viewBox=\"0 0 {width} {h}\">\n  <rect width=\"{width}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
        h = g.height
    );
    for (c, &(x0, x1)) in p.swatches.iter().zip(&g.spans) {
        let _ = writeln!(
            s,
            "  <rect x=\"{x0}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} {:.1}%</title></rect>",
            g.top,
            x1 - x0,
            g.bottom - g.top,
            c.hex(),
            c.hex(),
            c.share * 100.0
        );
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::Image;
    use crate::options::{ColorCount, Options};

    fn palette() -> Palette {
        let px: Vec<u8> = (0..60u32).flat_map(|i| [(i % 3 * 100) as u8, 40, (i % 5 * 50) as u8]).collect();
        let image = Image::from_rgb(10, 6, px).unwrap();
        crate::extract(&image, &Options { colors: ColorCount::new(4).unwrap(), ..Options::default() }).unwrap()
    }

    #[test]
    fn every_format_has_a_file_name_of_its_own_and_text_formats_write_utf8() {
        let names: std::collections::HashSet<String> =
            Format::CHOICES.iter().map(|c| c.value.file_name("still")).collect();
        assert_eq!(names.len(), Format::CHOICES.len(), "{names:?}");
        assert_eq!(Format::Css.file_name("still"), "still-palette.css");
        assert_eq!(Format::Tailwind.file_name("still"), "still-palette.tailwind.css");
        let p = palette();
        let cx = ExportContext::default();
        for c in Format::CHOICES {
            let f = c.value;
            match f.write(&p, &cx) {
                Err(e) => assert!(
                    f.is_image() && e.kind() == "invalid-option"
                        || cfg!(not(feature = "app-formats")) && e.kind() == "needs-full",
                    "{f}: {e}"
                ),
                Ok(bytes) => {
                    assert!(!f.is_image() && !bytes.is_empty(), "{f}");
                    assert!(f.is_binary() || String::from_utf8(bytes).is_ok(), "{f}: text is UTF-8");
                }
            }
            // What streams is text.
            assert!(!f.streams() || !f.is_binary(), "{f}");
            assert_eq!(f.write_in_stream("a.png", &p, &cx).is_ok(), f.streams(), "{f}");
        }
        assert!(Format::Png.is_binary());
    }

    #[test]
    fn a_frame_of_a_film_is_written_in_the_json_and_nothing_else_changes() {
        let p = palette();
        let plain = String::from_utf8(Format::Json.write(&p, &ExportContext::default()).unwrap()).unwrap();
        assert!(!plain.contains("\"frame\""), "{plain}");
        let cx: ExportContext = serde_json::from_str(r#"{"name":"clip","frame":{"time":3.25}}"#).unwrap();
        let json = String::from_utf8(Format::Json.write(&p, &cx).unwrap()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["frame"], serde_json::json!({"time": 3.25}));
        let mut without = v.clone();
        without.as_object_mut().unwrap().remove("frame");
        assert_eq!(without, serde_json::from_str::<serde_json::Value>(&plain).unwrap());
        // It reads back as the palette it is.
        assert_eq!(serde_json::from_str::<Palette>(&json).unwrap().swatches.len(), p.swatches.len());
        // A frame is a time, nothing more.
        assert!(serde_json::from_str::<ExportContext>(r#"{"frame":{"time":1,"index":2}}"#).is_err());
    }
}
