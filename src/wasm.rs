//! The WebAssembly API (see docs/WASM_API.md): glue between JS and the core.
//!
//! Options go in as one object with the keys of [`defaults`] (the core's
//! [`Options`], deserialized by serde); palettes come out as the core's
//! [`Report`], the object the CLI prints with `--format json`. Every failure
//! is a JS `Error` whose `name` is [`Error::kind`] and whose `message` is the
//! core's sentence.

use js_sys::{Float32Array, Object, Reflect, Uint8Array, Uint8ClampedArray};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::Clamped;
use web_sys::{ImageData, OffscreenCanvas, OffscreenCanvasRenderingContext2d};

use crate::error::Error;
use crate::export::{ExportContext, Format, Report};
use crate::histogram::scatter;
use crate::image::Image;
use crate::options::Options;
use crate::palette::Palette;
use crate::region::Region;
use crate::render::{for_each_band, output_size, RenderOptions, BAND_BYTES};
use crate::{Catalogue, Named};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Sends panic messages (bugs) to the console before the instance traps; set
/// by every entry point (a `start` function would be exported as well).
fn report_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            console_error(&format!("cinepal: internal error (please report): {info}"));
            previous(info);
        }));
    });
}

type JsResult<T> = Result<T, JsValue>;

/// A JS `Error` with `name` set to the error's kind.
fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(e.message());
    err.set_name(e.kind());
    err.into()
}

/// A value of a serde type from a JS object; `undefined` or `null` is its default.
/// Read through a JSON value, because serde-wasm-bindgen reads only the fields
/// a struct knows: an unknown key must be refused, with the allowed ones named.
fn from_js<T: for<'de> Deserialize<'de> + Default>(v: &JsValue, what: &str) -> JsResult<T> {
    if v.is_null_or_undefined() {
        return Ok(T::default());
    }
    let invalid = |message: String| js_error(Error::InvalidOption(message));
    if !v.is_object() || js_sys::Array::is_array(v) {
        return Err(invalid(format!("{what} must be an object such as {{colors: 8}}")));
    }
    let value: serde_json::Value = serde_wasm_bindgen::from_value(v.clone()).map_err(|e| {
        let e = JsValue::from(e);
        invalid(e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default())
    })?;
    serde_json::from_value(value).map_err(|e| invalid(e.to_string()))
}

/// Swatches from their colors packed in arrays (three bytes each, and where
/// given three Oklab values each and a 0/1 a swatch for kept): smaller
/// WebAssembly than reading swatch objects.
fn swatches_of(rgb: &[u8], oklab: &[f64], kept: &[u8]) -> JsResult<Vec<crate::Swatch>> {
    let n = rgb.len() / 3;
    if rgb.len() % 3 != 0 || !(oklab.is_empty() || oklab.len() == 3 * n) || !(kept.is_empty() || kept.len() == n) {
        return Err(js_error(Error::InvalidOption(
            "colors must be 3 bytes each, with 3 Oklab values and one kept flag each where given".into(),
        )));
    }
    Ok((0..n)
        .map(|i| {
            let exact = (!oklab.is_empty()).then(|| [oklab[3 * i], oklab[3 * i + 1], oklab[3 * i + 2]]);
            let c = [rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]];
            crate::Swatch::read_back(c, exact, 0.0).kept(kept.get(i).is_some_and(|&k| k != 0))
        })
        .collect())
}

/// A serde value from JS data, read through a JSON value (one deserializer
/// for every type: smaller WebAssembly than serde-wasm-bindgen's for each).
#[cfg(feature = "app-formats")]
fn via_json<T: for<'de> Deserialize<'de>>(v: &JsValue) -> Result<T, String> {
    let value: serde_json::Value = serde_wasm_bindgen::from_value(v.clone()).map_err(|e| e.to_string())?;
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// A serde value as plain JS data (objects, not Maps).
fn to_js(value: &impl Serialize) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).expect("the core's types serialize")
}

fn report(palette: &Palette, ms: f64) -> JsValue {
    to_js(&Report::new(palette, Some(ms / 1e3)))
}

/// The defaults and the choices of every option (the core's [`Catalogue`]).
#[wasm_bindgen]
pub fn defaults() -> JsValue {
    report_panics();
    to_js(&Catalogue::get())
}

/// A fresh random seed (from the browser's `crypto.getRandomValues`), as the
/// options take it: a number, or a string of digits above 2⁵³ − 1.
#[wasm_bindgen(js_name = newSeed)]
pub fn new_seed() -> JsResult<JsValue> {
    let seed = getrandom::u64().map_err(|e| js_error(Error::InvalidInput(format!("no random numbers: {e}"))))?;
    Ok(crate::options::seed_serde::serialize(&seed, &serde_wasm_bindgen::Serializer::json_compatible())
        .expect("a seed serializes"))
}

/// Decodes `bytes` (a `Uint8Array` or `ArrayBuffer`) and extracts its palette:
/// `n`, `method` and `sort` (each may be `undefined`) over the `options` object.
#[wasm_bindgen]
pub fn extract_palette(
    bytes: &JsValue,
    n: &JsValue,
    method: &JsValue,
    sort: &JsValue,
    options: &JsValue,
) -> JsResult<JsValue> {
    report_panics();
    // The positional arguments are the options' `colors`, `method` and `sort`.
    let merged = Object::new();
    if !options.is_null_or_undefined() {
        if !options.is_object() || js_sys::Array::is_array(options) {
            return Err(js_error(Error::InvalidOption("options must be an object such as {colors: 8}".into())));
        }
        Object::assign(&merged, options.unchecked_ref());
    }
    for (key, v) in [("colors", n), ("method", method), ("sort", sort)] {
        if !v.is_undefined() {
            // Setting a data property on a fresh plain object cannot fail.
            let _ = Reflect::set(&merged, &key.into(), v);
        }
    }
    let opts: Options = from_js(&merged, "options")?;
    let still = Still::decode(bytes, &opts)?;
    let t0 = performance_now();
    let palette = crate::extract(&still.image, &opts).map_err(js_error)?;
    Ok(report(&palette, performance_now() - t0))
}

/// Draws the strip of the colors `rgb` (3 bytes each) alone, `width` pixels wide,
/// into `canvas` (sized to fit): a palette without its image, as a shared
/// link shows it.
#[wasm_bindgen(js_name = drawStrip)]
pub fn draw_strip(canvas: &OffscreenCanvas, rgb: &[u8], width: u32) -> JsResult<JsValue> {
    report_panics();
    let swatches = swatches_of(rgb, &[], &[])?;
    let strip = crate::render_strip(width, &swatches, &RenderOptions::default()).map_err(js_error)?;
    canvas.set_width(strip.width());
    canvas.set_height(strip.height());
    let ctx: OffscreenCanvasRenderingContext2d = canvas
        .get_context("2d")?
        .ok_or_else(|| js_error(Error::InvalidInput("the canvas has no 2-D context".into())))?
        .dyn_into()?;
    let data = ImageData::new_with_u8_clamped_array_and_sh(Clamped(strip.data()), strip.width(), strip.height())?;
    ctx.put_image_data(&data, 0.0, 0.0)?;
    Ok(to_js(&serde_json::json!({"width": strip.width(), "height": strip.height()})))
}

fn parse_format(format: &JsValue) -> JsResult<Format> {
    Format::parse(&format.as_string().unwrap_or_default()).map_err(js_error)
}

/// `palette` as `format`: a string, or a `Uint8Array` for a binary format.
fn write(format: Format, palette: &Palette, cx: &ExportContext) -> JsResult<JsValue> {
    let bytes = format.write(palette, cx).map_err(js_error)?;
    Ok(match format.is_binary() {
        true => Uint8Array::from(&bytes[..]).into(),
        false => String::from_utf8(bytes).expect("a text format writes UTF-8").into(),
    })
}

/// A palette object (`still.palette()`, from either module) as `format`, as
/// `Still.export` writes it: the page's worker writes with it the formats its
/// first module leaves out (`needs-full`).
#[cfg(feature = "app-formats")]
#[wasm_bindgen(js_name = exportPalette)]
pub fn export_palette(palette: &JsValue, format: &JsValue, options: &JsValue) -> JsResult<JsValue> {
    report_panics();
    let format = parse_format(format)?;
    let cx: ExportContext = from_js(options, "export options")?;
    let invalid = |e: String| js_error(Error::InvalidInput(format!("not a palette object: {e}")));
    let palette: Palette = via_json(palette).map_err(invalid)?;
    write(format, &palette, &cx)
}

/// Palettes a still keeps for the history (the page's undo goes back at most 100 steps).
const SAVED: usize = 128;

/// What was drawn into a canvas.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Drawn {
    width: u32,
    height: u32,
    strip_only: bool,
    ms: f64,
}

/// A decoded image and its palette: extracted, reordered, drawn and exported many times.
#[wasm_bindgen]
pub struct Still {
    image: Image,
    decode_ms: f64,
    /// The current palette (in its current order) and how long its extraction took.
    current: Option<(Palette, f64)>,
    /// Palettes saved for the history: (number, palette and its time, the order chosen).
    saved: Vec<(u32, (Palette, f64), crate::Sort)>,
    next_saved: u32,
    /// The order the current palette was extracted in.
    chosen: crate::Sort,
}

impl Still {
    fn decode(bytes: &JsValue, options: &Options) -> JsResult<Still> {
        let limits = options.limits();
        let array = if let Some(a) = bytes.dyn_ref::<Uint8Array>() {
            a.clone()
        } else if bytes.is_instance_of::<js_sys::ArrayBuffer>() {
            Uint8Array::new(bytes)
        } else {
            return Err(js_error(Error::InvalidInput(
                "the image must be given as a Uint8Array of the file's bytes".into(),
            )));
        };
        crate::decode::check_file_size(array.length() as u64, &limits).map_err(js_error)?;
        let t0 = performance_now();
        let image = crate::decode_vec(array.to_vec(), &limits).map_err(js_error)?;
        Ok(Still::of(image, performance_now() - t0))
    }

    /// A still of a decoded image, with no palette yet.
    fn of(image: Image, decode_ms: f64) -> Still {
        Still { image, decode_ms, current: None, chosen: crate::Sort::None, saved: Vec::new(), next_saved: 0 }
    }

    fn current(&self) -> JsResult<&(Palette, f64)> {
        self.current
            .as_ref()
            .ok_or_else(|| js_error(Error::InvalidOption("there is no palette yet: call extract first".into())))
    }
}

#[wasm_bindgen]
impl Still {
    /// Decodes `bytes` (a `Uint8Array`), refusing images over `options.maxPixels` pixels.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &JsValue, options: &JsValue) -> JsResult<Still> {
        report_panics();
        Still::decode(bytes, &from_js(options, "options")?)
    }

    /// A still from pixels the browser decoded (`rgba`: straight-alpha RGBA,
    /// `width × height` of them, as `ImageData.data` holds them), for a file
    /// in a format the engine does not read itself (`format`, such as
    /// "AVIF"). Its palette's `warnings` say so.
    #[wasm_bindgen(js_name = fromPixels)]
    pub fn from_pixels(width: u32, height: u32, rgba: &JsValue, format: &str, options: &JsValue) -> JsResult<Still> {
        report_panics();
        let options: Options = from_js(options, "options")?;
        let limits = options.limits();
        crate::decode::check_size(width, height, &limits).map_err(js_error)?;
        let array = if let Some(a) = rgba.dyn_ref::<Uint8ClampedArray>() {
            Uint8Array::new_with_byte_offset_and_length(&a.buffer(), a.byte_offset(), a.length())
        } else if let Some(a) = rgba.dyn_ref::<Uint8Array>() {
            a.clone()
        } else {
            return Err(js_error(Error::InvalidInput("the pixels must be a Uint8ClampedArray or Uint8Array".into())));
        };
        let t0 = performance_now();
        let mut image = Image::from_rgba(width, height, array.to_vec()).map_err(js_error)?;
        let format: String = format.chars().filter(|c| c.is_ascii_alphanumeric() || *c == ' ').take(16).collect();
        image.add_note(format!(
            "decoded by your browser (cinepal does not read {format} files itself): the colors are the ones this \
             browser shows, and may differ slightly in another"
        ));
        Ok(Still::of(image, performance_now() - t0))
    }

    /// A small picture of the still, at most `side` pixels on its long side,
    /// for the page to show while the palette is extracted:
    /// `{width, height, rgba: Uint8ClampedArray}`.
    pub fn thumbnail(&self, side: u32) -> JsValue {
        let t = self.image.thumbnail(side);
        let out = js_sys::Object::new();
        let set = |k: &str, v: &JsValue| js_sys::Reflect::set(&out, &k.into(), v).expect("a plain object");
        set("width", &t.width().into());
        set("height", &t.height().into());
        set("rgba", &Uint8ClampedArray::from(t.data()).into());
        out.into()
    }

    /// Width in pixels, after EXIF orientation.
    #[wasm_bindgen(getter)]
    pub fn width(&self) -> u32 {
        self.image.width()
    }

    /// Height in pixels, after EXIF orientation.
    #[wasm_bindgen(getter)]
    pub fn height(&self) -> u32 {
        self.image.height()
    }

    /// Milliseconds the decoding took.
    #[wasm_bindgen(getter, js_name = decodeMs)]
    pub fn decode_ms(&self) -> f64 {
        self.decode_ms
    }

    /// Extracts the palette for `options` (the keys of `defaults()`); it becomes the current palette.
    pub fn extract(&mut self, options: &JsValue) -> JsResult<JsValue> {
        let opts: Options = from_js(options, "options")?;
        let t0 = performance_now();
        let palette = crate::extract(&self.image, &opts).map_err(js_error)?;
        let ms = performance_now() - t0;
        let out = report(&palette, ms);
        self.chosen = palette.options.sort.clone();
        self.current = Some((palette, ms));
        Ok(out)
    }

    /// The palette `options` would give, without replacing the current one (to compare methods).
    pub fn preview(&self, options: &JsValue) -> JsResult<JsValue> {
        let opts: Options = from_js(options, "options")?;
        let t0 = performance_now();
        let palette = crate::extract(&self.image, &opts).map_err(js_error)?;
        Ok(report(&palette, performance_now() - t0))
    }

    /// The current palette.
    pub fn palette(&self) -> JsResult<JsValue> {
        let (palette, ms) = self.current()?;
        Ok(report(palette, *ms))
    }

    /// The current palette in the order `order`: indices into its colors as
    /// they are shown now. It becomes the current palette.
    pub fn reorder(&mut self, order: &JsValue) -> JsResult<JsValue> {
        let shown: Vec<usize> =
            serde_wasm_bindgen::from_value(order.clone()).map_err(|_: serde_wasm_bindgen::Error| {
                js_error(Error::InvalidOption("order must be an array of indices such as [2, 0, 1]".into()))
            })?;
        let (palette, ms) = self.current()?;
        // Back in the order last asked for by name, it is that order again (not a manual one).
        let reordered = (palette.reordered(&shown).map_err(js_error)?.named_if_same(&self.chosen), *ms);
        let out = report(&reordered.0, reordered.1);
        self.current = Some(reordered);
        Ok(out)
    }

    /// The palette made of exactly the colors `rgb` (3 bytes each), with
    /// their exact `oklab` (3 values each, or empty) and `kept` flags (one
    /// 0/1 each, or empty), in this order, with their shares computed again over the pixels counted
    /// by `options` (default: the current palette's). It becomes the current
    /// palette: how a swatch is removed, picked or a shared palette applied.
    pub fn edit(&mut self, rgb: &[u8], oklab: &[f64], kept: &[u8], options: &JsValue) -> JsResult<JsValue> {
        let swatches = swatches_of(rgb, oklab, kept)?;
        let opts: Options = if options.is_null_or_undefined() {
            self.current.as_ref().map(|(p, _)| p.options.clone()).unwrap_or_default()
        } else {
            from_js(options, "options")?
        };
        let t0 = performance_now();
        let palette = crate::with_swatches(&self.image, &opts, &swatches).map_err(js_error)?;
        let ms = performance_now() - t0;
        let out = report(&palette, ms);
        self.chosen = palette.options.sort.clone();
        self.current = Some((palette, ms));
        Ok(out)
    }

    /// The color a person points at, at image pixel `(x, y)`: the mean of the
    /// similar pixels around it (see the core's `pick` module), as a kept swatch.
    pub fn pick(&self, x: u32, y: u32) -> JsResult<JsValue> {
        let threshold =
            self.current.as_ref().map_or(Options::default().alpha_threshold, |(p, _)| p.options.alpha_threshold);
        Ok(to_js(&crate::pick::pick(&self.image, x, y, threshold).map_err(js_error)?))
    }

    /// The RGBA pixels around image pixel `(x, y)`, `2·radius + 1` on a side
    /// (radius at most 32), row by row, transparent outside the image: what
    /// the eyedropper's loupe magnifies.
    pub fn patch(&self, x: i32, y: i32, radius: u32) -> Uint8Array {
        let r = radius.min(32) as i32;
        let (w, h) = (self.image.width() as i32, self.image.height() as i32);
        let mut at = Vec::new();
        let mut inside = Vec::new();
        for yy in y - r..=y + r {
            for xx in x - r..=x + r {
                let ok = (0..w).contains(&xx) && (0..h).contains(&yy);
                inside.push(ok);
                if ok {
                    at.push((xx as u32, yy as u32));
                }
            }
        }
        let mut pixels = self.image.rgba_of(&at).into_iter();
        let out: Vec<u8> =
            inside.into_iter().flat_map(|ok| if ok { pixels.next().unwrap_or_default() } else { [0; 4] }).collect();
        Uint8Array::from(&out[..])
    }

    /// Remembers the current palette (and the order it was chosen in) and
    /// returns its number, for [`Still::restore`]: the page's history. The
    /// last [`SAVED`] are kept.
    pub fn save(&mut self) -> JsResult<u32> {
        let current = self.current()?.clone();
        self.next_saved += 1;
        self.saved.push((self.next_saved, current, self.chosen.clone()));
        if self.saved.len() > SAVED {
            self.saved.remove(0);
        }
        Ok(self.next_saved)
    }

    /// Makes the palette saved as `number` the current palette again,
    /// exactly (shares and order included): how a step is undone.
    pub fn restore(&mut self, number: u32) -> JsResult<JsValue> {
        let (_, (p, ms), chosen) = self.saved.iter().find(|s| s.0 == number).cloned().ok_or_else(|| {
            js_error(Error::InvalidOption(format!("no palette saved as {number} (the last {SAVED} are kept)")))
        })?;
        let out = report(&p, ms);
        self.chosen = chosen;
        self.current = Some((p, ms));
        Ok(out)
    }

    /// The current palette with its color at `index` (as shown) kept or not:
    /// only the mark changes (the lock of the page).
    #[wasm_bindgen(js_name = setKept)]
    pub fn set_kept(&mut self, index: usize, kept: bool) -> JsResult<JsValue> {
        let (palette, ms) = self.current()?;
        let mut p = palette.clone();
        let swatch = p
            .swatches
            .get_mut(index)
            .ok_or_else(|| js_error(Error::InvalidOption(format!("there is no color {index} in the palette"))))?;
        swatch.kept = kept;
        p.options.keep = p.swatches.iter().filter(|s| s.kept).map(|s| s.rgb).collect();
        let out = report(&p, *ms);
        self.current = Some((p, *ms));
        Ok(out)
    }

    /// `{width, height}` of what [`Still::render`] gives for `options` (`{strip, proportional}`).
    #[wasm_bindgen(js_name = compositeSize)]
    pub fn composite_size(&self, options: &JsValue) -> JsResult<JsValue> {
        let (palette, _) = self.current()?;
        let ro = from_js::<RenderOptions>(options, "render options")?.for_region(palette.region);
        let (width, height) = output_size(&self.image, &palette.swatches, &ro).map_err(js_error)?;
        Ok(to_js(&serde_json::json!({"width": width, "height": height})))
    }

    /// RGBA pixels of the image with the current palette's strip below it
    /// (`{strip: true}`: the strip alone; `{proportional: true}`: widths by share),
    /// written into JS a band of rows at a time.
    pub fn render(&self, options: &JsValue) -> JsResult<Uint8ClampedArray> {
        let (palette, _) = self.current()?;
        let ro = from_js::<RenderOptions>(options, "render options")?.for_region(palette.region);
        let (w, h) = output_size(&self.image, &palette.swatches, &ro).map_err(js_error)?;
        let out = Uint8ClampedArray::new_with_length(w * h * 4);
        for_each_band(&self.image, &palette.swatches, &ro, BAND_BYTES, |y, _, band| {
            out.subarray(y * w * 4, y * w * 4 + band.len() as u32).copy_from(band);
        })
        .map_err(js_error)?;
        Ok(out)
    }

    /// Draws the composite into `canvas` (an `OffscreenCanvas`, sized to fit),
    /// a band of rows at a time. With `{strip: true}` only the strip is
    /// redrawn when the canvas already has the composite's size.
    pub fn draw(&self, canvas: &OffscreenCanvas, options: &JsValue) -> JsResult<JsValue> {
        let t0 = performance_now();
        let asked: RenderOptions = from_js(options, "render options")?;
        let (palette, _) = self.current()?;
        let ro = RenderOptions { strip: false, ..asked }.for_region(palette.region);
        let (w, h) = output_size(&self.image, &palette.swatches, &ro).map_err(js_error)?;
        let strip_only = asked.strip && canvas.width() == w && canvas.height() == h;
        if canvas.width() != w || canvas.height() != h {
            canvas.set_width(w);
            canvas.set_height(h);
        }
        let ctx: OffscreenCanvasRenderingContext2d = canvas
            .get_context("2d")?
            .ok_or_else(|| js_error(Error::InvalidInput("the canvas has no 2-D context".into())))?
            .dyn_into()?;
        let strip = RenderOptions { strip: true, ..ro };
        let top =
            if strip_only { h - output_size(&self.image, &palette.swatches, &strip).map_err(js_error)?.1 } else { 0 };
        let mut result = Ok(());
        let bands = RenderOptions { strip: strip_only, ..ro };
        for_each_band(&self.image, &palette.swatches, &bands, BAND_BYTES, |y, rows, band| {
            if result.is_ok() {
                result = ImageData::new_with_u8_clamped_array_and_sh(Clamped(band), w, rows)
                    .and_then(|data| ctx.put_image_data(&data, 0.0, (top + y) as f64));
            }
        })
        .map_err(js_error)?;
        result?;
        Ok(to_js(&Drawn { width: w, height: h, strip_only, ms: performance_now() - t0 }))
    }

    /// The current palette as `format` (a name from `defaults().formats`), as
    /// the CLI writes it: a string, or a `Uint8Array` for a binary format;
    /// `options`: `{name}` for the palette's name (GIMP, ASE, Procreate),
    /// `{proportional}` for the SVG. Without the `app-formats` feature, the
    /// formats of other apps are `needs-full` errors ([`export_palette`]).
    pub fn export(&self, format: &JsValue, options: &JsValue) -> JsResult<JsValue> {
        let format = parse_format(format)?;
        let cx: ExportContext = from_js(options, "export options")?;
        let (palette, ms) = self.current()?;
        write(format, palette, &ExportContext { seconds: Some(ms / 1e3), ..cx })
    }

    /// The image's weighted colors (grid cells of exact means) for a 3-D scatter:
    /// `{rgb: Uint8Array, oklab: Float32Array, weight: Float32Array}`, three values an entry for the first two.
    pub fn colors(&self) -> JsResult<JsValue> {
        // The palette's pixels: those of its region.
        let options = self
            .current
            .as_ref()
            .map(|(p, _)| Options { region: Region::Rect(p.region), ..p.options.clone() })
            .unwrap_or_default();
        let points = scatter(&self.image, &options).map_err(js_error)?;
        let o = Object::new();
        // Setting data properties on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &"rgb".into(), &Uint8Array::from(&points.rgb[..]));
        let _ = Reflect::set(&o, &"oklab".into(), &Float32Array::from(&points.oklab[..]));
        let _ = Reflect::set(&o, &"weight".into(), &Float32Array::from(&points.weight[..]));
        Ok(o.into())
    }
}

/// A film being scanned: frames pushed one at a time (in time order) are
/// reduced at once and never kept ([`crate::film`]); shots are reported as
/// they are found, and `finish` gives the shots, the barcode's columns and
/// the film's palette.
#[wasm_bindgen(js_name = Film)]
pub struct FilmScan {
    options: Options,
    scanner: Option<crate::film::Scanner>,
    film: Option<crate::film::Film>,
}

#[wasm_bindgen(js_class = Film)]
impl FilmScan {
    /// A scan whose shots' palettes are extracted with `options` (`colors`, `method`, `sort`, …; not `keep`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: &JsValue) -> JsResult<FilmScan> {
        report_panics();
        let options: Options = from_js(options, "options")?;
        let scanner = crate::film::Scanner::new(options.clone()).map_err(js_error)?;
        Ok(FilmScan { options, scanner: Some(scanner), film: None })
    }

    /// Adds the frame at `time` seconds (`rgba`: `width × height` straight-alpha
    /// RGBA pixels, as `ImageData.data` or `VideoFrame.copyTo` give them).
    /// Returns `{column, shots, thumbnails}`: the frame's barcode column, the
    /// shots ended by it (or by the frames before it), each once, and, when
    /// `thumbnail` is a size in pixels, their key frames' pictures at most that
    /// long (`[{shot, width, height, rgba: Uint8ClampedArray}]`, taken from the
    /// frames pushed: the film is not decoded again).
    pub fn push(
        &mut self,
        width: u32,
        height: u32,
        rgba: &[u8],
        time: f64,
        thumbnail: Option<u32>,
    ) -> JsResult<JsValue> {
        let scanner = self
            .scanner
            .as_mut()
            .ok_or_else(|| js_error(Error::InvalidOption("the scan is finished: start a new Film".into())))?;
        crate::decode::check_size(width, height, &self.options.limits()).map_err(js_error)?;
        let image = Image::from_rgba(width, height, rgba.to_vec()).map_err(js_error)?;
        let mut frame = crate::film::Frame::new(&image, time, &self.options).map_err(js_error)?;
        if let Some(side) = thumbnail {
            frame = frame.with_thumbnail(&image, side.clamp(1, 1024));
        }
        drop(image);
        scanner.push(frame).map_err(js_error)?;
        let column = *scanner.columns().last().expect("a column was pushed");
        let shots = scanner.new_shots();
        let out = to_js(&serde_json::json!({ "column": column, "shots": shots }));
        set_thumbnails(&out, shots);
        Ok(out)
    }

    /// Ends the film at `end` seconds (its duration; `undefined`: a frame
    /// interval after the last frame) and returns `{shots, columns, colors,
    /// thumbnails}` (every shot, every column with the shot it belongs to or
    /// `null`, the film's palette, and the thumbnails of the shots not given
    /// yet, as [`FilmScan::push`]). The barcode can then be drawn.
    pub fn finish(&mut self, end: Option<f64>) -> JsResult<JsValue> {
        let scanner =
            self.scanner.take().ok_or_else(|| js_error(Error::InvalidOption("the scan is already finished".into())))?;
        let mut film = scanner.finish(end).map_err(js_error)?;
        let out = to_js(&film);
        set_thumbnails(&out, &mut film.shots);
        self.film = Some(film);
        Ok(out)
    }

    /// The finished film's barcode as RGBA pixels, `width × height`
    /// (`undefined`: one column a frame, one row), each column its frames'
    /// `"mean"` (default) or `"dominant"` color.
    pub fn barcode(
        &self,
        color: Option<String>,
        width: Option<u32>,
        height: Option<u32>,
    ) -> JsResult<Uint8ClampedArray> {
        let film = self
            .film
            .as_ref()
            .ok_or_else(|| js_error(Error::InvalidOption("the barcode is drawn once the scan is finished".into())))?;
        let which = match color {
            Some(c) => crate::film::BarcodeColor::parse(&c).map_err(js_error)?,
            None => crate::film::BarcodeColor::Mean,
        };
        let img = crate::film::barcode(&film.columns, which, width, height).map_err(js_error)?;
        Ok(Uint8ClampedArray::from(img.data()))
    }
}

/// Moves the shots' thumbnails (once each) into `out.thumbnails`.
fn set_thumbnails(out: &JsValue, shots: &mut [crate::film::Shot]) {
    let list = js_sys::Array::new();
    for shot in shots.iter_mut() {
        if let Some(t) = shot.thumbnail.take() {
            let o = Object::new();
            // Setting data properties on a fresh plain object cannot fail.
            let _ = Reflect::set(&o, &"shot".into(), &(shot.index as u32).into());
            let _ = Reflect::set(&o, &"width".into(), &t.width().into());
            let _ = Reflect::set(&o, &"height".into(), &t.height().into());
            let _ = Reflect::set(&o, &"rgba".into(), &Uint8ClampedArray::from(t.data()).into());
            list.push(&o);
        }
    }
    let _ = Reflect::set(out, &"thumbnails".into(), &list);
}
