//! A channel on this node: who is in it, and its recording while one runs.

use std::collections::HashMap;

use accord_core::Snowflake;

use super::PeerId;
use crate::recording::ogg::OggOpusWriter;

pub struct Room {
    pub scope: Snowflake,
    pub peers: Vec<PeerId>,
    pub recording: Option<Recording>,
}

impl Room {
    pub fn new(scope: Snowflake) -> Self {
        Self { scope, peers: Vec::new(), recording: None }
    }
}

/// A recording in progress: each participant's audio as an Ogg Opus file, packets as they
/// arrived (no transcoding).
pub struct Recording {
    pub by: Snowflake,
    pub started_ms: u64,
    pub files: HashMap<Snowflake, OggOpusWriter>,
}

impl Recording {
    pub fn new(by: Snowflake) -> Self {
        Self { by, started_ms: accord_core::time::now_ms(), files: HashMap::new() }
    }

    /// Appends one Opus packet of `user`'s.
    pub fn push(&mut self, user: Snowflake, packet: &[u8]) {
        let serial = self.files.len() as u32 + 1;
        self.files.entry(user).or_insert_with(|| OggOpusWriter::new(serial, 2)).push(packet);
    }

    /// The finished files, by participant.
    pub fn finish(self, channel_id: Snowflake, stopped_by: Snowflake) -> FinishedRecording {
        let files = self.files.into_iter().map(|(user, writer)| (user, writer.finish())).collect();
        FinishedRecording { channel_id, started_by: self.by, stopped_by, started_ms: self.started_ms, files }
    }
}

/// A stopped recording, for the task that stores it and posts it in the channel.
#[derive(Debug)]
pub struct FinishedRecording {
    pub channel_id: Snowflake,
    pub started_by: Snowflake,
    pub stopped_by: Snowflake,
    pub started_ms: u64,
    pub files: Vec<(Snowflake, Vec<u8>)>,
}
