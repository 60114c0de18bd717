import { type FormEvent, useState } from 'react';
import { useClient } from '../app/context';
import { navigate } from '../app/router';
import { useSelect } from '../state/store';
import { describe } from '../auth/AuthScreen';

export function OverviewTab({ guild, onDeleted }: { guild: string; onDeleted: () => void }) {
  const client = useClient();
  const current = useSelect((s) => s.guilds[guild]);
  const owner = useSelect((s) => s.guilds[guild]?.owner_id === s.me?.id);
  const [name, setName] = useState(current?.name ?? '');
  const [description, setDescription] = useState(current?.description ?? '');
  const [notice, setNotice] = useState<string | null>(null);
  const save = (e: FormEvent) => {
    e.preventDefault();
    client.rest
      .patch(`/guilds/${guild}`, { name: name.trim(), description: description.trim() || null })
      .then(() => setNotice('Saved.'), (err) => setNotice(describe(err)));
  };
  const icon = (file?: File) => {
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () =>
      client.rest.patch(`/guilds/${guild}`, { icon: reader.result }).then(() => setNotice('Icon changed.'), (err) => setNotice(describe(err)));
    reader.readAsDataURL(file);
  };
  const remove = () => {
    if (!confirm(`Delete ${current?.name}? This cannot be undone.`)) return;
    client.rest.delete(`/guilds/${guild}`).then(() => {
      onDeleted();
      navigate('/channels/@me');
    }, (err) => setNotice(describe(err)));
  };
  return (
    <div className="stack">
      <h3>Overview</h3>
      <form className="stack" onSubmit={save}>
        <label>
          Server name
          <input name="guild-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />
        </label>
        <label>
          Description
          <textarea value={description} onChange={(e) => setDescription(e.target.value)} maxLength={120} />
        </label>
        <label className="button">
          Upload icon
          <input type="file" accept="image/png,image/jpeg,image/gif,image/webp" hidden onChange={(e) => icon(e.target.files?.[0])} />
        </label>
        <button type="submit" className="primary">
          Save
        </button>
      </form>
      {notice && <p role="status">{notice}</p>}
      {owner && (
        <button className="danger" onClick={remove}>
          Delete server
        </button>
      )}
    </div>
  );
}
