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

use crate::color;
use crate::error::Error;
use crate::export::{ExportContext, Format, Report};
use crate::histogram::weighted_colors;
use crate::image::Image;
use crate::options::Options;
use crate::palette::Palette;
use crate::render::{composite_size, for_each_band, render_strip, RenderOptions, BAND_BYTES};
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

/// A value of a serde type from JS; `undefined` or `null` is its default.
fn from_js<T: for<'de> Deserialize<'de> + Default>(v: &JsValue, what: &str) -> JsResult<T> {
    if v.is_null_or_undefined() {
        return Ok(T::default());
    }
    if !v.is_object() || js_sys::Array::is_array(v) {
        return Err(js_error(Error::InvalidOption(format!("{what} must be an object such as {{colors: 8}}"))));
    }
    // serde-wasm-bindgen reads only the fields it knows, so unknown keys are refused here.
    let fields = struct_fields::<T>();
    for key in Object::keys(v.unchecked_ref::<Object>()).iter().filter_map(|k| k.as_string()) {
        if !fields.contains(&key.as_str()) {
            let expected: Vec<String> = fields.iter().map(|f| format!("`{f}`")).collect();
            return Err(js_error(Error::InvalidOption(format!(
                "unknown field `{key}`, expected one of {}",
                expected.join(", ")
            ))));
        }
    }
    serde_wasm_bindgen::from_value(v.clone()).map_err(invalid)
}

/// The serialized field names of a struct type (serde passes them to `deserialize_struct`).
fn struct_fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Fields<'a>(&'a mut &'static [&'static str]);
    impl<'de> serde::Deserializer<'de> for Fields<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(serde::de::Error::custom("fields read"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Fields(&mut fields));
    fields
}

/// A serde error (its message is the core's sentence) as an `invalid-option` error.
fn invalid(e: serde_wasm_bindgen::Error) -> JsValue {
    let v = JsValue::from(e);
    let message = v.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_else(|| format!("{v:?}"));
    js_error(Error::InvalidOption(message))
}

/// A serde value as plain JS data (objects, not Maps).
fn to_js(value: &impl Serialize) -> JsValue {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).expect("the core's types serialize")
}

fn report(palette: &Palette, ms: f64) -> JsValue {
    to_js(&Report { palette, seconds: Some((ms * 1e3).round() / 1e6) })
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
    Ok(to_js(&serde_json::to_value(Options { seed, ..Options::default() }).expect("options serialize")["seed"]))
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
        from_js::<Options>(options, "options")?;
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

/// How the composite is drawn: `{strip, proportional}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RenderRequest {
    /// The strip alone, without the image.
    #[serde(default)]
    strip: bool,
    /// Swatch widths proportional to their shares.
    #[serde(default)]
    proportional: bool,
}

impl RenderRequest {
    fn options(&self) -> RenderOptions {
        RenderOptions { proportional: self.proportional, ..RenderOptions::default() }
    }
}

/// What an export needs besides the format: `{name, proportional}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExportRequest {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    proportional: bool,
}

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
        Ok(Still { image, decode_ms: performance_now() - t0, current: None })
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
        let reordered = (palette.reordered(&shown).map_err(js_error)?, *ms);
        let out = report(&reordered.0, reordered.1);
        self.current = Some(reordered);
        Ok(out)
    }

    /// `{width, height}` of what [`Still::render`] and [`Still::draw`] give for `options`.
    #[wasm_bindgen(js_name = compositeSize)]
    pub fn composite_size(&self, options: &JsValue) -> JsResult<JsValue> {
        let request: RenderRequest = from_js(options, "render options")?;
        let (palette, _) = self.current()?;
        let (w, h) = composite_size(self.image.width(), self.image.height(), &palette.swatches, &request.options())
            .map_err(js_error)?;
        let strip_height = h - self.image.height();
        Ok(to_js(&serde_json::json!({"width": w, "height": if request.strip { strip_height } else { h }})))
    }

    /// RGBA pixels of the image with the current palette's strip below it
    /// (`{strip: true}`: the strip alone; `{proportional: true}`: widths by share).
    pub fn render(&self, options: &JsValue) -> JsResult<Uint8ClampedArray> {
        let request: RenderRequest = from_js(options, "render options")?;
        let (palette, _) = self.current()?;
        if request.strip {
            let strip = render_strip(self.image.width(), &palette.swatches, &request.options()).map_err(js_error)?;
            return Ok(Uint8ClampedArray::from(strip.data()));
        }
        let (w, h) = composite_size(self.image.width(), self.image.height(), &palette.swatches, &request.options())
            .map_err(js_error)?;
        let out = Uint8ClampedArray::new_with_length(w * h * 4);
        for_each_band(&self.image, &palette.swatches, &request.options(), BAND_BYTES, |y, _, band| {
            let start = y * w * 4;
            out.subarray(start, start + band.len() as u32).copy_from(band);
        })
        .map_err(js_error)?;
        Ok(out)
    }

    /// Draws the composite into `canvas` (an `OffscreenCanvas`, sized to fit),
    /// a band of rows at a time. With `{strip: true}` only the strip is drawn
    /// when the canvas already holds this image at this size.
    pub fn draw(&self, canvas: &OffscreenCanvas, options: &JsValue) -> JsResult<JsValue> {
        let request: RenderRequest = from_js(options, "render options")?;
        let (palette, _) = self.current()?;
        let t0 = performance_now();
        let ro = request.options();
        let (w, h) =
            composite_size(self.image.width(), self.image.height(), &palette.swatches, &ro).map_err(js_error)?;
        let strip_only = request.strip && canvas.width() == w && canvas.height() == h;
        if canvas.width() != w || canvas.height() != h {
            canvas.set_width(w);
            canvas.set_height(h);
        }
        let ctx: OffscreenCanvasRenderingContext2d = canvas
            .get_context("2d")?
            .ok_or_else(|| js_error(Error::InvalidInput("the canvas has no 2-D context".into())))?
            .dyn_into()?;
        let mut result = Ok(());
        let put = |y: u32, rows: u32, band: &[u8]| {
            if result.is_ok() && (!strip_only || y >= self.image.height()) {
                result = ImageData::new_with_u8_clamped_array_and_sh(Clamped(band), w, rows)
                    .and_then(|data| ctx.put_image_data(&data, 0.0, y as f64));
            }
        };
        if strip_only {
            let strip = render_strip(w, &palette.swatches, &ro).map_err(js_error)?;
            let mut put = put;
            put(self.image.height(), strip.height(), strip.data());
        } else {
            for_each_band(&self.image, &palette.swatches, &ro, BAND_BYTES, put).map_err(js_error)?;
        }
        result?;
        Ok(to_js(&Drawn { width: w, height: h, strip_only, ms: performance_now() - t0 }))
    }

    /// The current palette as `format` (a name from `defaults().formats`), as
    /// the CLI writes it; `options`: `{name}` for the GIMP palette's name,
    /// `{proportional}` for the SVG.
    pub fn export(&self, format: &JsValue, options: &JsValue) -> JsResult<String> {
        let format = format.as_string().unwrap_or_default();
        let format = Format::parse(&format).map_err(js_error)?;
        let request: ExportRequest = from_js(options, "export options")?;
        let (palette, ms) = self.current()?;
        let cx = ExportContext {
            name: request.name.unwrap_or_else(|| ExportContext::default().name),
            proportional: request.proportional,
            seconds: Some(ms / 1e3),
        };
        format.write(palette, &cx).map_err(js_error)
    }

    /// The image's weighted colors (grid cells of exact means) for a 3-D scatter:
    /// `{rgb: Uint8Array, oklab: Float32Array, weight: Float32Array}`, three values an entry for the first two.
    pub fn colors(&self) -> JsResult<JsValue> {
        let options = self.current.as_ref().map(|(p, _)| p.options.clone()).unwrap_or_default();
        let stride = options.sampling.stride(self.image.width(), self.image.height());
        // want = 0: always the grid's cells, never the exact-colors pass.
        let wc = weighted_colors(&self.image, stride, options.alpha_threshold, 0).map_err(js_error)?;
        let mut rgb = Vec::with_capacity(wc.len() * 3);
        let mut lab = Vec::with_capacity(wc.len() * 3);
        for c in &wc.colors {
            rgb.extend(c.map(color::quantize));
            let o = color::srgb_to_oklab(*c);
            lab.extend([o.l as f32, o.a as f32, o.b as f32]);
        }
        let weight: Vec<f32> = wc.weights.iter().map(|&w| w as f32).collect();
        let o = Object::new();
        // Setting data properties on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &"rgb".into(), &Uint8Array::from(&rgb[..]));
        let _ = Reflect::set(&o, &"oklab".into(), &Float32Array::from(&lab[..]));
        let _ = Reflect::set(&o, &"weight".into(), &Float32Array::from(&weight[..]));
        Ok(o.into())
    }
}
