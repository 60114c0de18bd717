//! Server offers: when the tracks a participant should receive change (someone joins, leaves
//! or starts a stream it watches), the SFU adds and stops send-only m-lines and offers the
//! change. One offer is outstanding at a time; changes made meanwhile wait for the answer.

use std::collections::HashMap;

use str0m::change::SdpAnswer;
use str0m::media::{Direction, MediaKind, Mid};

use super::peer::{OutState, Peer};
use super::{PeerEvent, SentTrack, SignalError, TrackKind};

/// Offers what changed for `peer`, unless its first offer is not answered yet or an offer is
/// outstanding. Returns whether an offer went out.
pub fn offer_changes(peer: &mut Peer) -> bool {
    if !peer.negotiated || peer.pending.is_some() {
        return false;
    }
    // Tracks that never reached the client need no stop.
    peer.tracks_out.retain(|t| !(t.gone && t.state == OutState::ToOpen));
    let mut change = peer.rtc.sdp_api();
    for track in &mut peer.tracks_out {
        match track.state {
            OutState::ToOpen => {
                let kind = if track.kind == TrackKind::Audio { MediaKind::Audio } else { MediaKind::Video };
                let stream = Some(track.source_user.to_string());
                let mid = change.add_media(kind, Direction::SendOnly, stream, None, None);
                track.state = OutState::Negotiating(mid);
            }
            OutState::Open(mid) if track.gone => {
                change.stop_media(mid);
                track.state = OutState::NegotiatingStop(mid);
            }
            OutState::ToStop(mid) => {
                change.stop_media(mid);
                track.state = OutState::NegotiatingStop(mid);
            }
            _ => {}
        }
    }
    if !change.has_changes() {
        return false;
    }
    let Some((offer, pending)) = change.apply() else { return false };
    peer.pending = Some(pending);
    let tracks = sent_tracks(peer);
    peer.tell(PeerEvent::Offer { sdp: offer.to_sdp_string(), tracks });
    true
}

/// The m-lines the server sends on, as the client should label them.
fn sent_tracks(peer: &Peer) -> HashMap<String, SentTrack> {
    let live = |s: &OutState| matches!(s, OutState::Negotiating(_) | OutState::Open(_));
    peer.tracks_out
        .iter()
        .filter(|t| live(&t.state) && !t.gone)
        .filter_map(|t| Some((t.mid()?.to_string(), SentTrack { user_id: t.source_user, kind: t.kind })))
        .collect()
}

/// Applies the client's answer to the outstanding offer. Returns the mids that just opened,
/// for keyframe requests.
pub fn accept_answer(peer: &mut Peer, sdp: &str) -> Result<Vec<Mid>, SignalError> {
    let pending = peer.pending.take().ok_or_else(|| SignalError::BadRequest("no offer is waiting".into()))?;
    let answer = SdpAnswer::from_sdp_string(sdp).map_err(|e| SignalError::BadRequest(e.to_string()))?;
    peer.rtc.sdp_api().accept_answer(pending, answer).map_err(|e| SignalError::BadRequest(e.to_string()))?;
    let mut opened = Vec::new();
    for track in &mut peer.tracks_out {
        if let OutState::Negotiating(mid) = track.state {
            track.state = if track.gone { OutState::ToStop(mid) } else { OutState::Open(mid) };
            opened.push(mid);
        }
    }
    peer.tracks_out.retain(|t| !matches!(t.state, OutState::NegotiatingStop(_)));
    Ok(opened)
}
