//! The ramp's setup: G guilds, each made by a lead user with C text channels seeded with a few
//! messages, and every user the ramp may add registered and joined to its guild up front, so
//! registration is no part of the measured load. User `i` is member `i / G` of guild `i % G`.

use std::sync::Arc;

use accord_client::Client;
use anyhow::Context;
use futures::{StreamExt, TryStreamExt};
use serde_json::json;

use crate::args::RampArgs;
use crate::setup::{Account, by, crowd, ok, run_tag};

/// One guild of the run.
pub struct Guild {
    /// Its text channels' ids.
    pub channels: Arc<Vec<String>>,
    pub members: Vec<Account>,
}

/// Everything set up.
pub struct World {
    pub guilds: Vec<Guild>,
    /// Messages posted to seed the channels.
    pub seeded: u64,
}

impl World {
    /// User `i`'s guild, account and first channel (members are spread over the channels).
    pub fn user(&self, i: usize) -> (&Guild, &Account, usize) {
        let guild = &self.guilds[i % self.guilds.len()];
        let member = i / self.guilds.len();
        (guild, &guild.members[member], member % guild.channels.len())
    }
}

/// Registers the users and builds their guilds, channels and seed messages, by `deadline`.
pub async fn build(anonymous: &Client, args: &RampArgs, deadline: tokio::time::Instant) -> anyhow::Result<World> {
    let (guild_count, users) = (args.guilds as usize, args.max_users as usize);
    let concurrency = args.setup_concurrency as usize;
    let tag = run_tag();
    let mut guilds = Vec::with_capacity(guild_count);
    let mut seeded = 0;
    for g in 0..guild_count {
        // Users are dealt round-robin, so guilds differ in size by at most one.
        let members = (users + guild_count - 1 - g) / guild_count;
        let crowd = crowd(anonymous, &format!("r{tag}g{g}"), "Ramp", members, concurrency, deadline).await?;
        let mut channels = vec![crowd.channel.clone()];
        for c in 1..args.channels {
            let body = json!({ "name": format!("room-{c}"), "type": 0 });
            let created = by(
                deadline,
                "creating channels",
                crowd.lead_api.post(&format!("/guilds/{}/channels", crowd.guild), body),
            )
            .await??;
            let created = ok(created, "create channel")?;
            channels.push(created["id"].as_str().context("a channel without id")?.to_owned());
        }
        let posts = channels.iter().flat_map(|channel| (0..args.seed_messages).map(move |k| (channel, k)));
        let seeding = futures::stream::iter(posts)
            .map(|(channel, k)| {
                let api = &crowd.lead_api;
                async move {
                    let body = json!({ "content": format!("seed message {k}") });
                    ok(api.post(&format!("/channels/{channel}/messages"), body).await?, "seed a message").map(drop)
                }
            })
            .buffer_unordered(concurrency)
            .try_collect::<Vec<()>>();
        seeded += by(deadline, "seeding the channels", seeding).await??.len() as u64;
        guilds.push(Guild { channels: Arc::new(channels), members: crowd.members });
    }
    Ok(World { guilds, seeded })
}
