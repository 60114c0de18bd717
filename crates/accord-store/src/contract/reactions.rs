//! Contract cases for [`ReactionStore`](crate::ReactionStore): adding once per user, the
//! distinct-emoji limit, counts with `me`, user pages and removal.

use super::fixtures::{create_guild, event, id, message, numbers, pending_names};
use crate::{ReactionAdded, ReactionCount, ReactionEmoji, Store};

fn unicode(name: &str) -> ReactionEmoji {
    ReactionEmoji { id: None, name: name.to_owned(), animated: false }
}

fn custom(emoji_id: u64, name: &str) -> ReactionEmoji {
    ReactionEmoji { id: Some(id(emoji_id)), name: name.to_owned(), animated: true }
}

async fn react(store: &dyn Store, message_id: u64, emoji: &ReactionEmoji, user: u64) -> ReactionAdded {
    store.add_reaction(id(101), id(message_id), emoji, id(user), 3, &[]).await.expect("react")
}

pub async fn reactions_count_once_per_user_in_order_of_first_use(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_message(&message(1001, 101, 1), &[]).await.expect("create");
    store.create_message(&message(1002, 101, 1), &[]).await.expect("create");
    let (heart, party) = (unicode("❤️"), custom(77, "party"));

    let first = store.add_reaction(id(101), id(1001), &heart, id(2), 3, &[event(900, "MESSAGE_REACTION_ADD")]).await;
    assert_eq!(first.expect("add"), ReactionAdded::Added);
    let again = store.add_reaction(id(101), id(1001), &heart, id(2), 3, &[event(901, "MESSAGE_REACTION_ADD")]).await;
    assert_eq!(again.expect("again"), ReactionAdded::Unchanged);
    assert_eq!(react(store, 1001, &party, 3).await, ReactionAdded::Added);
    assert_eq!(react(store, 1001, &heart, 3).await, ReactionAdded::Added);
    assert_eq!(react(store, 1002, &party, 2).await, ReactionAdded::Added);
    assert_eq!(react(store, 9999, &party, 2).await, ReactionAdded::MissingMessage);

    let seen_by_2 = store.reactions(id(101), &[id(1001), id(1002)], id(2)).await.expect("counts");
    let count = |message_id: u64, emoji: &ReactionEmoji, count: u32, me: bool| ReactionCount {
        message_id: id(message_id),
        emoji: emoji.clone(),
        count,
        me,
    };
    assert_eq!(seen_by_2, [count(1001, &heart, 2, true), count(1001, &party, 1, false), count(1002, &party, 1, true)]);
    assert_eq!(store.reactions(id(101), &[], id(2)).await.expect("no messages"), []);
    assert_eq!(pending_names(store).await, ["GUILD_CREATE", "MESSAGE_REACTION_ADD"]);
}

pub async fn a_message_holds_a_limited_number_of_distinct_emoji(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_message(&message(1001, 101, 1), &[]).await.expect("create");
    for name in ["a", "b", "c"] {
        assert_eq!(react(store, 1001, &unicode(name), 2).await, ReactionAdded::Added);
    }

    assert_eq!(react(store, 1001, &unicode("d"), 2).await, ReactionAdded::Full);
    assert_eq!(react(store, 1001, &unicode("a"), 3).await, ReactionAdded::Added, "an emoji already there");
}

pub async fn reaction_users_page_ascending_by_id(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_message(&message(1001, 101, 1), &[]).await.expect("create");
    let party = custom(77, "party");
    for user in [5, 3, 9, 7] {
        react(store, 1001, &party, user).await;
    }
    react(store, 1001, &unicode("x"), 4).await;

    let users = |after: Option<u64>, limit| store.reaction_users(id(101), id(1001), "77", after.map(id), limit);
    assert_eq!(numbers(users(None, 3).await.expect("page")), [3, 5, 7]);
    assert_eq!(numbers(users(Some(5), 10).await.expect("page")), [7, 9]);
    let unknown = store.reaction_users(id(101), id(1001), "party", None, 10).await.expect("by name");
    assert_eq!(unknown, [], "custom emoji are keyed by id");
}

pub async fn reactions_are_removed_one_by_emoji_or_all(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_message(&message(1001, 101, 1), &[]).await.expect("create");
    let (a, b) = (unicode("a"), unicode("b"));
    for (emoji, user) in [(&a, 2), (&a, 3), (&b, 2), (&b, 4)] {
        react(store, 1001, emoji, user).await;
    }
    let remaining = || async { store.reactions(id(101), &[id(1001)], id(2)).await.expect("counts") };

    assert!(
        store.remove_reaction(id(101), id(1001), "a", id(2), &[event(900, "MESSAGE_REACTION_REMOVE")]).await.unwrap()
    );
    assert!(!store.remove_reaction(id(101), id(1001), "a", id(2), &[event(901, "X")]).await.unwrap());
    assert_eq!(
        remaining().await.iter().map(|r| (r.emoji.name.as_str(), r.count)).collect::<Vec<_>>(),
        [("a", 1), ("b", 2)]
    );
    assert_eq!(
        store
            .remove_reactions(id(101), id(1001), Some("b"), &[event(902, "MESSAGE_REACTION_REMOVE_EMOJI")])
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store.remove_reactions(id(101), id(1001), None, &[event(903, "MESSAGE_REACTION_REMOVE_ALL")]).await.unwrap(),
        1
    );
    assert_eq!(store.remove_reactions(id(101), id(1001), None, &[event(904, "X")]).await.unwrap(), 0);
    assert_eq!(remaining().await, []);
    let names =
        ["GUILD_CREATE", "MESSAGE_REACTION_REMOVE", "MESSAGE_REACTION_REMOVE_EMOJI", "MESSAGE_REACTION_REMOVE_ALL"];
    assert_eq!(pending_names(store).await, names);
}

pub async fn deleting_a_message_deletes_its_reactions(store: &dyn Store) {
    create_guild(store, 100, 1).await;
    store.create_message(&message(1001, 101, 1), &[]).await.expect("create");
    react(store, 1001, &unicode("a"), 2).await;

    store.delete_message(id(101), id(1001), &[]).await.expect("delete");
    store.create_message(&message(1001, 101, 1), &[]).await.expect("same id again");

    assert_eq!(store.reactions(id(101), &[id(1001)], id(2)).await.expect("counts"), []);
}
