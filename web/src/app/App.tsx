import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { Client } from '../client/client';
import { StoreContext } from '../state/store';
import { ClientContext } from './context';
import { navigate, parse, usePath } from './router';
import { AuthScreen } from '../auth/AuthScreen';
import { Shell } from './Shell';
import { VoiceManager } from '../voiceui/manager';
import { VoiceContext } from '../voiceui/useVoice';

export function App({ client }: { client: Client }) {
  const signedIn = useSyncExternalStore(
    (l) => client.auth.onChange(l),
    () => client.auth.signedIn,
  );
  const route = parse(usePath());
  const voice = useMemo(() => new VoiceManager(client), [client]);

  useEffect(() => {
    if (signedIn) void client.start();
    else {
      voice.leave();
      client.stop();
    }
  }, [client, voice, signedIn]);

  useEffect(() => {
    if (!signedIn && route.page !== 'login' && route.page !== 'register') {
      // Back here after signing in (an invite link, a channel).
      if (route.page === 'invite' || route.page === 'channels') sessionStorage.setItem('accord.next', location.pathname);
      navigate('/login', true);
    } else if (signedIn && (route.page === 'login' || route.page === 'register' || route.page === 'other')) {
      const next = sessionStorage.getItem('accord.next');
      sessionStorage.removeItem('accord.next');
      navigate(next ?? '/channels/@me', true);
    }
  }, [signedIn, route.page]);

  return (
    <ClientContext.Provider value={client}>
      <StoreContext.Provider value={client.store}>
        <VoiceContext.Provider value={voice}>
          {signedIn ? <Shell route={route} /> : <AuthScreen mode={route.page === 'register' ? 'register' : 'login'} />}
        </VoiceContext.Provider>
      </StoreContext.Provider>
    </ClientContext.Provider>
  );
}
