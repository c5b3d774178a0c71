/** PII detection and masking on a realistic fixture with known PII columns (test/fixtures/pii-customers.csv). */
import { describe, expect, it } from 'vitest';
import { readFrameChunks } from '../../data/io/read-frame.js';
import { frameFromRecords } from '../../core/frame-builder.js';
import { detectPii } from './detect-pii.js';
import { ibanValid, isPaymentCard, isPhone, luhnValid, VALUE_DETECTORS } from './pii-detectors.js';
import { maskFrame, maskRecord, parseMaskingPolicy } from './masking-policy.js';

const FIXTURE = 'test/fixtures/pii-customers.csv';

describe('detectors', () => {
  it('checks cards with Luhn and IBANs with mod-97', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(isPaymentCard('4111 1111 1111 1111')).toBe(true);
    expect(isPaymentCard('1234 5678 9012 3456')).toBe(false);
    expect(ibanValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanValid('GB82WEST12345698765433')).toBe(false);
    expect(VALUE_DETECTORS.iban('DE89 3704 0044 0532 0130 00')).toBe(true);
  });

  it('tells phones from dates, amounts and ids', () => {
    expect(isPhone('+44 20 7946 0958')).toBe(true);
    expect(isPhone('(555) 123-4567')).toBe(true);
    expect(isPhone('2024-01-31')).toBe(false);
    expect(isPhone('12345')).toBe(false);
    expect(isPhone('1234567')).toBe(false);
  });

  it('knows IPs, SSNs and NINOs, and refuses look-alikes', () => {
    expect(VALUE_DETECTORS.ip_address('192.168.0.1')).toBe(true);
    expect(VALUE_DETECTORS.ip_address('2001:db8::1')).toBe(true);
    expect(VALUE_DETECTORS.ip_address('999.1.1.1')).toBe(false);
    expect(VALUE_DETECTORS.national_id('123-45-6789')).toBe(true);
    expect(VALUE_DETECTORS.national_id('000-45-6789')).toBe(false);
    expect(VALUE_DETECTORS.national_id('AB 12 34 56 C')).toBe(true);
  });
});

describe('detectPii on the fixture', () => {
  it('finds every PII column with its kind, and nothing else', async () => {
    const found = await detectPii(readFrameChunks(FIXTURE, {}));
    const byColumn = Object.fromEntries(found.map((f) => [f.column, f]));
    expect(Object.keys(byColumn).sort()).toEqual(['card_number', 'email', 'full_name', 'iban', 'last_ip', 'phone', 'ssn']);
    expect(byColumn.email).toMatchObject({ kind: 'email', matches: 180, checked: 180, confidence: 1, evidence: 'header+values' });
    expect(byColumn.card_number).toMatchObject({ kind: 'payment_card', matches: 200, checked: 200 });
    expect(byColumn.iban).toMatchObject({ kind: 'iban', matches: 200 });
    expect(byColumn.phone).toMatchObject({ kind: 'phone', matches: 200 });
    expect(byColumn.last_ip).toMatchObject({ kind: 'ip_address', matches: 200, evidence: 'values' });
    expect(byColumn.ssn).toMatchObject({ kind: 'national_id', matches: 200 });
    expect(byColumn.full_name).toMatchObject({ kind: 'person_name', evidence: 'header' });
  });
});

describe('masking', () => {
  const frame = frameFromRecords([
    { id: 1, email: 'ann@example.com', card: '4111 1111 1111 1111', name: 'Ann Lee' },
    { id: 2, email: 'bob@example.com', card: null, name: 'Bob Ray' },
    { id: 3, email: 'ann@example.com', card: '5500 0000 0000 0004', name: 'Cy Dee' },
  ]);
  const policy = parseMaskingPolicy({
    version: 1,
    rules: [
      { column: 'email', action: 'hash' },
      { column: 'card', action: 'partial', keep: 4 },
      { column: 'name', action: 'drop' },
    ],
  });

  it('hashes joinably, masks partially, drops, and keeps missing values missing', () => {
    const out = maskFrame(frame, policy, 'salt-1');
    expect(out.names).toEqual(['id', 'email', 'card']);
    const rows = [0, 1, 2].map((i) => out.row(i));
    expect(rows[0].email).toBe(rows[2].email);
    expect(rows[0].email).not.toBe(rows[1].email);
    expect(String(rows[0].email)).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].card).toBe('***************1111');
    expect(rows[1].card).toBeNull();
    expect(maskFrame(frame, policy, 'salt-2').row(0).email).not.toBe(rows[0].email);
  });

  it('masks records the same way (capture rows, logs)', () => {
    const rec = maskRecord({ id: 1, email: 'ann@example.com', card: '4111 1111 1111 1111', name: 'Ann Lee' }, policy, 'salt-1');
    expect(rec).toEqual({ id: 1, email: maskFrame(frame, policy, 'salt-1').row(0).email, card: '***************1111' });
  });

  it('refuses a policy naming an unknown column or action', () => {
    expect(() => maskFrame(frame, parseMaskingPolicy({ version: 1, rules: [{ column: 'nope', action: 'redact' }] }), 's')).toThrow(/column "nope"/);
    expect(() => parseMaskingPolicy({ version: 1, rules: [{ column: 'a', action: 'shred' }] })).toThrow(/rules\.0\.action/);
  });
});
