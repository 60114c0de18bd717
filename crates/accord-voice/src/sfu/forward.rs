//! Forwarding: a participant's new track goes to the others (a screen only to its viewers),
//! each packet is written to every receiver's matching m-line, audio is dropped for a
//! server-muted sender and a deafened receiver, and video follows each receiver's layer,
//! switching at keyframes the SFU asks the sender for.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use accord_core::Snowflake;
use str0m::bwe::Bitrate;
use str0m::media::{KeyframeRequest, KeyframeRequestKind, MediaAdded, MediaData, MediaTime, Mid, Rid};

use super::engine::Engine;
use super::layers;
use super::negotiate;
use super::peer::{LayerState, OutState, TrackIn, TrackOut};
use super::{PeerEvent, PeerId, Quality, TrackKind};

/// At most one keyframe request per sent track this often: a burst of subscribers or
/// switches costs the sender one keyframe.
const KEYFRAME_EVERY: Duration = Duration::from_millis(250);
/// What each forwarded audio track is assumed to take of a receiver's estimate.
const AUDIO_KBPS: u64 = 64;
/// The step between the last frame before a layer switch and the first after, at 90 kHz.
const FRAME_STEP: i64 = 3000;

impl Engine {
    pub(super) fn on_media_added(&mut self, id: PeerId, added: MediaAdded) {
        if !added.direction.is_receiving() {
            return;
        }
        let Some(peer) = self.peers.get_mut(&id) else { return };
        let kind = peer.declared_kind(added.mid, added.kind.is_video());
        let layers = added
            .simulcast
            .map(|s| if s.recv.is_empty() { s.send } else { s.recv })
            .map(|l| l.into_iter().map(|layer| layer.rid).collect())
            .unwrap_or_default();
        peer.tracks_in.push(TrackIn {
            mid: added.mid,
            kind,
            layers,
            arrival: Default::default(),
            last_keyframe_request: None,
        });
        let (channel, user) = (peer.channel_id, peer.user_id);
        let others = self.rooms.get(&channel).map(|r| r.peers.clone()).unwrap_or_default();
        for other in others.into_iter().filter(|o| *o != id) {
            let Some(receiver) = self.peers.get(&other) else { continue };
            let wanted = kind != TrackKind::Screen || receiver.watching.contains_key(&user);
            if receiver.negotiated && wanted {
                self.subscribe(other, id, added.mid);
                if let Some(receiver) = self.peers.get_mut(&other) {
                    negotiate::offer_changes(receiver);
                }
            }
        }
    }

    /// `receiver` will get `source`'s track on `mid` (at its next offer).
    pub(super) fn subscribe(&mut self, receiver: PeerId, source: PeerId, mid: Mid) {
        let Some(track) = self.peers.get(&source).and_then(|s| s.track_in(mid).map(|t| (s.user_id, t.kind))) else {
            return;
        };
        let (source_user, kind) = track;
        let Some(peer) = self.peers.get_mut(&receiver) else { return };
        if peer.tracks_out.iter().any(|t| t.source == source && t.source_mid == mid && !t.gone) {
            return;
        }
        let layer = LayerState { waiting_keyframe: kind != TrackKind::Audio, ..LayerState::default() };
        peer.tracks_out.push(TrackOut {
            source,
            source_user,
            source_mid: mid,
            kind,
            state: OutState::ToOpen,
            gone: false,
            layer,
        });
    }

    pub(super) fn on_media(&mut self, id: PeerId, data: MediaData) {
        let now = Instant::now();
        let Some(source) = self.peers.get_mut(&id) else { return };
        let Some(track) = source.tracks_in.iter_mut().find(|t| t.mid == data.mid) else { return };
        let kind = track.kind;
        let layers_changed = match data.rid {
            Some(rid) if !track.layers.is_empty() => track.arrival.heard(rid, &track.layers, now),
            _ => false,
        };
        let (channel, user_id) = (source.channel_id, source.user_id);
        if layers_changed {
            self.retarget_receivers_of(id, channel);
        }
        let Some(source) = self.peers.get_mut(&id) else { return };
        if kind == TrackKind::Audio {
            if source.flags.silenced() {
                return;
            }
            if source.speaking.heard(data.ext_vals.audio_level, now) {
                self.broadcast(channel, None, &PeerEvent::Speaking { user_id, speaking: true });
            }
        }
        let Some(room) = self.rooms.get_mut(&channel) else { return };
        if let (TrackKind::Audio, Some(recording)) = (kind, room.recording.as_mut()) {
            recording.push(user_id, &data.data);
        }
        for other in room.peers.clone() {
            if other == id {
                continue;
            }
            let Some(receiver) = self.peers.get_mut(&other) else { continue };
            if kind == TrackKind::Audio && (receiver.flags.deaf || receiver.flags.self_deaf) {
                continue;
            }
            let Some(track) =
                receiver.tracks_out.iter_mut().find(|t| t.source == id && t.source_mid == data.mid && !t.gone)
            else {
                continue;
            };
            let Some(mid) = track.open_mid() else { continue };
            let time = if kind == TrackKind::Audio { Some(data.time) } else { admit(&mut track.layer, &data) };
            let Some(time) = time else { continue };
            let Some(mut writer) = receiver.rtc.writer(mid) else { continue };
            let Some(pt) = writer.match_params(data.params) else { continue };
            if let Some(level) = data.ext_vals.audio_level {
                writer = writer.audio_level(level, data.ext_vals.voice_activity.unwrap_or(level > -50));
            }
            if writer.write(pt, data.network_time, time, data.data.clone()).is_err() {
                receiver.rtc.disconnect();
            }
            self.stats.forwarded_packets.fetch_add(1, Ordering::Relaxed);
            self.drain(other);
        }
    }

    /// A receiver lost a picture: ask the sender of the layer it gets for a keyframe.
    pub(super) fn on_keyframe_request(&mut self, id: PeerId, request: KeyframeRequest) {
        let Some(receiver) = self.peers.get(&id) else { return };
        let Some(track) = receiver.tracks_out.iter().find(|t| t.open_mid() == Some(request.mid)) else { return };
        let rid = track.layer.target.or(track.layer.current);
        let (source, mid) = (track.source, track.source_mid);
        self.request_keyframe(source, mid, rid, request.kind);
    }

    pub(super) fn request_keyframes_for(&mut self, receiver: PeerId, mids: &[Mid]) {
        let Some(peer) = self.peers.get(&receiver) else { return };
        let wanted: Vec<_> = peer
            .tracks_out
            .iter()
            .filter(|t| t.kind != TrackKind::Audio && t.mid().is_some_and(|m| mids.contains(&m)))
            .map(|t| (t.source, t.source_mid, t.layer.target))
            .collect();
        for (source, mid, rid) in wanted {
            self.request_keyframe(source, mid, rid, KeyframeRequestKind::Pli);
        }
    }

    fn request_keyframe(&mut self, source: PeerId, mid: Mid, rid: Option<Rid>, kind: KeyframeRequestKind) {
        let Some(peer) = self.peers.get_mut(&source) else { return };
        let now = Instant::now();
        let Some(track) = peer.tracks_in.iter_mut().find(|t| t.mid == mid) else { return };
        if track.last_keyframe_request.is_some_and(|t| now.duration_since(t) < KEYFRAME_EVERY) {
            return;
        }
        track.last_keyframe_request = Some(now);
        if let Some(mut writer) = peer.rtc.writer(mid) {
            let _ = writer.request_keyframe(rid, kind);
        }
        self.drain(source);
    }

    /// Picks layers anew for everyone in `channel` receiving from `source` (the layers it
    /// sends changed).
    fn retarget_receivers_of(&mut self, source: PeerId, channel: Snowflake) {
        let members = self.rooms.get(&channel).map(|r| r.peers.clone()).unwrap_or_default();
        for receiver in members.into_iter().filter(|m| *m != source) {
            if self.peers.get(&receiver).is_some_and(|p| p.tracks_out.iter().any(|t| t.source == source)) {
                self.retarget(receiver);
            }
        }
    }

    /// Picks each video track's layer for `receiver` anew (its preferences or estimate
    /// changed), asking for a keyframe where the layer changes.
    pub(super) fn retarget(&mut self, receiver: PeerId) {
        let Some(peer) = self.peers.get(&receiver) else { return };
        let video = peer.tracks_out.iter().filter(|t| t.kind != TrackKind::Audio && !t.gone).count().max(1) as u64;
        let audio = peer.tracks_out.iter().filter(|t| t.kind == TrackKind::Audio).count() as u64;
        let share = peer.bitrate.as_u64().saturating_sub(audio * AUDIO_KBPS * 1000) / video;
        let mut switches = Vec::new();
        for (index, track) in peer.tracks_out.iter().enumerate() {
            if track.kind == TrackKind::Audio || track.gone {
                continue;
            }
            let quality = match track.kind {
                TrackKind::Screen => peer.watching.get(&track.source_user).map_or(Quality::High, |t| t.quality()),
                _ => peer.quality.get(&track.source_user).copied().unwrap_or_default(),
            };
            let layers = self
                .peers
                .get(&track.source)
                .and_then(|s| s.track_in(track.source_mid))
                .map(|t| t.arrival.live(&t.layers));
            let target = layers.and_then(|l| layers::choose(l, quality, Bitrate::bps(share)));
            if target != track.layer.target {
                switches.push((index, target, track.source, track.source_mid));
            }
        }
        for (index, target, source, mid) in switches {
            if let Some(track) = self.peers.get_mut(&receiver).and_then(|p| p.tracks_out.get_mut(index)) {
                track.layer.target = target;
            }
            self.request_keyframe(source, mid, target, KeyframeRequestKind::Pli);
        }
    }
}

/// Whether a video packet goes to a receiver, and at what time: packets of the current
/// layer pass; the target layer takes over at its first keyframe, its time rebased to
/// continue the receiver's timeline.
fn admit(layer: &mut LayerState, data: &MediaData) -> Option<MediaTime> {
    let switching = layer.current != layer.target || layer.waiting_keyframe;
    if data.rid == layer.target && switching {
        if !data.is_keyframe() {
            return None;
        }
        if layer.current != layer.target
            && let Some(last) = layer.last_written
        {
            layer.offset = last.rebase(data.time.frequency()).numer() as i64 + FRAME_STEP - data.time.numer() as i64;
        }
        layer.current = layer.target;
        layer.waiting_keyframe = false;
    } else if data.rid != layer.current || layer.waiting_keyframe {
        return None;
    }
    let time = MediaTime::new(data.time.numer().saturating_add_signed(layer.offset), data.time.frequency());
    layer.last_written = Some(time);
    Some(time)
}
