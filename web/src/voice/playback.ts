// Plays the others' audio. A remote WebRTC audio track is silent until a media element
// plays it, so each participant's audio stream gets an <audio> element, kept here rather
// than in the DOM (detached elements play just as well), and muted while we are deafened.

import type { Snowflake } from '../api/types';

export class AudioPlayback {
  private readonly elements = new Map<Snowflake, HTMLAudioElement>();
  private muted = false;

  /** @param onBlocked called when the browser's autoplay policy refuses to play. */
  constructor(private readonly onBlocked: () => void) {}

  /** Plays exactly `streams`: new participants start, changed streams switch, the rest stop. */
  sync(streams: ReadonlyMap<Snowflake, MediaStream>): void {
    for (const [userId, element] of this.elements) {
      if (streams.get(userId) !== element.srcObject) {
        stop(element);
        this.elements.delete(userId);
      }
    }
    for (const [userId, stream] of streams) {
      if (this.elements.has(userId)) continue;
      const element = document.createElement('audio');
      element.autoplay = true;
      element.muted = this.muted;
      element.srcObject = stream;
      this.elements.set(userId, element);
      this.play(element);
    }
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    for (const element of this.elements.values()) element.muted = muted;
  }

  /** Retries playback, e.g. from a click handler after `onBlocked`. */
  async resume(): Promise<void> {
    await Promise.all([...this.elements.values()].map((e) => e.play()));
  }

  close(): void {
    for (const element of this.elements.values()) stop(element);
    this.elements.clear();
  }

  private play(element: HTMLAudioElement): void {
    let playing: Promise<void> | undefined;
    try {
      playing = element.play();
    } catch {
      // Environments without media playback (tests) throw instead of rejecting.
      return;
    }
    playing?.catch((e: unknown) => {
      if (e instanceof DOMException && e.name === 'NotAllowedError') this.onBlocked();
    });
  }
}

function stop(element: HTMLAudioElement): void {
  element.srcObject = null;
  try {
    element.pause();
  } catch {
    // As in play(): nothing to pause where playback does not exist.
  }
}
