import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client.ts';
import type { CrmCustomer } from '../api/types.ts';

/** What the tenant's CRM knows about the customer; a placeholder until a connector is configured. */
export function CrmSection({ contactId }: { contactId: string }) {
  const { t, i18n } = useTranslation();
  const crm = useQuery({
    queryKey: ['crm', contactId],
    queryFn: () => api.get<CrmCustomer>(`/api/v1/contacts/${contactId}/crm`),
    retry: false,
    staleTime: 60_000,
  });
  const data = crm.data;
  return (
    <section className="panel-section" data-testid="crm-section">
      <h3>{t('customer.crm')}</h3>
      {!data?.enabled ? (
        <p className="muted">{t('customer.crmPlaceholder')}</p>
      ) : !data.found ? (
        <p className="muted">{t('customer.crmNotFound')}</p>
      ) : (
        <>
          {data.stale && (
            <p className="composer-warning">{t('customer.crmStale', { error: data.error ?? '' })}</p>
          )}
          <dl className="attributes">
            {Object.entries(data.attributes).map(([key, value]) => (
              <div key={key} className="attribute attribute-readonly">
                <dt>{key}</dt>
                <dd>
                  {typeof value === 'string' || typeof value === 'number' ? value : JSON.stringify(value)}
                </dd>
              </div>
            ))}
          </dl>
          {data.orders.length > 0 && (
            <ul className="crm-orders">
              {data.orders.slice(0, 5).map((order) => (
                <li key={order.id}>
                  {order.url ? (
                    <a href={order.url} target="_blank" rel="noreferrer">
                      {order.id}
                    </a>
                  ) : (
                    order.id
                  )}{' '}
                  {order.status && <span className="status">{order.status}</span>}{' '}
                  {order.total !== null && (
                    <span className="muted">
                      {order.total} {order.currency ?? ''}
                    </span>
                  )}
                  {order.date && (
                    <span className="muted"> · {new Date(order.date).toLocaleDateString(i18n.language)}</span>
                  )}
                </li>
              ))}
            </ul>
          )}
          {data.profileUrl && (
            <a href={data.profileUrl} target="_blank" rel="noreferrer">
              {t('customer.crmOpen')}
            </a>
          )}
        </>
      )}
    </section>
  );
}
