//! Conversions between records and SQL values. PostgreSQL has no unsigned integers: u64 bit
//! sets and times are stored bit-for-bit in BIGINT, u32 values widen losslessly to BIGINT, u8
//! values to SMALLINT, and id lists are BIGINT[]. Reads check that values fit back.

use accord_core::Snowflake;
use sqlx::Row;
use sqlx::postgres::PgRow;

use crate::error::corrupt;

/// An optional id as SQL stores it.
pub(crate) fn opt_id(id: Option<Snowflake>) -> Option<i64> {
    id.map(Snowflake::as_i64)
}

/// A list of ids as SQL stores it.
pub(crate) fn ids(ids: &[Snowflake]) -> Vec<i64> {
    ids.iter().map(|id| id.as_i64()).collect()
}

/// A u64 bit set or time as SQL stores it: the same 64 bits, read as signed.
pub(crate) fn bits(value: u64) -> i64 {
    value as i64
}

/// An optional u64 as SQL stores it.
pub(crate) fn opt_bits(value: Option<u64>) -> Option<i64> {
    value.map(bits)
}

/// A u8 as SQL stores it.
pub(crate) fn small(value: u8) -> i16 {
    i16::from(value)
}

/// A u32 as SQL stores it.
pub(crate) fn wide(value: u32) -> i64 {
    i64::from(value)
}

/// An optional u32 as SQL stores it.
pub(crate) fn opt_wide(value: Option<u32>) -> Option<i64> {
    value.map(wide)
}

/// Typed reads of the columns of one row.
pub(crate) trait RowExt {
    fn id(&self, column: &str) -> sqlx::Result<Snowflake>;
    fn opt_id(&self, column: &str) -> sqlx::Result<Option<Snowflake>>;
    fn bits(&self, column: &str) -> sqlx::Result<u64>;
    fn opt_bits(&self, column: &str) -> sqlx::Result<Option<u64>>;
    fn ids(&self, column: &str) -> sqlx::Result<Vec<Snowflake>>;
    fn small(&self, column: &str) -> sqlx::Result<u8>;
    fn wide(&self, column: &str) -> sqlx::Result<u32>;
    fn opt_wide(&self, column: &str) -> sqlx::Result<Option<u32>>;
}

impl RowExt for PgRow {
    fn id(&self, column: &str) -> sqlx::Result<Snowflake> {
        self.try_get::<i64, _>(column).map(Snowflake::from_i64)
    }

    fn opt_id(&self, column: &str) -> sqlx::Result<Option<Snowflake>> {
        self.try_get::<Option<i64>, _>(column).map(|v| v.map(Snowflake::from_i64))
    }

    fn bits(&self, column: &str) -> sqlx::Result<u64> {
        self.try_get::<i64, _>(column).map(|v| v as u64)
    }

    fn opt_bits(&self, column: &str) -> sqlx::Result<Option<u64>> {
        self.try_get::<Option<i64>, _>(column).map(|v| v.map(|v| v as u64))
    }

    fn ids(&self, column: &str) -> sqlx::Result<Vec<Snowflake>> {
        // Aggregates over no rows yield NULL rather than an empty array.
        let raw: Option<Vec<i64>> = self.try_get(column)?;
        Ok(raw.unwrap_or_default().into_iter().map(Snowflake::from_i64).collect())
    }

    fn small(&self, column: &str) -> sqlx::Result<u8> {
        let raw: i16 = self.try_get(column)?;
        u8::try_from(raw).map_err(|e| corrupt(column, e))
    }

    fn wide(&self, column: &str) -> sqlx::Result<u32> {
        let raw: i64 = self.try_get(column)?;
        u32::try_from(raw).map_err(|e| corrupt(column, e))
    }

    fn opt_wide(&self, column: &str) -> sqlx::Result<Option<u32>> {
        let raw: Option<i64> = self.try_get(column)?;
        raw.map(|v| u32::try_from(v).map_err(|e| corrupt(column, e))).transpose()
    }
}
