//! EXIF orientation: a JPEG whose EXIF says "rotate" decodes upright, with the
//! displayed width and height.

use std::io::Cursor;

use cinepal::{decode, extract, ColorCount, Limits, Options, Sort};

mod fixtures;

/// A JPEG, `w`×`h`, left half red and right half blue, with an EXIF APP1
/// segment holding `orientation` (1–8).
fn jpeg_with_orientation(w: u32, h: u32, orientation: u16) -> Vec<u8> {
    let img =
        image::RgbImage::from_fn(
            w,
            h,
            |x, _| if x < w / 2 { image::Rgb([220, 20, 30]) } else { image::Rgb([20, 40, 220]) },
        );
    let mut jpeg = Vec::new();
    img.write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg).unwrap();
    fixtures::jpeg_with_exif_orientation(&jpeg, orientation)
}

fn is_red(p: [u8; 4]) -> bool {
    p[0] > 150 && p[2] < 100
}

fn is_blue(p: [u8; 4]) -> bool {
    p[2] > 150 && p[0] < 100
}

#[test]
fn orientation_1_keeps_red_on_the_left() {
    let img = decode(&jpeg_with_orientation(64, 32, 1), &Limits::default()).unwrap();
    assert_eq!((img.width(), img.height()), (64, 32));
    assert!(is_red(img.rgba_at(8, 16)) && is_blue(img.rgba_at(56, 16)));
}

#[test]
fn orientation_6_rotates_clockwise_so_the_left_half_goes_on_top() {
    let img = decode(&jpeg_with_orientation(64, 32, 6), &Limits::default()).unwrap();
    assert_eq!((img.width(), img.height()), (32, 64), "width and height are the displayed ones");
    assert!(is_red(img.rgba_at(16, 8)), "top is red: {:?}", img.rgba_at(16, 8));
    assert!(is_blue(img.rgba_at(16, 56)), "bottom is blue: {:?}", img.rgba_at(16, 56));
}

#[test]
fn orientation_8_rotates_counter_clockwise_so_the_left_half_goes_below() {
    let img = decode(&jpeg_with_orientation(64, 32, 8), &Limits::default()).unwrap();
    assert_eq!((img.width(), img.height()), (32, 64));
    assert!(is_blue(img.rgba_at(16, 8)) && is_red(img.rgba_at(16, 56)));
}

#[test]
fn orientation_3_turns_the_image_half_round() {
    let img = decode(&jpeg_with_orientation(64, 32, 3), &Limits::default()).unwrap();
    assert_eq!((img.width(), img.height()), (64, 32));
    assert!(is_blue(img.rgba_at(8, 16)) && is_red(img.rgba_at(56, 16)));
}

#[test]
fn every_orientation_gives_the_same_palette() {
    // Rotation and mirroring move pixels but never change which colors there are.
    let reference = palette_of(1);
    for o in 2..=8 {
        let p = palette_of(o);
        assert_eq!(p.len(), reference.len(), "orientation {o}");
        for (a, b) in p.iter().zip(&reference) {
            // JPEG blocks fall differently once rotated; ΔE_ok < 2 is below a just-noticeable difference.
            let d = cinepal::color::rgb8_to_oklab(*a).delta_e(cinepal::color::rgb8_to_oklab(*b));
            assert!(d < 2.0, "orientation {o}: {a:?} vs {b:?} (ΔE {d:.2})");
        }
    }
}

fn palette_of(orientation: u16) -> Vec<[u8; 3]> {
    let img = decode(&jpeg_with_orientation(64, 32, orientation), &Limits::default()).unwrap();
    let opts = Options { colors: ColorCount::new(2).unwrap(), sort: Sort::Red, ..Options::default() };
    extract(&img, &opts).unwrap().swatches.iter().map(|s| s.rgb).collect()
}
