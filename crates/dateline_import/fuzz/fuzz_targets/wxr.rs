#![no_main]
// Any bytes as a WordPress export, read to the end: entries or a refusal
// with a place, never a panic. A small buffer makes the reader refill
// often, which is where line counting could go wrong.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let reader = std::io::BufReader::with_capacity(7, data);
    if let Ok(mut wxr) = dateline_import::wxr::WxrReader::open(reader) {
        while let Ok(Some(_)) = wxr.next_entry() {}
    }
});
