#![no_main]
// Any bytes as a Ghost export, both passes: read or refused, never a panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = dateline_import::ghost::read_header(data);
    let _ = dateline_import::ghost::read_entries(data, |entry| {
        if let dateline_import::ghost::Entry::Post(post) = entry {
            for body in [post.lexical.as_deref(), post.mobiledoc.as_deref()].into_iter().flatten() {
                let _ = dateline_import::ghost::lexical_html(body);
                let _ = dateline_import::ghost::mobiledoc_html(body);
            }
        }
        Ok(())
    });
});
