//! A palette as text, JSON, CSS custom properties, a GIMP palette or an SVG
//! strip. One source for the CLI and the page's downloads.

use std::fmt::Write;

use crate::palette::Palette;

/// One line a swatch: hex, RGB and share in percent.
pub fn to_text(p: &Palette) -> String {
    let mut s = String::new();
    for c in &p.swatches {
        let [r, g, b] = c.rgb;
        let _ = writeln!(s, "{}  {r:3} {g:3} {b:3}  {:5.1}%", c.hex(), c.share * 100.0);
    }
    s
}

fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "null".into()
    }
}

/// The JSON object of DESIGN.md (one line), with `seconds` when known.
pub fn to_json(p: &Palette, seconds: Option<f64>) -> String {
    let o = &p.options;
    let mut s = format!(
        "{{\"width\": {}, \"height\": {}, \"pixels\": {}, \"counted\": {}, \"method\": {}, \"space\": {}, \"sort\": {}, \"sample\": {}, \"seed\": {}, \"requested\": {}, \"count\": {}",
        p.width,
        p.height,
        p.pixels,
        p.counted,
        json_string(o.method.name()),
        json_string(o.space.name()),
        json_string(&o.sort.name()),
        json_string(o.sampling.name()),
        o.seed,
        p.requested,
        p.swatches.len()
    );
    if let Some(t) = seconds {
        let _ = write!(s, ", \"seconds\": {}", json_number((t * 1e6).round() / 1e6));
    }
    s.push_str(", \"colors\": [");
    for (i, c) in p.swatches.iter().enumerate() {
        let [r, g, b] = c.rgb;
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(
            s,
            "{{\"hex\": {}, \"rgb\": [{r}, {g}, {b}], \"share\": {}}}",
            json_string(&c.hex()),
            json_number(c.share)
        );
    }
    s.push_str("]}");
    s
}

/// CSS custom properties `--cinepal-1` … on `:root`, with shares as comments.
pub fn to_css(p: &Palette) -> String {
    let mut s = String::from(":root {\n");
    for (i, c) in p.swatches.iter().enumerate() {
        let _ = writeln!(s, "  --cinepal-{}: {}; /* {:.1}% */", i + 1, c.hex(), c.share * 100.0);
    }
    s.push_str("}\n");
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
