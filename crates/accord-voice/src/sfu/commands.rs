//! What signalling asks of the SFU: joining, SDP, candidates, preferences, streams,
//! recording, and voice state changes made elsewhere (moderators, the gateway).

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Instant;

use accord_core::Snowflake;
use str0m::Candidate;
use str0m::change::SdpOffer;
use tokio::sync::oneshot;

use super::engine::Engine;
use super::negotiate;
use super::peer::Peer;
use super::room::{Recording, Room};
use super::{
    Command, Flags, Joining, PeerEvent, PeerId, Quality, SignalError, StreamInfo, Tier, TrackKind, Welcome, close,
};

impl Engine {
    pub(super) fn on_command(&mut self, command: Command) {
        match command {
            Command::Join(joining, reply) => self.join(joining, reply),
            Command::Offer { peer, sdp, tracks, reply } => {
                let _ = reply.send(self.offer(peer, &sdp, tracks));
            }
            Command::Answer { peer, sdp, reply } => {
                let _ = reply.send(self.answer(peer, &sdp));
            }
            Command::Candidate { peer, candidate } => {
                let parsed = Candidate::from_sdp_string(candidate.trim_start_matches("a="));
                if let (Some(peer), Ok(candidate)) = (self.peers.get_mut(&peer), parsed) {
                    peer.rtc.add_remote_candidate(candidate);
                }
            }
            Command::Layers { peer, source, quality } => self.prefer(peer, source, quality),
            Command::Stream { peer, live } => self.stream(peer, live),
            Command::Watch { peer, source, tier, reply } => {
                let _ = reply.send(self.watch(peer, source, tier));
            }
            Command::Recording { peer, on } => self.record(peer, on),
            Command::Flags { scope, user_id, flags } => self.set_flags(scope, user_id, flags),
            Command::Kick { scope, user_id, code } => {
                for id in self.peers_of(scope, user_id) {
                    self.close(id, Some(code));
                }
            }
            Command::Leave { peer } => self.close(peer, None),
        }
        for id in self.peers.keys().copied().collect::<Vec<_>>() {
            self.drain(id);
        }
    }

    fn peers_of(&self, scope: Snowflake, user: Snowflake) -> Vec<PeerId> {
        self.peers.values().filter(|p| p.scope == scope && p.user_id == user).map(|p| p.id).collect()
    }

    fn join(&mut self, joining: Joining, reply: oneshot::Sender<Welcome>) {
        for old in self.peers_of(joining.scope, joining.user_id) {
            self.close(old, Some(close::REPLACED));
        }
        let id = self.next_id;
        self.next_id += 1;
        let peer = match Peer::new(id, &joining, &self.crypto, self.address, Instant::now()) {
            Ok(peer) => peer,
            Err(error) => {
                tracing::warn!(%error, "voice session not created");
                return;
            }
        };
        let room = self.rooms.entry(joining.channel_id).or_insert_with(|| Room::new(joining.scope));
        let others: Vec<PeerId> = room.peers.clone();
        room.peers.push(id);
        let recording = room.recording.is_some();
        let peers = others.iter().filter_map(|o| self.peers.get(o)).map(Peer::info).collect();
        let streams = others.iter().filter_map(|o| self.stream_info(*o)).collect();
        let info = peer.info();
        self.peers.insert(id, peer);
        self.stats.peers.fetch_add(1, Ordering::Relaxed);
        let _ = reply.send(Welcome { peer: id, peers, streams, recording });
        self.broadcast(joining.channel_id, Some(id), &PeerEvent::PeerJoin(info));
    }

    /// A live stream of `id`'s, with its viewers.
    pub(super) fn stream_info(&self, id: PeerId) -> Option<StreamInfo> {
        let peer = self.peers.get(&id).filter(|p| p.flags.self_stream)?;
        let room = self.rooms.get(&peer.channel_id)?;
        let viewers = room
            .peers
            .iter()
            .filter_map(|o| self.peers.get(o))
            .filter(|o| o.watching.contains_key(&peer.user_id))
            .map(|o| o.user_id)
            .collect();
        Some(StreamInfo { user_id: peer.user_id, live: true, viewers })
    }

    fn offer(&mut self, id: PeerId, sdp: &str, tracks: HashMap<String, TrackKind>) -> Result<String, SignalError> {
        let peer = self.peers.get_mut(&id).ok_or(SignalError::Gone)?;
        if peer.pending.is_some() {
            return Err(SignalError::Glare);
        }
        let offer = SdpOffer::from_sdp_string(sdp).map_err(|e| SignalError::BadRequest(e.to_string()))?;
        peer.declared.extend(tracks);
        let answer = peer.rtc.sdp_api().accept_offer(offer).map_err(|e| SignalError::BadRequest(e.to_string()))?;
        let first = !std::mem::replace(&mut peer.negotiated, true);
        self.drain(id);
        if first {
            self.subscribe_to_room(id);
        }
        Ok(answer.to_sdp_string())
    }

    fn answer(&mut self, id: PeerId, sdp: &str) -> Result<(), SignalError> {
        let peer = self.peers.get_mut(&id).ok_or(SignalError::Gone)?;
        let opened = negotiate::accept_answer(peer, sdp)?;
        negotiate::offer_changes(peer);
        if !opened.is_empty() {
            self.retarget(id);
            self.request_keyframes_for(id, &opened);
        }
        Ok(())
    }

    /// A newly negotiated participant starts receiving every track already in the room.
    fn subscribe_to_room(&mut self, id: PeerId) {
        let Some(channel) = self.peers.get(&id).map(|p| p.channel_id) else { return };
        let others: Vec<PeerId> = self.rooms.get(&channel).map(|r| r.peers.clone()).unwrap_or_default();
        for source in others.into_iter().filter(|o| *o != id) {
            // Screens go to their viewers only, and a newcomer watches nothing yet.
            let tracks: Vec<_> = self
                .peers
                .get(&source)
                .map(|s| s.tracks_in.iter().filter(|t| t.kind != TrackKind::Screen).map(|t| t.mid).collect())
                .unwrap_or_default();
            for mid in tracks {
                self.subscribe(id, source, mid);
            }
        }
        if let Some(peer) = self.peers.get_mut(&id) {
            negotiate::offer_changes(peer);
        }
    }

    fn prefer(&mut self, id: PeerId, source: Snowflake, quality: Quality) {
        if let Some(peer) = self.peers.get_mut(&id) {
            peer.quality.insert(source, quality);
            self.retarget(id);
        }
    }

    fn stream(&mut self, id: PeerId, live: bool) {
        let Some(peer) = self.peers.get_mut(&id) else { return };
        peer.flags.self_stream = live;
        let (channel, user) = (peer.channel_id, peer.user_id);
        if !live {
            self.stop_watching(channel, user);
        }
        let info = self.stream_info(id).unwrap_or(StreamInfo { user_id: user, live: false, viewers: Vec::new() });
        self.broadcast(channel, None, &PeerEvent::Stream(info));
    }

    /// Everyone in `channel` stops receiving `user`'s screen.
    fn stop_watching(&mut self, channel: Snowflake, user: Snowflake) {
        let members = self.rooms.get(&channel).map(|r| r.peers.clone()).unwrap_or_default();
        for member in members {
            let Some(viewer) = self.peers.get_mut(&member) else { continue };
            if viewer.watching.remove(&user).is_some() {
                for track in
                    viewer.tracks_out.iter_mut().filter(|t| t.source_user == user && t.kind == TrackKind::Screen)
                {
                    track.gone = true;
                }
                negotiate::offer_changes(viewer);
            }
        }
    }

    fn watch(&mut self, id: PeerId, source_user: Snowflake, tier: Option<Tier>) -> Result<(), SignalError> {
        let viewer = self.peers.get(&id).ok_or(SignalError::Gone)?;
        let channel = viewer.channel_id;
        let members = self.rooms.get(&channel).map(|r| r.peers.clone()).unwrap_or_default();
        let source = members
            .iter()
            .filter_map(|m| self.peers.get(m))
            .find(|p| p.user_id == source_user && p.id != id && p.flags.self_stream)
            .ok_or(SignalError::NotFound)?;
        let (source_id, screen) =
            (source.id, source.tracks_in.iter().find(|t| t.kind == TrackKind::Screen).map(|t| t.mid));
        let viewer = self.peers.get_mut(&id).ok_or(SignalError::Gone)?;
        match tier {
            Some(tier) => {
                viewer.watching.insert(source_user, tier);
                if let Some(mid) = screen {
                    self.subscribe(id, source_id, mid);
                }
            }
            None => {
                viewer.watching.remove(&source_user);
                for track in
                    viewer.tracks_out.iter_mut().filter(|t| t.source == source_id && t.kind == TrackKind::Screen)
                {
                    track.gone = true;
                }
            }
        }
        if let Some(viewer) = self.peers.get_mut(&id) {
            negotiate::offer_changes(viewer);
        }
        self.retarget(id);
        if let Some(info) = self.stream_info(source_id) {
            self.broadcast(channel, None, &PeerEvent::Stream(info));
        }
        Ok(())
    }

    fn record(&mut self, id: PeerId, on: bool) {
        let Some(peer) = self.peers.get(&id) else { return };
        let (channel, user_id) = (peer.channel_id, peer.user_id);
        let Some(room) = self.rooms.get_mut(&channel) else { return };
        match (on, room.recording.is_some()) {
            (true, false) => room.recording = Some(Recording::new(user_id)),
            (false, true) => {
                let recording = room.recording.take().expect("checked");
                let _ = self.recordings.try_send(recording.finish(channel, user_id));
            }
            _ => return,
        }
        self.broadcast(channel, None, &PeerEvent::Recording { recording: on, user_id });
    }

    fn set_flags(&mut self, scope: Snowflake, user: Snowflake, flags: Flags) {
        for id in self.peers_of(scope, user) {
            let Some(peer) = self.peers.get_mut(&id) else { continue };
            let streaming = peer.flags.self_stream;
            peer.flags = Flags { self_stream: streaming, ..flags };
            let channel = peer.channel_id;
            let silenced = peer.flags.silenced() && peer.speaking.lapse(Instant::now(), true);
            let info = peer.info();
            if silenced {
                self.broadcast(channel, None, &PeerEvent::Speaking { user_id: user, speaking: false });
            }
            self.broadcast(channel, None, &PeerEvent::PeerUpdate(info));
        }
    }
}
