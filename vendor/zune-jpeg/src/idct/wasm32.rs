/*
 * Copyright (c) 2023.
 *
 * This software is free software;
 *
 * You can redistribute it or modify it under terms of the MIT, Apache License or Zlib license
 */

//! WebAssembly simd128 IDCT (added for cinepal, see CINEPAL.md).
//!
//! A port of the NEON one (`neon.rs`), itself a direct translation of the
//! scalar code (`scalar.rs`): the same integer operations in the same order,
//! wrapping 32-bit arithmetic, so the output is bit-identical to
//! [`idct_int`](super::scalar::idct_int).
//!
//! An 8x8 block of `i32`s is held as 16 registers of 4 lanes: `lo[r]` holds
//! columns 0..4 of row `r`, `hi[r]` columns 4..8. Every operation of a pass is
//! lane-wise, so a pass runs on the 8 `lo` registers, then on the 8 `hi`
//! ones; between the passes the block is transposed (four 4x4 transposes).
//!
//! Unlike the scalar code, the input block is left as it is (the scalar code
//! writes its first pass into it). The callers do not read it afterwards, and
//! the 4x4 contract of [`choose_idct_4x4_func`](super::choose_idct_4x4_func)
//! (coefficients outside the upper 4x4 stay zero) holds since nothing is
//! written.
//!
//! The full IDCT is exact for blocks whose coefficients outside the upper
//! left 4x4 are zero: the scalar 4x4 IDCT (`idct4x4`) merely folds the zero
//! terms of the same formulas (e.g. `a * 2217 + a * 3135 = a * 5352`, exact in
//! wrapping arithmetic), so it is used for those blocks too.

#![cfg(all(target_arch = "wasm32", target_feature = "simd128"))]

use core::arch::wasm32::*;

const SCALE_BITS: i32 = 512 + 65536 + (128 << 17);

/// One pass of the 1-D IDCT on 8 registers (rows of 4 lanes), in place:
/// `bias` is added before the final shift right by `SHIFT`.
#[inline(always)]
fn dct_pass<const SHIFT: u32>(r: &mut [v128; 8], bias: i32) {
    let k = i32x4_splat;
    let add = i32x4_add;
    let sub = i32x4_sub;
    let mul = i32x4_mul;
    let [row0, row1, row2, row3, row4, row5, row6, row7] = *r;

    // even part
    let p1 = mul(add(row2, row6), k(2217));

    let t2 = add(p1, mul(row6, k(-7567)));
    let t3 = add(p1, mul(row2, k(3135)));

    let t0 = i32x4_shl(add(row0, row4), 12);
    let t1 = i32x4_shl(sub(row0, row4), 12);

    let bias = k(bias);
    let x0 = add(add(t0, t3), bias);
    let x3 = add(sub(t0, t3), bias);
    let x1 = add(add(t1, t2), bias);
    let x2 = add(sub(t1, t2), bias);

    // odd part
    let p3 = add(row7, row3);
    let p4 = add(row5, row1);
    let p1 = add(row7, row1);
    let p2 = add(row5, row3);
    let p5 = mul(add(p3, p4), k(4816));

    let mut t0 = mul(row7, k(1223));
    let mut t1 = mul(row5, k(8410));
    let mut t2 = mul(row3, k(12586));
    let mut t3 = mul(row1, k(6149));

    let p1 = add(p5, mul(p1, k(-3685)));
    let p2 = add(p5, mul(p2, k(-10497)));
    let p3 = mul(p3, k(-8034));
    let p4 = mul(p4, k(-1597));

    t3 = add(t3, add(p1, p4));
    t2 = add(t2, add(p2, p3));
    t1 = add(t1, add(p2, p4));
    t0 = add(t0, add(p1, p3));

    r[0] = i32x4_shr(add(x0, t3), SHIFT);
    r[1] = i32x4_shr(add(x1, t2), SHIFT);
    r[2] = i32x4_shr(add(x2, t1), SHIFT);
    r[3] = i32x4_shr(add(x3, t0), SHIFT);

    r[4] = i32x4_shr(sub(x3, t0), SHIFT);
    r[5] = i32x4_shr(sub(x2, t1), SHIFT);
    r[6] = i32x4_shr(sub(x1, t2), SHIFT);
    r[7] = i32x4_shr(sub(x0, t3), SHIFT);
}

/// Transposes the 4x4 block `[a, b, c, d]` (rows of 4 lanes).
#[inline(always)]
fn transpose4(a: v128, b: v128, c: v128, d: v128) -> [v128; 4] {
    let t0 = i32x4_shuffle::<0, 4, 1, 5>(a, b);
    let t1 = i32x4_shuffle::<2, 6, 3, 7>(a, b);
    let t2 = i32x4_shuffle::<0, 4, 1, 5>(c, d);
    let t3 = i32x4_shuffle::<2, 6, 3, 7>(c, d);
    [
        i32x4_shuffle::<0, 1, 4, 5>(t0, t2),
        i32x4_shuffle::<2, 3, 6, 7>(t0, t2),
        i32x4_shuffle::<0, 1, 4, 5>(t1, t3),
        i32x4_shuffle::<2, 3, 6, 7>(t1, t3),
    ]
}

/// Transposes the 8x8 block held as `lo` (columns 0..4) and `hi` (4..8).
#[inline(always)]
fn transpose8(lo: &mut [v128; 8], hi: &mut [v128; 8]) {
    let a = transpose4(lo[0], lo[1], lo[2], lo[3]);
    let b = transpose4(hi[0], hi[1], hi[2], hi[3]);
    let c = transpose4(lo[4], lo[5], lo[6], lo[7]);
    let d = transpose4(hi[4], hi[5], hi[6], hi[7]);
    // [A B; C D]ᵀ = [Aᵀ Cᵀ; Bᵀ Dᵀ]
    *lo = [a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]];
    *hi = [c[0], c[1], c[2], c[3], d[0], d[1], d[2], d[3]];
}

/// Whether the 8 rows of 8 samples, `stride` apart, fit in `out`.
#[inline(always)]
fn fits(out: &[i16], stride: usize) -> bool {
    stride.checked_mul(7).and_then(|n| n.checked_add(8)).is_some_and(|n| n <= out.len())
}

/// The IDCT of `in_vector` (dequantized coefficients, natural order) into 8
/// rows of 8 samples of `out_vector`, `stride` apart, clamped to 0..=255.
///
/// When the rows do not all fit in `out_vector` (a bad image), the scalar
/// code runs instead (it writes the rows that fit). The check comes first so
/// that the stores need none: V8's optimizing compiler copied the whole
/// computation into each branch of per-row checks (8 copies, 19 KB of
/// machine code, twice as slow as the scalar code).
pub fn idct_wasm_simd(in_vector: &mut [i32; 64], out_vector: &mut [i16], stride: usize) {
    if !fits(out_vector, stride) {
        return super::scalar::idct_int(in_vector, out_vector, stride);
    }
    // SAFETY: the 8 rows fit in `out_vector`.
    unsafe { idct_rows(in_vector, out_vector.as_mut_ptr(), stride) }
}

/// [`idct_wasm_simd`] for the blocks whose coefficients outside the upper
/// left 4x4 are zero (and stay so: nothing is written into `in_vector`),
/// with the scalar 4x4 IDCT as the fallback.
pub fn idct_wasm_simd_4x4(in_vector: &mut [i32; 64], out_vector: &mut [i16], stride: usize) {
    if !fits(out_vector, stride) {
        return super::scalar::idct4x4(in_vector, out_vector, stride);
    }
    // SAFETY: the 8 rows fit in `out_vector`.
    unsafe { idct_rows(in_vector, out_vector.as_mut_ptr(), stride) }
}

/// # Safety
/// `out` must be valid for writes of 8 rows of 8 `i16`s, `stride` apart.
#[inline(always)]
#[allow(clippy::cast_possible_truncation)]
unsafe fn idct_rows(in_vector: &[i32; 64], out: *mut i16, stride: usize) {
    // SAFETY: the caller's contract; wasm stores need no alignment.
    let store8 = |r: usize, v: v128| unsafe { v128_store(out.add(r * stride).cast(), v) };
    let mut lo = [i32x4_splat(0); 8];
    let mut hi = [i32x4_splat(0); 8];
    for r in 0..8 {
        // SAFETY: in bounds (8r + 8 <= 64); wasm loads need no alignment.
        unsafe {
            lo[r] = v128_load(in_vector.as_ptr().add(8 * r).cast());
            hi[r] = v128_load(in_vector.as_ptr().add(8 * r + 4).cast());
        }
    }
    // The AC coefficients: rows 1..8 and coefficients 1..8 of row 0.
    // SAFETY: coefficients 1..5 and 5..9, in bounds.
    let (ac0, ac1) =
        unsafe { (v128_load(in_vector.as_ptr().add(1).cast()), v128_load(in_vector.as_ptr().add(5).cast())) };
    let mut or_tree = v128_or(ac0, ac1);
    for r in 1..8 {
        or_tree = v128_or(or_tree, v128_or(lo[r], hi[r]));
    }
    if !v128_any_true(or_tree) {
        // AC terms all zero: (coeff[0] + 4 + 1024) >> 3, as idct_int_1x1 does it.
        let coeff = (in_vector[0].wrapping_add(4).wrapping_add(1024) >> 3).clamp(0, 255) as i16;
        let value = i16x8_splat(coeff);
        for r in 0..8 {
            store8(r, value);
        }
        return;
    }

    // The columns (the scalar code's vertical pass), then the rows.
    dct_pass::<10>(&mut lo, 512);
    dct_pass::<10>(&mut hi, 512);
    transpose8(&mut lo, &mut hi);
    dct_pass::<17>(&mut lo, SCALE_BITS);
    dct_pass::<17>(&mut hi, SCALE_BITS);
    transpose8(&mut lo, &mut hi);

    // Narrow to i16 (saturating, so the clamp below is the scalar code's
    // clamp of the i32), clamp to 0..=255, store row by row.
    let zero = i16x8_splat(0);
    let max = i16x8_splat(255);
    for r in 0..8 {
        let v = i16x8_narrow_i32x4(lo[r], hi[r]);
        store8(r, i16x8_min(i16x8_max(v, zero), max));
    }
}
