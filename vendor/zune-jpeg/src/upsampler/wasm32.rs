/*
 * Copyright (c) 2025.
 *
 * This software is free software;
 *
 * You can redistribute it or modify it under terms of the MIT, Apache License or Zlib license
 */

//! WebAssembly simd128 upsampling (added for cinepal, see CINEPAL.md): a port
//! of the NEON routines (`neon.rs`), the scalar formulas (`scalar.rs`) on 8
//! i16 lanes with the same wrapping arithmetic, so bit-identical to them.

#![cfg(all(target_arch = "wasm32", target_feature = "simd128"))]

use core::arch::wasm32::*;
use core::convert::TryInto;

#[inline(always)]
fn load8(v: &[i16]) -> v128 {
    let v: &[i16; 8] = v[..8].try_into().unwrap();
    // SAFETY: 8 i16s, 16 bytes; wasm loads need no alignment.
    unsafe { v128_load(v.as_ptr().cast()) }
}

#[inline(always)]
fn store8(out: &mut [i16], v: v128) {
    let out: &mut [i16; 8] = (&mut out[..8]).try_into().unwrap();
    // SAFETY: 8 i16s, 16 bytes; wasm stores need no alignment.
    unsafe { v128_store(out.as_mut_ptr().cast(), v) }
}

/// `(3 * a + 2 + b) >> 2`, lane-wise (i16, wrapping).
#[inline(always)]
fn filter(a: v128, b: v128) -> v128 {
    i16x8_shr(i16x8_add(i16x8_add(i16x8_mul(a, i16x8_splat(3)), i16x8_splat(2)), b), 2)
}

/// Outputs `2 * i + 2 .. 2 * i + 18` from inputs `i .. i + 10`.
#[inline(always)]
fn horizontal8(input: &[i16; 10], output: &mut [i16; 16]) {
    let prev = load8(&input[0..]);
    let curr = load8(&input[1..]);
    let next = load8(&input[2..]);
    let even = filter(curr, prev);
    let odd = filter(curr, next);
    store8(&mut output[..8], i16x8_shuffle::<0, 8, 1, 9, 2, 10, 3, 11>(even, odd));
    store8(&mut output[8..], i16x8_shuffle::<4, 12, 5, 13, 6, 14, 7, 15>(even, odd));
}

pub fn upsample_horizontal_wasm_simd(
    input: &[i16], in_near: &[i16], in_far: &[i16], scratch: &mut [i16], output: &mut [i16]
) {
    assert_eq!(input.len() * 2, output.len());
    assert!(input.len() > 2);

    let len = input.len();

    if len < 10 {
        return super::scalar::upsample_horizontal(input, in_near, in_far, scratch, output);
    }

    // First two pixels
    output[0] = input[0];
    output[1] = (input[0] * 3 + input[1] + 2) >> 2;

    for (input, output) in input.windows(10).step_by(8).zip(output[2..].chunks_exact_mut(16)) {
        horizontal8(input.try_into().unwrap(), output.try_into().unwrap());
    }

    // The remainder; it may overlap what is already written (with the same values).
    if let Some(rest_input) = input.last_chunk::<10>() {
        let end = output.len() - 2;
        if let Some(rest_output) = output[..end].last_chunk_mut::<16>() {
            horizontal8(rest_input, rest_output);
        }
    }

    // Last two pixels.
    output[output.len() - 2] = (3 * input[len - 1] + input[len - 2] + 2) >> 2;
    output[output.len() - 1] = input[len - 1];
}

pub fn upsample_vertical_wasm_simd(
    input: &[i16], in_near: &[i16], in_far: &[i16], scratch: &mut [i16], output: &mut [i16]
) {
    assert_eq!(input.len() * 2, output.len());
    assert_eq!(in_near.len(), input.len());
    assert_eq!(in_far.len(), input.len());

    let len = input.len();

    if len < 16 {
        return super::scalar::upsample_vertical(input, in_near, in_far, scratch, output);
    }

    let (out_top, out_bottom) = output.split_at_mut(len);

    let vertical8 = |input: &[i16], in_near: &[i16], in_far: &[i16], out_top: &mut [i16], out_bottom: &mut [i16]| {
        let v = load8(input);
        store8(out_top, filter(v, load8(in_near)));
        store8(out_bottom, filter(v, load8(in_far)));
    };

    let chunks = input
        .chunks_exact(8)
        .zip(in_near.chunks_exact(8))
        .zip(in_far.chunks_exact(8))
        .zip(out_top.chunks_exact_mut(8))
        .zip(out_bottom.chunks_exact_mut(8));
    for ((((input, in_near), in_far), out_top), out_bottom) in chunks {
        vertical8(input, in_near, in_far, out_top, out_bottom);
    }

    // The remainder (the last 8, overlapping).
    let rest = len - 8;
    vertical8(&input[rest..], &in_near[rest..], &in_far[rest..], &mut out_top[rest..], &mut out_bottom[rest..]);
}

pub fn upsample_hv_wasm_simd(
    input: &[i16], in_near: &[i16], in_far: &[i16], scratch_space: &mut [i16], output: &mut [i16]
) {
    assert_eq!(input.len() * 4, output.len());

    assert!(input.len() * 2 <= scratch_space.len());
    let scratch_space = &mut scratch_space[..input.len() * 2];

    upsample_vertical_wasm_simd(input, in_near, in_far, &mut [], scratch_space);

    let scratch_half = scratch_space.len() / 2;
    let output_half = output.len() / 2;

    let (scratch_top, scratch_bottom) = scratch_space.split_at_mut(scratch_half);
    let (out_top, out_bottom) = output.split_at_mut(output_half);

    let mut t = [0];
    upsample_horizontal_wasm_simd(scratch_top, &[], &[], &mut t, out_top);
    upsample_horizontal_wasm_simd(scratch_bottom, &[], &[], &mut t, out_bottom);
}
