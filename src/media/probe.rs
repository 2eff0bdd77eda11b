//! Reading an uploaded file as an image, safely: the format comes from its
//! bytes, the declared size is checked before anything is decoded, the whole
//! image must decode (a truncated file is refused), and the EXIF orientation
//! is applied so that what is kept is upright.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// The image formats the library takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    WebP,
    Gif,
}

impl Kind {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::WebP => "image/webp",
            Self::Gif => "image/gif",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::WebP => "webp",
            Self::Gif => "gif",
        }
    }

    fn of(format: ImageFormat) -> Option<Self> {
        match format {
            ImageFormat::Jpeg => Some(Self::Jpeg),
            ImageFormat::Png => Some(Self::Png),
            ImageFormat::WebP => Some(Self::WebP),
            ImageFormat::Gif => Some(Self::Gif),
            _ => None,
        }
    }
}

/// Why a file is not taken; each says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the file is not an image this library takes (JPEG, PNG, WebP or GIF)")]
    NotAnImage,
    #[error("{0} images are not taken; upload a JPEG, PNG, WebP or GIF")]
    Unsupported(String),
    #[error(
        "the image declares {width} × {height} pixels; at most {max_megapixels} megapixels are taken"
    )]
    TooManyPixels {
        width: u32,
        height: u32,
        max_megapixels: u64,
    },
    #[error("the image cannot be read ({0}); it may be truncated or damaged")]
    Unreadable(String),
}

/// An upload that is an image, upright.
pub struct Probed {
    pub kind: Kind,
    /// After the orientation is applied.
    pub width: u32,
    pub height: u32,
    pub image: DynamicImage,
}

/// Reads `bytes` as an image of at most `max_pixels` pixels. The size is
/// read from the header first: a small file that declares a huge image (a
/// decompression bomb) is refused before any pixel is decoded.
pub fn probe(bytes: &[u8], max_pixels: u64) -> Result<Probed, Refusal> {
    let unreadable = |e: image::ImageError| Refusal::Unreadable(e.to_string());
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Refusal::Unreadable(e.to_string()))?;
    let format = reader.format().ok_or(Refusal::NotAnImage)?;
    let kind = Kind::of(format).ok_or_else(|| Refusal::Unsupported(format!("{format:?}")))?;
    let mut reader = reader;
    let mut limits = Limits::default();
    // Room for the decoded pixels (at most 16 bytes each) and the decoder's own.
    limits.max_alloc = Some(max_pixels.saturating_mul(16).saturating_add(64 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > max_pixels || width == 0 || height == 0 {
        return Err(Refusal::TooManyPixels {
            width,
            height,
            max_megapixels: max_pixels / 1_000_000,
        });
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    if kind == Kind::Jpeg && !has_end_marker(bytes) {
        // The JPEG decoder fills a cut-off scan with grey rather than fail.
        return Err(Refusal::Unreadable("the JPEG data ends early".into()));
    }
    image.apply_orientation(orientation);
    Ok(Probed {
        kind,
        width: image.width(),
        height: image.height(),
        image,
    })
}

/// Whether a JPEG's data ends with its end-of-image marker (`FF D9`),
/// allowing for padding some cameras and editors append.
fn has_end_marker(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(4096)..];
    tail.windows(2).any(|w| w == [0xFF, 0xD9])
}
