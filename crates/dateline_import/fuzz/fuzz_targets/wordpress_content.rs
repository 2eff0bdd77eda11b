#![no_main]
// Any text as WordPress post content: made HTML, never a panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = dateline_import::wordpress_content::convert(text);
    }
});
