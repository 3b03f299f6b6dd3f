/**
 * A customer whose answers have every part worth looking at: two overdue invoices (a list in the
 * balance), a payment with a QR code, a year of readings (a consumption table and chart). Imported
 * through the admin API, relative to today, so the same answers show up on any day.
 *
 * @example
 * await importAnswersCustomer(t.url, ADMIN_TOKEN); // then link 900014 with a code
 */
import { addDays, isoDateInWarsaw } from '../../src/domain/format';

export const ANSWERS_CUSTOMER = '900014';
/** The two overdue invoices (100,00 zł + 87,45 zł = 187,45 zł to pay). */
export const OVERDUE = [
  { number: 'FV/2026/01/900014', grossAmount: 100 },
  { number: 'FV/2026/02/900014', grossAmount: 87.45 },
];
export const AMOUNT_DUE = '187,45 zł';

/** The import body of {@link ANSWERS_CUSTOMER}. */
export function answersCustomerImport(today = isoDateInWarsaw(new Date())): unknown {
  const readings = Array.from({ length: 14 }, (_, k) => ({ date: addDays(today, -30 * (13 - k) - 2), value: 100 + k * 4.25 + (k % 3) * 0.5, source: 'collector' as const }));
  return {
    customers: [{
      customerNumber: ANSWERS_CUSTOMER, name: 'Maria Nowak-Kwiatkowska', email: 'maria@example.com', phone: '+48600100300',
      bankAccount: 'PL61109010140000071219812874', eInvoice: false,
      servicePoints: [{
        id: `SP-${ANSWERS_CUSTOMER}-1`,
        address: { street: 'Mikołowska', building: '12', apartment: '7', postalCode: '40-065', city: 'Katowice' },
        meters: [{ serial: `WM-${ANSWERS_CUSTOMER}`, kind: 'main', legalizedUntil: '2030-12-31', readings }],
      }],
      invoices: OVERDUE.map((inv, i) => ({
        number: inv.number, issueDate: addDays(today, -60 + i * 30), dueDate: addDays(today, -46 + i * 30),
        periodFrom: addDays(today, -120 + i * 30), periodTo: addDays(today, -62 + i * 30), grossAmount: inv.grossAmount, consumptionM3: 8.5,
      })),
      payments: [],
    }],
  };
}

/** Imports {@link ANSWERS_CUSTOMER} and returns a one-time link code for it. */
export async function importAnswersCustomer(url: string, adminToken: string): Promise<{ code: string; telegramDeepLink: string }> {
  const headers = { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' };
  const imported = await fetch(`${url}/api/admin/import`, { method: 'POST', headers, body: JSON.stringify(answersCustomerImport()) });
  if (!imported.ok) throw new Error(`import failed: ${imported.status} ${await imported.text()}`);
  const r = await fetch(`${url}/api/admin/link-codes`, { method: 'POST', headers, body: JSON.stringify({ customerNumber: ANSWERS_CUSTOMER }) });
  if (!r.ok) throw new Error(`link code failed: ${r.status}`);
  return (await r.json()) as { code: string; telegramDeepLink: string };
}
