import type { GatewayStatus } from '../api/gateway';

/** Shown while the gateway is not connected; the client reconnects and resumes by itself. */
export function OfflineBanner({ status }: { status: GatewayStatus }) {
  if (status === 'ready' || status === 'connecting' || status === 'stopped') return null;
  return (
    <div className="offline-banner" role="status" aria-live="polite">
      {status === 'offline' ? 'You are offline. Reconnecting…' : 'Reconnecting…'}
    </div>
  );
}
