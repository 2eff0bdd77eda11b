#![no_main]
// Any text through the near-duplicate signature and any bytes as a stored one.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(signature) = dateline_wire::cluster::Signature::of(text) {
            assert_eq!(signature.similarity(&signature), 1.0);
            let _ = signature.bands().count();
        }
    }
    let _ = dateline_wire::cluster::Signature::from_bytes(data);
});
