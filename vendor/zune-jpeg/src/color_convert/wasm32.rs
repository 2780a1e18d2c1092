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
//! After the NEON routines (`neon64.rs`): the scalar formulas (`scalar.rs`)
//! in 32-bit lanes, the sums of i16 products as exact dot products
//! (`i32x4.dot_i16x8_s`), then a saturating narrowing to i16 and to u8, which
//! is the scalar `clamp(0, 255)` of the same i32; byte shuffles interleave
//! the channels. The output is bit-identical to
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

/// `(a_lo · ca, a_hi · ca) + bias >> YUV_PREC`, narrowed with saturation to
/// i16: `a_lo` and `a_hi` hold pairs of i16s, each pair multiplied by the
/// pair `ca` and summed (exactly, in i32: `i32x4.dot_i16x8_s`).
#[inline(always)]
fn dot_shift(a_lo: v128, a_hi: v128, ca: v128, b_lo: v128, b_hi: v128) -> v128 {
    let shift = YUV_PREC as u32;
    let lo = i32x4_add(i32x4_dot_i16x8(a_lo, ca), b_lo);
    let hi = i32x4_add(i32x4_dot_i16x8(a_hi, ca), b_hi);
    i16x8_narrow_i32x4(i32x4_shr(lo, shift), i32x4_shr(hi, shift))
}

/// Interleaves the 16-bit lanes of `a` and `b`: the low four, the high four.
#[inline(always)]
fn zip16(a: v128, b: v128) -> (v128, v128) {
    (i16x8_shuffle::<0, 8, 1, 9, 2, 10, 3, 11>(a, b), i16x8_shuffle::<4, 12, 5, 13, 6, 14, 7, 15>(a, b))
}

/// R, G and B of 16 pixels, each a u8x16 (clamped to 0..=255).
///
/// The scalar sums, `y * Y_CF + YUV_RND + cr * CR_CF` and so on, as dot
/// products of interleaved pairs: (y, cr)·(Y_CF, CR_CF) + YUV_RND for R,
/// (y, cr)·(Y_CF, C_G_CR_COEF_1) + (cb, 1)·(C_G_CB_COEF_2, YUV_RND) for G,
/// (y, cb)·(Y_CF, CB_CF) + YUV_RND for B; every product and sum is exact in i32.
#[inline(always)]
fn ycbcr_to_rgb_planes(y: &[i16; 16], cb: &[i16; 16], cr: &[i16; 16]) -> (v128, v128, v128) {
    let bias = i16x8_splat(128);
    let rnd = i32x4_splat(i32::from(YUV_RND));
    let c_r = i16x8(Y_CF, CR_CF, Y_CF, CR_CF, Y_CF, CR_CF, Y_CF, CR_CF);
    let c_b = i16x8(Y_CF, CB_CF, Y_CF, CB_CF, Y_CF, CB_CF, Y_CF, CB_CF);
    let c_g1 = i16x8(Y_CF, C_G_CR_COEF_1, Y_CF, C_G_CR_COEF_1, Y_CF, C_G_CR_COEF_1, Y_CF, C_G_CR_COEF_1);
    let c_g2 = i16x8(C_G_CB_COEF_2, YUV_RND, C_G_CB_COEF_2, YUV_RND, C_G_CB_COEF_2, YUV_RND, C_G_CB_COEF_2, YUV_RND);
    let one = i16x8_splat(1);

    // 8 pixels from `at` (a function called twice, not a loop: LLVM kept a
    // loop's arrays in the shadow stack).
    let half = |at: usize| {
        let yv = load8(y, at);
        let cbv = i16x8_sub(load8(cb, at), bias);
        let crv = i16x8_sub(load8(cr, at), bias);

        let (ycr_lo, ycr_hi) = zip16(yv, crv);
        let (ycb_lo, ycb_hi) = zip16(yv, cbv);
        let (cb1_lo, cb1_hi) = zip16(cbv, one);

        let r = dot_shift(ycr_lo, ycr_hi, c_r, rnd, rnd);
        let b = dot_shift(ycb_lo, ycb_hi, c_b, rnd, rnd);
        let g_lo = i32x4_dot_i16x8(cb1_lo, c_g2);
        let g_hi = i32x4_dot_i16x8(cb1_hi, c_g2);
        let g = dot_shift(ycr_lo, ycr_hi, c_g1, g_lo, g_hi);
        (r, g, b)
    };
    let (r0, g0, b0) = half(0);
    let (r1, g1, b1) = half(8);
    (u8x16_narrow_i16x8(r0, r1), u8x16_narrow_i16x8(g0, g1), u8x16_narrow_i16x8(b0, b1))
}

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
