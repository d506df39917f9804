// The PII filter: what it replaces, what it must leave alone, stable placeholders, and restoring values in arguments.
import { describe, expect, it } from 'vitest';
import { PiiVault, PiiVaults } from './pii';

describe('PiiVault.redact', () => {
  it('replaces e-mails, phones, IBANs, card numbers and IPs with numbered placeholders', () => {
    const vault = new PiiVault();
    const text = [
      'Contact: ada.lovelace@example.co.uk, second: bob+crm@mail.example.com',
      'Phone: +44 20 7946 0958 or (415) 555-2671 or 212-555-0199',
      'IBAN: DE89 3704 0044 0532 0130 00, also GB82WEST12345698765432',
      'Card: 4111 1111 1111 1111',
      'From 192.168.10.24 and 2001:db8:85a3::8a2e:370:7334',
    ].join('\n');
    const out = vault.redact(text);
    expect(out).toBe(
      [
        'Contact: [EMAIL_1], second: [EMAIL_2]',
        'Phone: [PHONE_1] or [PHONE_2] or [PHONE_3]',
        'IBAN: [IBAN_1], also [IBAN_2]',
        'Card: [CARD_1]',
        'From [IP_1] and [IP_2]',
      ].join('\n'),
    );
  });

  it('leaves dates, ids, amounts, versions and invalid checksums alone', () => {
    const vault = new PiiVault();
    const text = 'On 2024-01-15 at 12:30:45 order 123456789 cost 1,234.56; v1.2.3; card 4111 1111 1111 1112; DE00 1234 5678 9012 3456 78; row 10000';
    expect(vault.redact(text)).toBe(text);
    expect(vault.size).toBe(0);
  });

  it('finds values next to other numbers: a card after an order number, an IBAN then a card, phones in a row', () => {
    const vault = new PiiVault();
    expect(vault.redact('order 12 4111 1111 1111 1111 shipped')).toBe('order 12 [CARD_1] shipped');
    expect(vault.redact('DE89 3704 0044 0532 0130 00 4111 1111 1111 1111')).toBe('[IBAN_1] [CARD_1]');
    expect(vault.redact('GB82WEST12345698765432 5500 0000 0000 0004')).toBe('[IBAN_2] [CARD_2]');
    expect(vault.redact('+1 415 555 2671 +1 212 555 0199 +49 30 12345678')).toBe('[PHONE_1] [PHONE_2] [PHONE_3]');
    expect(vault.redact('212-555-0199 415-555-2671')).toBe('[PHONE_4] [PHONE_5]'); // written differently, so new placeholders
    expect(vault.redact('cards 4111111111111111 5500000000000004, amex 3782 822463 10005')).toBe('cards [CARD_3] [CARD_4], amex [CARD_5]');
    expect(vault.redact('qty 3 4111-1111-1111-1111 7')).toBe('qty 3 [CARD_6] 7');
  });

  it('finds a phone number written in full-width digits (the phone check runs on any decimal digit, not only 0-9)', () => {
    const vault = new PiiVault();
    expect(vault.redact('call +１ ２０２ ５５５ ０１４３ now')).toBe('call [PHONE_1] now');
    expect(vault.redact('no number here, only words')).toBe('no number here, only words');
  });

  it('does not join neighbouring numbers into a card or an IBAN', () => {
    const vault = new PiiVault();
    // 3-3-4 phone groups and short ids never form a card, even where their digits pass Luhn.
    const text = 'ids 123 456 7890 123 4567 and 2024-01-15 12 34 56 78 90 12 34';
    expect(vault.redact(text)).toBe(text);
  });

  it('gives the same value the same placeholder every time, across calls', () => {
    const vault = new PiiVault();
    expect(vault.redact('a@example.com b@example.com a@example.com')).toBe('[EMAIL_1] [EMAIL_2] [EMAIL_1]');
    expect(vault.redact('again: b@example.com')).toBe('again: [EMAIL_2]');
  });
});

describe('PiiVault.restore', () => {
  it('puts real values back into nested tool arguments, leaving unknown placeholders as they are', () => {
    const vault = new PiiVault();
    vault.redact('ada@example.com called from +1 415 555 2671');
    const args = { to: '[EMAIL_1]', note: 'call [PHONE_1] about [EMAIL_9]', list: ['[EMAIL_1]', 3, null], nested: { deep: ['x [EMAIL_1] y'] } };
    expect(vault.restore(args)).toEqual({
      to: 'ada@example.com',
      note: 'call +1 415 555 2671 about [EMAIL_9]',
      list: ['ada@example.com', 3, null],
      nested: { deep: ['x ada@example.com y'] },
    });
  });

  it('keeps sessions apart: a placeholder from one session does not unlock another session\'s value', () => {
    const vaults = new PiiVaults();
    vaults.forSession('one').redact('secret@example.com');
    expect(vaults.forSession('two').restore('[EMAIL_1]')).toBe('[EMAIL_1]');
    expect(vaults.forSession('one').restore('[EMAIL_1]')).toBe('secret@example.com');
  });
});
