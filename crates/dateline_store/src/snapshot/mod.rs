//! The whole database as plain rows, for backups that restore into either
//! backend: [`Store::snapshot`] reads every table as of one moment, and a
//! [`SnapshotLoad`] writes such rows into a freshly migrated database in
//! one transaction. Values travel as [`Cell`]s, which both backends' column
//! types map to (SQLite's integer flags and PostgreSQL's booleans meet as
//! numbers and truth values and are bound as the target column wants).

mod dump;
mod load;

pub use dump::SnapshotVisitor;
pub use load::SnapshotLoad;

/// Tables a snapshot leaves out: the migrations' own bookkeeping (the
/// target is migrated by its own build) and the readiness probe's row.
const SKIPPED_TABLES: [&str; 2] = ["_sqlx_migrations", "write_probe"];

/// One stored value.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Cell {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    Text(String),
    /// Bytes, as `{"hex": "…"}` in a snapshot's JSON.
    Bytes {
        hex: String,
    },
}

/// What a column holds, read from the target's schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    Bool,
    Int,
    Real,
    Text,
    Bytes,
}

impl ColumnKind {
    /// From a declared type, as SQLite's `pragma table_info` or
    /// PostgreSQL's `information_schema.columns.data_type` gives it.
    fn of_declared(declared: &str) -> Self {
        let declared = declared.to_ascii_lowercase();
        if declared == "boolean" {
            Self::Bool
        } else if declared.contains("int") {
            Self::Int
        } else if ["real", "double", "float", "numeric"]
            .iter()
            .any(|t| declared.contains(t))
        {
            Self::Real
        } else if declared.contains("blob") || declared == "bytea" {
            Self::Bytes
        } else {
            Self::Text
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_back_as_written() {
        let cells = vec![
            Cell::Null,
            Cell::Bool(true),
            Cell::Int(-4_611_686_018_427_387_904),
            Cell::Real(2.0),
            Cell::Real(0.1),
            Cell::Text("नमस्ते \"quoted\"".into()),
            Cell::Bytes {
                hex: hex(&[0, 255, 16]),
            },
        ];
        let json = serde_json::to_string(&cells).unwrap();
        assert_eq!(serde_json::from_str::<Vec<Cell>>(&json).unwrap(), cells);
        assert_eq!(unhex("00ff10"), Some(vec![0, 255, 16]));
        assert_eq!(unhex("0g"), None);
    }

    #[test]
    fn declared_types_map_to_kinds() {
        for (declared, kind) in [
            ("bigint", ColumnKind::Int),
            ("INTEGER", ColumnKind::Int),
            ("boolean", ColumnKind::Bool),
            ("double precision", ColumnKind::Real),
            ("real", ColumnKind::Real),
            ("text", ColumnKind::Text),
            ("bytea", ColumnKind::Bytes),
            ("BLOB", ColumnKind::Bytes),
        ] {
            assert_eq!(ColumnKind::of_declared(declared), kind, "{declared}");
        }
    }
}
