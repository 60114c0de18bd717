// The others' media as the app sees it: one MediaStream per participant and kind, built
// from the tracks the peer connection receives and the server's list of what each m-line
// carries. A track keeps its MediaStream across rebuilds, so <video> elements and audio
// playback are not reset by every server offer.

import type { Snowflake } from '../api/types';
import type { SentTrack } from './messages';
import { remoteByUser } from './protocol';

/** One participant's media, one MediaStream per kind. */
export interface RemoteMedia {
  audio?: MediaStream;
  video?: MediaStream;
  screen?: MediaStream;
}

export class RemoteMediaIndex {
  private readonly streamOfTrack = new WeakMap<MediaStreamTrack, MediaStream>();
  private current: ReadonlyMap<Snowflake, RemoteMedia> = new Map();

  get byUser(): ReadonlyMap<Snowflake, RemoteMedia> {
    return this.current;
  }

  /** Each participant's audio, for playback. */
  get audio(): Map<Snowflake, MediaStream> {
    const audio = new Map<Snowflake, MediaStream>();
    for (const [userId, media] of this.current) if (media.audio) audio.set(userId, media.audio);
    return audio;
  }

  /** Rebuilds from the server's track list and the tracks received, by mid. */
  rebuild(tracks: ReadonlyMap<string, SentTrack>, received: ReadonlyMap<string, MediaStreamTrack>): void {
    const byUser = new Map<Snowflake, RemoteMedia>();
    for (const [userId, kinds] of remoteByUser(tracks, received)) {
      const media: RemoteMedia = {};
      for (const kind of ['audio', 'video', 'screen'] as const) {
        const track = kinds[kind];
        if (track) media[kind] = this.streamOf(track);
      }
      byUser.set(userId, media);
    }
    this.current = byUser;
  }

  private streamOf(track: MediaStreamTrack): MediaStream {
    let stream = this.streamOfTrack.get(track);
    if (!stream) {
      stream = new MediaStream([track]);
      this.streamOfTrack.set(track, stream);
    }
    return stream;
  }
}
