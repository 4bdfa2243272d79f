import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { splitReply } from './reply-text.parser.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPLY_PARSER = path.resolve(here, '../../../../shared/data/email/reply-parser');
const GERMAN = path.resolve(here, '../../../test/fixtures/email/german');
const fixture = (name: string) => readFileSync(path.join(REPLY_PARSER, `${name}.txt`), 'utf8');
const split = (name: string) => splitReply(fixture(name));

/** The reply text most fixtures of the reply-parser corpus start with (its tests compare against it). */
const COMMON = fixture('email_german').split('\n').slice(0, 5).join('\n');

describe('splitReply on the reply-parser corpus', () => {
  it.each([
    '7',
    '8',
    '9',
    '10',
    '11',
    '12',
    '13',
    '14',
    '15',
    '16',
    '17',
    '18',
    '22',
    '23',
    '24',
    '25',
    '26',
    'portuguese',
    'german',
    'german_2',
    'german_3',
    'german_outlook',
    'norwegian_gmail',
    'finnish',
    'italian',
    'russian',
    'outlook_split_line_from',
    'gmail_split_line_from',
    'ios_outlook_fr',
    'ios_outlook',
    'msn',
    'fr_multiline',
    'french_2',
    'en_multiline_2',
    'original_message',
    'original_message_2',
    'danish_dash_separator',
    'french_dash_separator',
    'tricky_5_mixed_languages',
    'tricky_10_special_chars_in_name',
    'tricky_12_no_space_after_header',
    'tricky_14_long_quote_header',
    'tricky_15_original_message_variations',
  ])('separates the quote of email_%s', (name) => {
    const result = split(`email_${name}`);
    expect(result.text).toBe(COMMON);
    expect(result.quoted ?? result.signature).toBeTruthy();
  });

  it('finds attributions that wrap over several lines and keep the reply text whole', () => {
    expect(split('email_3').text).toBe('Oh thanks.\n\nHaving the function would be great.\n\n-Abhishek Kona');
    expect(split('email_4')).toMatchObject({
      text: expect.stringMatching(/^Awesome/),
      quoted: expect.stringMatching(/^On[\s\S]*Loader/),
    });
    expect(split('email_6').quoted).toMatch(/^On Dec 16, 2011[\s\S]*Was this/);
    expect(split('email_thread').text).toBe('This is new email reply in thread from bellow.');
    expect(split('email_one_is_not_on')).toMatchObject({
      text: expect.stringMatching(/One outstanding question/),
      quoted: expect.stringMatching(/^On Oct 1, 2012/),
    });
    expect(split('email_reply_header').text).toMatch(/^On the other hand/m);
    expect(split('email_reply_header').quoted).toMatch(/^On Wed, Dec 9/);
    expect(split('email_zoho').text).toBe(
      'What is the best way to clear a Riak bucket of all key, values after\nrunning a test?',
    );
    expect(split('email_custom_quote_header').text).toBe('Thank you!');
    expect(split('email_customer_quote_header_2').text).toBe('Thank you very much.');
    expect(split('email_customer_quote_header_3').text).toBe(
      "bonjour,\nje n'ai pas eu de retour sur ma précision..\nmerci d'avance",
    );
    expect(split('email_2_1').text).toBe('Outlook with a reply');
    expect(split('email_20').text).toBe('On Thursday.');
    expect(split('email_unquoted_reply').text).toBe('This is my reply.');
    expect(split('email_bullets')).toMatchObject({
      text: expect.stringContaining('- how about bullets'),
      quoted: expect.any(String),
    });
    expect(split('email_tricky_9_nested_quotes')).toMatchObject({
      text: 'I agree with the points below.',
      quoted: expect.any(String),
    });
    expect(split('email_tricky_20_html_entities')).toMatchObject({
      text: expect.stringMatching(/&gt; 100 and &lt; 200/),
      quoted: expect.any(String),
    });
  });

  it('separates signatures: "-- ", "__" and mobile footers, not lookalikes', () => {
    expect(split('correct_sig')).toEqual({
      text: 'this is an email with a correct -- signature.',
      signature: '--\nrick',
    });
    expect(split('sig_no_empty_line').signature).toMatch(/^--\nrick/);
    expect(split('email_1')).toMatchObject({
      text: 'Hi folks\n\nWhat is the best way to clear a Riak bucket of all key, values after\nrunning a test?\nI am currently using the Java HTTP API.\n\n-Abhishek Kona',
      signature: expect.stringMatching(/^__\nriak-users mailing list/),
    });
    for (const name of ['email_iphone', 'email_blackberry', 'email_multi_word_sent_from_my_mobile_device']) {
      expect(split(name)).toEqual({
        text: 'Here is another email',
        signature: expect.stringMatching(/^Sent from my /),
      });
    }
    expect(split('email_sent_from').text).toBe(
      'Hi it can happen to any texts you type, as long as you type in between words or paragraphs.',
    );
    expect(split('email_19')).toMatchObject({
      text: 'On Thursday, I get proper rendering.',
      signature: 'Sent from a magnificent torch of pixels',
    });
    expect(split('email_tricky_11_double_signature')).toMatchObject({
      text: 'Thanks for your help!\n\nBest regards,\nJohn',
      signature: expect.stringMatching(/^--\nJohn Doe/),
    });
    expect(split('email_emoji')).toEqual({ text: '🎉\n\n—\nJohn Doe\nCEO at Pandaland\n\n@pandaland' });
    expect(split('email_sent_from_my_not_signature').text).toContain('Sent from my desk, is much easier');
    for (const name of [
      'email_not_a_signature',
      'email_not_a_signature_2',
      'email_5',
      'email_21',
      'email_tricky_1_on_false_positive',
      'email_tricky_2_url_with_wrote',
      'email_tricky_3_code_block',
      'email_tricky_4_from_in_body',
      'email_tricky_6_regards_in_sentence',
      'email_tricky_7_multiple_dashes',
      'email_tricky_8_sent_from_in_content',
      'email_tricky_13_timestamp_variations',
    ]) {
      expect(split(name), name).toEqual({ text: fixture(name).trimEnd() });
    }
  });

  // Deliberate differences from the corpus' own expectations: a helpdesk must never hide what the
  // customer wrote, so answers between quoted lines stay, and a forward is content, not history.
  it('keeps inline answers, forwarded mail and sign-offs visible', () => {
    expect(split('email_2').text).toContain('You can list the keys for the bucket');
    expect(split('email_tricky_18_inline_reply').text).toContain(
      'Option C is not suitable for our use case.',
    );
    expect(split('email_tricky_19_quote_without_header').text).toContain('And my final thoughts.');
    expect(split('email_tricky_17_forward_header').text).toContain('This is the forwarded content');
    expect(split('email_with_regards').text).toBe(
      'Hi, \n\nI still have the same problem....\n\nCan you help?\n\nRegards,\n\nJohn Doe\nCEO @ Acme !',
    );
    expect(
      splitReply('FYI\n\n-----Original Message-----\nFrom: a@b.example\nSent: today\n\nBody', {
        forwarded: true,
      }).text,
    ).toContain('Body');
  });
});

describe('splitReply on German mail clients', () => {
  const files = readdirSync(GERMAN).filter((file) => file.endsWith('.txt'));

  it.each(files)('%s', (file) => {
    const result = splitReply(readFileSync(path.join(GERMAN, file), 'utf8'));
    expect(result.text).toMatch(/^Hallo Frau Schmidt,\n\s*\nvielen Dank, das Paket ist heute angekommen\./);
    expect(result.text).not.toContain('Ihr Paket ist unterwegs');
    expect(result.quoted).toContain('Ihr Paket ist unterwegs.');
  });

  it('puts a Thunderbird signature aside and keeps the greeting', () => {
    const result = splitReply(readFileSync(path.join(GERMAN, 'thunderbird-de.txt'), 'utf8'));
    expect(result.signature).toBe('-- \nMax Mustermann\nEinkauf, Firma GmbH\nTel. 030 1234567');
    expect(result.quoted).toMatch(/^Am 03\.03\.26 um 10:12 schrieb Shop Support:/);
  });
});
