//! The WebAssembly API in a real (headless) browser: what the page sees must
//! be what the core computes, and bad input must throw, never trap.
//!
//! Run with `cargo test --target wasm32-unknown-unknown --test wasm` (see scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use std::io::Cursor;

use cinepal::wasm::{defaults, extract_palette, new_seed, Still};
use cinepal::{
    render_composite, ColorCount, Limits, Method, Named, Options, Palette, RenderOptions, Sampling, Sort, Space,
};
use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const W: u32 = 96;
const H: u32 = 64;

/// A PNG of `w × h` RGBA pixels.
fn png(w: u32, h: u32, rgba: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    image::RgbaImage::from_raw(w, h, rgba)
        .unwrap()
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A still-like test picture: a dark sky gradient, a warm ground, a vivid
/// red accent and a few transparent pixels, with enough distinct colors that
/// the clustering (not the exact-colors path) runs.
fn still_png() -> Vec<u8> {
    let mut px = Vec::with_capacity((W * H * 4) as usize);
    for y in 0..H {
        for x in 0..W {
            let rgba = if (40..48).contains(&x) && (20..28).contains(&y) {
                [230, 20, 30, 255]
            } else if y < H / 2 {
                [(10 + x / 3) as u8, (20 + y) as u8, (90 + x) as u8, 255]
            } else {
                [(120 + x) as u8, (80 + y / 2) as u8, (30 + (x * y) % 40) as u8, if x == 0 { 0 } else { 255 }]
            };
            px.extend_from_slice(&rgba);
        }
    }
    png(W, H, px)
}

fn js_bytes(bytes: &[u8]) -> JsValue {
    Uint8Array::from(bytes).into()
}

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &s(key)).unwrap()
}

fn num(v: &JsValue, key: &str) -> f64 {
    get(v, key).as_f64().unwrap_or_else(|| panic!("{key} is not a number"))
}

fn text(v: &JsValue, key: &str) -> String {
    get(v, key).as_string().unwrap_or_else(|| panic!("{key} is not a string"))
}

fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &s(k), v).unwrap();
    }
    o.into()
}

fn native(bytes: &[u8], options: &Options) -> Palette {
    cinepal::extract(&cinepal::decode(bytes, &Limits::default()).unwrap(), options).unwrap()
}

/// The JS palette object is the core's palette serialized (the CLI's JSON), field for field.
fn assert_same(js: &JsValue, p: &Palette) {
    let mut got: serde_json::Value =
        serde_json::from_str(&String::from(js_sys::JSON::stringify(js).unwrap())).expect("JSON");
    let seconds = got.as_object_mut().unwrap().remove("seconds").and_then(|v| v.as_f64());
    assert!(seconds.is_some_and(|t| t >= 0.0), "seconds: {seconds:?}");
    assert_eq!(got, serde_json::to_value(p).unwrap());
}

fn n(v: f64) -> JsValue {
    JsValue::from_f64(v)
}

const NONE: JsValue = JsValue::UNDEFINED;

fn hexes(js: &JsValue) -> Vec<String> {
    Array::from(&get(js, "colors")).iter().map(|c| text(&c, "hex")).collect()
}

/// The thrown value is a JS `Error` named `kind`.
#[track_caller]
fn assert_throws<T>(result: Result<T, JsValue>, kind: &str) -> String {
    let Err(e) = result else { panic!("expected an error named {kind}") };
    let e: js_sys::Error = e.dyn_into().expect("a JS Error");
    assert_eq!(String::from(e.name()), kind, "{}", String::from(e.message()));
    let message = String::from(e.message());
    assert!(!message.is_empty());
    message
}

#[wasm_bindgen_test]
fn defaults_list_every_choice() {
    let d = defaults();
    assert_eq!(num(&d, "colors"), 10.0);
    assert_eq!(num(&d, "maxColors"), 64.0);
    assert_eq!(text(&d, "method"), "telling");
    assert_eq!(text(&d, "sort"), "smooth");
    assert_eq!(text(&d, "space"), "oklab");
    assert_eq!(text(&d, "sample"), "all");
    assert_eq!(num(&d, "seed"), 0.0);
    assert_eq!(num(&d, "alphaThreshold"), 128.0);
    assert_eq!(num(&d, "maxPixels"), cinepal::Limits::default().max_pixels as f64);
    assert_eq!(num(&d, "maxFileBytes"), cinepal::Limits::default().max_file_bytes as f64);
    let names = |key: &str| -> Vec<String> { Array::from(&get(&d, key)).iter().map(|o| text(&o, "name")).collect() };
    assert_eq!(names("methods"), Method::all().iter().map(|m| m.name().to_string()).collect::<Vec<_>>());
    assert_eq!(names("sorts"), Sort::named().iter().map(Sort::name).collect::<Vec<_>>());
    assert_eq!(
        names("formats"),
        ["png", "json", "css", "gpl", "svg", "text", "ase", "aco", "swatches", "tailwind", "tailwind-config"]
    );
    let seeded: Vec<bool> = Array::from(&get(&d, "methods")).iter().map(|o| get(&o, "seeded").is_truthy()).collect();
    assert_eq!(seeded, Method::all().iter().map(|m| m.uses_seed()).collect::<Vec<_>>());
    // The same record the core serializes.
    let json: serde_json::Value = serde_json::from_str(&String::from(js_sys::JSON::stringify(&d).unwrap())).unwrap();
    assert_eq!(json, serde_json::to_value(cinepal::Catalogue::get()).unwrap());
    assert_eq!(names("spaces"), ["oklab", "rgb"]);
    for o in Array::from(&get(&d, "methods")).iter() {
        assert!(!text(&o, "hint").is_empty());
    }
}

#[wasm_bindgen_test]
fn extract_palette_gives_the_cores_palette_for_every_method() {
    let bytes = still_png();
    for method in Method::all() {
        let js = extract_palette(&js_bytes(&bytes), &n(6.0), &s(method.name()), &s("smooth"), &NONE).unwrap();
        let p = native(
            &bytes,
            &Options { colors: ColorCount::new(6).unwrap(), method, sort: Sort::Smooth, ..Options::default() },
        );
        assert_eq!(p.swatches.len(), 6);
        assert_same(&js, &p);
        assert_eq!(num(&get(&js, "colors"), "length"), 6.0);
        let total: f64 = p.swatches.iter().map(|s| s.share).sum();
        assert!((total - 1.0).abs() < 1e-9);
    }
}

#[wasm_bindgen_test]
fn options_object_reaches_the_core() {
    let bytes = still_png();
    let opts = options(&[
        ("space", s("rgb")),
        ("seed", s("18446744073709551615")),
        ("alphaThreshold", JsValue::from_f64(0.0)),
        ("sample", s("seed")),
        ("maxPixels", JsValue::from_f64((W * H) as f64)),
    ]);
    let js = extract_palette(&js_bytes(&bytes), &n(4.0), &s("k-means"), &s("dark-to-light"), &opts).unwrap();
    let want = Options {
        colors: ColorCount::new(4).unwrap(),
        method: Method::KMeans,
        space: Space::Rgb,
        sort: Sort::DarkToLight,
        seed: u64::MAX,
        alpha_threshold: 0,
        sampling: Sampling::Seed,
        max_pixels: (W * H) as u64,
        ..Options::default()
    };
    let p = native(&bytes, &want);
    // A seed above 2^53 comes back as a string of digits, so it round-trips.
    assert_eq!(text(&js, "seed"), "18446744073709551615");
    assert_same(&js, &p);
    // Every pixel of the 96x64 image counts when alpha 0 is allowed: the seed's stride is 1 here.
    assert_eq!(num(&js, "counted"), (W * H) as f64);
    // Numbers, and BigInts, are seeds too.
    let with_seed = |seed: JsValue| {
        let js = extract_palette(&js_bytes(&bytes), &n(4.0), &s("kmeans"), &s("none"), &options(&[("seed", seed)]));
        hexes(&js.unwrap())
    };
    assert_eq!(with_seed(JsValue::from_f64(7.0)), with_seed(s("7")));
    assert_eq!(with_seed(JsValue::bigint_from_str("7")), with_seed(s("7")));
}

#[wasm_bindgen_test]
fn few_colors_give_exactly_those_colors() {
    let mut px = Vec::new();
    for i in 0..30u32 {
        px.extend_from_slice(if i < 20 { &[200, 30, 40, 255] } else { &[20, 40, 200, 255] });
    }
    let js = extract_palette(&js_bytes(&png(6, 5, px)), &n(10.0), &s("ward"), &s("share"), &JsValue::NULL).unwrap();
    assert_eq!(hexes(&js), ["#c81e28", "#1428c8"]);
    assert_eq!(num(&js, "requested"), 10.0);
    assert_eq!(num(&js, "count"), 2.0);
}

#[wasm_bindgen_test]
fn still_round_trip() {
    let bytes = still_png();
    let mut still = Still::new(&js_bytes(&bytes), &JsValue::UNDEFINED).unwrap();
    assert_eq!((still.width(), still.height()), (W, H));
    assert!(still.decode_ms() >= 0.0);

    let first =
        still.extract(&options(&[("colors", n(5.0)), ("method", s("complete")), ("sort", s("share"))])).unwrap();
    let p = native(
        &bytes,
        &Options {
            colors: ColorCount::new(5).unwrap(),
            method: Method::Complete,
            sort: Sort::Share,
            ..Options::default()
        },
    );
    assert_same(&first, &p);
    assert_same(&still.palette().unwrap(), &p);
    // The vivid accent (64 of 6144 pixels) keeps its own swatch with complete linkage.
    assert!(hexes(&first).contains(&"#e6141e".to_string()), "{:?}", hexes(&first));

    // Reorder by indices into the *displayed* colors; orders compose.
    let shown = hexes(&first);
    let reversed = still.reorder(&Array::of5(&4.into(), &3.into(), &2.into(), &1.into(), &0.into()).into()).unwrap();
    let mut want = shown.clone();
    want.reverse();
    assert_eq!(hexes(&reversed), want);
    let swapped = still.reorder(&Array::of5(&1.into(), &0.into(), &2.into(), &3.into(), &4.into()).into()).unwrap();
    want.swap(0, 1);
    assert_eq!(hexes(&swapped), want);
    // The sort is the permutation of the `none` order, which the core (and the CLI) accept as a sort.
    let manual = Sort::parse(&text(&swapped, "sort")).unwrap();
    let again = native(
        &bytes,
        &Options { colors: ColorCount::new(5).unwrap(), method: Method::Complete, sort: manual, ..Options::default() },
    );
    assert_same(&swapped, &again);

    // A preview for other options leaves the current palette as it is.
    let ward = still.preview(&options(&[("colors", n(5.0)), ("method", s("ward"))])).unwrap();
    // Asked for by its technical name, named in plain words.
    assert_eq!(text(&ward, "method"), "balanced");
    assert_eq!(hexes(&still.palette().unwrap()), want);

    // The composite: the image on top, the strip below in the docs/DESIGN.md geometry.
    let height = num(&still.composite_size(&NONE).unwrap(), "height") as u32;
    let m = W as f64 / 51.0; // 10n + 1 with n = 5
    assert_eq!(height, H + (11.0 * m) as u32);
    let rgba = still.render(&JsValue::UNDEFINED).unwrap().to_vec();
    assert_eq!(rgba.len(), (W * height * 4) as usize);
    // Written into JS a band of rows at a time: the core's composite to the byte.
    let image = cinepal::decode(&bytes, &Limits::default()).unwrap();
    let core = |ro: &RenderOptions| render_composite(&image, &again.swatches, ro).unwrap().data().to_vec();
    assert!(rgba == core(&RenderOptions::default()), "the composite differs from the core's");
    let proportional = still.render(&options(&[("proportional", JsValue::TRUE)])).unwrap().to_vec();
    assert!(proportional == core(&RenderOptions { proportional: true, ..RenderOptions::default() }));
    // An opaque image (RGB in memory), over several bands of rows (4 MiB each).
    let (rw, rh) = (1500u32, 900u32);
    let rgb =
        image::RgbImage::from_fn(rw, rh, |x, y| image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 7) as u8]));
    let mut png_bytes = Vec::new();
    rgb.write_to(&mut std::io::Cursor::new(&mut png_bytes), image::ImageFormat::Png).unwrap();
    let mut opaque = Still::new(&js_bytes(&png_bytes), &JsValue::UNDEFINED).unwrap();
    opaque.extract(&options(&[("colors", n(4.0))])).unwrap();
    let decoded = cinepal::decode(&png_bytes, &Limits::default()).unwrap();
    assert_eq!(decoded.layout(), cinepal::Layout::Rgb8);
    let opaque_palette = native(&png_bytes, &Options { colors: ColorCount::new(4).unwrap(), ..Options::default() });
    let opaque_want = render_composite(&decoded, &opaque_palette.swatches, &RenderOptions::default()).unwrap();
    assert!(opaque.render(&JsValue::UNDEFINED).unwrap().to_vec() == opaque_want.data(), "RGB composite differs");
    let at = |x: u32, y: u32| rgba[((y * W + x) * 4) as usize..][..4].to_vec();
    assert_eq!(at(44, 24), [230, 20, 30, 255]);
    // Transparent pixels are drawn on the band's white, as the page shows them; keepAlpha keeps them.
    assert_eq!(at(0, H - 1), [255, 255, 255, 255], "transparent pixels on the band's color");
    let kept = still.render(&options(&[("keepAlpha", JsValue::TRUE)])).unwrap().to_vec();
    assert!(kept == core(&RenderOptions { keep_alpha: true, ..RenderOptions::default() }));
    assert_eq!(kept[((H - 1) * W * 4 + 3) as usize], 0, "keepAlpha: transparent pixels stay transparent");
    let swatch_y = H + (5.0 * m) as u32;
    for (i, hex) in want.iter().enumerate() {
        let x = ((i as f64 + 1.0) * 10.0 * m - 4.5 * m) as u32;
        let [r, g, b] = cinepal::color::parse_hex(hex).unwrap();
        assert_eq!(at(x, swatch_y), [r, g, b, 255], "swatch {i}");
    }
    assert_eq!(at(0, swatch_y), [255, 255, 255, 255], "left margin");

    // The strip alone, and proportional widths.
    let strip = options(&[("strip", JsValue::TRUE)]);
    let band = num(&still.composite_size(&strip).unwrap(), "height") as u32;
    assert_eq!(band, height - H);
    assert_eq!(still.render(&strip).unwrap().length(), W * band * 4);
    let prop = options(&[("strip", JsValue::TRUE), ("proportional", JsValue::TRUE)]);
    assert_eq!(
        still.render(&prop).unwrap().length(),
        W * num(&still.composite_size(&prop).unwrap(), "height") as u32 * 4
    );

    // Exports are the core's, of the current (reordered) palette: strings, and bytes for the binary formats.
    let text_of = |format: &str, o: &JsValue| still.export(&s(format), o).unwrap().as_string().expect("a string");
    let json = js_sys::JSON::parse(&text_of("json", &JsValue::UNDEFINED)).unwrap();
    assert_eq!(hexes(&json), want);
    assert_eq!(text(&json, "sort"), text(&swapped, "sort"));
    let css = text_of("css", &JsValue::UNDEFINED);
    assert!(css.contains(&format!("--cinepal-1: {};", want[0])), "{css}");
    let gpl = text_of("gpl", &options(&[("name", s("night"))]));
    assert!(gpl.starts_with("GIMP Palette\nName: night\n"), "{gpl}");
    assert_eq!(text_of("text", &JsValue::UNDEFINED), cinepal::export::to_text(&again));
    let svg = text_of("svg", &JsValue::UNDEFINED);
    assert!(svg.starts_with("<svg") && svg.contains(&want[4]), "{svg}");
    let tailwind = text_of("tailwind", &JsValue::UNDEFINED);
    assert!(tailwind.contains(&format!("--color-cinepal-1: {};", want[0])), "{tailwind}");
    let ase: Uint8Array = still.export(&s("ase"), &options(&[("name", s("night"))])).unwrap().dyn_into().unwrap();
    let night =
        cinepal::Format::Ase.write(&again, &cinepal::ExportContext { name: "night".into(), ..Default::default() });
    assert_eq!(ase.to_vec(), night.unwrap());
    // The palette object as it crosses from one module to the other: the same file.
    let from_object =
        cinepal::wasm::export_palette(&still.palette().unwrap(), &s("ase"), &options(&[("name", s("night"))]));
    assert_eq!(from_object.unwrap().dyn_into::<Uint8Array>().unwrap().to_vec(), ase.to_vec());
    let from_object = cinepal::wasm::export_palette(&still.palette().unwrap(), &s("tailwind"), &JsValue::UNDEFINED);
    assert_eq!(from_object.unwrap().as_string().unwrap(), tailwind);
    assert_throws(cinepal::wasm::export_palette(&s("nope"), &s("ase"), &JsValue::UNDEFINED), "invalid-input");
    assert_throws(still.export(&s("pdf"), &JsValue::UNDEFINED), "invalid-option");
    assert_throws(still.export(&s("png"), &JsValue::UNDEFINED), "invalid-option");
    assert_throws(still.export(&s("css"), &options(&[("nmae", s("x"))])), "invalid-option");

    // The weighted colors for the scatter: all counted pixels, at most 32,768 cells.
    let colors = still.colors().unwrap();
    let rgb: Uint8Array = get(&colors, "rgb").dyn_into().unwrap();
    let lab: js_sys::Float32Array = get(&colors, "oklab").dyn_into().unwrap();
    let weight: js_sys::Float32Array = get(&colors, "weight").dyn_into().unwrap();
    let cells = weight.length();
    assert!(cells > 5 && cells <= 32_768);
    assert_eq!((rgb.length(), lab.length()), (3 * cells, 3 * cells));
    assert_eq!(weight.to_vec().iter().map(|&w| w as f64).sum::<f64>(), num(&first, "counted"));

    drop(still); // free() in JS
}

#[wasm_bindgen_test]
fn bad_files_throw_decode_errors() {
    let text_bytes = b"hello, this is not an image\n".to_vec();
    let msg =
        assert_throws(extract_palette(&js_bytes(&text_bytes), &n(10.0), &s("kmeans"), &s("none"), &NONE), "decode");
    assert!(msg.contains("PNG"), "{msg}");
    let png = still_png();
    for cut in [8, 40, png.len() / 2, png.len() - 13] {
        let truncated = js_bytes(&png[..cut]);
        assert_throws(extract_palette(&truncated, &n(10.0), &s("kmeans"), &s("none"), &NONE), "decode");
        assert_throws(Still::new(&truncated, &JsValue::UNDEFINED), "decode");
    }
    assert_throws(Still::new(&js_bytes(&[]), &JsValue::UNDEFINED), "decode");
    // The instance is still usable afterwards.
    assert!(extract_palette(&js_bytes(&png), &n(3.0), &s("kmeans"), &s("none"), &NONE).is_ok());
}

#[wasm_bindgen_test]
fn bad_options_throw_invalid_option() {
    let bytes = js_bytes(&still_png());
    let none = JsValue::UNDEFINED;
    let extract =
        |k: f64, method: &str, sort: &str, opts: &JsValue| extract_palette(&bytes, &n(k), &s(method), &s(sort), opts);
    let msg = assert_throws(extract(0.0, "kmeans", "none", &none), "invalid-option");
    assert_eq!(msg, "the number of colors must be a whole number from 1 to 64, got 0");
    for n in [65.0, -1.0, 2.5, f64::NAN, f64::INFINITY] {
        assert_throws(extract(n, "kmeans", "none", &none), "invalid-option");
    }
    assert_throws(extract(5.0, "dbscan", "none", &none), "invalid-option");
    assert_throws(extract(5.0, "kmeans", "rainbow", &none), "invalid-option");
    assert_throws(extract(5.0, "kmeans", "0,0,1,2,3", &none), "invalid-option");
    assert_throws(extract(5.0, "kmeans", "none", &options(&[("space", s("cmyk"))])), "invalid-option");
    assert_throws(extract(5.0, "kmeans", "none", &options(&[("seed", JsValue::from_f64(-1.0))])), "invalid-option");
    assert_throws(extract(5.0, "kmeans", "none", &options(&[("seed", s("x"))])), "invalid-option");
    assert_throws(
        extract(5.0, "kmeans", "none", &options(&[("alphaThreshold", JsValue::from_f64(256.0))])),
        "invalid-option",
    );
    assert_throws(extract(5.0, "kmeans", "none", &options(&[("sample", s("some"))])), "invalid-option");
    assert_throws(extract(5.0, "kmeans", "none", &options(&[("maxPixels", JsValue::from_f64(0.0))])), "invalid-option");
    assert_throws(extract(5.0, "kmeans", "none", &s("oklab")), "invalid-option");
    assert_throws(extract_palette(&bytes, &n(5.0), &JsValue::from_f64(3.0), &s("none"), &none), "invalid-option");
    // An unknown key names the allowed ones: the keys of defaults().
    let msg = assert_throws(extract(5.0, "kmeans", "none", &options(&[("colours", n(3.0))])), "invalid-option");
    assert!(msg.contains("unknown field `colours`, expected one of `colors`, `method`, `sort`, `space`, `seed`, `alphaThreshold`, `sample`, `region`, `maxPixels`"), "{msg}");
    let defaults_keys = js_sys::Object::keys(defaults().unchecked_ref::<js_sys::Object>());
    for key in ["colors", "method", "sort", "space", "seed", "alphaThreshold", "sample", "region", "maxPixels"] {
        assert!(defaults_keys.includes(&s(key), 0), "{key} is a key of defaults()");
    }
    // The page's settings go through unchanged: every default at once is valid.
    let every = Options::default();
    let js_every = serde_wasm_bindgen::to_value(&every).unwrap();
    assert!(extract_palette(&bytes, &NONE, &NONE, &NONE, &js_every).is_ok());

    let mut still = Still::new(&bytes, &none).unwrap();
    assert_throws(still.reorder(&Array::new().into()), "invalid-option");
    assert_throws(still.render(&none), "invalid-option");
    still.extract(&options(&[("colors", n(3.0))])).unwrap();
    assert_throws(still.reorder(&Array::of2(&0.into(), &1.into()).into()), "invalid-option");
    assert_throws(still.reorder(&Array::of3(&0.into(), &0.into(), &1.into()).into()), "invalid-option");
    assert_throws(still.reorder(&Array::of3(&0.into(), &1.into(), &3.into()).into()), "invalid-option");
    assert_throws(still.reorder(&s("2,1,0")), "invalid-option");
    assert_throws(still.extract(&options(&[("colors", n(0.0))])), "invalid-option");
    assert_throws(still.preview(&options(&[("method", s("dbscan"))])), "invalid-option");
    // A failed call leaves the current palette as it was.
    assert!(still.reorder(&Array::of3(&2.into(), &1.into(), &0.into()).into()).is_ok());
}

#[wasm_bindgen_test]
fn limits_and_empty_images_throw_their_kinds() {
    let bytes = js_bytes(&still_png());
    let small = options(&[("maxPixels", JsValue::from_f64(100.0))]);
    let msg = assert_throws(extract_palette(&bytes, &n(5.0), &s("kmeans"), &s("none"), &small), "limits");
    assert!(msg.contains("96x64"), "{msg}");
    assert_throws(Still::new(&bytes, &small), "limits");

    let transparent = js_bytes(&png(4, 4, vec![0; 64]));
    let msg = assert_throws(extract_palette(&transparent, &n(5.0), &s("kmeans"), &s("none"), &NONE), "invalid-input");
    assert!(msg.contains("no opaque pixel"), "{msg}");
    let mut still = Still::new(&transparent, &JsValue::UNDEFINED).unwrap();
    assert_throws(still.extract(&options(&[("colors", n(5.0))])), "invalid-input");
    // ... unless transparent pixels are counted.
    let all = options(&[("colors", n(5.0)), ("alphaThreshold", JsValue::from_f64(0.0))]);
    assert_eq!(hexes(&still.extract(&all).unwrap()), ["#000000"]);

    assert_throws(extract_palette(&s("not bytes"), &n(5.0), &s("kmeans"), &s("none"), &NONE), "invalid-input");
    // A byte array over the file-size limit is refused before it is copied
    // into wasm memory (which would then stay grown by as much).
    let memory = || wasm_bindgen::memory().dyn_into::<js_sys::WebAssembly::Memory>().unwrap().buffer();
    let memory_bytes = || memory().dyn_into::<js_sys::ArrayBuffer>().unwrap().byte_length() as u64;
    let before = memory_bytes();
    let huge: JsValue = Uint8Array::new_with_length((cinepal::Limits::default().max_file_bytes + 1) as u32).into();
    let msg = assert_throws(extract_palette(&huge, &n(5.0), &s("kmeans"), &s("none"), &NONE), "limits");
    assert!(msg.contains("the limit is 640 MiB"), "{msg}");
    assert_throws(Still::new(&huge, &JsValue::UNDEFINED), "limits");
    assert!(memory_bytes() - before < 16 << 20, "wasm memory grew from {before} to {} bytes", memory_bytes());
    // An ArrayBuffer is accepted as well as a Uint8Array.
    let buffer: JsValue = Uint8Array::from(&still_png()[..]).buffer().into();
    assert!(extract_palette(&buffer, &n(5.0), &s("kmeans"), &s("none"), &NONE).is_ok());
}

#[wasm_bindgen_test]
fn new_seeds_are_random_and_accepted_as_seeds() {
    let seeds: Vec<String> = (0..4).map(|_| js_sys::JSON::stringify(&new_seed().unwrap()).unwrap().into()).collect();
    let distinct: std::collections::BTreeSet<&String> = seeds.iter().collect();
    assert_eq!(distinct.len(), 4, "{seeds:?}");
    let bytes = js_bytes(&still_png());
    for seed in seeds {
        let seed = js_sys::JSON::parse(&seed).unwrap();
        assert!(extract_palette(&bytes, &n(4.0), &NONE, &NONE, &options(&[("seed", seed)])).is_ok());
    }
}

#[wasm_bindgen_test]
fn draw_paints_the_composite_into_an_offscreen_canvas() {
    let bytes = still_png();
    let mut still = Still::new(&js_bytes(&bytes), &NONE).unwrap();
    still.extract(&options(&[("colors", n(4.0))])).unwrap();
    let canvas = web_sys::OffscreenCanvas::new(1, 1).unwrap();
    let drawn = still.draw(&canvas, &NONE).unwrap();
    let size = still.composite_size(&NONE).unwrap();
    assert_eq!((canvas.width(), canvas.height()), (num(&size, "width") as u32, num(&size, "height") as u32));
    assert!(!get(&drawn, "stripOnly").is_truthy());
    let ctx: web_sys::OffscreenCanvasRenderingContext2d =
        canvas.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let pixels = |canvas: &web_sys::OffscreenCanvas| {
        ctx.get_image_data(0.0, 0.0, canvas.width() as f64, canvas.height() as f64).unwrap().data().0
    };
    // Opaque pixels are the render's to the byte (transparent ones lose their color in a canvas).
    let want = still.render(&NONE).unwrap().to_vec();
    let got = pixels(&canvas);
    assert_eq!(got.len(), want.len());
    for (i, (g, w)) in got.chunks(4).zip(want.chunks(4)).enumerate() {
        if w[3] == 255 {
            assert_eq!(g, w, "pixel {i}");
        }
    }
    // A reorder redraws only the strip, into the same canvas.
    still.reorder(&Array::of4(&3.into(), &2.into(), &1.into(), &0.into()).into()).unwrap();
    let drawn = still.draw(&canvas, &options(&[("strip", JsValue::TRUE)])).unwrap();
    assert!(get(&drawn, "stripOnly").is_truthy());
    let want = still.render(&NONE).unwrap().to_vec();
    let got = pixels(&canvas);
    let band_start = (W * H * 4) as usize;
    assert!(got[band_start..] == want[band_start..], "the strip is the reordered one");
}
