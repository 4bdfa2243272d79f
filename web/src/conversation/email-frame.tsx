import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { emailDocument, hasQuotedHtml, hasRemoteContent } from '../lib/email-html.ts';

/**
 * An email's HTML in a sandboxed frame: no scripts (no `allow-scripts`), its own CSP, remote images
 * blocked until the agent asks for them, quoted history collapsed. Same-origin is allowed only so the
 * page can size the frame to its content; without scripts the frame cannot use it.
 */
export function EmailFrame({ html, inline }: { html: string; inline?: Record<string, string> }) {
  const { t } = useTranslation();
  const [allowRemote, setAllowRemote] = useState(false);
  const [showQuoted, setShowQuoted] = useState(false);
  const [height, setHeight] = useState(80);
  const frame = useRef<HTMLIFrameElement>(null);
  const remote = useMemo(() => hasRemoteContent(html), [html]);
  const quoted = useMemo(() => hasQuotedHtml(html), [html]);
  const srcDoc = useMemo(
    () => emailDocument(html, { allowRemote, showQuoted, inline }),
    [html, allowRemote, showQuoted, inline],
  );

  const observer = useRef<ResizeObserver | null>(null);
  useEffect(() => () => observer.current?.disconnect(), []);
  // Sized to its content on every (re)load of the document: remote images, quoted text toggled.
  const onLoad = () => {
    const document = frame.current?.contentDocument;
    if (!document?.body) return;
    const update = () => setHeight(Math.min(2_000, Math.max(40, document.documentElement.scrollHeight + 2)));
    update();
    observer.current?.disconnect();
    observer.current = new ResizeObserver(update);
    observer.current.observe(document.body);
  };

  return (
    <div className="email-frame">
      {remote && !allowRemote && (
        <p className="email-notice">
          {t('conversation.remoteBlocked')}{' '}
          <button type="button" className="button-link" onClick={() => setAllowRemote(true)}>
            {t('conversation.showRemote')}
          </button>
        </p>
      )}
      <iframe
        ref={frame}
        title={t('conversation.emailFrame')}
        sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
        referrerPolicy="no-referrer"
        srcDoc={srcDoc}
        onLoad={onLoad}
        style={{ height }}
      />
      {quoted && (
        <button
          type="button"
          className="button-link quoted-toggle"
          onClick={() => setShowQuoted((value) => !value)}
        >
          {showQuoted ? t('conversation.hideQuoted') : t('conversation.showQuoted')}
        </button>
      )}
    </div>
  );
}
