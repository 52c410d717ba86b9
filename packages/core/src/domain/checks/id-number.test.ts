import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCpf, checkIdNumber, checkNric, checkSsn, cpfCheckDigits, maskedIdNumber, nricCheckLetter } from './id-number.js';

const rulesOf = (result: ReturnType<typeof checkIdNumber>) => (E.isLeft(result) ? result.left.failedRules : []);

describe('us_ssn structure (ssn.structure@1)', () => {
  it.each([
    ['123-45-6789', []],
    ['772-12-3456', []],
    ['000-12-3456', ['area_000']],
    ['987-65-4321', ['area_9xx']],
    ['987-65-4329', ['area_9xx']],
    ['987-66-4321', ['area_9xx']],
    ['666-12-3456', ['area_666']],
    ['123-00-4567', ['group_00']],
    ['123-45-0000', ['serial_0000']],
    ['078-05-1120', ['known_invalid']],
    ['219-09-9999', ['known_invalid']],
    ['457-55-5462', ['known_invalid']],
    ['900-70-1234', ['area_9xx_itin_range']],
    ['12-345-678', ['format']],
    ['123-45-678A', ['format']],
  ])('%s fails %j', (input, rules) => {
    expect(rulesOf(checkIdNumber('us_ssn', input))).toEqual(rules);
  });

  it('keeps areas 734–749 and 773–899 (no pre-2011 tables)', () => {
    expect(E.isRight(checkSsn('740-12-3456'))).toBe(true);
    expect(E.isRight(checkSsn('899-12-3456'))).toBe(true);
  });

  it('names the check and normalises the number', () => {
    expect(checkSsn(' 123 45 6789 ')).toEqual(E.right({ type: 'us_ssn', normalized: '123456789' }));
    expect(checkSsn('000-12-3456')).toEqual(E.left({ check: 'ssn.structure@1', failedRules: ['area_000'] }));
  });

  it('generated numbers outside the reserved ranges always pass', () => {
    const area = fc.integer({ min: 1, max: 899 }).filter((a) => a !== 666);
    fc.assert(
      fc.property(area, fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 9999 }), (a, g, s) => {
        const ssn = `${String(a).padStart(3, '0')}-${String(g).padStart(2, '0')}-${String(s).padStart(4, '0')}`;
        fc.pre(!['078-05-1120', '219-09-9999', '457-55-5462'].includes(ssn));
        expect(E.isRight(checkSsn(ssn))).toBe(true);
      }),
    );
  });
});

describe('br_cpf check digits (cpf.checksum@1)', () => {
  it.each([
    ['529.982.247-25', []],
    ['123.456.789-09', []],
    ['529.982.247-24', ['check_digit_2']],
    ['111.111.111-11', ['all_digits_equal']],
    ['529.982.247-2', ['format']],
  ])('%s fails %j', (input, rules) => {
    expect(rulesOf(checkIdNumber('br_cpf', input))).toEqual(rules);
  });

  const base = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }).map((d) => d.join(''));
  const validCpf = base.filter((b) => !/^(\d)\1{8}$/.test(b)).map((b) => b + cpfCheckDigits(b));

  it('generated valid CPFs always pass', () => {
    fc.assert(fc.property(validCpf, (cpf) => E.isRight(checkCpf(cpf))));
  });

  /** The remainders behind the two check digits: r < 2 gives check digit 0, so 0 and 1 collide. */
  const remainders = (cpf: string) => {
    const d = [...cpf].map(Number);
    return [d.slice(0, 9).reduce((s, x, i) => s + x * (10 - i), 0) % 11, d.slice(0, 10).reduce((s, x, i) => s + x * (11 - i), 0) % 11];
  };
  const zeroCollision = (a: string, b: string) =>
    remainders(a).every((r, i) => r === remainders(b)[i] || (r < 2 && remainders(b)[i]! < 2));

  it('changing any one digit of a valid CPF breaks its check, except where mod 11 maps remainders 0 and 1 both to 0', () => {
    fc.assert(
      fc.property(validCpf, fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 9 }), (cpf, position, delta) => {
        const changed = cpf.slice(0, position) + String((Number(cpf[position]) + delta) % 10) + cpf.slice(position + 1);
        return E.isLeft(checkCpf(changed)) || (position < 9 && zeroCollision(cpf, changed));
      }),
    );
  });

  it('the algorithm itself has that blind spot: 422.193.985-01 and 322.193.985-01 are both valid', () => {
    expect(E.isRight(checkCpf('422.193.985-01'))).toBe(true);
    expect(E.isRight(checkCpf('322.193.985-01'))).toBe(true);
  });

  it('changing either check digit always breaks the check', () => {
    fc.assert(
      fc.property(validCpf, fc.integer({ min: 9, max: 10 }), fc.integer({ min: 1, max: 9 }), (cpf, position, delta) =>
        E.isLeft(checkCpf(cpf.slice(0, position) + String((Number(cpf[position]) + delta) % 10) + cpf.slice(position + 1))),
      ),
    );
  });
});

describe('sg_nric check letter (nric.checksum@1)', () => {
  it.each([
    ['S1234567D', []],
    ['T1234567J', []],
    ['F1234567N', []],
    ['M3960741N', []],
    ['M1234567L', ['check_letter']],
    ['s1234567d', []],
    ['X1234567D', ['format']],
  ])('%s fails %j', (input, rules) => {
    expect(rulesOf(checkIdNumber('sg_nric', input))).toEqual(rules);
  });

  it('uses the M-series table, not "KLJNPQRTUWX"[r]', () => {
    // For M3960741: s = 3 + 6+63+36+0+28+12+2 = 150, r = 7; the wrong table would give "T".
    expect(nricCheckLetter('M', '3960741')).toBe('N');
    expect(E.isLeft(checkNric('M3960741T'))).toBe(true);
  });

  const validNric = fc
    .tuple(fc.constantFrom('S', 'T', 'F', 'G', 'M'), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 7, maxLength: 7 }))
    .map(([prefix, digits]) => prefix + digits.join('') + nricCheckLetter(prefix, digits.join('')));

  it('generated valid NRIC/FIN numbers always pass', () => {
    fc.assert(fc.property(validNric, (nric) => E.isRight(checkNric(nric))));
  });

  it('changing any one digit of a valid NRIC breaks its check', () => {
    fc.assert(
      fc.property(validNric, fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 9 }), (nric, position, delta) => {
        const changed = nric.slice(0, position) + String((Number(nric[position]) + delta) % 10) + nric.slice(position + 1);
        expect(E.isLeft(checkNric(changed))).toBe(true);
      }),
    );
  });
});

describe('masking', () => {
  it('shows only the last four digits of an SSN', () => {
    expect(maskedIdNumber('us_ssn', '123-45-6789')).toBe('6789');
    expect(maskedIdNumber('br_cpf', '529.982.247-25')).toBe('529.982.247-25');
  });
});
