//! The media library with real pictures (see `tests/fixtures/media`): each
//! format uploads and gets its renditions, the type comes from the bytes,
//! bombs and truncated files are refused with nothing kept, GPS data never
//! reaches a rendition, and a picture stored on its side comes out upright.

use std::{path::PathBuf, time::Duration};

use dateline_core::{MediaId, Rendition, Role};
use dateline_store::LibraryItem;

use crate::{
    newsroom::{Session, session},
    support::TestServer,
};

/// Making renditions of a small picture takes well under a second; a busy
/// test machine gets some slack.
const RENDITIONS_WITHIN: Duration = Duration::from_secs(30);

pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/media")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Posts the upload form as a browser does (`multipart/form-data`, the
/// CSRF token first).
pub(crate) async fn upload(
    server: &TestServer,
    who: &Session,
    file: &[u8],
    filename: &str,
    content_type: &str,
    alt: &str,
) -> reqwest::Response {
    let fields = [
        ("csrf", who.csrf.as_str()),
        ("alt", alt),
        ("caption", "A caption."),
        ("credit", "A photographer"),
    ];
    post_form_data(
        server,
        "/admin/media",
        &who.cookie,
        &fields,
        (filename, content_type, file),
    )
    .await
}

/// Posts `fields`, then a `file` field of (name, type, bytes), to `path`
/// as a browser posts a form with a file (`multipart/form-data`).
pub(crate) async fn post_form_data(
    server: &TestServer,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    (filename, content_type, file): (&str, &str, &[u8]),
) -> reqwest::Response {
    let boundary = "dateline-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\ncontent-type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    server
        .client
        .post(format!("{}{path}", server.base))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("cookie", cookie)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The id an accepted upload redirects to.
pub(crate) fn uploaded_id(response: &reqwest::Response) -> MediaId {
    assert_eq!(response.status(), 303, "the upload was accepted");
    let location = response.headers()["location"].to_str().unwrap();
    MediaId(location.rsplit('/').next().unwrap().parse().unwrap())
}

/// The item once its renditions are made.
pub(crate) async fn with_renditions(server: &TestServer, id: MediaId) -> LibraryItem {
    let start = std::time::Instant::now();
    loop {
        let item = server.app.store.library_item(id).await.unwrap().unwrap();
        if item.renditions.is_some() {
            return item;
        }
        assert!(
            start.elapsed() < RENDITIONS_WITHIN,
            "no renditions for {id} after {RENDITIONS_WITHIN:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn fetch(server: &TestServer, address: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let response = server.get(&format!("/img/{address}")).await;
    assert_eq!(response.status(), 200, "/img/{address}");
    let headers = response.headers().clone();
    (headers, response.bytes().await.unwrap().to_vec())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every file the library keeps, under the data directory's `blobs`.
fn blob_count(server: &TestServer) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        count(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
    }
    count(&server.app.data_dir.join("blobs"))
}

#[tokio::test]
async fn each_format_uploads_and_gets_renditions_that_carry_no_metadata() {
    let server = TestServer::with_demo().await;
    let editor = session(&server, Role::Editor).await;
    for (file, declared, kind, width) in [
        ("gps.jpg", "image/jpeg", "image/jpeg", 640),
        // A PNG named and declared as a JPEG is taken for what its bytes are.
        ("photo.png", "image/jpeg", "image/png", 240),
        ("photo.webp", "image/webp", "image/webp", 480),
        ("photo.gif", "image/gif", "image/gif", 320),
    ] {
        let bytes = fixture(file);
        let name = if file == "photo.png" {
            "photo.jpg"
        } else {
            file
        };
        let response = upload(
            &server,
            &editor,
            &bytes,
            name,
            declared,
            "A street in the rain",
        )
        .await;
        let id = uploaded_id(&response);
        let item = with_renditions(&server, id).await;
        assert_eq!(
            (item.content_type.as_str(), item.width),
            (kind, width),
            "{file}"
        );
        let renditions = item.renditions.unwrap();
        let full: Vec<u32> = renditions.full.iter().map(|r| r.width).collect();
        assert!(
            full.iter().all(|w| *w <= width),
            "{file}: never upscaled: {full:?}"
        );
        assert_eq!(full.last(), Some(&width.min(1920)), "{file}: {full:?}");
        assert!(
            !renditions.wide.is_empty() && !renditions.square.is_empty(),
            "{file}: crops"
        );
        for r in renditions.square.iter() {
            assert_eq!(r.width, r.height, "{file}: square crops are square");
        }
        let Rendition { webp, jpeg, .. } = &renditions.full[0];
        let (headers, webp) = fetch(&server, webp).await;
        assert_eq!(headers["content-type"], "image/webp");
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let (_, jpeg) = fetch(&server, jpeg).await;
        for rendition in [&webp, &jpeg] {
            assert!(
                !contains(rendition, b"Exif") && !contains(rendition, b"EXIF"),
                "{file}: no EXIF"
            );
        }
        image::load_from_memory(&jpeg).expect("a rendition decodes");
    }
    // The GPS data was in the original.
    assert!(contains(&fixture("gps.jpg"), b"Exif"));
    // The same file again is the same item.
    let again = upload(
        &server,
        &editor,
        &fixture("gps.jpg"),
        "again.jpg",
        "image/jpeg",
        "Again",
    )
    .await;
    let first = server
        .app
        .store
        .library(&Default::default(), 10)
        .await
        .unwrap();
    assert_eq!(
        first
            .iter()
            .filter(|i| i.content_type == "image/jpeg" && i.width == 640)
            .count(),
        1
    );
    assert_eq!(
        uploaded_id(&again),
        first.iter().find(|i| i.width == 640).unwrap().id
    );
}

/// A PNG header declaring `width` × `height` pixels, padded to 1 KB.
fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFF_u32;
        for b in bytes {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend_from_slice(&13_u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    let mut idat = b"IDAT".to_vec();
    idat.resize(1024 - png.len() - 8, 0);
    png.extend_from_slice(&((idat.len() - 4) as u32).to_be_bytes());
    png.extend_from_slice(&idat);
    png.extend_from_slice(&crc32(&idat).to_be_bytes());
    png
}

#[tokio::test]
async fn a_bomb_and_a_truncated_jpeg_are_refused_with_nothing_kept() {
    let server = TestServer::with_demo().await;
    let editor = session(&server, Role::Editor).await;
    let before = server
        .app
        .store
        .library(&Default::default(), 1000)
        .await
        .unwrap()
        .len();
    // The demo's own pictures are in the library already.
    let files_before = blob_count(&server);

    let bomb = png_declaring(50_000, 50_000);
    assert_eq!(bomb.len(), 1024);
    let started = std::time::Instant::now();
    let refused = upload(&server, &editor, &bomb, "small.png", "image/png", "A bomb").await;
    assert_eq!(refused.status(), 413);
    let page = refused.text().await.unwrap();
    assert!(page.contains("50000 × 50000 pixels"), "{page}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "refused before decoding"
    );

    let photo = fixture("gps.jpg");
    let cut = &photo[..photo.len() / 2];
    let refused = upload(&server, &editor, cut, "cut.jpg", "image/jpeg", "Cut short").await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("truncated or damaged"), "{page}");
    assert!(
        page.contains("value=\"Cut short\""),
        "the form keeps what was typed"
    );

    let refused = upload(
        &server,
        &editor,
        b"just some text",
        "notes.jpg",
        "image/jpeg",
        "Text",
    )
    .await;
    assert_eq!(refused.status(), 415);
    let refused = upload(
        &server,
        &editor,
        &fixture("photo.gif"),
        "p.gif",
        "image/gif",
        " ",
    )
    .await;
    assert_eq!(refused.status(), 422, "alt text is required");

    assert_eq!(
        server
            .app
            .store
            .library(&Default::default(), 1000)
            .await
            .unwrap()
            .len(),
        before
    );
    assert_eq!(blob_count(&server), files_before, "no file was kept");
}

/// Mean absolute difference per channel between two pictures of one size.
fn difference(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let total: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    total as f64 / a.as_raw().len() as f64
}

#[tokio::test]
async fn a_picture_stored_on_its_side_comes_out_upright() {
    let server = TestServer::with_demo().await;
    let editor = session(&server, Role::Editor).await;
    let response = upload(
        &server,
        &editor,
        &fixture("orientation-6.jpg"),
        "side.jpg",
        "image/jpeg",
        "Upright",
    )
    .await;
    let item = with_renditions(&server, uploaded_id(&response)).await;
    assert_eq!(
        (item.width, item.height),
        (600, 450),
        "stored 450 × 600, shown 600 × 450"
    );
    let widest = item.renditions.unwrap().full.pop().unwrap();
    let (_, jpeg) = fetch(&server, &widest.jpeg).await;
    let made = image::load_from_memory(&jpeg).unwrap().to_rgb8();
    // The same scene stored the right way up.
    let upright = image::load_from_memory(&fixture("orientation-1.jpg")).unwrap();
    let upright = upright
        .resize_exact(
            made.width(),
            made.height(),
            image::imageops::FilterType::Triangle,
        )
        .to_rgb8();
    let sideways = image::load_from_memory(&fixture("orientation-6.jpg")).unwrap();
    let sideways = sideways
        .resize_exact(
            made.width(),
            made.height(),
            image::imageops::FilterType::Triangle,
        )
        .to_rgb8();
    let (right, wrong) = (difference(&made, &upright), difference(&made, &sideways));
    assert!(
        right < 25.0 && right * 3.0 < wrong,
        "upright: {right:.1}, as stored: {wrong:.1}"
    );
}

/// A 4000 × 3000 JPEG (a camera's size), made from the test photo.
pub(crate) fn large_photo() -> Vec<u8> {
    let photo = image::load_from_memory(&fixture("gps.jpg")).unwrap();
    let large = photo.resize_exact(4000, 3000, image::imageops::FilterType::Triangle);
    let mut jpeg = Vec::new();
    large
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut jpeg, 90,
        ))
        .unwrap();
    jpeg
}

/// A local S3 service (moto, from `tests/tools/install.sh`), killed when
/// dropped.
struct S3Service {
    endpoint: String,
    _process: tokio::process::Child,
}

async fn s3_service(bucket: &str) -> Option<S3Service> {
    let moto = crate::support::installed("venv/bin/moto_server");
    if !moto.exists() {
        assert!(
            std::env::var("DATELINE_REQUIRE_VALIDATORS").is_err(),
            "moto (a local S3 service) is required but not installed: run tests/tools/install.sh"
        );
        eprintln!("SKIPPED: moto is not installed (tests/tools/install.sh)");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let process = tokio::process::Command::new(&moto)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let endpoint = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let start = std::time::Instant::now();
    while client.get(&endpoint).send().await.is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "moto did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let created = client
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap();
    assert!(
        created.status().is_success(),
        "bucket: {}",
        created.status()
    );
    Some(S3Service {
        endpoint,
        _process: process,
    })
}

#[tokio::test]
async fn with_a_bucket_configured_pictures_are_kept_in_s3_for_every_node() {
    dateline::install_tls_provider();
    let Some(s3) = s3_service("newsroom-media").await else {
        return;
    };
    let endpoint = s3.endpoint.clone();
    let server = TestServer::with_demo_and(move |config| {
        config.media.s3_bucket = Some("newsroom-media".into());
        config.media.s3_endpoint = Some(endpoint);
        config.media.s3_access_key_id = Some("testing".into());
        config.media.s3_secret_access_key = Some("testing".into());
    })
    .await;
    let editor = session(&server, Role::Editor).await;
    // The demo's pictures came with the data directory, before the bucket.
    let node_files = blob_count(&server);
    let response = upload(
        &server,
        &editor,
        &fixture("gps.jpg"),
        "p.jpg",
        "image/jpeg",
        "A street",
    )
    .await;
    let item = with_renditions(&server, uploaded_id(&response)).await;
    let rendition = &item.renditions.unwrap().full[0];
    let (headers, _) = fetch(&server, &rendition.webp).await;
    assert_eq!(headers["content-type"], "image/webp");
    // The bucket holds the original and the renditions; the node, nothing.
    let listing = reqwest::Client::new()
        .get(format!("{}/newsroom-media?list-type=2", s3.endpoint))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(listing.contains("<Key>originals/"), "{listing}");
    assert!(
        listing.contains(&format!("<Key>renditions/{}</Key>", rendition.webp)),
        "{listing}"
    );
    assert_eq!(blob_count(&server), node_files, "nothing new on the node");
}

#[tokio::test]
async fn an_article_shows_its_new_picture_within_a_second_of_its_renditions() {
    use dateline_core::{ArticleStatus, LeadImage};
    let server = TestServer::with_demo().await;
    let editor = session(&server, Role::Editor).await;
    let store = &server.app.store;
    let article = crate::support::draft(store, editor.user.unwrap(), "Ferry pier rebuilt").await;
    crate::support::move_to(store, article, ArticleStatus::Published).await;
    let path = format!("/news/ferry-pier-rebuilt-{article}");
    assert!(
        !server.page(&path).await.contains("<figure class=\"lead\">"),
        "cached without a picture"
    );
    let response = upload(
        &server,
        &editor,
        &fixture("photo.webp"),
        "pier.webp",
        "image/webp",
        "The pier",
    )
    .await;
    let id = uploaded_id(&response);
    let lead = LeadImage {
        media: id,
        caption: None,
        credit: None,
    };
    store
        .set_lead_image(
            article,
            Some(&lead),
            editor.user.unwrap(),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    let item = with_renditions(&server, id).await;
    let widest = item.renditions.unwrap().full.pop().unwrap();
    crate::support::eventually(Duration::from_secs(1), || async {
        server.page(&path).await.contains(&widest.jpeg)
    })
    .await;
}
