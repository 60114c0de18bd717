//! Checks, before anything is copied, that both databases have exactly the tables and columns
//! [`TABLES`] describes: a table or column this version does not know would otherwise be
//! left behind without a word, and a schema of another Accord version would fail halfway.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, ensure};
use sqlx::{PgConnection, SqliteConnection};

use super::tables::{TABLES, is_bookkeeping};

/// The source has every table and column of [`TABLES`], and no others.
pub(crate) async fn check_source(source: &mut SqliteConnection) -> anyhow::Result<()> {
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
        .fetch_all(&mut *source)
        .await
        .context("listing the source's tables")?;
    let present: BTreeSet<&str> = names.iter().map(String::as_str).filter(|name| !is_bookkeeping(name)).collect();
    let known: BTreeSet<&str> = TABLES.iter().map(|table| table.name).collect();
    let unknown: Vec<&&str> = present.difference(&known).collect();
    ensure!(
        unknown.is_empty(),
        "the source has tables this version of accord cannot copy: {unknown:?} (is it from a newer version?)"
    );
    let missing: Vec<&&str> = known.difference(&present).collect();
    ensure!(
        missing.is_empty(),
        "the source lacks the tables {missing:?}: either it is not an Accord database, or its schema is older \
         (start this version of accord on it once to upgrade it)"
    );
    for table in TABLES {
        let columns: BTreeSet<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
            .bind(table.name)
            .fetch_all(&mut *source)
            .await
            .with_context(|| format!("listing the columns of the source's {}", table.name))?
            .into_iter()
            .collect();
        let expected: BTreeSet<String> = table.sqlite_columns().map(str::to_owned).collect();
        ensure!(
            columns == expected,
            "the source's {} has the columns {columns:?}, where this version of accord copies {expected:?}",
            table.name
        );
    }
    Ok(())
}

/// The target has every table of [`TABLES`] with exactly its columns and their types (generated
/// columns, which PostgreSQL computes itself, aside).
pub(crate) async fn check_target(target: &mut PgConnection) -> anyhow::Result<()> {
    for table in TABLES {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT column_name::text, data_type::text, udt_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'",
        )
        .bind(table.name)
        .fetch_all(&mut *target)
        .await
        .with_context(|| format!("listing the columns of the target's {}", table.name))?;
        let found: BTreeMap<String, (String, String)> =
            rows.into_iter().map(|(name, data_type, udt)| (name, (data_type, udt))).collect();
        let expected: BTreeMap<String, (String, String)> = table
            .columns
            .iter()
            .map(|c| {
                let (data_type, udt) = c.kind.information_schema();
                (c.name.to_owned(), (data_type.to_owned(), udt.to_owned()))
            })
            .collect();
        ensure!(
            found == expected,
            "the target's {} has the columns {found:?}, where this version of accord writes {expected:?}",
            table.name
        );
    }
    Ok(())
}
