//! Conversions between stored values and domain values.

use jiff::Timestamp;

use crate::{Result, StoreError};

/// Instants are stored as UTC microseconds since the Unix epoch on both backends.
pub(crate) fn instant(us: i64) -> Result<Timestamp> {
    Timestamp::from_microsecond(us).map_err(|e| StoreError::Corrupt(format!("instant {us}: {e}")))
}

pub(crate) fn opt_instant(us: Option<i64>) -> Result<Option<Timestamp>> {
    us.map(instant).transpose()
}

/// Image dimensions are stored as integers; anything outside `u32` is corrupt.
pub(crate) fn dimension(v: i64) -> Result<u32> {
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("image dimension {v}")))
}

/// A span in microseconds, as instants are stored; saturating.
pub(crate) fn micros(d: std::time::Duration) -> i64 {
    d.as_micros().try_into().unwrap_or(i64::MAX)
}
