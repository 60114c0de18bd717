//! `accord migrate-store`: an embedded installation, made through the API (users, sessions,
//! a bot, a guild with roles, channels, overwrites, members, invites, messages) plus a few
//! thousand rows and unpublished events written straight to its store, is copied to a fresh
//! PostgreSQL database. Every row of every table must arrive unchanged, the outbox must carry
//! on after the copied events, a server on the new database must serve the old logins, bot
//! tokens and history, and a database that holds data must be refused untouched.
//!
//! The PostgreSQL tests are skipped unless `ACCORD_TEST_POSTGRES_URL` is set.

#[path = "migrate_store/dump.rs"]
mod dump;
#[path = "migrate_store/installation.rs"]
mod installation;

use std::collections::BTreeSet;

use accord_core::SnowflakeGenerator;
use accord_server::migrate::{MigrationReport, TABLES, is_bookkeeping, migrate_store};
use accord_store::{EventDraft, MessageStore, OutboxStore};
use accord_store_postgres::PostgresStore;
use accord_store_postgres::testing::TestDatabase;
use accord_store_sqlite::SqliteStore;
use installation::{Installation, PASSWORD};
use serde_json::json;
use sqlx::{Connection, PgConnection, SqliteConnection};

async fn migrate(installation: &Installation, db: &TestDatabase) -> anyhow::Result<MigrationReport> {
    migrate_store(&installation.sqlite_url(), &db.url, |_, _| {}).await
}

#[tokio::test]
async fn every_table_of_the_sqlite_schema_is_copied() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accord.db");
    SqliteStore::open(&path).await.expect("a fresh database").close().await;

    let tables: BTreeSet<String> =
        dump::sqlite_tables(&path).await.into_iter().filter(|t| !is_bookkeeping(t)).collect();

    let copied: BTreeSet<String> = TABLES.iter().map(|t| t.name.to_owned()).collect();
    assert_eq!(tables, copied, "a table of the SQLite schema is missing from migrate::TABLES (or vice versa)");
    for table in TABLES {
        let columns: BTreeSet<String> = dump::sqlite_columns(&path, table.name).await.into_iter().collect();
        let copied: BTreeSet<String> = table.sqlite_columns().map(str::to_owned).collect();
        assert_eq!(columns, copied, "the columns of {} and those migrate::TABLES copies differ", table.name);
    }
}

#[tokio::test]
async fn a_missing_source_is_refused_and_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nothing-here.db");

    let refused = migrate_store(&format!("sqlite://{}", path.display()), "postgres://127.0.0.1:1/x", |_, _| {}).await;

    let message = format!("{:#}", refused.expect_err("no source"));
    assert!(message.contains("does not exist"), "{message}");
    assert!(!path.exists(), "the source was created");
}

#[tokio::test]
async fn only_sqlite_sources_and_postgres_targets_are_accepted() {
    let wrong_source = migrate_store("postgres://h/db", "postgres://h/db", |_, _| {}).await;
    let wrong_target = migrate_store("sqlite://accord.db", "sqlite://other.db", |_, _| {}).await;

    assert!(format!("{:#}", wrong_source.unwrap_err()).contains("--from must be sqlite://"));
    assert!(format!("{:#}", wrong_target.unwrap_err()).contains("--to must be postgres://"));
}

#[tokio::test]
async fn every_row_of_an_embedded_installation_survives_the_move_to_postgres() {
    let Some(db) = TestDatabase::from_env().await else { return };
    let installation = Installation::build().await;
    let source = dump::sqlite_dump(&installation.db_path()).await;
    let mut progress = Vec::new();

    let report =
        migrate_store(&installation.sqlite_url(), &db.url, |table, rows| progress.push((table.to_owned(), rows)))
            .await
            .expect("migrates");

    let target = dump::postgres_dump(&db.url).await;
    assert_eq!(target.tables(), source.tables(), "both databases have the same tables");
    for table in source.tables() {
        let (from, to) = (source.rows(&table), target.rows(&table));
        assert_eq!(to.len(), from.len(), "{table}: row count");
        assert!(from == to, "{table}: rows differ\n  sqlite:   {from:?}\n  postgres: {to:?}");
    }
    for table in TABLES {
        assert!(!source.rows(table.name).is_empty(), "the installation has no {} to copy", table.name);
    }
    let expected: Vec<(&str, u64)> = TABLES.iter().map(|t| (t.name, source.rows(t.name).len() as u64)).collect();
    let counted: Vec<(&str, u64)> = report.tables.iter().map(|t| (t.table, t.read)).collect();
    assert_eq!(counted, expected, "the report counts every row read");
    assert!(report.tables.iter().all(|t| t.written == t.read), "{report}");
    assert!(progress.contains(&("messages".to_owned(), 1000)), "progress comes per batch: {progress:?}");
    assert_eq!(
        dump::overwrite_order_in_sqlite(&installation.db_path()).await,
        dump::overwrite_order_in_postgres(&db.url).await
    );
}

#[tokio::test]
async fn the_outbox_keeps_its_unpublished_events_and_continues_after_them() {
    let Some(db) = TestDatabase::from_env().await else { return };
    let installation = Installation::build().await;
    let last_handed_out = dump::sqlite_outbox_sequence(&installation.db_path()).await;
    migrate(&installation, &db).await.expect("migrates");
    let store = PostgresStore::connect(&db.url).await.unwrap();
    let copied = store.pending_events(100_000).await.unwrap();

    let ids = SnowflakeGenerator::new(7);
    let message = installation::bulk_message(&installation, ids.next(), "after the move");
    let event = EventDraft {
        id: ids.next(),
        name: "MESSAGE_CREATE".into(),
        guild_id: message.guild_id,
        channel_id: Some(message.channel_id),
        user_ids: vec![],
        data: json!({ "content": "after the move" }).to_string(),
    };
    store.create_message(&message, &[event]).await.expect("writes on the new database");
    let after = store.pending_events(100_000).await.unwrap();

    assert_eq!(copied.len(), installation.unpublished_events, "every unpublished event was copied");
    let newest = after.last().expect("the new event");
    assert_eq!(newest.event.name, "MESSAGE_CREATE");
    assert!(newest.event.data.contains("after the move"));
    assert!(newest.position > last_handed_out, "{} comes after {last_handed_out}", newest.position);
    assert_eq!(&after[..copied.len()], &copied[..], "copied events keep their positions, before the new one");
}

#[tokio::test]
async fn positions_of_a_drained_outbox_are_not_handed_out_again() {
    let Some(db) = TestDatabase::from_env().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("accord.db");
    SqliteStore::open(&path).await.expect("a fresh database").close().await;
    let mut sqlite = SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    for id in 1..=3 {
        sqlx::query("INSERT INTO outbox (id, name, user_ids, data) VALUES ($1, 'TYPING_START', '[]', '{}')")
            .bind(id)
            .execute(&mut sqlite)
            .await
            .unwrap();
    }
    sqlx::query("DELETE FROM outbox").execute(&mut sqlite).await.unwrap();
    sqlite.close().await.unwrap();

    migrate_store(&format!("sqlite://{}", path.display()), &db.url, |_, _| {}).await.expect("migrates");

    let mut postgres = PgConnection::connect(&db.url).await.unwrap();
    let next: i64 = sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence('outbox', 'position'))")
        .fetch_one(&mut postgres)
        .await
        .unwrap();
    assert_eq!(next, 4, "SQLite handed out 1..=3 (all published since)");
}

#[tokio::test]
async fn a_server_on_the_migrated_database_serves_old_logins_bot_tokens_and_history() {
    let Some(db) = TestDatabase::from_env().await else { return };
    let installation = Installation::build().await;
    migrate(&installation, &db).await.expect("migrates");

    let server = installation::Running::start(installation.dir.path(), Some(db.url.clone())).await;
    let login = server.client().post("/auth/login", json!({ "login": "alice", "password": PASSWORD })).await.unwrap();
    let bot = server.client().authorized(format!("Bot {}", installation.bot_token)).get("/users/@me").await.unwrap();
    let alice = server.client().authorized(format!("Bearer {}", login.body["token"].as_str().unwrap_or_default()));
    let mut seen = Vec::new();
    for (path, _) in &installation.snapshots {
        seen.push((path.clone(), alice.get(path).await.unwrap().body));
    }
    server.stop().await;

    assert_eq!(login.status, 200, "{}", login.text);
    assert_eq!(bot.status, 200, "the bot's token still works: {}", bot.text);
    assert_eq!(bot.body["username"], installation.bot_username);
    assert_eq!(seen, installation.snapshots, "the guild reads the same as before the move");
}

#[tokio::test]
async fn migrating_into_a_database_that_holds_data_is_refused_and_changes_nothing() {
    let Some(db) = TestDatabase::from_env().await else { return };
    let installation = Installation::build().await;
    migrate(&installation, &db).await.expect("the first migration");
    let before = dump::postgres_dump(&db.url).await;

    let again = migrate(&installation, &db).await;

    let message = format!("{:#}", again.expect_err("a second copy into the same database"));
    assert!(message.contains("already holds data"), "{message}");
    assert!(message.contains("users") && message.contains("guilds"), "{message}");
    assert!(dump::postgres_dump(&db.url).await == before, "the refused migration changed the target");
}
