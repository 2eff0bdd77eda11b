#![no_main]
// Any bytes as a ninjs document: read or refused, never a panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = dateline_wire::ninjs::read(data);
});
