//! Encodings shared by the page cache, the theme's static files and the
//! signatures: gzip and brotli bodies, content negotiation, hex digits.

use std::io::Write;

use axum::http::{HeaderMap, header};
use bytes::Bytes;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    /// The best encoding the client accepts: brotli, then gzip, else none.
    /// A `q=0` refuses an encoding.
    pub fn negotiate(headers: &HeaderMap) -> Self {
        let Some(accept) = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
        else {
            return Self::Identity;
        };
        let accepts = |name: &str| {
            accept.split(',').any(|item| {
                let mut parts = item.split(';').map(str::trim);
                let coding = parts.next().unwrap_or_default();
                let quality = parts
                    .find_map(|p| p.strip_prefix("q="))
                    .map_or(1.0, |q| q.trim().parse::<f32>().unwrap_or(0.0));
                coding.eq_ignore_ascii_case(name) && quality > 0.0
            })
        };
        if accepts("br") {
            Self::Brotli
        } else if accepts("gzip") {
            Self::Gzip
        } else {
            Self::Identity
        }
    }
}

#[derive(Clone, Copy)]
pub enum Effort {
    Fast,
    Best,
}

pub fn gzip(data: &[u8], effort: Effort) -> Bytes {
    let level = match effort {
        Effort::Fast => flate2::Compression::fast(),
        Effort::Best => flate2::Compression::best(),
    };
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(data.len() / 3), level);
    encoder
        .write_all(data)
        .expect("writing to a Vec cannot fail");
    Bytes::from(encoder.finish().expect("finishing into a Vec cannot fail"))
}

pub fn brotli(data: &[u8], effort: Effort) -> Bytes {
    // Quality 10 of 11 when made once per render, 4 when made per response.
    // 10 keeps its matches in a tree sized by the window, and the window
    // is no larger than the page: on our pages that is 10 % smaller than
    // quality 9, as fast, and takes a quarter of a megabyte where quality
    // 9's hash table takes 32 MiB whatever the input (a third of the
    // server's peak memory in `bench/pages.sh`).
    let quality = match effort {
        Effort::Fast => 4,
        Effort::Best => 10,
    };
    let lgwin = (data.len() + 16)
        .next_power_of_two()
        .trailing_zeros()
        .clamp(10, 22);
    let mut out = Vec::with_capacity(data.len() / 4);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, quality, lgwin);
        writer
            .write_all(data)
            .expect("writing to a Vec cannot fail");
    }
    Bytes::from(out)
}

/// `data` as gzip and brotli at their best: for what is compressed once
/// and served many times (the theme's static files).
pub fn compress_best(data: &[u8]) -> (Bytes, Bytes) {
    (gzip(data, Effort::Best), brotli(data, Effort::Best))
}

/// Lower-case hexadecimal digits of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
