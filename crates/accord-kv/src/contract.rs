//! The contract suite: every behaviour of the shared state written once as an async function
//! over `&dyn Kv`, and [`contract_tests!`](crate::contract_tests) to instantiate all of them
//! as named `#[tokio::test]`s for one backend.
//!
//! A backend's test file is one line:
//!
//! ```ignore
//! accord_kv::contract_tests!(async { make_fresh_kv().await });
//! ```
//!
//! The factory runs once per test and yields a [`Fixture`]: a kv, a `(kv, guard)` pair whose
//! guard lives as long as the test, or an `Option` of either, where `None` skips the case
//! (a backend whose server is not configured; the factory says so on stderr). The calling
//! crate needs `tokio` (with `macros` and `rt`) for `#[tokio::test]`.
//!
//! Cases use their own keys and wall-clock waits of a few hundred milliseconds for expiry.

pub mod cache;
pub mod health;
pub mod presence;
pub mod rate_limit;
pub mod registry;
pub mod voice;

use crate::Kv;

/// What a backend's factory yields: something that holds a fresh kv for one test, or nothing
/// when the case is to be skipped.
pub trait Fixture: Send + Sync {
    fn kv(&self) -> Option<&dyn Kv>;
}

impl<K: Kv> Fixture for K {
    fn kv(&self) -> Option<&dyn Kv> {
        Some(self)
    }
}

/// A kv and a guard that must outlive it.
impl<K: Kv, G: Send + Sync> Fixture for (K, G) {
    fn kv(&self) -> Option<&dyn Kv> {
        Some(&self.0)
    }
}

/// A fixture, or none to skip the case.
impl<F: Fixture> Fixture for Option<F> {
    fn kv(&self) -> Option<&dyn Kv> {
        self.as_ref().and_then(Fixture::kv)
    }
}

/// Expands to one `#[tokio::test]` per contract case, each running on a fresh kv made by
/// awaiting the factory expression. See the [module docs](crate::contract).
#[macro_export]
macro_rules! contract_tests {
    ($factory:expr) => {
        $crate::contract_tests!(@cases $factory;
            registry::members_are_listed_and_replaced_by_id,
            registry::a_removed_member_is_gone,
            registry::a_member_that_stops_refreshing_drops_out,
            rate_limit::a_window_allows_its_limit_then_refuses,
            rate_limit::keys_have_separate_windows,
            rate_limit::a_window_reopens_once_it_has_passed,
            rate_limit::the_reset_counts_down_from_the_first_hit,
            rate_limit::concurrent_hits_never_exceed_the_limit,
            rate_limit::a_zero_limit_refuses_every_hit,
            presence::a_holders_value_is_read_back_and_the_values_before_returned,
            presence::users_without_a_claim_read_as_empty_in_order,
            presence::each_holder_keeps_its_own_value_until_it_clears,
            presence::an_unrenewed_claim_expires,
            presence::an_expired_claim_stops_counting,
            presence::refreshing_renews_claims_with_the_values_given,
            presence::refreshing_restores_a_vanished_claim,
            presence::clearing_a_user_without_claims_reports_offline,
            cache::set_if_absent_stores_only_the_first_value,
            cache::set_replaces_the_value,
            cache::entries_expire_after_their_ttl,
            cache::remove_takes_a_value_away_once,
            cache::missing_keys_read_as_none,
            cache::concurrent_set_if_absent_stores_exactly_once,
            cache::areas_do_not_share_keys,
            voice::states_are_listed_by_scope_and_found_by_user,
            voice::a_put_replaces_the_users_state_in_its_scope_and_returns_it,
            voice::a_full_channel_refuses_newcomers_but_not_its_members,
            voice::concurrent_puts_never_exceed_the_limit,
            voice::a_swap_replaces_only_the_expected_value_and_ignores_limits,
            voice::a_remove_takes_the_state_when_its_value_is_as_expected,
            voice::renewing_keeps_a_state_alive_past_its_ttl,
            voice::an_expired_state_is_hidden_and_frees_its_place,
            voice::expired_states_are_taken_exactly_once,
            voice::taking_expired_states_stops_at_max,
            voice::many_scopes_are_listed_in_order,
            health::the_backend_answers_a_ping,
        );
    };
    (@cases $factory:expr; $($area:ident :: $case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let fixture = $factory.await;
                let Some(kv) = $crate::contract::Fixture::kv(&fixture) else { return };
                $crate::contract::$area::$case(kv).await;
            }
        )*
    };
}
