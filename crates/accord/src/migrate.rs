//! `accord migrate-store`: the command-line face of
//! [`accord_server::migrate::migrate_store`], with progress on stderr and the per-table row
//! counts on stdout.

/// How often (in copied rows of one table) progress is shown.
const PROGRESS_EVERY: u64 = 100_000;

/// Copy an embedded installation (its SQLite database) into an empty PostgreSQL database.
/// Stop the server first; the source is only read.
#[derive(Debug, Clone, clap::Args)]
pub struct MigrateStoreArgs {
    /// The database to copy: sqlite://<file>, e.g. sqlite://data/accord.db.
    #[arg(long, value_name = "URL")]
    from: String,
    /// The empty PostgreSQL database to copy into: postgres://user:password@host:5432/db.
    /// Its schema is created if missing; a database that holds any rows is refused.
    #[arg(long, value_name = "URL")]
    to: String,
}

/// Runs the migration and prints what it copied.
pub async fn run(args: MigrateStoreArgs) -> anyhow::Result<()> {
    // The target URL may hold a password, so it is not echoed.
    eprintln!("copying {} into PostgreSQL", args.from);
    let report = accord_server::migrate::migrate_store(&args.from, &args.to, |table, rows| {
        if rows % PROGRESS_EVERY == 0 {
            eprintln!("  {table}: {rows} rows so far");
        }
    })
    .await?;
    println!("{report}");
    eprintln!(
        "done. Start accord with --database set to the PostgreSQL URL, keeping the same secret.key \
         (data directory or --secret-file) so existing sessions and bot tokens stay valid."
    );
    Ok(())
}
