//! The WebAssembly API (see docs/WASM_API.md): a thin layer over the core.
//!
//! Everything that crosses the boundary is plain JS data; every failure is a
//! JS `Error` whose `name` is [`Error::kind`] and whose `message` is the
//! core's sentence. Input is validated here, once, and handed to the core.

use js_sys::{Array, Float32Array, Object, Reflect, Uint8Array, Uint8ClampedArray};
use wasm_bindgen::prelude::*;

use crate::color;
use crate::error::Error;
use crate::export;
use crate::histogram::weighted_colors;
use crate::image::{seed_stride, Image, Layout};
use crate::palette::{
    validate_colors, Options, Palette, Sampling, Space, DEFAULT_ALPHA_THRESHOLD, DEFAULT_COLORS, DEFAULT_SEED,
    MAX_COLORS,
};
use crate::render::{composite_size, render_strip, strip_geometry, RenderOptions};
use crate::sort::{validate_permutation, Sort};
use crate::{Limits, Method};

/// Seeds above this are returned as strings of digits (JS numbers are exact only up to 2⁵³ − 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

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

/// A JS `Error` with `name` set to the error's kind.
fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(e.message());
    err.set_name(e.kind());
    err.into()
}

fn invalid(message: String) -> JsValue {
    js_error(Error::InvalidOption(message))
}

type JsResult<T> = Result<T, JsValue>;

fn set(obj: &Object, key: &str, value: impl Into<JsValue>) {
    // Setting a data property on a fresh plain object cannot fail.
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value.into());
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

fn absent(v: &JsValue) -> bool {
    v.is_null_or_undefined()
}

/// The `options?` argument: nothing, or an object.
fn options_object(options: &JsValue) -> JsResult<JsValue> {
    if absent(options) || options.is_object() {
        Ok(options.clone())
    } else {
        Err(invalid(format!("options must be an object such as {{space: \"oklab\"}}, got {}", describe(options))))
    }
}

/// A short rendering of a JS value for messages.
fn describe(v: &JsValue) -> String {
    if let Some(s) = v.as_string() {
        format!("{s:?}")
    } else if let Some(n) = v.as_f64() {
        format!("{n}")
    } else if v.is_undefined() {
        "nothing".into()
    } else if v.is_null() {
        "null".into()
    } else if Array::is_array(v) {
        "an array".into()
    } else {
        format!("a value of type {}", v.js_typeof().as_string().unwrap_or_default())
    }
}

/// A whole number in `lo..=hi`, or `what` explains what is allowed.
fn whole_number(v: &JsValue, lo: f64, hi: f64, what: &str) -> JsResult<u64> {
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && (lo..=hi).contains(&n) => Ok(n as u64),
        _ => Err(invalid(format!("{what}, got {}", describe(v)))),
    }
}

fn string_option<T>(v: &JsValue, what: &str, default: T, parse: impl Fn(&str) -> crate::Result<T>) -> JsResult<T> {
    if absent(v) {
        return Ok(default);
    }
    match v.as_string() {
        Some(s) => parse(&s).map_err(js_error),
        None => Err(invalid(format!("{what} must be a string, got {}", describe(v)))),
    }
}

fn parse_colors(n: f64) -> JsResult<usize> {
    if n.fract() == 0.0 && n >= 0.0 && n <= MAX_COLORS as f64 {
        validate_colors(n as usize).map_err(js_error)?;
        Ok(n as usize)
    } else {
        Err(invalid(format!("the number of colors must be a whole number from 1 to {MAX_COLORS}, got {n}")))
    }
}

fn parse_method(v: &JsValue) -> JsResult<Method> {
    string_option(v, "method", Method::KMeans, |s| {
        Method::parse(s).ok_or_else(|| {
            Error::InvalidOption(format!(
                "unknown method {s:?}; allowed: kmeans, ward, complete, average, single (or agglomerative-<linkage>, k-means)"
            ))
        })
    })
}

fn parse_seed(v: &JsValue) -> JsResult<u64> {
    const ALLOWED: &str = "seed must be a whole number from 0 to 18446744073709551615 (a string of digits above 2^53)";
    if absent(v) {
        return Ok(DEFAULT_SEED);
    }
    let digits = if v.is_bigint() {
        js_sys::BigInt::from(v.clone()).to_string(10).ok().map(String::from)
    } else {
        v.as_string()
    };
    match digits {
        Some(s) => s.trim().parse().map_err(|_| invalid(format!("{ALLOWED}, got {}", describe(v)))),
        None => whole_number(v, 0.0, MAX_SAFE_INTEGER, ALLOWED),
    }
}

fn parse_max_pixels(v: &JsValue) -> JsResult<Limits> {
    let mut limits = Limits::default();
    if !absent(v) {
        limits.max_pixels = whole_number(v, 1.0, MAX_SAFE_INTEGER, "maxPixels must be a positive whole number")?;
    }
    Ok(limits)
}

/// The extraction options from the positional arguments and the options object.
fn parse_options(n: f64, method: &JsValue, sort: &JsValue, options: &JsValue) -> JsResult<Options> {
    let o = options_object(options)?;
    let alpha = get(&o, "alphaThreshold");
    Ok(Options {
        colors: parse_colors(n)?,
        method: parse_method(method)?,
        sort: string_option(sort, "sort", Sort::None, Sort::parse)?,
        space: string_option(&get(&o, "space"), "space", Space::Oklab, Space::parse)?,
        seed: parse_seed(&get(&o, "seed"))?,
        alpha_threshold: if absent(&alpha) {
            DEFAULT_ALPHA_THRESHOLD
        } else {
            whole_number(&alpha, 0.0, 255.0, "alphaThreshold must be a whole number from 0 to 255")? as u8
        },
        sampling: string_option(&get(&o, "sample"), "sample", Sampling::All, Sampling::parse)?,
    })
}

/// Bytes from a `Uint8Array` (or an `ArrayBuffer`), copied into wasm memory
/// unless they are over the file-size limit.
fn bytes_of(v: &JsValue, limits: &Limits) -> JsResult<Vec<u8>> {
    let copy = |a: &Uint8Array| {
        crate::decode::check_file_size(a.length() as u64, limits).map_err(js_error)?;
        Ok(a.to_vec())
    };
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        copy(a)
    } else if v.is_instance_of::<js_sys::ArrayBuffer>() {
        copy(&Uint8Array::new(v))
    } else {
        Err(js_error(Error::InvalidInput(format!(
            "the image must be given as a Uint8Array of the file's bytes, got {}",
            describe(v)
        ))))
    }
}

fn decode_timed(bytes: &JsValue, limits: &Limits) -> JsResult<(Image, f64)> {
    let bytes = bytes_of(bytes, limits)?;
    let t0 = performance_now();
    let image = crate::decode_vec(bytes, limits).map_err(js_error)?;
    Ok((image, performance_now() - t0))
}

fn extract_timed(image: &Image, options: &Options) -> JsResult<(Palette, f64)> {
    let t0 = performance_now();
    let palette = crate::extract(image, options).map_err(js_error)?;
    Ok((palette, performance_now() - t0))
}

fn number_array(values: impl IntoIterator<Item = f64>) -> Array {
    values.into_iter().map(JsValue::from_f64).collect()
}

fn seed_value(seed: u64) -> JsValue {
    if seed as f64 <= MAX_SAFE_INTEGER {
        JsValue::from_f64(seed as f64)
    } else {
        JsValue::from_str(&seed.to_string())
    }
}

/// The palette object of docs/WASM_API.md.
fn palette_object(p: &Palette, decode_ms: f64, extract_ms: f64) -> JsValue {
    let o = Object::new();
    set(&o, "width", p.width);
    set(&o, "height", p.height);
    set(&o, "pixels", p.pixels as f64);
    set(&o, "counted", p.counted as f64);
    set(&o, "requested", p.requested as u32);
    set(&o, "count", p.swatches.len() as u32);
    set(&o, "method", p.options.method.name());
    set(&o, "space", p.options.space.name());
    set(&o, "sort", p.options.sort.name());
    set(&o, "sample", p.options.sampling.name());
    set(&o, "seed", seed_value(p.options.seed));
    let colors: Array = p
        .swatches
        .iter()
        .map(|s| {
            let c = Object::new();
            let lab = s.oklab();
            set(&c, "hex", s.hex());
            set(&c, "rgb", number_array(s.rgb.map(f64::from)));
            set(&c, "share", s.share);
            set(&c, "oklab", number_array([lab.l, lab.a, lab.b]));
            JsValue::from(c)
        })
        .collect();
    set(&o, "colors", colors);
    let t = Object::new();
    set(&t, "decodeMs", decode_ms);
    set(&t, "extractMs", extract_ms);
    set(&o, "timings", t);
    o.into()
}

fn named_list<T>(
    items: impl IntoIterator<Item = T>,
    name: impl Fn(&T) -> String,
    hint: impl Fn(&T) -> &'static str,
) -> Array {
    items
        .into_iter()
        .map(|item| {
            let o = Object::new();
            set(&o, "name", name(&item));
            set(&o, "hint", hint(&item));
            JsValue::from(o)
        })
        .collect()
}

fn method_hint(m: &Method) -> &'static str {
    match m {
        Method::KMeans => "fast; colors that cover the most area",
        Method::Ward => "even, compact groups of similar colors",
        Method::Complete => "keeps small vivid accents",
        Method::Average => "between ward and complete",
        Method::Single => "follows gradients; isolates the most distinct colors",
    }
}

fn sort_hint(s: &Sort) -> &'static str {
    match s {
        Sort::None => "as the clustering found them",
        Sort::Red => "by red, ascending",
        Sort::Green => "by green, ascending",
        Sort::Blue => "by blue, ascending",
        Sort::AlongColor => "along the RGB channel that varies most",
        Sort::DarkToLight => "by R+G+B, dark first",
        Sort::Share => "largest share first",
        Sort::Hue => "around the color wheel, neutrals last",
        Sort::Lightness => "by perceived lightness, dark first",
        Sort::Smooth => "the smoothest path from color to color",
        Sort::Manual(_) => "your own order",
    }
}

fn space_hint(s: &Space) -> &'static str {
    match s {
        Space::Oklab => "perceptual: distances follow what the eye sees",
        Space::Rgb => "sRGB, as the 2022 notebook clustered",
    }
}

fn sampling_hint(s: &Sampling) -> &'static str {
    match s {
        Sampling::All => "every pixel counts",
        Sampling::Seed => "every s-th pixel, as the 2022 notebook",
    }
}

/// The defaults and the choices of every option: the single source of truth for the page's controls.
#[wasm_bindgen]
pub fn defaults() -> JsValue {
    report_panics();
    let o = Object::new();
    set(&o, "version", env!("CARGO_PKG_VERSION"));
    set(&o, "colors", DEFAULT_COLORS as u32);
    set(&o, "maxColors", MAX_COLORS as u32);
    set(&o, "method", Method::KMeans.name());
    set(&o, "sort", Sort::None.name());
    set(&o, "space", Space::Oklab.name());
    set(&o, "seed", seed_value(DEFAULT_SEED));
    set(&o, "alphaThreshold", DEFAULT_ALPHA_THRESHOLD);
    set(&o, "sample", Sampling::All.name());
    set(&o, "maxPixels", Limits::default().max_pixels as f64);
    set(&o, "maxFileBytes", Limits::default().max_file_bytes as f64);
    set(&o, "methods", named_list(Method::ALL, |m| m.name().into(), method_hint));
    set(&o, "sorts", named_list(Sort::NAMED, Sort::name, sort_hint));
    set(&o, "spaces", named_list(Space::ALL, |s| s.name().into(), space_hint));
    set(&o, "samples", named_list([Sampling::All, Sampling::Seed], |s| s.name().into(), sampling_hint));
    let formats: Array = ["json", "css", "gpl", "svg", "text"].iter().map(|f| JsValue::from_str(f)).collect();
    set(&o, "formats", formats);
    o.into()
}

/// Decodes `bytes` (a `Uint8Array`) and extracts its palette of `n` colors.
#[wasm_bindgen]
pub fn extract_palette(
    bytes: &JsValue,
    n: f64,
    method: &JsValue,
    sort: &JsValue,
    options: &JsValue,
) -> JsResult<JsValue> {
    report_panics();
    let opts = parse_options(n, method, sort, options)?;
    let limits = parse_max_pixels(&get(&options_object(options)?, "maxPixels"))?;
    let (image, decode_ms) = decode_timed(bytes, &limits)?;
    let (palette, extract_ms) = extract_timed(&image, &opts)?;
    Ok(palette_object(&palette, decode_ms, extract_ms))
}

/// A decoded image that is extracted, reordered and rendered many times.
#[wasm_bindgen]
pub struct Still {
    image: Image,
    decode_ms: f64,
    current: Option<(Palette, f64)>,
}

#[wasm_bindgen]
impl Still {
    /// Decodes `bytes` (a `Uint8Array`), refusing images over `maxPixels` pixels.
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &JsValue, max_pixels: &JsValue) -> JsResult<Still> {
        report_panics();
        let (image, decode_ms) = decode_timed(bytes, &parse_max_pixels(max_pixels)?)?;
        Ok(Still { image, decode_ms, current: None })
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

    /// Extracts a palette of `n` colors; it becomes the current palette.
    pub fn extract(&mut self, n: f64, method: &JsValue, sort: &JsValue, options: &JsValue) -> JsResult<JsValue> {
        let opts = parse_options(n, method, sort, options)?;
        let (palette, extract_ms) = extract_timed(&self.image, &opts)?;
        let out = palette_object(&palette, 0.0, extract_ms);
        self.current = Some((palette, extract_ms));
        Ok(out)
    }

    /// The current palette in the order `order` (indices into its current colors); it becomes the current palette.
    pub fn reorder(&mut self, order: &JsValue) -> JsResult<JsValue> {
        let (palette, extract_ms) = self.current()?;
        let n = palette.swatches.len();
        let order = index_list(order, n)?;
        validate_permutation(&order, n).map_err(js_error)?;
        // `palette.order[i]` is the clustering's index of the swatch shown at i.
        let manual: Vec<usize> = order.iter().map(|&i| palette.order[i]).collect();
        let reordered = palette.resorted(&Sort::Manual(manual)).map_err(js_error)?;
        let out = palette_object(&reordered, 0.0, extract_ms);
        self.current = Some((reordered, extract_ms));
        Ok(out)
    }

    /// RGBA pixels of the image with the current palette's strip below it
    /// (`{strip: true}`: the strip alone; `{proportional: true}`: widths by share).
    pub fn render(&self, options: &JsValue) -> JsResult<Uint8ClampedArray> {
        let (palette, _) = self.current()?;
        let (strip_only, ro) = render_options(options)?;
        let (w, h) = (self.image.width(), self.image.height());
        let strip = render_strip(w, &palette.swatches, &ro).map_err(js_error)?;
        if strip_only {
            return Ok(Uint8ClampedArray::from(strip.data()));
        }
        // The composite is the image's pixels, then the strip's: written into
        // the JS array a band of rows at a time, so that wasm memory never
        // holds the whole composite (330 MB at 64 megapixels) beside the image.
        let (cw, ch) = composite_size(w, h, &palette.swatches, &ro).map_err(js_error)?;
        let out = Uint8ClampedArray::new_with_length(cw * ch * 4);
        let row_bytes = w as usize * 4;
        let rows_per_band = (4 << 20) / row_bytes.max(1) + 1;
        let mut band = Vec::with_capacity(rows_per_band.min(h as usize) * row_bytes);
        for y0 in (0..h as usize).step_by(rows_per_band) {
            let rows = rows_per_band.min(h as usize - y0);
            band.clear();
            match self.image.layout() {
                Layout::Rgba8 => band.extend_from_slice(&self.image.data()[y0 * row_bytes..(y0 + rows) * row_bytes]),
                Layout::Rgb8 => {
                    let rgb = &self.image.data()[y0 * w as usize * 3..(y0 + rows) * w as usize * 3];
                    band.extend(rgb.chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]));
                }
            }
            let start = (y0 * row_bytes) as u32;
            out.subarray(start, start + band.len() as u32).copy_from(&band);
        }
        let start = h * w * 4;
        out.subarray(start, start + strip.data().len() as u32).copy_from(strip.data());
        Ok(out)
    }

    /// The height of what [`Still::render`] returns for the same options.
    #[wasm_bindgen(js_name = compositeHeight)]
    pub fn composite_height(&self, options: &JsValue) -> JsResult<u32> {
        let (palette, _) = self.current()?;
        let (strip, ro) = render_options(options)?;
        let shares: Vec<f64> = palette.swatches.iter().map(|s| s.share).collect();
        let band = strip_geometry(self.image.width(), &shares, ro.proportional).height;
        Ok(if strip { band } else { self.image.height().saturating_add(band) })
    }

    /// The current palette as `json`, `css`, `gpl`, `svg` or `text`, as the CLI writes it
    /// (`options`: `{name}` for the GIMP palette's name, `{proportional}` for the SVG).
    pub fn export(&self, format: &JsValue, options: &JsValue) -> JsResult<String> {
        let (palette, extract_ms) = self.current()?;
        let o = options_object(options)?;
        let format = format.as_string().unwrap_or_default();
        Ok(match format.trim().to_ascii_lowercase().as_str() {
            "json" => export::to_json(palette, Some(extract_ms / 1000.0)),
            "css" => export::to_css(palette),
            "gpl" => export::to_gpl(palette, &get(&o, "name").as_string().unwrap_or_else(|| "cinepal".into())),
            "svg" => export::to_svg(palette, self.image.width(), get(&o, "proportional").is_truthy()),
            "text" => export::to_text(palette),
            _ => {
                return Err(invalid(format!(
                    "unknown export format {}; allowed: json, css, gpl, svg, text",
                    describe(&JsValue::from_str(&format))
                )))
            }
        })
    }

    /// The image's weighted colors (grid cells of exact means) for a 3-D scatter:
    /// `{rgb: Uint8Array, oklab: Float32Array, weight: Float32Array}`, three values an entry for the first two.
    pub fn colors(&self) -> JsResult<JsValue> {
        let (alpha, sampling) = match &self.current {
            Some((p, _)) => (p.options.alpha_threshold, p.options.sampling),
            None => (DEFAULT_ALPHA_THRESHOLD, Sampling::All),
        };
        let stride = match sampling {
            Sampling::All => 1,
            Sampling::Seed => seed_stride(self.image.width(), self.image.height()),
        };
        // want = 0: always the grid's cells, never the exact-colors pass.
        let wc = weighted_colors(&self.image, stride, alpha, 0).map_err(js_error)?;
        let mut rgb = Vec::with_capacity(wc.len() * 3);
        let mut lab = Vec::with_capacity(wc.len() * 3);
        for c in &wc.colors {
            rgb.extend(c.map(color::quantize));
            let o = color::srgb_to_oklab(*c);
            lab.extend([o.l as f32, o.a as f32, o.b as f32]);
        }
        let weight: Vec<f32> = wc.weights.iter().map(|&w| w as f32).collect();
        let o = Object::new();
        set(&o, "rgb", Uint8Array::from(&rgb[..]));
        set(&o, "oklab", Float32Array::from(&lab[..]));
        set(&o, "weight", Float32Array::from(&weight[..]));
        Ok(o.into())
    }
}

impl Still {
    fn current(&self) -> JsResult<(&Palette, f64)> {
        self.current
            .as_ref()
            .map(|(p, ms)| (p, *ms))
            .ok_or_else(|| invalid("there is no palette yet: call extract first".into()))
    }
}

/// `order` as indices: an array of whole numbers below `n`.
fn index_list(order: &JsValue, n: usize) -> JsResult<Vec<usize>> {
    let allowed = || format!("order must be an array listing each index from 0 to {} once", n.saturating_sub(1));
    if !Array::is_array(order) {
        return Err(invalid(format!("{}, got {}", allowed(), describe(order))));
    }
    Array::from(order)
        .iter()
        .map(|v| whole_number(&v, 0.0, n.saturating_sub(1) as f64, &allowed()).map(|i| i as usize))
        .collect()
}

fn render_options(options: &JsValue) -> JsResult<(bool, RenderOptions)> {
    let o = options_object(options)?;
    let ro = RenderOptions { proportional: get(&o, "proportional").is_truthy(), ..RenderOptions::default() };
    Ok((get(&o, "strip").is_truthy(), ro))
}
