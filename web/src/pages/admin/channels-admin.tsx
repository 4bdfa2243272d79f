import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client.ts';
import { keys, useChannels } from '../../api/queries.ts';
import type { Channel, ChannelInput, ChannelUpdate, CreatedChannel } from '../../api/types.ts';
import { ErrorNotice, Spinner } from '../../components/feedback.tsx';
import { ChannelIcon } from '../../components/icons.tsx';
import { useAdminMutation } from './use-admin-mutation.ts';

export function ChannelsAdmin() {
  const { t } = useTranslation();
  const channels = useChannels();
  const [name, setName] = useState('');
  const [webhookUrl, setWebhookUrl] = useState('');
  const [created, setCreated] = useState<CreatedChannel | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useAdminMutation(keys.channels, (input: ChannelInput) =>
    api.post<CreatedChannel>('/api/v1/channels', input),
  );
  const update = useAdminMutation(keys.channels, ({ id, changes }: { id: string; changes: ChannelUpdate }) =>
    api.patch<Channel>(`/api/v1/channels/${id}`, changes),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        kind: 'api',
        name: name.trim(),
        settings: webhookUrl.trim() ? { webhookUrl: webhookUrl.trim() } : {},
      },
      {
        onSuccess: (channel) => {
          setCreated(channel);
          setCopied(false);
          setName('');
          setWebhookUrl('');
        },
      },
    );
  };
  const secret = created ? Object.values(created.secrets)[0] : undefined;

  return (
    <section className="admin-section" aria-labelledby="channels-title">
      <h2 id="channels-title">{t('admin.channels')}</h2>
      {channels.isPending ? (
        <Spinner />
      ) : channels.isError ? (
        <ErrorNotice error={channels.error} onRetry={() => void channels.refetch()} />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('admin.channelName')}</th>
              <th scope="col">{t('admin.channelKind')}</th>
              <th scope="col">{t('admin.inboundUrl')}</th>
              <th scope="col">{t('admin.health')}</th>
              <th scope="col">{t('admin.enabled')}</th>
            </tr>
          </thead>
          <tbody>
            {channels.data.items.map((channel) => (
              <tr key={channel.id}>
                <td>
                  <ChannelIcon kind={channel.kind} label={channel.kind} /> {channel.name}
                </td>
                <td>{channel.kind}</td>
                <td>
                  <code className="break">{channel.inboundUrl}</code>
                </td>
                <td>
                  <span
                    className={`health health-${channel.status}`}
                    title={channel.statusDetail ?? undefined}
                  >
                    {t(`admin.health_${channel.status}`)}
                  </span>
                </td>
                <td>
                  <button
                    type="button"
                    className="button button-small"
                    aria-pressed={channel.enabled}
                    onClick={() => update.mutate({ id: channel.id, changes: { enabled: !channel.enabled } })}
                  >
                    {channel.enabled ? t('admin.disable') : t('admin.enable')}
                  </button>{' '}
                  <span className="muted">{channel.enabled ? t('admin.enabled') : t('admin.disabled')}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {created && secret && (
        <div className="notice notice-success secret-box" role="status">
          <p>{t('admin.channelCreated')}</p>
          <dl>
            <dt>{t('admin.inboundUrl')}</dt>
            <dd>
              <code className="break">{created.inboundUrl}</code>
            </dd>
            <dt>{t('admin.signingSecret')}</dt>
            <dd>
              <code className="break" data-testid="channel-secret">
                {secret}
              </code>{' '}
              <button
                type="button"
                className="button button-small"
                onClick={() => void navigator.clipboard?.writeText(secret).then(() => setCopied(true))}
              >
                {copied ? t('app.copied') : t('app.copy')}
              </button>
            </dd>
          </dl>
        </div>
      )}
      <form className="form form-inline-grid" onSubmit={submit}>
        <h3>{t('admin.createChannel')}</h3>
        <label className="field">
          <span>{t('admin.channelName')}</span>
          <input required maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />
        </label>
        <label className="field">
          <span>
            {t('admin.webhookUrl')} ({t('app.optional')})
          </span>
          <input
            type="url"
            value={webhookUrl}
            placeholder="https://…"
            onChange={(event) => setWebhookUrl(event.target.value)}
          />
        </label>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {t('admin.createChannel')}
        </button>
      </form>
    </section>
  );
}
