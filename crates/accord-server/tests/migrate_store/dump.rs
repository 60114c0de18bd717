//! Every row of every table of a database as canonical JSON, written without the migration's
//! code so that the two can't share a mistake: `SELECT *` from each table, every value
//! rendered the way SQLite stores it (integers, text, booleans as 0/1, id lists as the JSON
//! text `[1,2]`), each row an object with sorted keys, each table's rows sorted.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};
use sqlx::postgres::{PgConnection, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteRow};
use sqlx::{AssertSqlSafe, Column, ConnectOptions, Connection, Row, TypeInfo, ValueRef};

/// Table name to its rows, each canonical JSON.
#[derive(Debug, PartialEq, Eq)]
pub struct Dump(BTreeMap<String, Vec<String>>);

impl Dump {
    pub fn tables(&self) -> Vec<String> {
        self.0.keys().cloned().collect()
    }

    pub fn rows(&self, table: &str) -> &[String] {
        self.0.get(table).map_or(&[], Vec::as_slice)
    }
}

async fn sqlite(path: &Path) -> SqliteConnection {
    SqliteConnectOptions::new().filename(path).read_only(true).connect().await.expect("opening the SQLite file")
}

async fn postgres(url: &str) -> PgConnection {
    PgConnection::connect(url).await.expect("connecting to PostgreSQL")
}

/// Every table in `sqlite_master`, bookkeeping included.
pub async fn sqlite_tables(path: &Path) -> Vec<String> {
    let mut conn = sqlite(path).await;
    sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'").fetch_all(&mut conn).await.unwrap()
}

pub async fn sqlite_columns(path: &Path, table: &str) -> Vec<String> {
    let mut conn = sqlite(path).await;
    sqlx::query_scalar("SELECT name FROM pragma_table_info($1)").bind(table).fetch_all(&mut conn).await.unwrap()
}

/// The largest outbox position SQLite ever handed out.
pub async fn sqlite_outbox_sequence(path: &Path) -> i64 {
    let mut conn = sqlite(path).await;
    sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetch_one(&mut conn).await.unwrap()
}

pub async fn sqlite_dump(path: &Path) -> Dump {
    let mut conn = sqlite(path).await;
    let mut dump = BTreeMap::new();
    for table in sqlite_tables(path).await {
        if accord_server::migrate::is_bookkeeping(&table) {
            continue;
        }
        let sql = format!("SELECT * FROM {table}");
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut conn).await.unwrap();
        dump.insert(table, canonical(rows.iter().map(sqlite_row).collect()));
    }
    Dump(dump)
}

pub async fn postgres_dump(url: &str) -> Dump {
    let mut conn = postgres(url).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut dump = BTreeMap::new();
    for table in tables {
        // Generated columns (the search vector) are PostgreSQL's own, not copied data.
        let columns: Vec<String> = sqlx::query_scalar(
            "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() \
             AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position",
        )
        .bind(&table)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let sql = format!("SELECT {} FROM {table}", columns.join(", "));
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut conn).await.unwrap();
        let mut rows: Vec<BTreeMap<String, Value>> = rows.iter().map(postgres_row).collect();
        if table == "channel_overwrites" {
            // SQLite keeps this order as rowid order; compared by `overwrite_order_*`.
            rows.iter_mut().for_each(|row| drop(row.remove("position")));
        }
        dump.insert(table, canonical(rows));
    }
    Dump(dump)
}

fn canonical(rows: Vec<BTreeMap<String, Value>>) -> Vec<String> {
    let mut rows: Vec<String> = rows.iter().map(|row| serde_json::to_string(row).unwrap()).collect();
    rows.sort();
    rows
}

fn sqlite_row(row: &SqliteRow) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for (i, column) in row.columns().iter().enumerate() {
        let raw = row.try_get_raw(i).unwrap();
        let value = if raw.is_null() {
            Value::Null
        } else {
            match raw.type_info().name() {
                "INTEGER" => json!(row.get::<i64, _>(i)),
                "TEXT" => json!(row.get::<String, _>(i)),
                other => panic!("{}: unexpected SQLite value of type {other}", column.name()),
            }
        };
        out.insert(column.name().to_owned(), value);
    }
    out
}

fn postgres_row(row: &PgRow) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for (i, column) in row.columns().iter().enumerate() {
        let value = match column.type_info().name() {
            "INT8" => json!(row.get::<Option<i64>, _>(i)),
            "INT4" => json!(row.get::<Option<i32>, _>(i)),
            "INT2" => json!(row.get::<Option<i16>, _>(i)),
            "BOOL" => json!(row.get::<Option<bool>, _>(i).map(i64::from)),
            "TEXT" => json!(row.get::<Option<String>, _>(i)),
            "INT8[]" => json!(row.get::<Option<Vec<i64>>, _>(i).map(|ids| serde_json::to_string(&ids).unwrap())),
            other => panic!("{}: unexpected PostgreSQL type {other}", column.name()),
        };
        out.insert(column.name().to_owned(), value);
    }
    out
}

/// Each channel's overwrite targets, in the order SQLite keeps them (insertion).
pub async fn overwrite_order_in_sqlite(path: &Path) -> Vec<(i64, i64)> {
    let mut conn = sqlite(path).await;
    sqlx::query_as("SELECT channel_id, target_id FROM channel_overwrites ORDER BY channel_id, rowid")
        .fetch_all(&mut conn)
        .await
        .unwrap()
}

/// Each channel's overwrite targets, in position order; positions count 0, 1, 2... per channel.
pub async fn overwrite_order_in_postgres(url: &str) -> Vec<(i64, i64)> {
    let mut conn = postgres(url).await;
    let rows: Vec<(i64, i64, i32)> =
        sqlx::query_as("SELECT channel_id, target_id, position FROM channel_overwrites ORDER BY channel_id, position")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    let mut expected_position = BTreeMap::<i64, i32>::new();
    for &(channel, _, position) in &rows {
        let next = expected_position.entry(channel).or_default();
        assert_eq!(position, *next, "channel {channel}: positions are 0, 1, 2...");
        *next += 1;
    }
    rows.into_iter().map(|(channel, target, _)| (channel, target)).collect()
}
