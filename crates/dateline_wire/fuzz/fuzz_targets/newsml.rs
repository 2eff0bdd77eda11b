#![no_main]
// Any bytes as a NewsML-G2 document (and through the format sniffing of
// `read`): read or refused, never a panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = dateline_wire::newsml::read(data);
    let _ = dateline_wire::read(data);
});
