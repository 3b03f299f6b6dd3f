/**
 * Demo customers at real Katowice addresses: 2+ years of monthly readings and invoices priced by
 * the tariff, some paid, some overdue, one overpaid, one sub-meter expiring soon, one on e-invoice.
 * Deterministic for a given `today`, so tests can rely on its shape.
 */
import type { DataSource } from 'typeorm';
import { Customer } from '../../models';
import { polishIbanFromBban } from '../domain/iban';
import { addDays, isoDateInWarsaw } from '../domain/format';
import { ImportService, type ImportFile, type ImportResult } from '../services/ImportService';

/** Tariff from 25.11.2023 (year 1): water 7,31 zł/m³ gross; standing charge W1 14,25 zł net paper, 12,76 zł e-invoice; VAT 8%. */
export const TARIFF = { waterGrossPerM3: 7.31, standingNetPaper: 14.25, standingNetEInvoice: 12.76, vat: 0.08 };

/** The utility's collection account prefix (a real-looking bank id; checksums are valid). */
const BANK = '10901014';

const PEOPLE: [string, string, string, string, string][] = [
  // name, street, building, apartment, postal code
  ['Jan Kowalski', 'Mikołowska', '12', '3', '40-065'],
  ['Anna Nowak', 'Kościuszki', '30', '7', '40-048'],
  ['Piotr Wiśniewski', 'Mariacka', '5', '2', '40-014'],
  ['Katarzyna Wójcik', '3 Maja', '18', '11', '40-096'],
  ['Tomasz Kamiński', 'Stawowa', '9', '', '40-095'],
  ['Agnieszka Lewandowska', 'Warszawska', '41', '4', '40-009'],
  ['Michał Zieliński', 'Wojewódzka', '23', '15', '40-026'],
  ['Małgorzata Szymańska', 'Francuska', '70', '', '40-028'],
  ['Krzysztof Woźniak', 'Chorzowska', '150', '52', '40-101'],
  ['Ewa Dąbrowska', 'Gliwicka', '88', '6', '40-854'],
  ['Paweł Kozłowski', 'Bogucicka', '17', '', '40-226'],
  ['Joanna Jankowska', 'Panewnicka', '300', '', '40-760'],
  ['Andrzej Mazur', 'Armii Krajowej', '102', '', '40-671'],
  ['Barbara Kwiatkowska', 'Bażantów', '4', '21', '40-668'],
  ['Marcin Krawczyk', 'Szopienicka', '58', '', '40-431'],
  ['Zofia Piotrowska', 'Obrońców Westerplatte', '33', '8', '40-335'],
  ['Grzegorz Grabowski', 'Kołodzieja', '45', '', '40-750'],
  ['Magdalena Pawłowska', 'Korczaka', '12', '9', '40-340'],
  ['Łukasz Michalski', 'Sokolska', '66', '14', '40-087'],
  ['Natalia Król', 'Kolista', '25', '', '40-486'],
];

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Monthly reading dates (the 15th) from `months` ago up to the last 15th not after `today`. */
function readingDates(today: string, months: number): string[] {
  const y = Number(today.slice(0, 4));
  let m = Number(today.slice(5, 7));
  if (Number(today.slice(8, 10)) < 15) m -= 1;
  const out: string[] = [];
  for (let i = 0; i <= months; i++) {
    let mm = m - i;
    let yy = y;
    while (mm < 1) { mm += 12; yy -= 1; }
    out.unshift(`${yy}-${String(mm).padStart(2, '0')}-15`);
  }
  return out;
}

export interface DemoOptions {
  today?: string;
  customers?: number;
  months?: number;
  seed?: number;
}

/** Builds the demo import file. Customer numbers are 100001…; the first one is 100234 (Jan Kowalski). */
export function buildDemoFile(opts: DemoOptions = {}): ImportFile {
  const today = opts.today ?? isoDateInWarsaw(new Date());
  const count = opts.customers ?? PEOPLE.length;
  const months = opts.months ?? 26;
  const rand = rng(opts.seed ?? 20261125);
  const dates = readingDates(today, months);
  const customers: ImportFile['customers'] = [];
  for (let i = 0; i < count; i++) {
    const [name, street, building, apartment, postalCode] = PEOPLE[i % PEOPLE.length];
    const customerNumber = i === 0 ? '100234' : String(100000 + i + (i >= 234 ? 1 : 0));
    const eInvoice = i === 1;
    const overdue = i === 2 || i === 6 || i === 11;
    const overpaid = i === 3;
    const spId = `SP-${customerNumber}-1`;
    const dailyLitres = 150 + Math.floor(rand() * 350); // 0,15–0,5 m³ a day
    let value = 100 + Math.floor(rand() * 900);
    const readings: { date: string; value: number; source: 'collector' | 'customer' | 'estimate' }[] = [];
    const invoices: ImportFile['customers'][number]['invoices'] = [];
    const payments: ImportFile['customers'][number]['payments'] = [];
    dates.forEach((date, k) => {
      if (k > 0) value += (dailyLitres * (25 + rand() * 10)) / 1000;
      const source = k % 6 === 5 ? 'estimate' : k % 4 === 3 ? 'customer' : 'collector';
      readings.push({ date, value: round3(value), source });
      if (k === 0) return;
      const consumption = round3(readings[k].value - readings[k - 1].value);
      const standing = (eInvoice ? TARIFF.standingNetEInvoice : TARIFF.standingNetPaper) * (1 + TARIFF.vat);
      const gross = round2(consumption * TARIFF.waterGrossPerM3 + standing);
      const issueDate = addDays(date, 5);
      const dueDate = addDays(issueDate, 14);
      if (issueDate > today) return; // not invoiced yet
      const number = `FV/${date.slice(0, 4)}/${date.slice(5, 7)}/${String(i + 1).padStart(6, '0')}`;
      invoices.push({ number, issueDate, dueDate, periodFrom: readings[k - 1].date, periodTo: date, grossAmount: gross, consumptionM3: consumption });
      const isLast = k >= dates.length - 2;
      if ((dueDate < today || overpaid) && !(overdue && isLast)) payments.push({ date: addDays(issueDate, 3 + Math.floor(rand() * 8)), amount: gross, invoiceNumber: number });
    });
    if (overpaid) payments.push({ date: addDays(today, -10), amount: 150, invoiceNumber: null });
    const meters: ImportFile['customers'][number]['servicePoints'][number]['meters'] = [
      { serial: `WM-${customerNumber}`, kind: 'main', legalizedUntil: `${Number(today.slice(0, 4)) + 3}-12-31`, readings },
    ];
    if (i === 4 || i === 7 || i === 11) {
      const until = i === 4 ? addDays(today, 45) : i === 7 ? addDays(today, -20) : `${Number(today.slice(0, 4)) + 2}-12-31`;
      meters.push({ serial: `SM-${customerNumber}`, kind: 'submeter', legalizedUntil: until, readings: readings.map((r) => ({ date: r.date, value: round3(r.value / 10), source: r.source })) });
    }
    customers.push({
      customerNumber, name,
      email: `${name.split(' ')[0].toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ł/g, 'l')}.${customerNumber}@example.com`,
      phone: `+48600${customerNumber}`,
      bankAccount: polishIbanFromBban(BANK + '0000' + customerNumber.padStart(12, '0')),
      eInvoice,
      servicePoints: [{ id: spId, address: { street, building, apartment: apartment || null, postalCode, city: 'Katowice' }, meters }],
      invoices,
      payments,
    });
  }
  return { customers };
}

/** Loads the demo customers when the database has no customers; returns what was loaded, or null. */
export async function loadDemoData(ds: DataSource, opts: DemoOptions = {}): Promise<ImportResult | null> {
  if ((await ds.getRepository(Customer).count()) > 0) return null;
  return new ImportService(ds).importFile(buildDemoFile(opts));
}
