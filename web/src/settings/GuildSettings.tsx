import { useState } from 'react';
import { useSelect } from '../state/store';
import { P, guildPermissions, has } from '../state/permissions';
import { Dialog } from '../ui/Dialog';
import { SettingsLayout } from '../ui/SettingsLayout';
import { OverviewTab } from './OverviewTab';
import { RolesTab } from './RolesTab';
import { ChannelPermissionsTab } from './ChannelPermissionsTab';
import { InvitesTab } from './InvitesTab';
import { BansTab } from './BansTab';
import { AuditLogTab } from './AuditLogTab';

const TABS = [
  { key: 'overview', label: 'Overview', needs: P.MANAGE_GUILD },
  { key: 'roles', label: 'Roles', needs: P.MANAGE_ROLES },
  { key: 'channels', label: 'Channel permissions', needs: P.MANAGE_ROLES },
  { key: 'invites', label: 'Invites', needs: P.MANAGE_GUILD },
  { key: 'bans', label: 'Bans', needs: P.BAN_MEMBERS },
  { key: 'audit', label: 'Audit log', needs: P.VIEW_AUDIT_LOG },
] as const;

/** Server settings: the tabs the user's permissions open. */
export function GuildSettings({ guild, onClose }: { guild: string; onClose: () => void }) {
  const perms = useSelect((s) => {
    const g = s.guilds[guild];
    return g && s.me ? guildPermissions(g, s.members[guild]?.[s.me.id], s.me.id) : 0n;
  });
  const tabs = TABS.filter((t) => has(perms, t.needs));
  const [tab, setTab] = useState<string>(tabs[0]?.key ?? 'overview');
  return (
    <Dialog title="Server settings" onClose={onClose} wide>
      <SettingsLayout label="Server settings sections" tabs={tabs} current={tab} onChoose={setTab}>
        {tab === 'overview' && <OverviewTab guild={guild} onDeleted={onClose} />}
        {tab === 'roles' && <RolesTab guild={guild} />}
        {tab === 'channels' && <ChannelPermissionsTab guild={guild} />}
        {tab === 'invites' && <InvitesTab guild={guild} />}
        {tab === 'bans' && <BansTab guild={guild} />}
        {tab === 'audit' && <AuditLogTab guild={guild} />}
      </SettingsLayout>
    </Dialog>
  );
}
