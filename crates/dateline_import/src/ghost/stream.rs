//! The walk over an export's JSON: `{"db": [{"meta", "data"}]}` or the flat
//! `{"meta", "data"}`, each table of `data` visited row by row (a row is
//! the only value held), the tables not asked for skipped unread.

use std::{fmt, io::Read};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::ReadError;

/// Receives each row of the tables asked for.
pub(super) type Sink<'s> = dyn FnMut(&str, serde_json::Value) -> Result<(), String> + 's;

/// Walks the export, handing rows of `tables` to `sink`; the export's
/// version (empty if it has none).
pub(super) fn read(
    reader: impl Read,
    sink: &mut Sink<'_>,
    tables: &[&str],
) -> Result<String, ReadError> {
    let mut walk = Walk {
        sink,
        tables,
        version: String::new(),
    };
    let mut de =
        serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(1 << 16, reader));
    Root { walk: &mut walk }
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| match e.line() {
            0 => ReadError::whole(e.to_string()),
            line => ReadError::at(
                (line as u64, e.column() as u64),
                strip_place(&e.to_string()),
            ),
        })?;
    Ok(walk.version)
}

/// serde_json's message without its " at line L column C": ReadError
/// says where.
fn strip_place(message: &str) -> String {
    message
        .rfind(" at line ")
        .map_or(message, |at| &message[..at])
        .to_owned()
}

struct Walk<'w, 's> {
    sink: &'w mut Sink<'s>,
    tables: &'w [&'w str],
    version: String,
}

struct Root<'r, 'w, 's> {
    walk: &'r mut Walk<'w, 's>,
}

impl<'de> DeserializeSeed<'de> for Root<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Root<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Ghost export: an object with \"db\", or with \"meta\" and \"data\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "db" => map.next_value_seed(Databases { walk: self.walk })?,
                "meta" => {
                    let meta: serde_json::Value = map.next_value()?;
                    if let Some(version) = meta.get("version").and_then(|v| v.as_str()) {
                        self.walk.version = version.to_owned();
                    }
                }
                "data" => map.next_value_seed(Tables { walk: self.walk })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// `"db": [ {meta, data}, … ]`
struct Databases<'r, 'w, 's> {
    walk: &'r mut Walk<'w, 's>,
}

impl<'de> DeserializeSeed<'de> for Databases<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Databases<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of databases")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Root { walk: self.walk })?.is_some() {}
        Ok(())
    }
}

/// `"data": { table: [rows], … }`
struct Tables<'r, 'w, 's> {
    walk: &'r mut Walk<'w, 's>,
}

impl<'de> DeserializeSeed<'de> for Tables<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Tables<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the export's tables")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(table) = map.next_key::<String>()? {
            if self.walk.tables.contains(&table.as_str()) {
                map.next_value_seed(Rows {
                    walk: self.walk,
                    table: &table,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// One table's rows, each handed on as it is read.
struct Rows<'r, 'w, 's, 't> {
    walk: &'r mut Walk<'w, 's>,
    table: &'t str,
}

impl<'de> DeserializeSeed<'de> for Rows<'_, '_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Rows<'_, '_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "the rows of {}", self.table)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(row) = seq.next_element::<serde_json::Value>()? {
            (self.walk.sink)(self.table, row)
                .map_err(|e| de::Error::custom(format!("{}: {e}", self.table)))?;
        }
        Ok(())
    }
}
