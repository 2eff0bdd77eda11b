//! Times the media library's work on one picture: reading it (format,
//! size check, full decode, orientation) and making every rendition.
//!
//! `cargo run --release --example renditions -- [FILE] [RUNS]`: without a
//! file, a 4000 × 3000 JPEG is made from the test photo. Prints one line of
//! JSON; `bench/renditions.sh` runs it beside ImageMagick.

use std::time::Instant;

use dateline::media::{
    probe::probe,
    renditions::{Focus, make},
};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let bytes = match args.next().filter(|a| a != "-") {
        Some(path) => std::fs::read(&path)?,
        None => {
            let photo = image::load_from_memory(&std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/media/gps.jpg"
            ))?)?;
            let large = photo.resize_exact(4000, 3000, image::imageops::FilterType::Triangle);
            let mut jpeg = Vec::new();
            large.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                &mut jpeg, 90,
            ))?;
            if let Ok(out) = std::env::var("RENDITIONS_WRITE") {
                std::fs::write(out, &jpeg)?;
            }
            jpeg
        }
    };
    let runs: usize = args.next().map_or(Ok(5), |r| r.parse())?;
    let mut read = Vec::new();
    let mut made = Vec::new();
    let mut files = 0;
    let mut out_bytes = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let probed = probe(&bytes, u64::MAX)?;
        read.push(start.elapsed().as_secs_f64());
        let start = Instant::now();
        let renditions = make(&probed.image, Focus::default())?;
        made.push(start.elapsed().as_secs_f64());
        files = renditions.len() * 2;
        out_bytes = renditions
            .iter()
            .map(|r| r.webp.len() + r.jpeg.len())
            .sum::<usize>();
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (read, made) = (median(&mut read), median(&mut made));
    println!(
        "{}",
        serde_json::json!({
            "input_bytes": bytes.len(),
            "runs": runs,
            "read_s": read,
            "renditions_s": made,
            "files": files,
            "output_bytes": out_bytes,
            "pictures_per_s": 1.0 / (read + made),
            "files_per_s": files as f64 / (read + made),
        })
    );
    Ok(())
}
