//! Renditions: the sizes readers' browsers choose from. A fixed ladder of
//! widths of the whole picture, and 16:9 and 1:1 crops for cards, each in
//! WebP and JPEG, never wider than the original. Made from decoded pixels,
//! so no metadata of the original (EXIF, GPS) is carried over.

use fast_image_resize::{ResizeOptions, Resizer, images::Image};
use image::{DynamicImage, ImageEncoder, codecs::jpeg::JpegEncoder};

use dateline_core::{Rendition, Shape};

/// Widths of the whole picture.
pub const LADDER: [u32; 5] = [320, 640, 960, 1280, 1920];
/// Widths of the 16:9 and 1:1 crops (cards and thumbnails are small).
pub const CROP_LADDER: [u32; 3] = [320, 640, 960];
const JPEG_QUALITY: u8 = 80;
const WEBP_QUALITY: f32 = 78.0;
/// WebP's largest side; a rendition taller than this (of a very tall
/// infographic, say) is left out rather than failing the whole job.
const WEBP_MAX_SIDE: u32 = 16383;

/// One rendition's encoded bytes.
pub struct Encoded {
    pub shape: Shape,
    pub width: u32,
    pub height: u32,
    pub webp: Vec<u8>,
    pub jpeg: Vec<u8>,
}

/// Where the picture's subject is, as fractions of its width and height
/// from the top left; crops keep it in view.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Focus {
    pub x: f64,
    pub y: f64,
}

impl Default for Focus {
    fn default() -> Self {
        Self { x: 0.5, y: 0.5 }
    }
}

/// The widths made for a picture `width` wide: the ladder's steps below it,
/// and the picture's own width when the ladder has no step that fits.
pub fn widths(ladder: &[u32], width: u32) -> Vec<u32> {
    let mut widths: Vec<u32> = ladder.iter().copied().filter(|w| *w < width).collect();
    let top = ladder.last().copied().unwrap_or(width);
    if width <= top && !widths.contains(&width) {
        widths.push(width);
    }
    if widths.is_empty() {
        widths.push(width.min(top));
    }
    widths
}

/// The part of a `width` × `height` picture that has the aspect ratio
/// `aspect` (width / height), as large as fits, centred on `focus` as far
/// as the edges allow: (left, top, width, height).
pub fn crop(width: u32, height: u32, aspect: f64, focus: Focus) -> (f64, f64, f64, f64) {
    let (w, h) = (f64::from(width), f64::from(height));
    let (cw, ch) = if w / h > aspect {
        (h * aspect, h)
    } else {
        (w, w / aspect)
    };
    let left = (focus.x.clamp(0.0, 1.0) * w - cw / 2.0).clamp(0.0, w - cw);
    let top = (focus.y.clamp(0.0, 1.0) * h - ch / 2.0).clamp(0.0, h - ch);
    (left, top, cw, ch)
}

/// The picture as opaque RGB: transparent parts become white (as on the
/// page), not the black that dropping the alpha channel would leave.
fn on_white(image: &DynamicImage) -> image::RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    })
}

/// Every rendition of `image`.
pub fn make(image: &DynamicImage, focus: Focus) -> anyhow::Result<Vec<Encoded>> {
    let rgb = DynamicImage::ImageRgb8(on_white(image));
    let (width, height) = (rgb.width(), rgb.height());
    let mut resizer = Resizer::new();
    let mut out = Vec::new();
    let shapes = [
        (Shape::Full, None, &LADDER[..]),
        (Shape::Wide, Some(16.0 / 9.0), &CROP_LADDER[..]),
        (Shape::Square, Some(1.0), &CROP_LADDER[..]),
    ];
    for (shape, aspect, ladder) in shapes {
        let (left, top, cw, ch) = match aspect {
            Some(aspect) => crop(width, height, aspect, focus),
            None => (0.0, 0.0, f64::from(width), f64::from(height)),
        };
        for w in widths(ladder, (cw.floor() as u32).max(1)) {
            let h = ((f64::from(w) * ch / cw).round() as u32).max(1);
            if h > WEBP_MAX_SIDE {
                continue;
            }
            let mut target = Image::new(w, h, fast_image_resize::PixelType::U8x3);
            let options = ResizeOptions::new().crop(left, top, cw, ch);
            resizer.resize(&rgb, &mut target, &options)?;
            let pixels = target.buffer();
            let mut jpeg = Vec::new();
            JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY).write_image(
                pixels,
                w,
                h,
                image::ExtendedColorType::Rgb8,
            )?;
            let webp = webp::Encoder::from_rgb(pixels, w, h)
                .encode_simple(false, WEBP_QUALITY)
                .map_err(|e| anyhow::anyhow!("WebP encoding of {w} × {h}: {e:?}"))?
                .to_vec();
            out.push(Encoded {
                shape,
                width: w,
                height: h,
                webp,
                jpeg,
            });
        }
    }
    Ok(out)
}

/// The renditions as the store keeps them, with each file's key.
pub fn described(encoded: &Encoded, webp_key: String, jpeg_key: String) -> Rendition {
    Rendition {
        width: encoded.width,
        height: encoded.height,
        webp: webp_key,
        jpeg: jpeg_key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ladder_never_upscales_and_keeps_a_small_original_whole() {
        assert_eq!(widths(&LADDER, 4000), [320, 640, 960, 1280, 1920]);
        assert_eq!(widths(&LADDER, 1200), [320, 640, 960, 1200]);
        assert_eq!(widths(&LADDER, 640), [320, 640]);
        assert_eq!(widths(&LADDER, 200), [200]);
        assert_eq!(widths(&CROP_LADDER, 2000), [320, 640, 960]);
    }

    #[test]
    fn transparent_parts_become_white_and_a_very_tall_picture_keeps_its_narrow_sizes() {
        let mut clear = image::RgbaImage::new(40, 2000);
        clear.put_pixel(0, 0, image::Rgba([0, 0, 0, 255]));
        let made = make(&DynamicImage::ImageRgba8(clear), Focus::default()).unwrap();
        let thumb = image::load_from_memory(&made[0].jpeg).unwrap().to_rgb8();
        let middle = thumb.get_pixel(thumb.width() / 2, thumb.height() / 2).0;
        assert!(
            middle.iter().all(|c| *c > 240),
            "white, not black: {middle:?}"
        );
        // 1:40: the whole picture at 40 px is 1600 px tall; nothing fails.
        assert!(made.iter().all(|r| r.height <= WEBP_MAX_SIDE));
        let tall = DynamicImage::ImageRgb8(image::RgbImage::new(500, 20_000));
        let made = make(&tall, Focus::default()).unwrap();
        let full: Vec<u32> = made
            .iter()
            .filter(|r| r.shape == Shape::Full)
            .map(|r| r.width)
            .collect();
        assert_eq!(full, [320], "640 px would be 25,600 px tall");
    }

    #[test]
    fn crops_keep_the_focus_in_view_within_the_picture() {
        // A 4000 × 3000 picture, subject at the left edge, cut to 16:9.
        let (left, top, w, h) = crop(4000, 3000, 16.0 / 9.0, Focus { x: 0.0, y: 0.5 });
        assert_eq!((left, w), (0.0, 4000.0));
        assert!((h - 2250.0).abs() < 1e-9 && (top - 375.0).abs() < 1e-9);
        // Cut square around a subject near the right.
        let (left, top, w, h) = crop(4000, 3000, 1.0, Focus { x: 0.9, y: 0.5 });
        assert_eq!((left, top, w, h), (1000.0, 0.0, 3000.0, 3000.0));
        let (left, ..) = crop(4000, 3000, 1.0, Focus { x: 0.3, y: 0.5 });
        assert_eq!(left, 0.0);
        let (left, ..) = crop(4000, 3000, 1.0, Focus { x: 0.5, y: 0.5 });
        assert_eq!(left, 500.0);
    }
}
