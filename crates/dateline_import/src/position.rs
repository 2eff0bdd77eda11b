//! Where in a file a reader is, as people count: line and column.

use std::{collections::VecDeque, fmt, io};

/// Why a file could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// 1-based; 0 when the problem is not at a place (an empty file).
    pub line: u64,
    pub column: u64,
    pub message: String,
}

impl ReadError {
    pub fn at(place: (u64, u64), message: impl Into<String>) -> Self {
        Self {
            line: place.0,
            column: place.1,
            message: message.into(),
        }
    }

    pub fn whole(message: impl Into<String>) -> Self {
        Self::at((0, 0), message)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.message
            )
        }
    }
}

impl std::error::Error for ReadError {}

/// How many line starts are remembered: enough to place any position the
/// XML reader reports, which is never far behind what it has consumed.
const REMEMBERED_LINES: usize = 4096;

/// A buffered reader that notes where lines start as bytes are consumed,
/// so a byte offset reported by a parser becomes a line and column without
/// reading the file again.
pub struct LineCounter<R> {
    inner: R,
    consumed: u64,
    /// Lines started before the oldest remembered start.
    forgotten: u64,
    /// Byte offsets where lines 2, 3, … start (the most recent ones).
    starts: VecDeque<u64>,
}

impl<R> LineCounter<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            consumed: 0,
            forgotten: 0,
            starts: VecDeque::new(),
        }
    }

    /// Bytes consumed so far.
    pub fn consumed(&self) -> u64 {
        self.consumed
    }

    /// The 1-based line and column (in bytes) of byte `offset`.
    pub fn place(&self, offset: u64) -> (u64, u64) {
        let later = self.starts.partition_point(|&start| start <= offset);
        let line = self.forgotten + later as u64 + 1;
        let start = if later == 0 {
            if self.forgotten == 0 {
                0
            } else {
                // Further back than remembered: the column is unknown, and
                // the oldest start is the nearest honest answer.
                return (line, 1);
            }
        } else {
            self.starts[later - 1]
        };
        (line, offset - start + 1)
    }
}

impl<R: io::BufRead> io::Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let available = io::BufRead::fill_buf(self)?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        io::BufRead::consume(self, n);
        Ok(n)
    }
}

impl<R: io::BufRead> io::BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if amount > 0 {
            // The buffer returned by the last fill_buf is still there: a
            // BufRead refills only when it is empty.
            if let Ok(buffer) = self.inner.fill_buf() {
                let taken = &buffer[..amount.min(buffer.len())];
                for (i, _) in taken.iter().enumerate().filter(|(_, b)| **b == b'\n') {
                    if self.starts.len() == REMEMBERED_LINES {
                        self.starts.pop_front();
                        self.forgotten += 1;
                    }
                    self.starts.push_back(self.consumed + i as u64 + 1);
                }
            }
        }
        self.consumed += amount as u64;
        self.inner.consume(amount);
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, Read};

    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let mut reader = LineCounter::new(io::BufReader::with_capacity(3, &b"ab\ncd\n\nef"[..]));
        let mut all = String::new();
        reader.read_to_string(&mut all).unwrap();
        assert_eq!(reader.place(0), (1, 1));
        assert_eq!(reader.place(1), (1, 2));
        assert_eq!(reader.place(3), (2, 1));
        assert_eq!(reader.place(6), (3, 1));
        assert_eq!(reader.place(8), (4, 2));
        assert_eq!(reader.consumed(), 9);
        assert!(reader.fill_buf().unwrap().is_empty());
    }

    #[test]
    fn far_back_offsets_still_name_a_line() {
        let text = "x\n".repeat(REMEMBERED_LINES + 10);
        let mut reader = LineCounter::new(io::BufReader::new(text.as_bytes()));
        io::copy(&mut reader, &mut io::sink()).unwrap();
        let last = (text.len() - 1) as u64;
        assert_eq!(reader.place(last), (REMEMBERED_LINES as u64 + 10, 2));
        assert_eq!(reader.place(0).1, 1);
    }
}
