import { useState } from 'react';
import { useClient } from '../app/context';
import { useSelect } from '../state/store';
import { colorCss } from '../state/select';
import type { Role } from '../api/types';
import { PERMISSIONS } from './permissionNames';
import { describe } from '../auth/AuthScreen';

/** The guild's roles, highest first: create, rename, recolour, hoist, set permissions, delete. */
export function RolesTab({ guild }: { guild: string }) {
  const client = useClient();
  const roles = useSelect((s) => [...(s.guilds[guild]?.roles ?? [])].sort((a, b) => b.position - a.position));
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const role = roles.find((r) => r.id === selected);
  const create = () =>
    client.rest.post<Role>(`/guilds/${guild}/roles`, { name: 'new role' }).then((r) => setSelected(r.id), (e) => setNotice(describe(e)));
  return (
    <div className="roles-editor">
      <div className="role-list">
        <button onClick={() => void create()}>Create role</button>
        <ul role="listbox" aria-label="Roles">
          {roles.map((r) => (
            <li key={r.id} role="option" aria-selected={r.id === selected}>
              <button onClick={() => setSelected(r.id)}>
                <span className="role-dot" style={{ background: colorCss(r.color) ?? 'var(--muted)' }} />
                {r.id === guild ? '@everyone' : r.name}
              </button>
            </li>
          ))}
        </ul>
      </div>
      {role && <RoleForm key={role.id} guild={guild} role={role} onNotice={setNotice} />}
      {notice && <p role="status">{notice}</p>}
    </div>
  );
}

function RoleForm({ guild, role, onNotice }: { guild: string; role: Role; onNotice: (n: string) => void }) {
  const client = useClient();
  const everyone = role.id === guild;
  const [name, setName] = useState(role.name);
  const [color, setColor] = useState(colorCss(role.color) ?? '#000000');
  const [hoist, setHoist] = useState(role.hoist);
  const [mentionable, setMentionable] = useState(role.mentionable);
  const [perms, setPerms] = useState(BigInt(role.permissions));
  const save = () =>
    client.rest
      .patch(`/guilds/${guild}/roles/${role.id}`, {
        ...(everyone ? {} : { name, color: parseInt(color.slice(1), 16), hoist, mentionable }),
        permissions: perms.toString(),
      })
      .then(() => onNotice('Role saved.'), (e) => onNotice(describe(e)));
  const remove = () =>
    confirm(`Delete the role ${role.name}?`) &&
    client.rest.delete(`/guilds/${guild}/roles/${role.id}`).then(() => onNotice('Role deleted.'), (e) => onNotice(describe(e)));
  return (
    <form
      className="stack role-form"
      aria-label={`Edit role ${role.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {!everyone && (
        <>
          <label>
            Role name
            <input name="role-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
          </label>
          <label>
            Colour
            <input type="color" value={color} onChange={(e) => setColor(e.target.value)} />
          </label>
          <label className="choice">
            <input type="checkbox" checked={hoist} onChange={(e) => setHoist(e.target.checked)} /> Show members separately
          </label>
          <label className="choice">
            <input type="checkbox" checked={mentionable} onChange={(e) => setMentionable(e.target.checked)} /> Allow anyone to @mention
          </label>
        </>
      )}
      <fieldset className="permission-grid">
        <legend>Permissions</legend>
        {PERMISSIONS.map((p) => (
          <label key={p.label} className="choice">
            <input
              type="checkbox"
              checked={(perms & p.bit) === p.bit}
              onChange={(e) => setPerms((v) => (e.target.checked ? v | p.bit : v & ~p.bit))}
            />
            {p.label}
          </label>
        ))}
      </fieldset>
      <div className="row">
        <button type="submit" className="primary">
          Save role
        </button>
        {!everyone && (
          <button type="button" className="danger" onClick={() => void remove()}>
            Delete role
          </button>
        )}
      </div>
    </form>
  );
}
