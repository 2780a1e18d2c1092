//! One error type for the whole crate, grouped by who is at fault.

use std::fmt;

/// Everything that can go wrong between bytes in and a palette out.
///
/// Each variant carries a complete, human-readable sentence that says what was
/// wrong and, where it applies, what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not an image that can be read: unknown format, corrupt or
    /// truncated data.
    Decode(String),
    /// An image in a format cinepal does not decode itself (AVIF, HEIC, JPEG
    /// XL, TIFF…): the page hands such a file to the browser's decoder.
    Unsupported(String),
    /// The file's colors need color management this build leaves out (the
    /// page's first WebAssembly module): refused before its pixels are
    /// decoded, so that the module with it decodes the file once.
    NeedsColor(String),
    /// A format this build leaves out (the page's first WebAssembly module,
    /// built without the `app-formats` feature): the module with every
    /// feature writes it.
    NeedsFull(String),
    /// The image is larger than the decoding limits allow.
    Limits(String),
    /// The image was read but holds nothing to extract (for example, no
    /// opaque pixel).
    InvalidInput(String),
    /// An option is unknown or out of its range.
    InvalidOption(String),
}

impl Error {
    /// A short, stable name for the kind of error (`decode`, `unsupported`, `limits`,
    /// `invalid-input`, `invalid-option`), for front ends that map kinds to
    /// exit codes or error classes.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Decode(_) => "decode",
            Error::Unsupported(_) => "unsupported",
            Error::NeedsColor(_) => "needs-color",
            Error::NeedsFull(_) => "needs-full",
            Error::Limits(_) => "limits",
            Error::InvalidInput(_) => "invalid-input",
            Error::InvalidOption(_) => "invalid-option",
        }
    }

    /// The message without the kind.
    pub fn message(&self) -> &str {
        match self {
            Error::Decode(m)
            | Error::Unsupported(m)
            | Error::NeedsColor(m)
            | Error::NeedsFull(m)
            | Error::Limits(m)
            | Error::InvalidInput(m)
            | Error::InvalidOption(m) => m,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}

/// The crate's `Result`.
pub type Result<T> = std::result::Result<T, Error>;
