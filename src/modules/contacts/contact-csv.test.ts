import { describe, expect, it } from 'vitest';
import { CsvError, csvLine, decodeCsv, detectDelimiter, parseCsv, unescapeCsvValue } from './contact-csv.ts';
import { mapHeader } from './contact-csv-columns.ts';

const fields = (text: string) => parseCsv(text).records.map((record) => record.fields);

describe('CSV parser', () => {
  it('reads quoted fields with delimiters, escaped quotes and line breaks, with CRLF or LF', () => {
    const text = 'name,note\r\n"Schmidt, Anna","sagt ""Hallo""\r\nzweite Zeile"\r\nBob,plain\nCarl,"x"\n';
    expect(fields(text)).toEqual([
      ['Schmidt, Anna', 'sagt "Hallo"\r\nzweite Zeile'],
      ['Bob', 'plain'],
      ['Carl', 'x'],
    ]);
  });

  it('strips a BOM, detects ; , and tab, and keeps empty fields', () => {
    expect(detectDelimiter('name;email;phone\n')).toBe(';');
    expect(detectDelimiter('"a;b",c,d\n')).toBe(',');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('single')).toBe(',');
    const table = parseCsv('\uFEFFName;E-Mail\r\n;a@example.de\r\nx;\r\n;;');
    expect(table.delimiter).toBe(';');
    expect(table.header).toEqual(['Name', 'E-Mail']);
    expect(table.records.map((record) => record.fields)).toEqual([
      ['', 'a@example.de'],
      ['x', ''],
      ['', '', ''],
    ]);
  });

  it('numbers rows as a spreadsheet does: header is row 1, blank lines and multi-line cells count once', () => {
    const table = parseCsv('a,b\n1,"two\nlines"\n\n3,x');
    expect(table.records.map((record) => [record.row, record.fields[0]])).toEqual([
      [2, '1'],
      [3, ''],
      [4, '3'],
    ]);
  });

  it('keeps a stray quote inside an unquoted field and fails on an unterminated quoted field', () => {
    expect(fields('a,b\n5" Zoll,x\n')).toEqual([['5" Zoll', 'x']]);
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(CsvError);
    try {
      parseCsv('a,b\n1,"open\n2,3\n');
    } catch (error) {
      expect((error as CsvError).line).toBe(2);
    }
  });

  it('decodes UTF-8 (with or without BOM), UTF-16 LE and Windows-1252', () => {
    expect(decodeCsv(Buffer.from('\uFEFFJürgen', 'utf8'))).toBe('Jürgen');
    expect(decodeCsv(Buffer.from('Jürgen', 'utf8'))).toBe('Jürgen');
    expect(decodeCsv(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Jürgen', 'utf16le')]))).toBe(
      'Jürgen',
    );
    expect(decodeCsv(Buffer.from([0x4a, 0xfc, 0x72, 0x67, 0x65, 0x6e]))).toBe('Jürgen');
  });

  it('writes fields that read back identically, guarding spreadsheet formulas', () => {
    const values = [
      'plain',
      'a,b',
      'say "hi"',
      'two\nlines',
      ' padded ',
      '=HYPERLINK("x")',
      '@SUM(A1)',
      '+49 30 123',
      '-5',
      '-foo',
      '',
    ];
    const line = csvLine(values);
    expect(line.endsWith('\r\n')).toBe(true);
    expect(line).toContain(`"'=HYPERLINK(""x"")"`);
    expect(line).toContain(',+49 30 123,');
    const [record] = fields(`${csvLine(values.map((_, index) => `c${index}`))}${line}`);
    expect(record!.map(unescapeCsvValue)).toEqual(values);
    expect(csvLine(['a;b', 'c'], ';')).toBe('"a;b";c\r\n');
  });
});

describe('CSV header mapping', () => {
  it('knows English and German names, numbered identity columns and attr.<key>, and warns about the rest', () => {
    const { columns, warnings } = mapHeader([
      'Name',
      'E-Mail',
      'E-Mail 2',
      'Telefon',
      'Handy',
      'WhatsApp',
      'Sprache',
      'Zeitzone',
      'Kundennummer',
      'attr.Tier',
      'Lieblingsfarbe',
      'name',
      '',
    ]);
    expect(columns.map((column) => [column.header, column.column])).toEqual([
      ['Name', { type: 'name' }],
      ['E-Mail', { type: 'identity', kind: 'email' }],
      ['E-Mail 2', { type: 'identity', kind: 'email' }],
      ['Telefon', { type: 'identity', kind: 'phone' }],
      ['Handy', { type: 'identity', kind: 'phone' }],
      ['WhatsApp', { type: 'identity', kind: 'whatsapp' }],
      ['Sprache', { type: 'language' }],
      ['Zeitzone', { type: 'timeZone' }],
      ['Kundennummer', { type: 'identity', kind: 'crm' }],
      ['attr.Tier', { type: 'attribute', key: 'Tier' }],
    ]);
    expect(warnings).toEqual([
      { column: 'Lieblingsfarbe', message: 'unknown column, ignored' },
      { column: 'name', message: 'appears more than once; only the first is used' },
    ]);
  });
});
