import { createContext, useContext, useSyncExternalStore } from 'react';
import type { VoiceManager, VoiceUi } from './manager';

export const VoiceContext = createContext<VoiceManager | null>(null);

export function useVoice(): VoiceManager {
  const voice = useContext(VoiceContext);
  if (!voice) throw new Error('no voice manager');
  return voice;
}

/** The voice connection's state; re-renders on every change of it. */
export function useVoiceState(): VoiceUi {
  const voice = useVoice();
  return useSyncExternalStore(voice.subscribe, () => voice.state);
}
