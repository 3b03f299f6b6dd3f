import { Writable } from 'node:stream';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCubicMetres, formatDate, formatMoney } from '../../src/domain/format';
import { isValidPolishIban, polishIbanFromBban, formatAccountNumber } from '../../src/domain/iban';
import { buildingInRange, closestStreetKey, KATOWICE_STREETS, streetKey } from '../../src/domain/streets';
import { keys, t } from '../../src/i18n/i18n';
import { createLogger } from '../../src/logger';
import { ConfigError, loadConfig, parseDatabaseUrl } from '../../src/config';
import { extractEntities } from '../../src/nlu/entities';
import { newLinkCode } from '../../src/services/LinkService';

describe('formatting, Polish style', () => {
  test.each([
    [0, '0,00 zł'], [5, '0,05 zł'], [123456, '1 234,56 zł'], [-1200, '-12,00 zł'], [100000000, '1 000 000,00 zł'],
  ])('money %i grosze → %s', (g, s) => expect(formatMoney(g)).toBe(s));
  test('meter values and dates', () => {
    expect(formatCubicMetres(123456)).toBe('123,456 m³');
    expect(formatCubicMetres(1312500)).toBe('1 312,500 m³');
    expect(formatDate('2026-01-15')).toBe('15.01.2026');
    expect(formatDate(new Date('2026-03-31T23:30:00Z'))).toBe('01.04.2026');
  });
});

describe('IBAN', () => {
  test('the contract example is valid; a changed digit is not', () => {
    expect(isValidPolishIban('PL61109010140000071219812874')).toBe(true);
    expect(isValidPolishIban('PL61109010140000071219812875')).toBe(false);
    expect(isValidPolishIban(polishIbanFromBban('109010140000000000100234'))).toBe(true);
    expect(formatAccountNumber('PL61109010140000071219812874')).toBe('61 1090 1014 0000 0712 1981 2874');
  });
});

describe('Polish street matching', () => {
  test.each([
    ['na ul. Mikołowskiej', 'mikolowska'], ['MIKOLOWSKA', 'mikolowska'], ['przy 3-go Maja', '3 maja'], ['al. Korfantego', 'korfantego'],
    ['pl. Wolności', 'wolnosci'], ['na Armii Krajowej', 'armii krajowa'], ['Wojewódzkiej', 'wojewodzka'], ['os. Kolista', 'kolista'],
  ])('%s → %s', (raw, key) => expect(streetKey(raw)).toBe(key));
  test('typos snap to a known street', () => {
    expect(closestStreetKey('Mikolowskej', KATOWICE_STREETS.map(streetKey))).toBe('mikolowska');
    expect(closestStreetKey('Zupełnie Inna', KATOWICE_STREETS.map(streetKey))).toBe('zupelnie inna');
  });
  test('building ranges with letters and parity', () => {
    expect(buildingInRange('12a', '10', '12')).toBe(true);
    expect(buildingInRange('13', '1', '21', 'even')).toBe(false);
    expect(buildingInRange('14', '1', '21', 'even')).toBe(true);
    expect(buildingInRange('22', '1', '21')).toBe(false);
    expect(buildingInRange('5', null, null)).toBe(true);
  });
});

describe('texts', () => {
  test('Polish plural forms: one, few, many', () => {
    expect(t('pl', 'submeter.valid', { serial: 'S', date: 'd', days: 1 })).toMatch(/1 dzień/);
    expect(t('pl', 'submeter.valid', { serial: 'S', date: 'd', days: 3 })).toMatch(/3 dni/);
    expect(t('pl', 'complaint.filesReceived', { n: 1 })).toBe('Dołączono 1 plik.');
    expect(t('pl', 'complaint.filesReceived', { n: 3 })).toBe('Dołączono 3 pliki.');
    expect(t('pl', 'complaint.filesReceived', { n: 5 })).toBe('Dołączono 5 plików.');
    expect(t('pl', 'complaint.filesReceived', { n: 22 })).toBe('Dołączono 22 pliki.');
    expect(t('uk', 'submeter.valid', { serial: 'S', date: 'd', days: 5 })).toMatch(/5 днів/);
  });

  test('every key in the Polish texts exists in English and Ukrainian, with the same placeholders', () => {
    const pl = keys('pl');
    for (const loc of ['en', 'uk'] as const) {
      const other = new Set(keys(loc));
      expect(pl.filter((k) => !other.has(k))).toEqual([]);
      for (const k of pl) {
        const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect([k, ph(t(loc, k))]).toEqual([k, ph(t('pl', k))]);
      }
    }
  });

  test('every text key the dialogs and services use exists', () => {
    const used = new Set<string>();
    const scan = (dir: string) => {
      for (const f of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, f.name);
        if (f.isDirectory()) scan(p);
        else if (p.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/\b(?:tr|say|t)\((?:[\w.]+, )?'([a-z][\w]*\.[\w.]+)'/g)) used.add(m[1]);
      }
    };
    scan(join(__dirname, '../../dialogs'));
    scan(join(__dirname, '../../src/services'));
    scan(join(__dirname, '../../src/bot'));
    const pl = new Set(keys('pl'));
    expect([...used].filter((k) => !pl.has(k) && !k.endsWith('.'))).toEqual([]);
  });
});

describe('logging', () => {
  test('personal data, message text and secrets are redacted', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    const log = createLogger('info', sink);
    log.info({ text: 'mój licznik 123', email: 'jan@example.com', phone: '+48600100200', customer: { name: 'Jan Kowalski', bankAccount: 'PL61109010140000071219812874' }, headers: { authorization: 'Bearer abc' }, token: 'secret-token' }, 'message');
    const out = lines.join('');
    for (const secret of ['mój licznik', 'jan@example.com', '+48600100200', 'Jan Kowalski', 'PL6110901014', 'Bearer abc', 'secret-token']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });
});

describe('configuration', () => {
  test('defaults follow the contract', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3978);
    expect(c.database).toEqual({ type: 'sqlite', path: './data/kropla.sqlite' });
    expect(c.demoData).toBe(true);
    expect(c.telegram.apiRoot).toBe('https://api.telegram.org');
    expect(c.adminApiTokenGenerated).toBe(true);
  });
  test.each([
    [{ DATABASE_URL: 'mysql://a/b' }, 'DATABASE_URL'], [{ PORT: '70000' }, 'PORT'], [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ TELEGRAM_WEBHOOK_URL: 'ftp://x' }, 'TELEGRAM_WEBHOOK_URL'], [{ OFFICE_HOURS: '8-16' }, 'OFFICE_HOURS'], [{ ADMIN_API_TOKEN: 'short' }, 'ADMIN_API_TOKEN'],
  ])('%o names %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (e) {
      expect((e as ConfigError).variable).toBe(name);
    }
  });
  test('postgres URLs are accepted', () => {
    expect(parseDatabaseUrl('postgres://u:p@127.0.0.1:5432/db')).toEqual({ type: 'postgres', url: 'postgres://u:p@127.0.0.1:5432/db' });
  });
});

describe('link codes', () => {
  test('every issued code is read back as that link code when typed in chat (with or without the dash, any case)', () => {
    const misread: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const code = newLinkCode();
      const typed = i % 2 ? code : code.replace('-', '').toLowerCase();
      const found = extractEntities(typed, 'pl').filter((e) => e.type === 'linkCode');
      if (found.length !== 1 || (found[0].type === 'linkCode' && found[0].value !== code)) misread.push(typed);
    }
    expect(misread).toEqual([]);
  });

  test('no code has the shape chat reads as a number (four digits, then a digit): about one in a thousand had it', () => {
    expect(extractEntities('2345-6ABC', 'pl').filter((e) => e.type === 'linkCode')).toEqual([]);
    const codes = Array.from({ length: 20_000 }, () => newLinkCode());
    expect(codes.filter((c) => !/^[A-Z2-9]{4}-[A-Z2-9]{4}$/.test(c) || /^\d{4}-\d/.test(c) || !/[A-Z]/.test(c) || !/\d/.test(c))).toEqual([]);
  });
});
