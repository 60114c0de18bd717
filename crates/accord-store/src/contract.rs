//! The contract suite: every storage behaviour written once as an async function over
//! `&dyn Store`, and [`contract_tests!`](crate::contract_tests) to instantiate all of them as
//! named `#[tokio::test]`s for one backend.
//!
//! A backend's test file is one line:
//!
//! ```ignore
//! accord_store::contract_tests!(async { make_fresh_store().await });
//! ```
//!
//! The factory runs once per test and yields a [`Fixture`]: a store, or a `(store, guard)`
//! pair whose guard (a temp dir, a container) lives as long as the test. The calling crate
//! needs `tokio` (with `macros` and `rt`) for `#[tokio::test]`.
//!
//! A backend that needs an external server writes `contract_tests!(optional: async { .. })`
//! with a factory yielding `Option<Fixture>`: `None` means "no server configured", and each
//! test then returns early as passed (the factory says why on stderr).
//!
//! Parts: [`fixtures`] (record builders), then one module of cases per storage area.

pub mod accounts;
pub mod channels;
pub mod fixtures;
pub mod guilds;
pub mod health;
pub mod invites;
pub mod members;
pub mod message_changes;
pub mod messages;
pub mod moderation;
pub mod outbox;
pub mod private_channels;
pub mod reactions;
pub mod read_states;
pub mod relationships;
pub mod roles;
pub mod search;
pub mod security;
pub mod settings;
pub mod threads;

use crate::Store;

/// What a backend's factory yields: something that holds a fresh store for one test.
pub trait Fixture: Send + Sync {
    fn store(&self) -> &dyn Store;
}

impl<S: Store> Fixture for S {
    fn store(&self) -> &dyn Store {
        self
    }
}

/// A store and a guard that must outlive it (e.g. the temp dir holding its files).
impl<S: Store, G: Send + Sync> Fixture for (S, G) {
    fn store(&self) -> &dyn Store {
        &self.0
    }
}

/// Expands to one `#[tokio::test]` per contract case, each running on a fresh store made by
/// awaiting the factory expression. See the [module docs](crate::contract).
#[macro_export]
macro_rules! contract_tests {
    (optional: $factory:expr) => {
        $crate::contract_tests!(@list optional $factory);
    };
    ($factory:expr) => {
        $crate::contract_tests!(@list required $factory);
    };
    (@list $mode:ident $factory:expr) => {
        $crate::contract_tests!(@cases $mode $factory;
            accounts::users_are_found_by_username_or_email_ignoring_case,
            accounts::usernames_are_unique_ignoring_case,
            accounts::emails_are_unique_ignoring_case,
            accounts::users_without_a_password_have_no_credentials,
            accounts::users_lists_only_existing_users,
            accounts::updating_a_user_replaces_its_names_and_avatar,
            accounts::updating_a_missing_user_returns_false_and_writes_no_events,
            accounts::renaming_a_user_to_a_taken_username_changes_nothing,
            accounts::a_refresh_token_rotates_only_once,
            accounts::concurrent_rotations_of_one_token_let_exactly_one_win,
            accounts::refresh_replays_are_counted,
            accounts::a_revoked_session_reads_as_revoked,
            accounts::applications_are_found_by_id_and_by_bot,
            accounts::an_application_with_a_taken_bot_name_stores_nothing,
            accounts::bumping_the_token_generation_returns_the_new_one,
            accounts::users_are_searched_by_the_start_of_their_names,
            guilds::a_created_guild_has_its_roles_channels_and_owner,
            guilds::guilds_of_a_user_page_ascending_by_id,
            guilds::updating_a_guild_replaces_its_settings,
            guilds::deleting_a_guild_removes_everything_in_it,
            guilds::deleting_a_missing_guild_returns_false,
            guilds::a_guild_standing_is_the_guild_its_roles_and_one_membership,
            guilds::a_channel_standing_is_the_channel_and_its_guild_standing,
            guilds::custom_emoji_belong_to_their_guild,
            channels::guild_channels_are_ordered_by_position_then_id,
            channels::a_channel_without_a_guild_is_readable,
            channels::updating_a_channel_replaces_overwrites_and_keeps_last_message_id,
            channels::deleting_a_channel_removes_its_messages_and_invites,
            channels::deleting_a_category_orphans_its_children,
            roles::guild_roles_are_ordered_by_position_then_id,
            roles::updating_roles_replaces_each_given_role,
            roles::deleting_a_role_removes_it_from_members_and_overwrites,
            roles::deleting_a_role_of_another_guild_returns_false,
            members::adding_a_member_twice_returns_false_and_writes_no_events,
            members::members_page_ascending_by_user_id,
            members::updating_a_member_replaces_its_fields,
            members::removing_a_member_returns_whether_it_was_one,
            members::shared_guilds_are_those_both_users_are_members_of,
            invites::invite_codes_are_unique_and_case_sensitive,
            invites::guild_invites_are_listed_and_deletable,
            invites::accepting_an_invite_joins_and_counts_the_use,
            invites::accepting_an_invite_as_a_member_changes_nothing,
            invites::a_temporary_invite_makes_a_temporary_member_until_they_get_a_role,
            invites::expired_invites_are_invalid,
            invites::an_invite_is_deleted_when_it_reaches_max_uses,
            invites::unknown_invites_are_invalid,
            invites::a_banned_user_cannot_join_through_an_invite,
            messages::a_created_message_is_readable_and_sets_last_message_id,
            messages::a_message_is_only_found_in_its_channel,
            messages::a_repeated_enforced_nonce_returns_the_original,
            messages::concurrent_identical_creates_store_one_message,
            messages::unenforced_nonces_may_repeat,
            messages::the_latest_page_is_the_newest_messages,
            messages::a_before_page_is_the_newest_older_messages,
            messages::an_after_page_is_the_oldest_newer_messages_newest_first,
            messages::an_around_page_holds_the_message_and_both_sides,
            messages::an_around_page_of_a_missing_message_holds_both_sides,
            messages::updating_a_message_replaces_its_editable_fields,
            messages::deleting_a_message_returns_whether_it_existed,
            message_changes::attachments_and_embeds_round_trip,
            message_changes::edits_keep_the_versions_they_replace,
            message_changes::bulk_deletion_removes_the_listed_messages_of_the_channel,
            message_changes::pins_are_listed_newest_first_up_to_the_limit,
            message_changes::concurrent_pins_never_pass_the_limit,
            reactions::reactions_count_once_per_user_in_order_of_first_use,
            reactions::a_message_holds_a_limited_number_of_distinct_emoji,
            reactions::reaction_users_page_ascending_by_id,
            reactions::reactions_are_removed_one_by_emoji_or_all,
            reactions::deleting_a_message_deletes_its_reactions,
            read_states::mention_counts_follow_the_read_mark,
            read_states::an_edit_that_drops_a_mention_drops_its_ping,
            read_states::read_marks_are_each_users_last_acknowledged_message,
            search::search_matches_all_words_ignoring_case,
            search::search_filters_combine,
            search::search_pages_with_offset_in_either_order,
            search::search_text_is_never_query_syntax,
            search::edits_and_deletes_update_the_search_index,
            threads::a_thread_from_a_message_counts_its_messages_and_members,
            threads::a_forum_post_is_a_thread_with_its_starter_message,
            threads::threads_are_listed_active_or_archived,
            threads::deleting_a_channel_deletes_its_threads,
            threads::threads_go_stale_after_their_auto_archive_period,
            private_channels::a_pair_has_one_dm_whichever_side_opens_it,
            private_channels::concurrent_opens_of_one_pair_create_one_dm,
            private_channels::private_channels_are_listed_newest_activity_first,
            private_channels::closing_a_dm_hides_it_until_a_new_message,
            private_channels::updating_a_group_dm_replaces_its_name_and_icon,
            private_channels::adding_recipients_stops_at_the_limit,
            private_channels::an_owner_leaving_passes_the_group_to_the_earliest_remaining_recipient,
            private_channels::the_last_recipient_leaving_deletes_the_group,
            relationships::relationships_are_kept_per_side_and_listed_by_other_id,
            relationships::a_replace_from_a_stale_state_changes_nothing,
            relationships::of_two_concurrent_replaces_from_one_state_one_wins,
            settings::settings_are_kept_per_user_and_replaced_whole,
            settings::users_settings_lists_those_who_have_a_document,
            security::a_verification_token_is_used_once_and_only_before_it_expires,
            security::a_verification_for_an_old_address_verifies_nothing,
            security::a_password_reset_sets_the_hash_and_revokes_every_session_once,
            security::a_password_change_keeps_the_callers_session,
            security::live_sessions_are_the_users_unrevoked_ones_newest_first,
            security::totp_is_enabled_once_and_its_steps_and_codes_are_used_once,
            security::deleting_an_account_frees_its_name_and_ends_its_ties,
            security::an_owner_or_an_unknown_user_cannot_be_deleted,
            moderation::a_ban_removes_the_member_and_their_recent_messages_in_the_guild,
            moderation::banning_a_banned_user_writes_nothing,
            moderation::a_join_racing_a_ban_never_leaves_a_banned_member,
            moderation::bans_page_ascending_by_user_id,
            moderation::unbanning_returns_whether_there_was_a_ban,
            moderation::deleting_a_guild_deletes_its_bans_and_audit_log,
            moderation::audit_entries_are_written_with_their_events_and_read_newest_first,
            moderation::audit_log_reads_filter_and_page,
            moderation::an_audit_event_without_its_entry_fails_the_write,
            outbox::events_appear_in_commit_order,
            outbox::writes_that_change_nothing_add_no_events,
            outbox::marking_published_removes_events_up_to_the_position,
            health::the_store_answers_a_ping,
            health::the_store_reports_durable_settings,
        );
    };
    (@cases $mode:ident $factory:expr; $($area:ident :: $case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let fixture = $crate::contract_tests!(@fixture $mode $factory);
                $crate::contract::$area::$case($crate::contract::Fixture::store(&fixture)).await;
            }
        )*
    };
    (@fixture required $factory:expr) => {
        $factory.await
    };
    (@fixture optional $factory:expr) => {{
        let Some(fixture) = $factory.await else { return };
        fixture
    }};
}
