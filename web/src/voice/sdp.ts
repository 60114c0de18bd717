// Pure helpers for what the session negotiates: the camera's simulcast layers, codec
// preference order, the `tracks` declaration of a client offer, and a small reader of SDP
// media sections (to check what an offer really says).

import type { TrackKind } from './messages';

/**
 * Camera simulcast layers, lowest first, because the SFU ranks layers in the order the
 * offer lists them (docs/voice-protocol.md §2). Bitrates stay under the SFU's prices for
 * each rank so that a layer it picks from its estimate fits.
 *
 * Chromium sends all three only for captures of at least 960x540: below that its
 * legacy layer limit drops the top layers (`f`, then `h`), and the SFU, which picks
 * layers from the offer rather than from what arrives, would wait for `f` forever. That
 * is why the session sends one camera layer unless asked for simulcast.
 */
export const CAMERA_LAYERS: readonly RTCRtpEncodingParameters[] = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
];

/** The smallest capture (in pixels) for which Chromium sends every camera layer. */
export const FULL_SIMULCAST_PIXELS = 960 * 540;

/**
 * `codecs` with those of `mimeType` (case-insensitive) first, the rest in their order.
 * Nothing is removed: retransmission (`rtx`) and FEC entries must stay for NACK and RTX to
 * be negotiated, and a codec the server lacks is simply not in its answer.
 */
export function preferCodec<C extends { mimeType: string }>(codecs: readonly C[], mimeType: string): C[] {
  const wanted = mimeType.toLowerCase();
  const first = codecs.filter((c) => c.mimeType.toLowerCase() === wanted);
  return [...first, ...codecs.filter((c) => c.mimeType.toLowerCase() !== wanted)];
}

/**
 * The `tracks` of a client offer: each transceiver's mid with what it carries. Mids exist
 * only after setLocalDescription; a missing one is a bug in the order of operations.
 */
export function declareTracks(
  roles: ReadonlyArray<{ mid: string | null; kind: TrackKind }>,
): Record<string, TrackKind> {
  const tracks: Record<string, TrackKind> = {};
  for (const { mid, kind } of roles) {
    if (mid === null) throw new Error(`the ${kind} transceiver has no mid: declare tracks after setLocalDescription`);
    tracks[mid] = kind;
  }
  return tracks;
}

/** One m-line of an SDP, as far as the voice client cares. */
export interface MediaSection {
  kind: string;
  mid: string | null;
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
  /** Rejected or stopped: port 0. */
  stopped: boolean;
  /** Codec names (`opus`, `VP8`, `rtx`…) in the order of the m-line's payload types. */
  codecs: string[];
  /** Header extension URIs (`a=extmap`). */
  extensions: string[];
  /** Send rids in `a=simulcast` order; empty without simulcast. */
  simulcast: string[];
}

export function mediaSections(sdp: string): MediaSection[] {
  const lines = sdp.split(/\r?\n/);
  const sections: MediaSection[] = [];
  let rtpmap = new Map<string, string>();
  let order: string[] = [];
  let current: MediaSection | null = null;
  const finish = () => {
    if (current) current.codecs = order.flatMap((pt) => rtpmap.get(pt) ?? []);
  };
  for (const line of lines) {
    const media = /^m=(\w+) (\d+) \S+ ?(.*)$/.exec(line);
    if (media) {
      finish();
      order = media[3].split(' ').filter(Boolean);
      rtpmap = new Map();
      current = {
        kind: media[1],
        mid: null,
        direction: 'sendrecv',
        stopped: media[2] === '0',
        codecs: [],
        extensions: [],
        simulcast: [],
      };
      sections.push(current);
      continue;
    }
    if (!current) continue;
    const attribute = /^a=([\w-]+)(?::(.*))?$/.exec(line);
    if (!attribute) continue;
    const [, name, value = ''] = attribute;
    if (name === 'mid') current.mid = value.trim();
    else if (name === 'sendrecv' || name === 'sendonly' || name === 'recvonly' || name === 'inactive') {
      current.direction = name;
    } else if (name === 'rtpmap') {
      const [pt, encoding = ''] = value.split(' ');
      rtpmap.set(pt, encoding.split('/')[0]);
    } else if (name === 'extmap') {
      const uri = value.split(' ')[1];
      if (uri) current.extensions.push(uri);
    } else if (name === 'simulcast') {
      current.simulcast = simulcastSendRids(value);
    }
  }
  finish();
  return sections;
}

/** `send q;h;f` (or `send ~q;h`, or with `,` alternatives) as its rids in order. */
function simulcastSendRids(value: string): string[] {
  const parts = value.trim().split(/\s+/);
  const send = parts.indexOf('send');
  if (send < 0 || send + 1 >= parts.length) return [];
  return parts[send + 1]
    .split(';')
    .map((alternatives) => alternatives.split(',')[0].replace(/^~/, ''))
    .filter(Boolean);
}

/** RFC 6464 audio levels in each audio packet: the SFU's speaking indicators come from them. */
export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
