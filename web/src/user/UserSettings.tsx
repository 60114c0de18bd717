import { useState } from 'react';
import { navigate } from '../app/router';
import { Dialog } from '../ui/Dialog';
import { SettingsLayout } from '../ui/SettingsLayout';
import { AccountSection } from './settings/AccountSection';
import { SecuritySection } from './settings/SecuritySection';
import { SessionsSection } from './settings/SessionsSection';
import { AppearanceSection } from './settings/AppearanceSection';

const SECTIONS = [
  { key: 'account', label: 'My account' },
  { key: 'security', label: 'Two-factor authentication' },
  { key: 'sessions', label: 'Sessions' },
  { key: 'appearance', label: 'Appearance and notifications' },
] as const;

/** `/settings/<section>`: the user's account, security, sessions and appearance. */
export function UserSettings({ section, onClose }: { section?: string; onClose: () => void }) {
  const [current, setCurrent] = useState<(typeof SECTIONS)[number]['key']>(SECTIONS.find((s) => s.key === section)?.key ?? 'account');
  return (
    <Dialog title="User settings" onClose={onClose} wide>
      <SettingsLayout
        label="Settings sections"
        tabs={SECTIONS}
        current={current}
        onChoose={(key) => {
          setCurrent(key as (typeof SECTIONS)[number]['key']);
          navigate(`/settings/${key}`, true);
        }}
      >
        {current === 'account' && <AccountSection />}
        {current === 'security' && <SecuritySection />}
        {current === 'sessions' && <SessionsSection />}
        {current === 'appearance' && <AppearanceSection />}
      </SettingsLayout>
    </Dialog>
  );
}
