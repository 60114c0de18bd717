import { avatarUrl, displayName } from '../api/rest';
import type { Status, User } from '../api/types';

/** A round avatar (the image, or the name's initial on a colour from the id), with an optional
 * presence dot and speaking ring. */
export function Avatar({ user, size = 32, status, speaking }: { user?: User | null; size?: number; status?: Status; speaking?: boolean }) {
  const url = avatarUrl(user, size * 2);
  const name = displayName(user);
  const hue = user ? Number(BigInt(user.id) % 360n) : 0;
  return (
    <span className={`avatar${speaking ? ' speaking' : ''}`} style={{ width: size, height: size }} aria-hidden="true">
      {url ? (
        <img src={url} alt="" width={size} height={size} />
      ) : (
        <span className="avatar-fallback" style={{ background: `hsl(${hue} 45% 45%)`, fontSize: size * 0.45 }}>
          {name.slice(0, 1).toUpperCase()}
        </span>
      )}
      {status && <span className={`presence-dot ${status === 'invisible' ? 'offline' : status}`} />}
    </span>
  );
}
