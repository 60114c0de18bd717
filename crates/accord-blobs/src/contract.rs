//! The contract suite: every blob-store behaviour written once as an async function over
//! `&dyn BlobStore`, and [`contract_tests!`](crate::contract_tests) to instantiate all of them
//! as named `#[tokio::test]`s for one backend.
//!
//! A backend's test file is one line:
//!
//! ```ignore
//! accord_blobs::contract_tests!(async { make_fresh_store().await });
//! ```
//!
//! The factory runs once per test and yields a [`Fixture`]: a store, a `(store, guard)` pair
//! whose guard (a temp dir) lives as long as the test, or an `Option` of either, where `None`
//! skips the case (a backend whose server is not configured; the factory says so on stderr).
//! Each fixture should be empty: on a shared bucket, give each one a random key prefix. The
//! calling crate needs `tokio` (with `macros` and `rt`) for `#[tokio::test]`.
//!
//! Parts: [`objects`] (put, get, head, delete), [`keys`], [`health`].

pub mod health;
pub mod keys;
pub mod objects;

use crate::{BlobKey, BlobStore};

/// What a backend's factory yields: something that holds a fresh store for one test, or
/// nothing when the case is to be skipped.
pub trait Fixture: Send + Sync {
    fn blobs(&self) -> Option<&dyn BlobStore>;
}

impl<B: BlobStore> Fixture for B {
    fn blobs(&self) -> Option<&dyn BlobStore> {
        Some(self)
    }
}

/// A store and a guard that must outlive it.
impl<B: BlobStore, G: Send + Sync> Fixture for (B, G) {
    fn blobs(&self) -> Option<&dyn BlobStore> {
        Some(&self.0)
    }
}

/// A fixture, or none to skip the case.
impl<F: Fixture> Fixture for Option<F> {
    fn blobs(&self) -> Option<&dyn BlobStore> {
        self.as_ref().and_then(Fixture::blobs)
    }
}

/// A key the cases use; panics on a key the suite itself got wrong.
pub fn key(text: &str) -> BlobKey {
    BlobKey::parse(text).expect("the suite's keys are valid")
}

/// Expands to one `#[tokio::test]` per contract case, each running on a fresh store made by
/// awaiting the factory expression. See the [module docs](crate::contract).
#[macro_export]
macro_rules! contract_tests {
    ($factory:expr) => {
        $crate::contract_tests!(@cases $factory;
            objects::a_put_blob_reads_back_with_its_content_type,
            objects::a_put_replaces_the_bytes_and_the_content_type,
            objects::a_missing_key_is_not_found,
            objects::head_tells_size_and_content_type_without_the_bytes,
            objects::a_deleted_blob_is_gone,
            objects::deleting_a_missing_key_succeeds,
            objects::an_empty_blob_round_trips,
            objects::a_large_blob_round_trips,
            objects::content_type_parameters_are_kept,
            objects::an_invalid_content_type_is_refused_and_stores_nothing,
            objects::concurrent_puts_of_different_keys_all_land,
            objects::a_blob_written_in_parts_appears_whole_when_finished,
            objects::an_aborted_writer_leaves_nothing,
            keys::keys_sharing_a_prefix_are_separate_blobs,
            keys::unusual_characters_are_kept_exactly,
            keys::deleting_one_key_keeps_its_siblings,
            keys::a_prefix_deletes_its_blobs_and_only_those,
            health::the_store_answers_a_ping,
        );
    };
    (@cases $factory:expr; $($area:ident :: $case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let fixture = $factory.await;
                let Some(blobs) = $crate::contract::Fixture::blobs(&fixture) else { return };
                $crate::contract::$area::$case(blobs).await;
            }
        )*
    };
}
