import { describe, expect, it } from 'vitest';
import { AUDIO_LEVEL_URI, CAMERA_LAYERS, declareTracks, mediaSections, preferCodec } from './sdp';

// Trimmed from a Chromium offer with the session's three transceivers and a simulcast camera.
const CHROME_OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1 2',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=sendrecv',
  'a=rtpmap:111 opus/48000/2',
  'a=rtpmap:63 red/48000/2',
  'a=rtpmap:9 G722/8000',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98',
  'a=mid:1',
  'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  'a=sendonly',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:98 H264/90000',
  'a=rid:q send',
  'a=rid:h send',
  'a=rid:f send',
  'a=simulcast:send q;h;f',
  'm=video 0 UDP/TLS/RTP/SAVPF 96',
  'a=mid:2',
  'a=inactive',
  'a=rtpmap:96 VP8/90000',
  '',
].join('\r\n');

describe('mediaSections', () => {
  it('reads each m-line: mid, direction, codec order, extensions, simulcast and stopped lines', () => {
    const [audio, camera, screen] = mediaSections(CHROME_OFFER);
    expect(audio).toMatchObject({ kind: 'audio', mid: '0', direction: 'sendrecv', stopped: false, codecs: ['opus', 'red', 'G722'] });
    expect(audio.extensions).toContain(AUDIO_LEVEL_URI);
    expect(camera).toMatchObject({ kind: 'video', mid: '1', direction: 'sendonly', codecs: ['VP8', 'rtx', 'H264'], simulcast: ['q', 'h', 'f'] });
    expect(screen).toMatchObject({ mid: '2', direction: 'inactive', stopped: true, simulcast: [] });
  });

  it('reads paused layers and alternatives in a simulcast line as their first rid', () => {
    const sdp = 'm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=simulcast:send ~q;h,h2;f recv r\r\n';
    expect(mediaSections(sdp)[0].simulcast).toEqual(['q', 'h', 'f']);
  });
});

describe('preferCodec', () => {
  it('moves the wanted codec first, case-insensitively, and keeps every other entry in order', () => {
    const codecs = [
      { mimeType: 'video/VP9' },
      { mimeType: 'video/rtx' },
      { mimeType: 'video/vp8' },
      { mimeType: 'video/H264' },
      { mimeType: 'video/VP8' },
    ];
    expect(preferCodec(codecs, 'video/VP8').map((c) => c.mimeType)).toEqual([
      'video/vp8',
      'video/VP8',
      'video/VP9',
      'video/rtx',
      'video/H264',
    ]);
  });

  it('leaves the order alone when the codec is missing', () => {
    const codecs = [{ mimeType: 'audio/PCMU' }, { mimeType: 'audio/G722' }];
    expect(preferCodec(codecs, 'audio/opus')).toEqual(codecs);
  });
});

describe('declareTracks', () => {
  it('maps each mid to what it carries', () => {
    expect(
      declareTracks([
        { mid: '0', kind: 'audio' },
        { mid: '1', kind: 'video' },
        { mid: '2', kind: 'screen' },
      ]),
    ).toEqual({ '0': 'audio', '1': 'video', '2': 'screen' });
  });

  it('refuses a transceiver without a mid (declared before setLocalDescription)', () => {
    expect(() => declareTracks([{ mid: null, kind: 'screen' }])).toThrow(/screen/);
  });
});

describe('CAMERA_LAYERS', () => {
  it('lists q, h, f lowest first, each twice the resolution and more bitrate than the last', () => {
    expect(CAMERA_LAYERS.map((l) => l.rid)).toEqual(['q', 'h', 'f']);
    expect(CAMERA_LAYERS.map((l) => l.scaleResolutionDownBy)).toEqual([4, 2, 1]);
    const bitrates = CAMERA_LAYERS.map((l) => l.maxBitrate ?? 0);
    expect([...bitrates].sort((a, b) => a - b)).toEqual(bitrates);
  });
});
