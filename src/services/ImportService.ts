/**
 * Upserts customers with their service points, meters, readings, invoices and payments
 * (contracts §5). One transaction: a bad customer rolls the whole file back.
 * Idempotent: importing the same file twice changes nothing.
 */
import { z } from 'zod';
import type { DataSource, EntityManager } from 'typeorm';
import { Customer, Invoice, Meter, Payment, Reading, ServicePoint } from '../../models';
import { isValidPolishIban } from '../domain/iban';
import { streetKey } from '../domain/streets';
import { toGrosze, toLitres } from '../domain/format';
import { cubicMetres, isoDate, money, parseOrThrow } from './validation';

const readingSchema = z.object({
  date: isoDate,
  value: cubicMetres,
  source: z.enum(['collector', 'customer', 'estimate']),
});

const meterSchema = z.object({
  serial: z.string().trim().min(1).max(40),
  kind: z.enum(['main', 'submeter']),
  legalizedUntil: isoDate.nullable().optional(),
  readings: z.array(readingSchema).default([]),
});

const servicePointSchema = z.object({
  id: z.string().trim().min(1).max(40),
  address: z.object({
    street: z.string().trim().min(1).max(120),
    building: z.string().trim().min(1).max(20),
    apartment: z.string().trim().max(20).nullable().optional(),
    postalCode: z.string().regex(/^\d{2}-\d{3}$/, 'expected NN-NNN'),
    city: z.string().trim().min(1).max(80),
  }),
  meters: z.array(meterSchema).default([]),
});

const invoiceSchema = z.object({
  number: z.string().trim().min(1).max(40),
  issueDate: isoDate,
  dueDate: isoDate,
  periodFrom: isoDate,
  periodTo: isoDate,
  grossAmount: money,
  consumptionM3: cubicMetres,
});

const paymentSchema = z.object({
  date: isoDate,
  amount: money.refine((n) => n > 0, 'must be positive'),
  invoiceNumber: z.string().trim().max(40).nullable().optional(),
});

const customerSchema = z.object({
  customerNumber: z.string().regex(/^\d{4,20}$/, 'expected digits only'),
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().max(200).regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'not an e-mail address').nullable().optional(),
  phone: z.string().trim().max(30).nullable().optional(),
  bankAccount: z.string().refine(isValidPolishIban, 'not a valid Polish IBAN (PL + 26 digits, checksum)'),
  eInvoice: z.boolean().default(false),
  servicePoints: z.array(servicePointSchema).default([]),
  invoices: z.array(invoiceSchema).default([]),
  payments: z.array(paymentSchema).default([]),
});

export const importSchema = z.object({ customers: z.array(customerSchema) });
export type ImportFile = z.infer<typeof importSchema>;
export type ImportCustomer = z.infer<typeof customerSchema>;
export interface ImportResult {
  customers: number;
  invoices: number;
  readings: number;
}

export class ImportService {
  constructor(private readonly ds: DataSource) {}

  /** Validates the whole body first (nothing is written on a bad field), then upserts in one transaction. */
  async importBody(body: unknown): Promise<ImportResult> {
    const file = parseOrThrow(importSchema, body);
    return this.importFile(file);
  }

  async importFile(file: ImportFile): Promise<ImportResult> {
    const result: ImportResult = { customers: 0, invoices: 0, readings: 0 };
    await this.ds.transaction(async (em) => {
      for (const c of file.customers) {
        const r = await this.upsertCustomer(em, c);
        result.customers += 1;
        result.invoices += r.invoices;
        result.readings += r.readings;
      }
    });
    return result;
  }

  private async upsertCustomer(em: EntityManager, c: ImportCustomer): Promise<{ invoices: number; readings: number }> {
    const customers = em.getRepository(Customer);
    let customer = await customers.findOne({ where: { customerNumber: c.customerNumber } });
    const fields = {
      customerNumber: c.customerNumber,
      name: c.name,
      email: c.email ?? null,
      phone: c.phone ?? null,
      bankAccount: c.bankAccount.replace(/\s+/g, '').toUpperCase(),
      eInvoice: c.eInvoice,
    };
    if (!customer) customer = await customers.save(customers.create(fields));
    else if (Object.entries(fields).some(([k, v]) => (customer as unknown as Record<string, unknown>)[k] !== v)) {
      customer = await customers.save(customers.merge(customer, fields));
    }
    const customerId = customer.id;

    let readingCount = 0;
    for (const sp of c.servicePoints) {
      const spRepo = em.getRepository(ServicePoint);
      const spFields = {
        id: sp.id, customerId, street: sp.address.street, streetKey: streetKey(sp.address.street), building: sp.address.building,
        apartment: sp.address.apartment ?? null, postalCode: sp.address.postalCode, city: sp.address.city,
      };
      const existing = await spRepo.findOne({ where: { id: sp.id } });
      if (!existing) await spRepo.insert(spFields);
      else if (Object.entries(spFields).some(([k, v]) => (existing as unknown as Record<string, unknown>)[k] !== v)) await spRepo.update({ id: sp.id }, spFields);

      for (const m of sp.meters) {
        const meters = em.getRepository(Meter);
        let meter = await meters.findOne({ where: { serial: m.serial } });
        const mFields = { serial: m.serial, kind: m.kind, legalizedUntil: m.legalizedUntil ?? null, servicePointId: sp.id };
        if (!meter) meter = await meters.save(meters.create(mFields));
        else if (meter.kind !== mFields.kind || meter.legalizedUntil !== mFields.legalizedUntil || meter.servicePointId !== sp.id) {
          await meters.update({ id: meter.id }, mFields);
        }
        readingCount += await this.upsertReadings(em, meter.id, m.readings);
      }
    }

    const invRepo = em.getRepository(Invoice);
    const existingInvoices = new Map((await invRepo.find({ where: { customerId } })).map((i) => [i.number, i]));
    const newInvoices: Partial<Invoice>[] = [];
    for (const inv of c.invoices) {
      const f = {
        number: inv.number, customerId, issueDate: inv.issueDate, dueDate: inv.dueDate, periodFrom: inv.periodFrom, periodTo: inv.periodTo,
        grossAmountGrosze: toGrosze(inv.grossAmount), consumptionLitres: toLitres(inv.consumptionM3),
      };
      const ex = existingInvoices.get(inv.number);
      if (!ex) newInvoices.push(f);
      else if (Object.entries(f).some(([k, v]) => (ex as unknown as Record<string, unknown>)[k] !== v)) await invRepo.update({ id: ex.id }, f);
    }
    for (let i = 0; i < newInvoices.length; i += 200) await invRepo.insert(newInvoices.slice(i, i + 200));

    const payRepo = em.getRepository(Payment);
    const existingKeys = new Set((await payRepo.find({ where: { customerId }, select: { importKey: true } })).map((p) => p.importKey));
    const seen = new Map<string, number>();
    const newPayments: Partial<Payment>[] = [];
    for (const p of c.payments) {
      const base = `${p.date}|${toGrosze(p.amount)}|${p.invoiceNumber ?? ''}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      const importKey = `${base}|${n}`;
      if (!existingKeys.has(importKey)) {
        newPayments.push({ customerId, date: p.date, amountGrosze: toGrosze(p.amount), invoiceNumber: p.invoiceNumber ?? null, importKey });
      }
    }
    for (let i = 0; i < newPayments.length; i += 200) await payRepo.insert(newPayments.slice(i, i + 200));
    return { invoices: c.invoices.length, readings: readingCount };
  }

  private async upsertReadings(em: EntityManager, meterId: number, readings: ImportCustomer['servicePoints'][number]['meters'][number]['readings']): Promise<number> {
    const repo = em.getRepository(Reading);
    const existing = new Map((await repo.find({ where: { meterId } })).map((r) => [r.date, r]));
    const inserts: Partial<Reading>[] = [];
    for (const r of readings) {
      const f = { meterId, date: r.date, valueLitres: toLitres(r.value), source: r.source };
      const ex = existing.get(r.date);
      if (!ex) {
        inserts.push(f);
        existing.set(r.date, f as Reading);
      } else if (ex.valueLitres !== f.valueLitres || ex.source !== f.source) await repo.update({ id: ex.id }, f);
    }
    for (let i = 0; i < inserts.length; i += 200) await repo.insert(inserts.slice(i, i + 200));
    return readings.length;
  }
}
