//! Contract cases for [`SettingsStore`](crate::SettingsStore): one settings document per user,
//! replaced whole, read one or many at a time.

use super::fixtures::{event, id, numbers, pending_names};
use crate::Store;

pub async fn settings_are_kept_per_user_and_replaced_whole(store: &dyn Store) {
    let first = r#"{"status":"idle","theme":"dark"}"#;
    let second = r#"{"locale":"fr"}"#;

    assert_eq!(store.user_settings(id(1)).await.expect("read"), None, "no document before the first change");
    store.set_user_settings(id(1), first, &[event(900, "USER_SETTINGS_UPDATE")]).await.expect("set");
    assert_eq!(store.user_settings(id(1)).await.expect("read").as_deref(), Some(first));

    store.set_user_settings(id(1), second, &[event(901, "USER_SETTINGS_UPDATE")]).await.expect("replace");

    assert_eq!(store.user_settings(id(1)).await.expect("read").as_deref(), Some(second));
    assert_eq!(store.user_settings(id(2)).await.expect("other user"), None);
    assert_eq!(pending_names(store).await, ["USER_SETTINGS_UPDATE", "USER_SETTINGS_UPDATE"]);
}

pub async fn users_settings_lists_those_who_have_a_document(store: &dyn Store) {
    for n in [1, 3, 5] {
        store.set_user_settings(id(n), &format!(r#"{{"n":{n}}}"#), &[]).await.expect("set");
    }

    let mut found = store.users_settings(&[id(5), id(2), id(1), id(9)]).await.expect("read");
    found.sort();

    assert_eq!(numbers(found.iter().map(|(user_id, _)| *user_id)), [1, 5]);
    assert_eq!(found[0].1, r#"{"n":1}"#);
    assert_eq!(found[1].1, r#"{"n":5}"#);
    assert_eq!(store.users_settings(&[]).await.expect("none asked"), []);
}
