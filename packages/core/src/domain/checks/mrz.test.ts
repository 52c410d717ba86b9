import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mrzBirthDate, mrzCheckDigit, mrzExpiryDate, parseMrz } from './mrz.js';

const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
const TD1 = ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'];

const rulesOf = (lines: ReadonlyArray<string>) => {
  const result = parseMrz(lines);
  return E.isLeft(result) ? result.left.failedRules : [];
};

describe('the check digit (Doc 9303 Part 3)', () => {
  it('weights 7, 3, 1 and takes the sum modulo 10', () => {
    expect(mrzCheckDigit('520727')).toBe(3);
    expect(mrzCheckDigit('L898902C3')).toBe(6);
    expect(mrzCheckDigit('<<<<')).toBe(0);
  });
});

describe('parseMrz against the ICAO specimens', () => {
  it('parses the TD3 specimen, whose state UTO is not a real one', () => {
    expect(parseMrz(TD3)).toEqual(
      E.right({
        format: 'TD3',
        documentCode: 'P',
        issuingState: 'UTO',
        documentNumber: 'L898902C3',
        nationality: 'UTO',
        birthDate: '740812',
        expiryDate: '120415',
        sex: 'female',
        surname: 'ERIKSSON',
        givenNames: 'ANNA MARIA',
      }),
    );
  });

  it('parses the TD1 specimen', () => {
    const result = parseMrz(TD1);
    expect(result).toMatchObject(E.right({ format: 'TD1', documentCode: 'I', documentNumber: 'D23145890', surname: 'ERIKSSON', givenNames: 'ANNA MARIA' }));
  });

  it('accepts the lines as one string, in lower case, with surrounding blanks', () => {
    expect(E.isRight(parseMrz(`  ${TD3[0]!.toLowerCase()}\n${TD3[1]}  `))).toBe(true);
  });

  it('a changed date-of-birth check digit fails that check and the composite', () => {
    expect(rulesOf([TD3[0]!, 'L898902C36UTO7408123F1204159ZE184226B<<<<<10'])).toEqual(['birth_date_check_digit', 'composite_check_digit']);
  });

  it('names the layout rule a malformed zone breaks', () => {
    expect(parseMrz([TD3[0]!])).toEqual(E.left({ check: 'mrz.layout@1', failedRules: ['line_count'] }));
    expect(parseMrz([TD3[0]!, TD3[1]!.slice(1)])).toEqual(E.left({ check: 'mrz.layout@1', failedRules: ['line_length'] }));
    expect(parseMrz([TD3[0]!, TD3[1]!.replace('L', 'é')])).toEqual(E.left({ check: 'mrz.layout@1', failedRules: ['charset'] }));
  });

  it('refuses a 2 × 44 zone that is not a passport (visas have no composite)', () => {
    expect(rulesOf(['V' + TD3[0]!.slice(1), TD3[1]!])).toEqual(['document_code']);
  });
});

// Builders of valid zones from their fields, with every check digit computed.
const cd = (field: string) => String(mrzCheckDigit(field));
const pad = (s: string, n: number) => s.padEnd(n, '<').slice(0, n);

interface Fields {
  readonly number: string;
  readonly birth: string;
  readonly expiry: string;
  readonly personal: string;
}

const td3 = (f: Fields): [string, string] => {
  const number = pad(f.number, 9);
  const personal = pad(f.personal, 14);
  const body = `${number}${cd(number)}UTO${f.birth}${cd(f.birth)}F${f.expiry}${cd(f.expiry)}${personal}${cd(personal)}`;
  const composite = cd(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43));
  return [pad('P<UTOERIKSSON<<ANNA', 44), body + composite];
};

const td2 = (f: Fields): [string, string] => {
  const number = pad(f.number, 9);
  const body = `${number}${cd(number)}UTO${f.birth}${cd(f.birth)}F${f.expiry}${cd(f.expiry)}${pad(f.personal, 7)}`;
  return [pad('I<UTOERIKSSON<<ANNA', 36), body + cd(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 35))];
};

const td1 = (f: Fields): [string, string, string] => {
  const number = pad(f.number, 9);
  const line1 = pad(`I<UTO${number}${cd(number)}${f.personal}`, 30);
  const line2Body = `${f.birth}${cd(f.birth)}F${f.expiry}${cd(f.expiry)}UTO${pad('', 11)}`;
  return [line1, line2Body + cd(line1.slice(5, 30) + line2Body.slice(0, 7) + line2Body.slice(8, 15) + line2Body.slice(18, 29)), pad('ERIKSSON<<ANNA', 30)];
};

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const yymmdd = fc
  .tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
  .map(([y, m, d]) => [y, m, d].map((n) => String(n).padStart(2, '0')).join(''));
const fields = fc.record({ number: digits(9), birth: yymmdd, expiry: yymmdd, personal: digits(6) });

/** Positions (0-based, on the line with the check digits) of each covered field's digits, and the rule naming its check. */
const FIELDS_TD3 = [
  { range: [0, 9], rule: 'document_number_check_digit' },
  { range: [13, 19], rule: 'birth_date_check_digit' },
  { range: [21, 27], rule: 'expiry_date_check_digit' },
  { range: [28, 34], rule: 'personal_number_check_digit' },
] as const;

const changeDigit = (line: string, position: number, delta: number) =>
  line.slice(0, position) + String((Number(line[position]) + delta) % 10) + line.slice(position + 1);

describe('parseMrz properties', () => {
  it('generated valid TD1, TD2 and TD3 zones always parse', () => {
    fc.assert(fc.property(fields, (f) => E.isRight(parseMrz(td3(f))) && E.isRight(parseMrz(td2(f))) && E.isRight(parseMrz(td1(f)))));
  });

  it('changing any one digit of a TD3 field breaks its check digit and the composite', () => {
    fc.assert(
      fc.property(fields, fc.constantFrom(...FIELDS_TD3), fc.nat(), fc.integer({ min: 1, max: 9 }), (f, field, offset, delta) => {
        const [l1, l2] = td3(f);
        const position = field.range[0] + (offset % (field.range[1] - field.range[0]));
        const rules = rulesOf([l1, changeDigit(l2, position, delta)]);
        expect(rules).toContain(field.rule);
        expect(rules).toContain('composite_check_digit');
      }),
    );
  });

  it('changing any one digit of a TD2 field breaks its check digit', () => {
    const covered = FIELDS_TD3.slice(0, 3);
    fc.assert(
      fc.property(fields, fc.constantFrom(...covered), fc.nat(), fc.integer({ min: 1, max: 9 }), (f, field, offset, delta) => {
        const [l1, l2] = td2(f);
        const position = field.range[0] + (offset % (field.range[1] - field.range[0]));
        expect(rulesOf([l1, changeDigit(l2, position, delta)])).toEqual(expect.arrayContaining([field.rule, 'composite_check_digit']));
      }),
    );
  });

  it('changing any one digit of a TD1 field breaks its check digit', () => {
    const td1Fields = [
      { line: 0, range: [5, 14], rule: 'document_number_check_digit' },
      { line: 1, range: [0, 6], rule: 'birth_date_check_digit' },
      { line: 1, range: [8, 14], rule: 'expiry_date_check_digit' },
    ] as const;
    fc.assert(
      fc.property(fields, fc.constantFrom(...td1Fields), fc.nat(), fc.integer({ min: 1, max: 9 }), (f, field, offset, delta) => {
        const lines = td1(f);
        const position = field.range[0] + (offset % (field.range[1] - field.range[0]));
        lines[field.line] = changeDigit(lines[field.line]!, position, delta);
        expect(rulesOf(lines)).toEqual(expect.arrayContaining([field.rule, 'composite_check_digit']));
      }),
    );
  });

  it('reads a TD1 document number longer than nine characters', () => {
    const number = 'D231458907AB';
    const line1 = pad(`I<UTO${number.slice(0, 9)}<${number.slice(9)}${cd(number)}`, 30);
    const line2Body = `740812${cd('740812')}F120415${cd('120415')}UTO${pad('', 11)}`;
    const line2 = line2Body + cd(line1.slice(5, 30) + line2Body.slice(0, 7) + line2Body.slice(8, 15) + line2Body.slice(18, 29));
    expect(parseMrz([line1, line2, pad('ERIKSSON<<ANNA', 30)])).toMatchObject(E.right({ documentNumber: number }));
  });
});

describe('MRZ dates', () => {
  const today = { year: 2026, month: 11, day: 26 };
  it('puts a date of birth in the latest century that is not after the reference date', () => {
    expect(mrzBirthDate('740812', today)).toEqual({ year: 1974, month: 8, day: 12 });
    expect(mrzBirthDate('261126', today)).toEqual({ year: 2026, month: 11, day: 26 });
    expect(mrzBirthDate('261127', today)).toEqual({ year: 1926, month: 11, day: 27 });
    expect(mrzBirthDate('050101', today)).toEqual({ year: 2005, month: 1, day: 1 });
  });
  it('puts every expiry date in the 2000s', () => {
    expect(mrzExpiryDate('120415')).toEqual({ year: 2012, month: 4, day: 15 });
    expect(mrzExpiryDate('991231')).toEqual({ year: 2099, month: 12, day: 31 });
  });
});
