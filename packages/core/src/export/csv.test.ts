import { describe, expect, it } from 'vitest';
import { neutralizeFormula, toCsv } from './csv.js';

describe('CSV for people', () => {
  it.each(['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', '\tx', '\rx', '\u0000x'])('neutralizes %j', (value) => {
    expect(neutralizeFormula(value)).toBe(`'${value}`);
  });

  it('leaves ordinary values alone and quotes as RFC 4180 says', () => {
    expect(neutralizeFormula('vs_123')).toBe('vs_123');
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['=1+1', 'line\nbreak']])).toBe('\ufeffa,b\r\n"x,y","say ""hi"""\r\n\'=1+1,"line\nbreak"\r\n');
  });
});
