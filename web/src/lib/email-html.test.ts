import { describe, expect, it } from 'vitest';
import { emailDocument, hasQuotedHtml, hasRemoteContent } from './email-html.ts';

describe('email HTML', () => {
  it('detects remote images and backgrounds', () => {
    expect(hasRemoteContent('<img src="https://tracker.example/p.gif">')).toBe(true);
    expect(hasRemoteContent('<div style="background:url(//cdn.example/x.png)">')).toBe(true);
    expect(hasRemoteContent('<img src="data:image/png;base64,AAAA">')).toBe(false);
    expect(hasRemoteContent('<p>https://example.com is a link in text</p>')).toBe(false);
  });

  it('blocks remote images and scripts until allowed, and hides quoted history', () => {
    const blocked = emailDocument('<p>Hi</p><blockquote type="cite">old</blockquote>', {
      allowRemote: false,
      showQuoted: false,
    });
    expect(blocked).toContain("default-src 'none'; img-src 'self' data:;");
    expect(blocked).toMatch(/blockquote,.*\{display:none!important\}/);
    expect(blocked).not.toContain('script-src');
    const allowed = emailDocument('<p>Hi</p>', { allowRemote: true, showQuoted: true });
    expect(allowed).toContain("img-src 'self' data: https: http:");
    expect(allowed).not.toContain('display:none');
    expect(hasQuotedHtml('<div class="gmail_quote">x</div>')).toBe(true);
    expect(hasQuotedHtml('<p>plain</p>')).toBe(false);
  });

  it('shows inline parts from our own attachment URLs', () => {
    const document = emailDocument('<img src="cid:logo@shop"><img src="cid:unknown">', {
      allowRemote: false,
      showQuoted: true,
      inline: { 'logo@shop': '/api/v1/attachments/1' },
    });
    expect(document).toContain('<img src="/api/v1/attachments/1">');
    expect(document).toContain('<img src="cid:unknown">');
  });
});
