#![no_main]
// Any bytes as an RSS or Atom feed: read or refused, never a panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = dateline_wire::feed::read(data);
});
