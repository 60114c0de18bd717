//! Conversions between records and SQL values: snowflakes and u64 bit sets as INTEGER
//! (bit-for-bit), id lists as JSON arrays of integers, and typed column reads.

use accord_core::Snowflake;
use rusqlite::types::FromSql;
use sqlx::Row;
use sqlx::sqlite::{Sqlite, SqliteRow};

use crate::error::corrupt;

/// An optional id as SQL stores it.
pub(crate) fn opt_id(id: Option<Snowflake>) -> Option<i64> {
    id.map(Snowflake::as_i64)
}

/// A u64 bit set or time as SQL stores it: the same 64 bits, read as signed.
pub(crate) fn bits(value: u64) -> i64 {
    value as i64
}

/// An optional u64 as SQL stores it.
pub(crate) fn opt_bits(value: Option<u64>) -> Option<i64> {
    value.map(bits)
}

/// A list of ids as a JSON array of integers, e.g. `[1,2]`.
pub(crate) fn ids_json(ids: &[Snowflake]) -> String {
    let items: Vec<String> = ids.iter().map(|id| id.as_i64().to_string()).collect();
    format!("[{}]", items.join(","))
}

/// Reads a JSON array of integer ids written by [`ids_json`].
pub(crate) fn ids_from_json(text: &str) -> sqlx::Result<Vec<Snowflake>> {
    // Most lists are empty (a message's mentions); serde costs more than the rest of the row.
    if text == "[]" {
        return Ok(Vec::new());
    }
    let raw: Vec<i64> = serde_json::from_str(text).map_err(|e| corrupt("id list", e))?;
    Ok(raw.into_iter().map(Snowflake::from_i64).collect())
}

/// A value a column may be read as, by either driver: sqlx inside transactions, rusqlite in
/// inline reads (`inline`).
pub(crate) trait Value: for<'r> sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite> + FromSql {}

impl<T> Value for T where T: for<'r> sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite> + FromSql {}

/// One row of a result, whichever driver read it, so one function turns a table's row into
/// its record for both.
pub(crate) trait Columns {
    /// The named column's value.
    fn try_get<T: Value>(&self, column: &str) -> sqlx::Result<T>;
}

impl Columns for SqliteRow {
    fn try_get<T: Value>(&self, column: &str) -> sqlx::Result<T> {
        Row::try_get(self, column)
    }
}

/// Typed reads of the columns of one row.
pub(crate) trait RowExt {
    fn id(&self, column: &str) -> sqlx::Result<Snowflake>;
    fn opt_id(&self, column: &str) -> sqlx::Result<Option<Snowflake>>;
    fn bits(&self, column: &str) -> sqlx::Result<u64>;
    fn opt_bits(&self, column: &str) -> sqlx::Result<Option<u64>>;
    fn ids(&self, column: &str) -> sqlx::Result<Vec<Snowflake>>;
}

impl<R: Columns> RowExt for R {
    fn id(&self, column: &str) -> sqlx::Result<Snowflake> {
        self.try_get::<i64>(column).map(Snowflake::from_i64)
    }

    fn opt_id(&self, column: &str) -> sqlx::Result<Option<Snowflake>> {
        self.try_get::<Option<i64>>(column).map(|v| v.map(Snowflake::from_i64))
    }

    fn bits(&self, column: &str) -> sqlx::Result<u64> {
        self.try_get::<i64>(column).map(|v| v as u64)
    }

    fn opt_bits(&self, column: &str) -> sqlx::Result<Option<u64>> {
        self.try_get::<Option<i64>>(column).map(|v| v.map(|v| v as u64))
    }

    fn ids(&self, column: &str) -> sqlx::Result<Vec<Snowflake>> {
        ids_from_json(&self.try_get::<String>(column)?)
    }
}
