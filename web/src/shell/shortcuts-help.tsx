import { useTranslation } from 'react-i18next';
import { Dialog } from '../components/dialog.tsx';

const SHORTCUTS = [
  ['J', 'next'],
  ['K', 'previous'],
  ['R', 'reply'],
  ['N', 'note'],
  ['A', 'assignMe'],
  ['E', 'resolve'],
  ['P', 'pending'],
  ['X', 'select'],
  ['I', 'customer'],
  ['/', 'search'],
  ['Ctrl/⌘ Enter', 'send'],
  ['G I', 'goInbox'],
  ['G C', 'goContacts'],
  ['?', 'help'],
  ['Esc', 'close'],
] as const;

export function ShortcutsHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog title={t('shortcuts.title')} open={open} onClose={onClose}>
      <dl className="shortcut-list">
        {SHORTCUTS.map(([keys, action]) => (
          <div key={action} className="shortcut-row">
            <dt>
              {keys.split(' ').map((key) => (
                <kbd key={key}>{key}</kbd>
              ))}
            </dt>
            <dd>{t(`shortcuts.${action}`)}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
