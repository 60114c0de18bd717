//! Publishing presence changes, coalesced: the first change of a batch opens a
//! [`COALESCE`](super::COALESCE) window, every user changed in it is read once (as all
//! holders make it), and a PRESENCE_UPDATE goes out only for users whose shown presence
//! differs from what this node last published for them.

use std::collections::{BTreeSet, HashMap};
use std::sync::Weak;

use accord_core::Snowflake;
use accord_service::ServiceContext;
use accord_service::presence::{Presence, combine, parse, publish};
use tokio::sync::mpsc;

use super::{COALESCE, Local, lock};

pub async fn run(ctx: ServiceContext, local: Weak<Local>, mut changes: mpsc::UnboundedReceiver<Snowflake>) {
    let mut published: HashMap<Snowflake, Presence> = HashMap::new();
    while let Some(first) = changes.recv().await {
        let mut batch = BTreeSet::from([first]);
        let window = tokio::time::sleep(COALESCE);
        tokio::pin!(window);
        loop {
            tokio::select! {
                () = &mut window => break,
                next = changes.recv() => match next {
                    Some(user) => { batch.insert(user); }
                    None => break,
                },
            }
        }
        let users: Vec<Snowflake> = batch.into_iter().collect();
        for (user, shown) in shown(&ctx, &local, &users).await {
            let previous = published.get(&user).cloned().unwrap_or_else(Presence::offline);
            if same_for_others(&previous, &shown) {
                continue;
            }
            publish(&ctx, user, &shown).await;
            if shown.shown_status() == "offline" {
                published.remove(&user);
            } else {
                published.insert(user, shown);
            }
        }
    }
}

/// Whether two presences look alike to others (an invisible user looks offline).
fn same_for_others(a: &Presence, b: &Presence) -> bool {
    let user = Snowflake::new(1).expect("non-zero");
    a.payload(user) == b.payload(user)
}

/// What others see of each user: all holders combined, or this node's view alone when the
/// shared state is unavailable.
async fn shown(ctx: &ServiceContext, local: &Weak<Local>, users: &[Snowflake]) -> Vec<(Snowflake, Presence)> {
    match ctx.kv.presence_get_many(users).await {
        Ok(values) => users.iter().zip(values).map(|(user, held)| (*user, combine(&parse(held)))).collect(),
        Err(error) => {
            tracing::warn!(%error, "presences unavailable; publishing this node's view");
            let Some(local) = local.upgrade() else { return Vec::new() };
            let local = lock(&local);
            users
                .iter()
                .map(|user| (*user, local.get(user).and_then(|s| s.held.clone()).unwrap_or_else(Presence::offline)))
                .collect()
        }
    }
}
