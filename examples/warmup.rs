//! Writes `www/warmup/`: the two small JPEGs the page's worker decodes (and
//! extracts) while the page waits for a file, so that the WebAssembly engine
//! has compiled the decoder's and the extraction's hot code with its
//! optimizing tier before a photo arrives (BENCHMARKS.md, "As fast as the
//! CLI"): a progressive and a baseline JPEG, 4:2:0 as cameras write them,
//! 256×256 of smooth color fields with grain (synthetic, made here).
//!
//!   cargo run --release --example warmup

fn main() {
    let (w, h) = (256u16, 256u16);
    let mut x = 0x9e37_79b9_u32;
    let mut noise = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        (x >> 24) as i32 - 128
    };
    let mut rgb = Vec::with_capacity(w as usize * h as usize * 3);
    for y in 0..h as i32 {
        for x in 0..w as i32 {
            let base = [x, y, (x + y) / 2];
            let band = if (x / 32 + y / 32) % 2 == 0 { 40 } else { -40 };
            for c in base {
                rgb.push((c + band + noise() / 40).clamp(0, 255) as u8);
            }
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/warmup");
    std::fs::create_dir_all(&dir).unwrap();
    for progressive in [true, false] {
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
        enc.set_progressive(progressive);
        enc.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
        enc.encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
        let name = if progressive { "progressive.jpg" } else { "baseline.jpg" };
        std::fs::write(dir.join(name), &out).unwrap();
        println!("www/warmup/{name}: {} bytes", out.len());
    }
}
