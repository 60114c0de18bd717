// Offer/answer with the voice server (docs/voice-protocol.md §2): our offer of audio,
// camera and screen, the server's offers of the others' tracks, and glare between them.
// The server is the impolite peer: an offer of ours that crosses one of its own is refused
// with `glare`, so we roll ours back, answer the server's, and offer again.
//
// Calls must come one at a time, in the order the server's messages arrived (the session
// queues them): the server orders its frames, and each step here depends on the last.

import type { MediaLink } from './media';
import type { ClientMessage } from './messages';

/** What an `error` frame meant for the negotiation. */
export type ErrorVerdict = 'offer-again' | 'offer-refused' | 'unrelated';

export class Negotiation {
  /** Our offer awaits its answer (or a `glare` refusal). */
  private offering = false;
  /** Another offer is wanted once the current one settles. */
  private offerAgain = false;
  /** Our first offer was answered: media can flow and server offers may come. */
  negotiated = false;

  constructor(
    private readonly link: MediaLink,
    private readonly send: (message: ClientMessage) => void,
  ) {}

  async offer(): Promise<void> {
    if (this.offering) {
      this.offerAgain = true;
      return;
    }
    this.offerAgain = false;
    this.offering = true;
    const { sdp, tracks } = await this.link.createOffer();
    this.send({ op: 'offer', d: { sdp, tracks } });
  }

  /** The browser asked for a new offer; before the first answer, the first offer covers it. */
  async renegotiate(): Promise<void> {
    if (this.negotiated) await this.offer();
  }

  async onAnswer(sdp: string): Promise<void> {
    // An answer to an offer we rolled back (or never made) has nothing to apply to.
    if (!this.offering || !this.link.hasLocalOffer) return;
    await this.link.acceptAnswer(sdp);
    this.offering = false;
    this.negotiated = true;
    if (this.offerAgain) await this.offer();
  }

  /** Answers a server offer; an offer of ours still waiting is rolled back by the link. */
  async onServerOffer(sdp: string): Promise<void> {
    this.send({ op: 'answer', d: { sdp: await this.link.answer(sdp) } });
  }

  async onError(code: string): Promise<ErrorVerdict> {
    if (!this.offering) return 'unrelated';
    if (code === 'glare') {
      // The server's offer came before this refusal and is answered by now.
      this.offering = false;
      await this.offer();
      return 'offer-again';
    }
    // Before the first answer only identify, heartbeats and our offer were sent, so an
    // error is the offer's. Later, errors can belong to any request (they do not say
    // which); the offer keeps waiting for its answer.
    return this.negotiated ? 'unrelated' : 'offer-refused';
  }
}
