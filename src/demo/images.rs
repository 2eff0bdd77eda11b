//! Lead images for the demo, drawn here rather than downloaded: a gradient
//! in the section's colours with soft shapes placed from the article's slug.

use image::{ImageEncoder, RgbImage, codecs::jpeg::JpegEncoder};

pub struct Generated {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

const WIDTH: u32 = 1200;
const HEIGHT: u32 = 675;

fn palette(section: &str) -> ([f32; 3], [f32; 3]) {
    match section {
        "news" => ([24., 52., 96.], [196., 72., 52.]),
        "business" => ([16., 70., 60.], [220., 180., 80.]),
        "movies" => ([60., 20., 80.], [240., 120., 90.]),
        "sports" => ([20., 90., 40.], [230., 220., 120.]),
        "cricket" => ([30., 100., 60.], [245., 240., 220.]),
        "get-ahead" => ([40., 60., 120.], [120., 200., 220.]),
        "money-tips" => ([70., 50., 20.], [240., 200., 120.]),
        _ => ([90., 30., 60.], [250., 170., 190.]),
    }
}

/// A deterministic 1200 × 675 JPEG for `slug`.
pub fn lead_image(slug: &str, section: &str) -> Generated {
    let mut seed = slug.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut next = || {
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f32 / (1u64 << 53) as f32
    };
    let (from, to) = palette(section);
    let circles: Vec<(f32, f32, f32)> = (0..5)
        .map(|_| {
            (
                next() * WIDTH as f32,
                next() * HEIGHT as f32,
                60. + next() * 220.,
            )
        })
        .collect();
    let angle = next();

    let image = RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        let (fx, fy) = (x as f32 / WIDTH as f32, y as f32 / HEIGHT as f32);
        let t = (fx * angle + fy * (1. - angle)).clamp(0., 1.);
        let glow: f32 = circles
            .iter()
            .map(|(cx, cy, r)| {
                let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
                (1. - d / r).max(0.) * 0.35
            })
            .sum();
        let px = |c: usize| (from[c] + (to[c] - from[c]) * t + 255. * glow).min(255.) as u8;
        image::Rgb([px(0), px(1), px(2)])
    });
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 80)
        .write_image(
            image.as_raw(),
            WIDTH,
            HEIGHT,
            image::ExtendedColorType::Rgb8,
        )
        .expect("encoding an in-memory RGB image as JPEG cannot fail");
    Generated {
        jpeg,
        width: WIDTH,
        height: HEIGHT,
    }
}
