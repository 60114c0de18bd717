//! The accord-store contract suite against PostgreSQL: every case on a fresh database of the
//! server named by `ACCORD_TEST_POSTGRES_URL`, dropped when the test ends. Skipped when the
//! variable is unset (unless `ACCORD_TEST_REQUIRE_SERVICES=1`).

use accord_store_postgres::PostgresStore;
use accord_store_postgres::testing::TestDatabase;

accord_store::contract_tests!(optional: async {
    let database = TestDatabase::from_env().await?;
    let store = PostgresStore::connect(&database.url).await.expect("connect store");
    Some((store, database))
});
