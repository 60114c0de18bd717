//! Copying one table: its rows streamed from SQLite in key order, each column converted to
//! its PostgreSQL type (checked, never truncated), and inserted [`BATCH_ROWS`] at a time with
//! one multi-row `INSERT`. Also moves an identity sequence past the copied values.

use anyhow::{Context, anyhow, bail};
use futures::TryStreamExt;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, PgConnection, Postgres, QueryBuilder, Row, SqliteConnection};

use super::tables::{Column, Kind, Table};

/// Rows per `INSERT`. The widest table has 18 columns, so a statement binds at most 18,000
/// values, well under PostgreSQL's limit of 65,535.
pub(crate) const BATCH_ROWS: usize = 1000;

/// One converted value, typed as PostgreSQL stores it (so a NULL binds with its type too).
enum Value {
    BigInt(Option<i64>),
    Integer(Option<i32>),
    SmallInt(Option<i16>),
    Boolean(Option<bool>),
    Text(Option<String>),
    IdList(Option<Vec<i64>>),
}

/// Rows read from the source and written to the target.
pub(crate) struct Copied {
    pub read: u64,
    pub written: u64,
}

/// Copies every row of `table`, reporting the running count of written rows after each batch.
pub(crate) async fn copy_table(
    source: &mut SqliteConnection,
    target: &mut PgConnection,
    table: &Table,
    progress: &mut impl FnMut(&str, u64),
) -> anyhow::Result<Copied> {
    let mut rows = sqlx::query(AssertSqlSafe(table.select_sql())).fetch(&mut *source);
    let mut batch: Vec<Vec<Value>> = Vec::with_capacity(BATCH_ROWS);
    let mut copied = Copied { read: 0, written: 0 };
    while let Some(row) = rows.try_next().await.with_context(|| format!("reading {}", table.name))? {
        copied.read += 1;
        let values = convert(table, &row).with_context(|| format!("{}, row {}", table.name, copied.read))?;
        batch.push(values);
        if batch.len() == BATCH_ROWS {
            copied.written += insert(target, table, &mut batch).await?;
            progress(table.name, copied.written);
        }
    }
    if !batch.is_empty() {
        copied.written += insert(target, table, &mut batch).await?;
        progress(table.name, copied.written);
    }
    Ok(copied)
}

/// The row's values in the table's column order, converted.
fn convert(table: &Table, row: &SqliteRow) -> anyhow::Result<Vec<Value>> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| value(row, i, column).with_context(|| format!("column {}", column.name)))
        .collect()
}

fn value(row: &SqliteRow, i: usize, column: &Column) -> anyhow::Result<Value> {
    let integer = || row.try_get::<Option<i64>, _>(i);
    Ok(match column.kind {
        Kind::BigInt => Value::BigInt(integer()?),
        Kind::Integer => Value::Integer(integer()?.map(i32::try_from).transpose()?),
        Kind::SmallInt => Value::SmallInt(integer()?.map(i16::try_from).transpose()?),
        Kind::Boolean => Value::Boolean(integer()?.map(boolean).transpose()?),
        Kind::Text => Value::Text(row.try_get(i)?),
        Kind::IdList => {
            let text: Option<String> = row.try_get(i)?;
            let ids = text.map(|text| serde_json::from_str::<Vec<i64>>(&text).map_err(|e| anyhow!("{text:?}: {e}")));
            Value::IdList(ids.transpose()?)
        }
    })
}

fn boolean(value: i64) -> anyhow::Result<bool> {
    match value {
        0 => Ok(false),
        1 => Ok(true),
        other => bail!("{other} is not a boolean (0 or 1)"),
    }
}

/// Inserts the batch (emptying it) and returns how many rows PostgreSQL wrote.
async fn insert(target: &mut PgConnection, table: &Table, batch: &mut Vec<Vec<Value>>) -> anyhow::Result<u64> {
    let columns: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    // Identity columns are GENERATED ALWAYS: only an explicit override accepts copied values.
    let overriding = if table.identity.is_some() { " OVERRIDING SYSTEM VALUE" } else { "" };
    let mut insert =
        QueryBuilder::<Postgres>::new(format!("INSERT INTO {} ({}){overriding} ", table.name, columns.join(", ")));
    insert.push_values(batch.drain(..), |mut row, values| {
        for value in values {
            match value {
                Value::BigInt(v) => row.push_bind(v),
                Value::Integer(v) => row.push_bind(v),
                Value::SmallInt(v) => row.push_bind(v),
                Value::Boolean(v) => row.push_bind(v),
                Value::Text(v) => row.push_bind(v),
                Value::IdList(v) => row.push_bind(v),
            };
        }
    });
    let done = insert.build().execute(&mut *target).await.with_context(|| format!("writing {}", table.name))?;
    Ok(done.rows_affected())
}

/// Moves the sequence behind `table`'s identity column past both the copied values and any
/// value SQLite ever handed out (its AUTOINCREMENT never reuses one, even after the row is
/// gone), so new rows keep increasing where the old installation left off.
pub(crate) async fn continue_identity(
    source: &mut SqliteConnection,
    target: &mut PgConnection,
    table: &Table,
    column: &str,
) -> anyhow::Result<()> {
    let copied: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!("SELECT max({column}) FROM {}", table.name)))
        .fetch_one(&mut *source)
        .await
        .with_context(|| format!("reading the largest {}.{column}", table.name))?;
    let handed_out: Option<i64> = sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = $1")
        .bind(table.name)
        .fetch_optional(&mut *source)
        .await
        .with_context(|| format!("reading the AUTOINCREMENT counter of {}", table.name))?;
    let Some(last) = copied.max(handed_out).filter(|&last| last > 0) else {
        return Ok(());
    };
    sqlx::query("SELECT setval(pg_get_serial_sequence($1, $2), $3)")
        .bind(table.name)
        .bind(column)
        .bind(last)
        .execute(&mut *target)
        .await
        .with_context(|| format!("moving the sequence of {}.{column} past {last}", table.name))?;
    Ok(())
}
