/*
 * Copyright (c) 2025.
 *
 * This software is free software;
 *
 * You can redistribute it or modify it under terms of the MIT, Apache License or Zlib license
 */

//! WebAssembly simd128 YCbCr to RGB(A) conversion (added for cinepal, see
//! CINEPAL.md).
//!
//! A port of the NEON routines (`neon64.rs`): the scalar formulas
//! (`scalar.rs`) in 32-bit lanes, each i16 product widened exactly
//! (`extmul`), then a saturating narrowing to i16 and to u8, which is the
//! scalar `clamp(0, 255)` of the same i32. The output is bit-identical to
//! [`ycbcr_to_rgb_inner_16_scalar`](super::scalar::ycbcr_to_rgb_inner_16_scalar)
//! and the RGBA one.

#![cfg(all(target_arch = "wasm32", target_feature = "simd128"))]

use core::arch::wasm32::*;
use core::convert::TryInto;

use crate::color_convert::scalar::{CB_CF, CR_CF, C_G_CB_COEF_2, C_G_CR_COEF_1, YUV_PREC, YUV_RND, Y_CF};

#[inline(always)]
fn load8(v: &[i16; 16], at: usize) -> v128 {
    let half: &[i16; 8] = v[at..at + 8].try_into().unwrap();
    // SAFETY: 8 i16s, 16 bytes; wasm loads need no alignment.
    unsafe { v128_load(half.as_ptr().cast()) }
}

/// `(y + a * ca) >> YUV_PREC` for the 8 lanes of `a` (i16) and the 4 + 4 of
/// `y` (i32), in i32, narrowed with saturation to i16.
#[inline(always)]
fn mix1(y_lo: v128, y_hi: v128, a: v128, ca: i16) -> v128 {
    let ca = i16x8_splat(ca);
    let lo = i32x4_add(y_lo, i32x4_extmul_low_i16x8(a, ca));
    let hi = i32x4_add(y_hi, i32x4_extmul_high_i16x8(a, ca));
    let shift = YUV_PREC as u32;
    i16x8_narrow_i32x4(i32x4_shr(lo, shift), i32x4_shr(hi, shift))
}

/// `(y + a * ca + b * cb) >> YUV_PREC`, as [`mix1`].
#[inline(always)]
fn mix2(y_lo: v128, y_hi: v128, a: v128, ca: i16, b: v128, cb: i16) -> v128 {
    let ca = i16x8_splat(ca);
    let cb = i16x8_splat(cb);
    let lo = i32x4_add(i32x4_add(y_lo, i32x4_extmul_low_i16x8(a, ca)), i32x4_extmul_low_i16x8(b, cb));
    let hi = i32x4_add(i32x4_add(y_hi, i32x4_extmul_high_i16x8(a, ca)), i32x4_extmul_high_i16x8(b, cb));
    let shift = YUV_PREC as u32;
    i16x8_narrow_i32x4(i32x4_shr(lo, shift), i32x4_shr(hi, shift))
}

/// R, G and B of 16 pixels, each a u8x16 (clamped to 0..=255).
#[inline(always)]
fn ycbcr_to_rgb_planes(y: &[i16; 16], cb: &[i16; 16], cr: &[i16; 16]) -> (v128, v128, v128) {
    let bias = i16x8_splat(128);
    let rnd = i32x4_splat(i32::from(YUV_RND));
    // y * Y_CF is y << 14, exactly (no i32 overflows for an i16).
    const _: () = assert!(Y_CF == 1 << 14);
    let zero = i16x8_splat(0);

    let mut r = [zero; 2];
    let mut g = [zero; 2];
    let mut b = [zero; 2];
    for half in 0..2 {
        let yv = load8(y, 8 * half);
        let cbv = i16x8_sub(load8(cb, 8 * half), bias);
        let crv = i16x8_sub(load8(cr, 8 * half), bias);

        let y_lo = i32x4_add(i32x4_shl(i32x4_extend_low_i16x8(yv), 14), rnd);
        let y_hi = i32x4_add(i32x4_shl(i32x4_extend_high_i16x8(yv), 14), rnd);

        r[half] = mix1(y_lo, y_hi, crv, CR_CF);
        g[half] = mix2(y_lo, y_hi, crv, C_G_CR_COEF_1, cbv, C_G_CB_COEF_2);
        b[half] = mix1(y_lo, y_hi, cbv, CB_CF);
    }
    (
        u8x16_narrow_i16x8(r[0], r[1]),
        u8x16_narrow_i16x8(g[0], g[1]),
        u8x16_narrow_i16x8(b[0], b[1]),
    )
}

/// Stores `v` at `out[at..at + 16]`.
///
/// # Safety
/// `out` must be valid for writes of `at + 16` bytes.
#[inline(always)]
unsafe fn store16(out: *mut u8, at: usize, v: v128) {
    // SAFETY: the caller's contract; wasm stores need no alignment.
    unsafe { v128_store(out.add(at).cast(), v) }
}

/// 16 pixels of YCbCr to RGB, written at `output[*pos..*pos + 48]`.
pub fn ycbcr_to_rgb_wasm_simd(y: &[i16; 16], cb: &[i16; 16], cr: &[i16; 16], output: &mut [u8], pos: &mut usize) {
    // The one bounds check, before any computation: V8 copies computations into
    // the branches of checks between them and the stores.
    let out = output.get_mut(*pos..*pos + 48).expect("Slice to small cannot write").as_mut_ptr();
    let (r, g, b) = ycbcr_to_rgb_planes(y, cb, cr);

    // r0 g0 r1 g1 … r7 g7 and r8 g8 … r15 g15
    let rg_lo = u8x16_shuffle::<0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23>(r, g);
    let rg_hi = u8x16_shuffle::<8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31>(r, g);

    // r0 g0 b0 … r4 g4 b4 r5
    let o0 = u8x16_shuffle::<0, 1, 16, 2, 3, 17, 4, 5, 18, 6, 7, 19, 8, 9, 20, 10>(rg_lo, b);
    // g5 r6 g6 r7 g7 r8 g8 r9 g9 r10 g10 (rg_lo[11..16], rg_hi[0..6])
    let mid = u8x16_shuffle::<11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 0, 0, 0, 0, 0>(rg_lo, rg_hi);
    // g5 b5 r6 g6 b6 r7 g7 b7 r8 g8 b8 r9 g9 b9 r10 g10
    let o1 = u8x16_shuffle::<0, 21, 1, 2, 22, 3, 4, 23, 5, 6, 24, 7, 8, 25, 9, 10>(mid, b);
    // b10 r11 g11 b11 … r15 g15 b15
    let o2 = u8x16_shuffle::<26, 6, 7, 27, 8, 9, 28, 10, 11, 29, 12, 13, 30, 14, 15, 31>(rg_hi, b);

    // SAFETY: `out` holds 48 bytes.
    unsafe {
        store16(out, 0, o0);
        store16(out, 16, o1);
        store16(out, 32, o2);
    }
    *pos += 48;
}

/// 16 pixels of YCbCr to RGBA (alpha 255), written at `output[*pos..*pos + 64]`.
pub fn ycbcr_to_rgba_wasm_simd(y: &[i16; 16], cb: &[i16; 16], cr: &[i16; 16], output: &mut [u8], pos: &mut usize) {
    let out = output.get_mut(*pos..*pos + 64).expect("Slice to small cannot write").as_mut_ptr();
    let (r, g, b) = ycbcr_to_rgb_planes(y, cb, cr);
    let a = u8x16_splat(255);

    let rg_lo = u8x16_shuffle::<0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23>(r, g);
    let rg_hi = u8x16_shuffle::<8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31>(r, g);
    let ba_lo = u8x16_shuffle::<0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23>(b, a);
    let ba_hi = u8x16_shuffle::<8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31>(b, a);

    // SAFETY: `out` holds 64 bytes.
    unsafe {
        store16(out, 0, i16x8_shuffle::<0, 8, 1, 9, 2, 10, 3, 11>(rg_lo, ba_lo));
        store16(out, 16, i16x8_shuffle::<4, 12, 5, 13, 6, 14, 7, 15>(rg_lo, ba_lo));
        store16(out, 32, i16x8_shuffle::<0, 8, 1, 9, 2, 10, 3, 11>(rg_hi, ba_hi));
        store16(out, 48, i16x8_shuffle::<4, 12, 5, 13, 6, 14, 7, 15>(rg_hi, ba_hi));
    }
    *pos += 64;
}
