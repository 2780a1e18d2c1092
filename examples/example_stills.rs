//! Draws the page's example stills (`www/examples/`): three made-up film
//! frames, painted by this program from shapes, gradients, light and grain,
//! so that the project may ship them (they are the project's own, under its
//! licence; see `www/examples/README.md`).
//!
//! `cargo run --release --example example_stills -- www/examples`
//!
//! Each still is a 1600×900 JPEG and a 160×90 thumbnail. Two are framed as
//! 2.39:1 scope frames inside 16:9, with black bars, as a film still often
//! is; one has a small vivid accent, the kind a palette should keep.

use image::codecs::jpeg::JpegEncoder;
use image::{imageops, RgbImage};

const W: u32 = 1600;
const H: u32 = 900;

type Rgb = [f32; 3];

/// A scene: linear light at `(u, v)`, both 0..1 across the picture.
type Scene = fn(f32, f32, &mut Noise) -> Rgb;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "www/examples".into());
    std::fs::create_dir_all(&dir).expect("the output folder");
    let scenes: [(&str, Scene, bool); 3] =
        [("neon-alley", neon_alley, true), ("desert-dusk", desert_dusk, true), ("sea-fog", sea_fog, false)];
    for (name, scene, scope) in scenes {
        let img = paint(scene, scope, name.len() as u64);
        save(&img, &format!("{dir}/{name}.jpg"), 86);
        let thumb = imageops::resize(&img, 160, 90, imageops::FilterType::Triangle);
        save(&thumb, &format!("{dir}/{name}.thumb.jpg"), 72);
        println!("{dir}/{name}.jpg");
    }
}

fn save(img: &RgbImage, path: &str, quality: u8) {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality).encode_image(img).expect("encode");
    std::fs::write(path, out).expect("write");
}

/// Paints `scene` (coordinates 0..1 across the picture, linear light out),
/// adds grain and a vignette, and letterboxes it to 2.39:1 when `scope`.
fn paint(scene: Scene, scope: bool, seed: u64) -> RgbImage {
    // Even bars: as many rows above as below.
    let picture_h = if scope { ((W as f32 / 2.39 / 2.0).round() as u32) * 2 } else { H };
    let top = (H - picture_h) / 2;
    let mut noise = Noise::new(seed);
    let mut img = RgbImage::new(W, H);
    for y in 0..H {
        for x in 0..W {
            if y < top || y >= top + picture_h {
                continue; // the bars stay black
            }
            let u = x as f32 / W as f32;
            let v = (y - top) as f32 / picture_h as f32;
            let mut c = scene(u, v, &mut noise);
            let d = ((u - 0.5).powi(2) + (v - 0.5).powi(2) * 0.6).sqrt();
            let vignette = 1.0 - 0.55 * smooth(0.35, 0.85, d);
            let grain = 1.0 + 0.06 * (noise.white() - 0.5);
            for ch in &mut c {
                *ch = (*ch * vignette * grain).max(0.0);
            }
            img.put_pixel(x, y, image::Rgb(c.map(encode)));
        }
    }
    img
}

// ---- the scenes ----

/// A wet alley at night: a pink and a teal neon sign, a warm lamp far off, reflections.
fn neon_alley(u: f32, v: f32, n: &mut Noise) -> Rgb {
    let horizon = 0.52;
    let vanish = 0.56;
    // Walls in perspective: the alley narrows towards the vanishing point.
    let spread = (v - horizon).abs() * 1.6 + 0.05;
    let left_wall = u < vanish - spread * 0.9;
    let right_wall = u > vanish + spread * 0.7;
    let mut c = if v < horizon { mix(hex(0x0a0f22), hex(0x1b2340), v / horizon) } else { hex(0x0d0f18) };
    if left_wall || right_wall {
        let brick = 0.75 + 0.25 * n.value(u * 90.0, v * 60.0);
        c = scale(hex(if left_wall { 0x1d1626 } else { 0x141a26 }), brick);
    }
    // The signs, with their glow.
    let pink = rect_glow(u, v, (0.08, 0.22, 0.27, 0.31), 0.035);
    let teal = rect_glow(u, v, (0.80, 0.30, 0.93, 0.46), 0.03);
    let lamp = spot(u, v, (vanish, horizon - 0.04), 0.018);
    c = add(c, scale(hex(0xff2d95), 2.2 * pink));
    c = add(c, scale(hex(0x12e0cf), 1.8 * teal));
    c = add(c, scale(hex(0xffb04a), 2.5 * lamp));
    // The wet ground mirrors the lights, smeared downwards.
    if v > horizon + 0.08 {
        let mirror = 2.0 * horizon + 0.16 - v;
        let wet = 0.35 * (0.6 + 0.4 * n.value(u * 8.0, v * 120.0));
        c = add(c, scale(hex(0xff2d95), wet * rect_glow(u, mirror, (0.08, 0.18, 0.27, 0.35), 0.06)));
        c = add(c, scale(hex(0x12e0cf), wet * rect_glow(u, mirror, (0.80, 0.26, 0.93, 0.50), 0.06)));
        c = add(c, scale(hex(0xffb04a), wet * 2.0 * spot(u, mirror, (vanish, horizon - 0.04), 0.05)));
    }
    // A figure under the lamp.
    if ((u - vanish) / 0.012).powi(2) + ((v - (horizon + 0.03)) / 0.07).powi(2) < 1.0 {
        c = hex(0x05060a);
    }
    add(c, scale(hex(0x2a3560), 0.25 * smooth(0.3, 0.0, (v - horizon).abs())))
}

/// Dunes at dusk: a violet-to-orange sky, the sun on the horizon, three ridges in haze.
fn desert_dusk(u: f32, v: f32, n: &mut Noise) -> Rgb {
    let horizon = 0.62;
    let mut c = if v < 0.35 {
        mix(hex(0x2b1b4a), hex(0x8a3d6b), v / 0.35)
    } else {
        mix(hex(0x8a3d6b), hex(0xff9a4a), ((v - 0.35) / (horizon - 0.35)).min(1.0))
    };
    let sun = spot(u, v, (0.68, horizon - 0.02), 0.05);
    c = add(c, scale(hex(0xffd27a), 1.6 * sun));
    if ((u - 0.68) / 0.045).powi(2) + ((v - (horizon - 0.02)) / (0.045 * 2.39 * 9.0 / 16.0 * 1.78)).powi(2) < 1.0 {
        c = hex(0xffe2a0);
    }
    // Ridges: far (hazy, light), middle, near (dark), each a wavy line.
    let ridges = [
        (horizon - 0.02, 0x8c4a45, 0.03, 3.0),
        (horizon + 0.08, 0x5a2c2a, 0.05, 2.0),
        (horizon + 0.2, 0x2a1512, 0.07, 1.3),
    ];
    for (base, color, amp, freq) in ridges {
        let line = base - amp * ((u * freq * 6.0).sin() * 0.6 + n.value(u * freq * 3.0, base * 10.0) * 0.8);
        if v > line {
            let shade = 1.0 - 0.35 * ((v - line) * 4.0).min(1.0);
            c = scale(hex(color), 0.85 + 0.15 * n.value(u * 200.0, v * 40.0) * shade);
            // The sun's light on the crest.
            c = add(c, scale(hex(0xff9a4a), 0.5 * smooth(0.02, 0.0, v - line) * (1.0 - (u - 0.68).abs())));
        }
    }
    c
}

/// A grey-green sea in morning fog, a dark rock, and a small red boat.
fn sea_fog(u: f32, v: f32, n: &mut Noise) -> Rgb {
    let horizon = 0.45;
    let mut c = if v < horizon {
        mix(hex(0xb9c6c8), hex(0xe6e8df), v / horizon)
    } else {
        let waves = 0.9 + 0.1 * n.value(u * 30.0, v * 220.0);
        scale(mix(hex(0x6f8c8a), hex(0x2e4a50), (v - horizon) / (1.0 - horizon)), waves)
    };
    // Fog lies on the horizon.
    c = mix(c, hex(0xdfe3da), 0.8 * smooth(0.12, 0.0, (v - horizon).abs()));
    // The rock, left, with its reflection darker.
    let rock_top = horizon - 0.16 * (1.0 - ((u - 0.18) / 0.12).powi(2)).max(0.0).sqrt() + 0.02 * n.value(u * 40.0, 1.0);
    if (u - 0.18).abs() < 0.12 && v > rock_top && v < horizon + 0.01 {
        c = mix(hex(0x2f3431), hex(0x4b524c), n.value(u * 60.0, v * 60.0));
    }
    // The boat: a red hull and a white cabin, small and far.
    let (bx, by) = (0.63, horizon + 0.05);
    if (u - bx).abs() < 0.03 && (v - by).abs() < 0.012 {
        c = hex(0xd23a22);
    } else if (u - (bx - 0.005)).abs() < 0.012 && v < by - 0.012 && v > by - 0.04 {
        c = hex(0xf2efe6);
    } else if (u - bx).abs() < 0.03 && v > by + 0.012 && v < by + 0.04 {
        c = mix(c, hex(0x8a2a1a), 0.45 * (0.5 + 0.5 * n.value(u * 300.0, v * 50.0)));
    }
    c
}

// ---- light, color, noise ----

/// Glow of an axis-aligned rectangle (x0, y0, x1, y1): 1 inside, falling off with distance.
fn rect_glow(u: f32, v: f32, (x0, y0, x1, y1): (f32, f32, f32, f32), radius: f32) -> f32 {
    let dx = (x0 - u).max(u - x1).max(0.0);
    let dy = (y0 - v).max(v - y1).max(0.0) * 0.56;
    let d = (dx * dx + dy * dy).sqrt();
    if d == 0.0 {
        1.0
    } else {
        0.55 * (-d / radius).exp()
    }
}

/// A round light at `(x, y)`.
fn spot(u: f32, v: f32, (x, y): (f32, f32), radius: f32) -> f32 {
    let d = ((u - x).powi(2) + ((v - y) * 0.56).powi(2)).sqrt();
    (-d / radius).exp()
}

fn smooth(edge0: f32, edge1: f32, x: f32) -> f32 {
    let t = ((x - edge0) / (edge1 - edge0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// An sRGB hex color in linear light.
fn hex(rgb: u32) -> Rgb {
    [(rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255].map(|c| decode(c as f32 / 255.0))
}

fn decode(c: f32) -> f32 {
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

fn encode(c: f32) -> u8 {
    let c = c.min(1.0);
    let s = if c <= 0.003_130_8 { c * 12.92 } else { 1.055 * c.powf(1.0 / 2.4) - 0.055 };
    (s * 255.0).round() as u8
}

fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    let t = t.clamp(0.0, 1.0);
    [0, 1, 2].map(|i| a[i] + (b[i] - a[i]) * t)
}

fn add(a: Rgb, b: Rgb) -> Rgb {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

fn scale(a: Rgb, k: f32) -> Rgb {
    a.map(|c| c * k)
}

/// Value noise on a lattice and white noise, from SplitMix64: the same stills on every run.
struct Noise {
    state: u64,
}

impl Noise {
    fn new(seed: u64) -> Noise {
        Noise { state: seed }
    }

    fn white(&mut self) -> f32 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        (mix64(self.state) >> 40) as f32 / (1u64 << 24) as f32
    }

    /// Smooth noise in 0..1 at `(x, y)` (lattice units).
    fn value(&self, x: f32, y: f32) -> f32 {
        let (xi, yi) = (x.floor(), y.floor());
        let (fx, fy) = (x - xi, y - yi);
        let at = |i: f32, j: f32| {
            (mix64((i as i64 as u64).wrapping_mul(0x1f1f_1f1f) ^ (j as i64 as u64) << 32) >> 40) as f32
                / (1u64 << 24) as f32
        };
        let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
        let top = at(xi, yi) + (at(xi + 1.0, yi) - at(xi, yi)) * sx;
        let bottom = at(xi, yi + 1.0) + (at(xi + 1.0, yi + 1.0) - at(xi, yi + 1.0)) * sx;
        top + (bottom - top) * sy
    }
}

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
