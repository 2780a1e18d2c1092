//! A stream of images one after another (PNG or JPEG files concatenated, as
//! `ffmpeg -f image2pipe` writes them), split into one file's bytes at a time
//! by reading each format's own structure: a PNG's chunks up to `IEND`, a
//! JPEG's segments and entropy-coded data up to its end-of-image marker.
//! Nothing is read past the image being returned.

use std::io::{BufRead, ErrorKind, Read};

use crate::error::{Error, Result};

use super::Limits;

/// Splits a stream of PNG and JPEG files.
pub struct ImageStream<R> {
    reader: R,
    images: usize,
}

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

impl<R: BufRead> ImageStream<R> {
    /// A stream read from `reader`.
    pub fn new(reader: R) -> ImageStream<R> {
        ImageStream { reader, images: 0 }
    }

    /// The next image's bytes, or `None` at the end of the stream. A file
    /// larger than `limits.max_file_bytes`, a stream that ends inside a file
    /// or bytes that start neither format are errors.
    pub fn next_image(&mut self, limits: &Limits) -> Result<Option<Vec<u8>>> {
        let n = self.images;
        let io = |e: std::io::Error| Error::Decode(format!("frame {n} of the stream could not be read: {e}"));
        if self.reader.fill_buf().map_err(io)?.is_empty() {
            return Ok(None);
        }
        let mut out = Vec::new();
        let cut = |what: &str| Error::Decode(format!("the stream ends inside frame {n} ({what})"));
        let take = |out: &mut Vec<u8>, len: u64, reader: &mut R| -> Result<()> {
            if out.len() as u64 + len > limits.max_file_bytes {
                return Err(Error::Limits(format!(
                    "frame {n} of the stream is over {} MiB, the limit for one file",
                    limits.max_file_bytes >> 20
                )));
            }
            let before = out.len();
            reader.by_ref().take(len).read_to_end(out).map_err(io)?;
            if ((out.len() - before) as u64) < len {
                return Err(cut("a truncated file"));
            }
            Ok(())
        };
        take(&mut out, 2, &mut self.reader)?;
        if out[..2] == PNG_SIGNATURE[..2] {
            take(&mut out, 6, &mut self.reader)?;
            if out[..8] != PNG_SIGNATURE {
                return Err(Error::Decode(format!("frame {n} of the stream is not a PNG: its signature is wrong")));
            }
            loop {
                let at = out.len();
                take(&mut out, 8, &mut self.reader).map_err(|e| {
                    if e.kind() == "limits" {
                        e
                    } else {
                        cut("a PNG without its IEND chunk")
                    }
                })?;
                let len = u32::from_be_bytes(out[at..at + 4].try_into().expect("4 bytes")) as u64;
                let end = &out[at + 4..at + 8] == b"IEND";
                take(&mut out, len + 4, &mut self.reader)?;
                if end {
                    break;
                }
            }
        } else if out[..2] == [0xff, 0xd8] {
            self.jpeg_rest(&mut out, limits).map_err(|e| match e.kind() {
                ErrorKind::UnexpectedEof => cut("a JPEG without its end-of-image marker"),
                ErrorKind::OutOfMemory => Error::Limits(format!(
                    "frame {n} of the stream is over {} MiB, the limit for one file",
                    limits.max_file_bytes >> 20
                )),
                _ => io(e),
            })?;
        } else {
            return Err(Error::Decode(format!(
                "frame {n} of the stream is neither a PNG nor a JPEG (a stream of images is PNG or JPEG files one \
                 after another, as `ffmpeg -f image2pipe -c:v png -` writes them)"
            )));
        }
        self.images += 1;
        Ok(Some(out))
    }

    /// Reads a JPEG after its start-of-image marker, up to and with its end-of-image marker.
    fn jpeg_rest(&mut self, out: &mut Vec<u8>, limits: &Limits) -> std::io::Result<()> {
        let over = || std::io::Error::from(ErrorKind::OutOfMemory);
        let byte = |reader: &mut R, out: &mut Vec<u8>| -> std::io::Result<u8> {
            let mut b = [0u8];
            reader.read_exact(&mut b)?;
            if out.len() as u64 >= limits.max_file_bytes {
                return Err(over());
            }
            out.push(b[0]);
            Ok(b[0])
        };
        // In entropy-coded data (after a start of scan), a 0xff is followed by 0x00 (a data byte) or a
        // restart marker; anything else is the next marker.
        let mut in_scan = false;
        loop {
            let b = byte(&mut self.reader, out)?;
            if b != 0xff {
                if !in_scan {
                    return Err(std::io::Error::new(ErrorKind::InvalidData, "a JPEG marker was expected"));
                }
                continue;
            }
            let mut m = byte(&mut self.reader, out)?;
            while m == 0xff {
                m = byte(&mut self.reader, out)?; // fill bytes
            }
            match m {
                0x00 | 0xd0..=0xd7 if in_scan => continue,
                0xd9 => return Ok(()),
                0x01 | 0xd0..=0xd7 => continue,
                _ => {
                    let hi = byte(&mut self.reader, out)? as u64;
                    let lo = byte(&mut self.reader, out)? as u64;
                    let len = (hi << 8 | lo).saturating_sub(2);
                    if out.len() as u64 + len > limits.max_file_bytes {
                        return Err(over());
                    }
                    let before = out.len();
                    self.reader.by_ref().take(len).read_to_end(out)?;
                    if ((out.len() - before) as u64) < len {
                        return Err(ErrorKind::UnexpectedEof.into());
                    }
                    in_scan = m == 0xda;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn png(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
        let mut out = Vec::new();
        let img = image::RgbImage::from_pixel(w, h, image::Rgb(rgb));
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
        out
    }

    fn jpeg(w: u32, h: u32, rgb: [u8; 3]) -> Vec<u8> {
        let mut out = Vec::new();
        let img =
            image::RgbImage::from_fn(w, h, |x, y| image::Rgb([rgb[0], rgb[1].wrapping_add((x ^ y) as u8), rgb[2]]));
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
        out
    }

    #[test]
    fn a_stream_of_pngs_and_jpegs_splits_into_its_files() {
        let files =
            [png(20, 10, [200, 30, 40]), jpeg(64, 48, [10, 200, 30]), png(3, 3, [0, 0, 255]), jpeg(8, 8, [0; 3])];
        let stream: Vec<u8> = files.concat();
        let mut s = ImageStream::new(Cursor::new(stream));
        for f in &files {
            let got = s.next_image(&Limits::default()).unwrap().expect("a file");
            assert_eq!(&got, f);
            crate::decode(&got, &Limits::default()).unwrap();
        }
        assert!(s.next_image(&Limits::default()).unwrap().is_none());
    }

    #[test]
    fn a_truncated_stream_and_other_bytes_are_errors() {
        let mut stream = png(20, 10, [200, 30, 40]);
        let j = jpeg(16, 16, [1, 2, 3]);
        stream.extend(&j[..j.len() - 10]);
        let mut s = ImageStream::new(Cursor::new(stream));
        assert!(s.next_image(&Limits::default()).unwrap().is_some());
        let e = s.next_image(&Limits::default()).unwrap_err();
        assert_eq!(e.to_string(), "the stream ends inside frame 1 (a JPEG without its end-of-image marker)");
        let mut s = ImageStream::new(Cursor::new(b"hello, world".to_vec()));
        assert!(s.next_image(&Limits::default()).unwrap_err().to_string().contains("neither a PNG nor a JPEG"));
        let small = Limits { max_file_bytes: 40, ..Limits::default() };
        let mut s = ImageStream::new(Cursor::new(png(64, 64, [1, 2, 3]).repeat(2)));
        assert_eq!(s.next_image(&small).unwrap_err().kind(), "limits");
    }
}
