const REMOTE = /(\bsrc\s*=\s*["']?\s*(https?:)?\/\/)|(url\(\s*["']?\s*(https?:)?\/\/)|(\bsrcset\s*=)/i;

/** Whether an email refers to images or styles on other servers (tracking pixels, hosted images). */
export function hasRemoteContent(html: string): boolean {
  return REMOTE.test(html);
}

const QUOTE_SELECTORS = [
  'blockquote',
  '.gmail_quote',
  '.moz-cite-prefix',
  '#divRplyFwdMsg',
  '#appendonsend ~ *',
  '.yahoo_quoted',
];

/**
 * A complete document for a sandboxed `srcdoc` frame. Its own CSP allows no scripts, no fetches and
 * (until the agent allows them) no remote images; links open in a new tab; quoted history can be hidden.
 */
export function emailDocument(
  html: string,
  options: { allowRemote: boolean; showQuoted: boolean; inline?: Record<string, string> },
): string {
  // Inline parts (`cid:`) are our own attachments, served from this origin; they need no permission.
  const images = options.allowRemote ? "'self' data: https: http:" : "'self' data:";
  const body = html.replace(/(["'(])cid:([^"')\s>]+)/gi, (match, quote: string, id: string) => {
    const url = options.inline?.[id] ?? options.inline?.[id.replace(/^<|>$/g, '')];
    return url ? `${quote}${url}` : match;
  });
  const csp = `default-src 'none'; img-src ${images}; style-src 'unsafe-inline'${options.allowRemote ? ' https: http:' : ''}; font-src data:`;
  const hideQuotes = options.showQuoted ? '' : `${QUOTE_SELECTORS.join(',')}{display:none!important}`;
  return `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<base target="_blank">
<style>html,body{margin:0;padding:0;background:#fff;color:#111827;font:14px/1.5 system-ui,sans-serif;overflow-wrap:anywhere}
img{max-width:100%;height:auto}table{max-width:100%}pre{white-space:pre-wrap}${hideQuotes}</style>
</head><body>${body}</body></html>`;
}

/** Whether an HTML email has quoted history the frame can collapse. */
export function hasQuotedHtml(html: string): boolean {
  return /<blockquote|class=["'][^"']*(gmail_quote|yahoo_quoted)|id=["']?divRplyFwdMsg/i.test(html);
}
