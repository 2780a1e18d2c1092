/*
 * Added for cinepal (see CINEPAL.md); same licences as the rest of the crate.
 */

//! The decoder's kernels as the decoder picks them for a set of options,
//! and their scalar versions: for tests that compare the SIMD paths with the
//! scalar code on the same inputs (cinepal's tests/wasm_simd.rs does so for
//! wasm32 simd128, where `DecoderOptions::set_use_unsafe(false)` selects the
//! scalar code). Not a stable API.

use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;

pub use crate::components::UpSampler;
pub use crate::decoder::{ColorConvert16Ptr, IDCTPtr};

/// The IDCT the decoder uses for blocks with coefficients outside the upper 4x4.
pub fn idct(options: &DecoderOptions) -> IDCTPtr {
    crate::idct::choose_idct_func(options)
}

/// The IDCT the decoder uses for blocks whose coefficients outside the upper
/// 4x4 are zero (it must leave them zero).
pub fn idct_4x4(options: &DecoderOptions) -> IDCTPtr {
    crate::idct::choose_idct_4x4_func(options)
}

/// The scalar IDCT (`idct_int`).
pub fn idct_scalar() -> IDCTPtr {
    crate::idct::scalar::idct_int
}

/// The scalar 4x4 IDCT (`idct4x4`).
pub fn idct_4x4_scalar() -> IDCTPtr {
    crate::idct::scalar::idct4x4
}

/// The YCbCr conversion of 16 pixels to `out` the decoder uses (RGB, RGBA,
/// BGR or BGRA; `None` for other color spaces).
pub fn ycbcr_to(out: ColorSpace, options: &DecoderOptions) -> Option<ColorConvert16Ptr> {
    crate::color_convert::choose_ycbcr_to_rgb_convert_func(out, options)
}

/// The scalar YCbCr conversion of 16 pixels to RGB or RGBA.
pub fn ycbcr_to_scalar(out: ColorSpace) -> Option<ColorConvert16Ptr> {
    use crate::color_convert::scalar::{ycbcr_to_rgb_inner_16_scalar, ycbcr_to_rgba_inner_16_scalar};
    match out {
        ColorSpace::RGB => Some(ycbcr_to_rgb_inner_16_scalar::<false>),
        ColorSpace::RGBA => Some(ycbcr_to_rgba_inner_16_scalar::<false>),
        _ => None
    }
}

/// The upsamplers the decoder uses: horizontal (4:2:2), vertical (4:4:0),
/// both (4:2:0).
pub fn upsamplers(options: &DecoderOptions) -> [UpSampler; 3] {
    [
        crate::upsampler::choose_horizontal_samp_function(options),
        crate::upsampler::choose_v_samp_function(options),
        crate::upsampler::choose_hv_samp_function(options)
    ]
}

/// The scalar upsamplers, in the order of [`upsamplers`].
pub fn upsamplers_scalar() -> [UpSampler; 3] {
    use crate::upsampler::scalar::{upsample_horizontal, upsample_hv, upsample_vertical};
    [upsample_horizontal, upsample_vertical, upsample_hv]
}
