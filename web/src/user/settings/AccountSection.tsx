import { type FormEvent, useState } from 'react';
import { useClient } from '../../app/context';
import { useSelect } from '../../state/store';
import { Avatar } from '../../ui/Avatar';
import { describe } from '../../auth/AuthScreen';

/** Display name, avatar, custom status, password. */
export function AccountSection() {
  const client = useClient();
  const me = useSelect((s) => s.me);
  const [globalName, setGlobalName] = useState(me?.global_name ?? '');
  const [custom, setCustom] = useState('');
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const run = (work: Promise<unknown>, done: string) =>
    work.then(() => setNotice(done), (e) => setNotice(describe(e)));

  const saveProfile = (e: FormEvent) => {
    e.preventDefault();
    void run(client.rest.patch('/users/@me', { global_name: globalName.trim() || null }), 'Profile saved.');
  };
  const saveStatus = (e: FormEvent) => {
    e.preventDefault();
    const custom_status = custom.trim() ? { text: custom.trim() } : null;
    void run(client.rest.patch('/users/@me/settings', { custom_status }), 'Custom status saved.');
  };
  const uploadAvatar = (file: File | undefined) => {
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => void run(client.rest.patch('/users/@me', { avatar: reader.result }), 'Avatar changed.');
    reader.readAsDataURL(file);
  };
  const changePassword = (e: FormEvent) => {
    e.preventDefault();
    void run(client.rest.post('/auth/password', { password: current, new_password: next }), 'Password changed.');
  };

  return (
    <div className="stack">
      <h3>My account</h3>
      <div className="avatar-row">
        <Avatar user={me} size={64} />
        <label className="button">
          Change avatar
          <input type="file" accept="image/png,image/jpeg,image/gif,image/webp" hidden onChange={(e) => uploadAvatar(e.target.files?.[0])} />
        </label>
      </div>
      <form className="stack" onSubmit={saveProfile}>
        <label>
          Display name
          <input name="global-name" value={globalName} onChange={(e) => setGlobalName(e.target.value)} maxLength={32} />
        </label>
        <button type="submit">Save profile</button>
      </form>
      <form className="stack" onSubmit={saveStatus}>
        <label>
          Custom status
          <input name="custom-status" value={custom} onChange={(e) => setCustom(e.target.value)} maxLength={128} />
        </label>
        <button type="submit">Set status</button>
      </form>
      <form className="stack" onSubmit={changePassword}>
        <label>
          Current password
          <input type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" required />
        </label>
        <label>
          New password
          <input type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" minLength={8} required />
        </label>
        <button type="submit">Change password</button>
      </form>
      {notice && <p role="status">{notice}</p>}
      <button className="danger" onClick={() => void client.signOut()}>
        Log out
      </button>
    </div>
  );
}
