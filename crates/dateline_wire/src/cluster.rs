//! Near-duplicates: the same story from several agencies, or in several
//! versions, should reach the desk as one cluster, not ten items.
//!
//! Each item's words (headline and body, lower-cased) are cut into
//! overlapping three-word shingles; a [`Signature`] of 64 values estimates
//! the Jaccard similarity of two items' shingle sets (the fraction of equal
//! values). It is one-permutation MinHash: each shingle's hash picks one of
//! 64 bins and each bin keeps the smallest value it was given, so a
//! shingle costs one hash rather than 64 (classic MinHash, 64 hashes per
//! shingle, was four fifths of the wire intake's time). Bins empty in both
//! items are left out of the comparison. To find candidates without
//! comparing every pair, the signature is cut into 32 bands of two values
//! ([`Signature::bands`]): items sharing a band are compared, which finds a
//! pair at similarity 0.4 with probability about 0.996 and at 0.1 with
//! about 0.27 (then ruled out by the comparison). Items at [`SAME_STORY`]
//! or more belong together.

pub const HASHES: usize = 64;
pub const BANDS: usize = 32;
const ROWS: usize = HASHES / BANDS;
/// Words per shingle.
const SHINGLE: usize = 3;
/// A bin no shingle fell into.
const EMPTY: u32 = u32::MAX;
/// The stored signature's scheme: 2, one-permutation MinHash (1, 64 hash
/// functions, was stored without a format byte).
const FORMAT: u8 = 2;
/// Estimated Jaccard similarity from which two items are one story.
pub const SAME_STORY: f64 = 0.5;

/// FNV-1a, 64 bits: stable across builds, unlike std's hasher.
fn fnv(bytes: &[u8], mut hash: u64) -> u64 {
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
    }
    hash
}

const FNV_OFFSET: u64 = 0xCBF2_9CE4_8422_2325;

/// A word's hash, lower-cased as it is read.
fn word_hash(word: &str) -> u64 {
    if word.is_ascii() {
        word.bytes()
            .fold(FNV_OFFSET, |h, b| fnv(&[b.to_ascii_lowercase()], h))
    } else {
        let mut buffer = [0; 4];
        word.chars()
            .flat_map(char::to_lowercase)
            .fold(FNV_OFFSET, |h, c| {
                fnv(c.encode_utf8(&mut buffer).as_bytes(), h)
            })
    }
}

/// SplitMix64's finaliser: spreads a value over all 64 bits (a shingle's
/// three word hashes combine through it into one well-mixed value).
const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A MinHash signature of an item's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub [u32; HASHES]);

impl Signature {
    /// The signature of `text`, or `None` when it has fewer words than a
    /// shingle (a picture's caption-less item): such items stand alone.
    pub fn of(text: &str) -> Option<Self> {
        // Words are runs of letters and digits, lower-cased (cheaper than
        // UAX #29 word breaking, and all a signature needs is that the same
        // text always gives the same words), each hashed where it lies:
        // nothing is allocated per word.
        let mut minimum = [EMPTY; HASHES];
        let mut window = [0u64; SHINGLE];
        let mut words = 0usize;
        for word in text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            window.rotate_left(1);
            window[SHINGLE - 1] = word_hash(word);
            words += 1;
            if words < SHINGLE {
                continue;
            }
            let shingle = window.iter().fold(FNV_OFFSET, |h, w| mix(h ^ w));
            // The hash is well mixed: its low bits choose the bin, its high
            // half is the value (never `EMPTY`).
            let bin = (shingle % HASHES as u64) as usize;
            let value = ((shingle >> 32) as u32).min(EMPTY - 1);
            minimum[bin] = minimum[bin].min(value);
        }
        (words >= SHINGLE).then_some(Self(minimum))
    }

    /// The estimated Jaccard similarity of the two texts' shingles.
    pub fn similarity(&self, other: &Self) -> f64 {
        let (mut equal, mut compared) = (0, 0);
        for (a, b) in self.0.iter().zip(&other.0) {
            if *a == EMPTY && *b == EMPTY {
                continue;
            }
            compared += 1;
            equal += usize::from(a == b);
        }
        if compared == 0 {
            return 0.0;
        }
        equal as f64 / compared as f64
    }

    /// One key per band holding a value (its index mixed in, so that equal
    /// values in different bands do not meet). Bands of empty bins are left
    /// out: every short item has them, and they would make all short items
    /// each other's candidates.
    pub fn bands(&self) -> impl Iterator<Item = i64> + '_ {
        self.0
            .chunks(ROWS)
            .enumerate()
            .filter(|(_, chunk)| chunk.iter().any(|v| *v != EMPTY))
            .map(|(band, chunk)| {
                let mut hash = fnv(&(band as u32).to_le_bytes(), FNV_OFFSET);
                for value in chunk {
                    hash = fnv(&value.to_le_bytes(), hash);
                }
                // Stored in a signed 64-bit column.
                hash as i64
            })
    }

    /// For storage: a format byte, then the values. A signature stored by
    /// an earlier scheme does not read back (its item just finds no
    /// cluster), rather than being compared as if alike.
    pub fn to_bytes(&self) -> Vec<u8> {
        std::iter::once(FORMAT)
            .chain(self.0.iter().flat_map(|v| v.to_le_bytes()))
            .collect()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let (&FORMAT, values) = bytes.split_first()? else {
            return None;
        };
        if values.len() != HASHES * 4 {
            return None;
        }
        let mut out = [0u32; HASHES];
        for (slot, chunk) in out.iter_mut().zip(values.chunks_exact(4)) {
            *slot = u32::from_le_bytes(chunk.try_into().ok()?);
        }
        Some(Self(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "The state cabinet on Wednesday approved a plan to build four \
        desalination plants along the coast, each able to supply drinking water to about \
        two lakh households, officials said after the meeting. Work on the first plant is \
        to begin in March and the government expects it to be running within three years.";

    #[test]
    fn versions_of_a_story_are_alike_and_other_stories_are_not() {
        let one = Signature::of(STORY).unwrap();
        let edited =
            Signature::of(&STORY.replace("four", "five").replace("March", "April")).unwrap();
        let other = Signature::of(
            "The city's football club signed a new coach on Tuesday after a season in which \
             it finished last in the league and lost its captain to injury in the first month.",
        )
        .unwrap();
        assert_eq!(one.similarity(&one), 1.0);
        assert!(
            one.similarity(&edited) >= SAME_STORY,
            "{}",
            one.similarity(&edited)
        );
        assert!(one.similarity(&other) < 0.1, "{}", one.similarity(&other));
        let shared = one
            .bands()
            .filter(|b| edited.bands().any(|e| e == *b))
            .count();
        assert!(shared > 0, "an edited version is a candidate");
        // Two short items fill few bins; their empty bands do not make them
        // candidates.
        let short = Signature::of("Rain is expected in the hills on Friday").unwrap();
        let other_short = Signature::of("The council meets again next Tuesday morning").unwrap();
        assert!(short.bands().count() < BANDS / 2);
        assert!(!short.bands().any(|b| other_short.bands().any(|o| o == b)));
        assert_eq!(Signature::of("TWO words"), None);
    }

    #[test]
    fn case_and_markup_spacing_do_not_matter_and_storage_round_trips() {
        let a = Signature::of(STORY).unwrap();
        let b = Signature::of(&STORY.to_uppercase().replace(' ', "  ")).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            Signature::from_bytes(&a.to_bytes()[1..]),
            None,
            "no format byte"
        );
        assert_eq!(Signature::from_bytes(&a.to_bytes()), Some(a));
        assert_eq!(Signature::from_bytes(&[0; 3]), None);
    }
}
