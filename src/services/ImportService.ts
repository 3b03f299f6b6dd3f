/**
 * Upserts customers with their service points, meters, readings, invoices and payments
 * (contracts §5). One transaction: a bad customer rolls the whole file back.
 * Idempotent: importing the same file twice changes nothing.
 */
import { z } from 'zod';
import { In, type DataSource, type EntityManager, type EntityTarget, type ObjectLiteral } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Customer, ImportRun, Invoice, Meter, Payment, Reading, ServicePoint } from '../../models';
import { isValidPolishIban } from '../domain/iban';
import { streetKey } from '../domain/streets';
import { toGrosze, toLitres } from '../domain/format';
import { cubicMetres, fieldPath, isoDate, isoDateTime, money, parseOrThrow, ValidationError } from './validation';

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

/** `asOf`: when billing exported the data (contracts §8); chat answers say "Stan na …" from it. */
export const importSchema = z.object({ asOf: isoDateTime.optional(), customers: z.array(customerSchema) });
export type ImportFile = z.infer<typeof importSchema>;
export type ImportCustomer = z.infer<typeof customerSchema>;
/** After each chunk of an import: customers written so far, of how many. */
export type ImportProgress = (p: { done: number; total: number }) => void;

/** Lets the event loop serve other requests (a macrotask: SQLite calls are synchronous, their promises resolve at once). */
const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface ImportResult {
  customers: number;
  invoices: number;
  readings: number;
}

export class ImportService {
  constructor(private readonly ds: DataSource) {}

  /**
   * Validates the whole body first (nothing is written on a bad field), then upserts in one transaction.
   * Both run in chunks of {@link BATCH} customers with the event loop served between them, so that a
   * large file never freezes the server (web chat, /healthz); `onProgress` hears after each chunk.
   */
  async importBody(body: unknown, onProgress?: ImportProgress): Promise<ImportResult> {
    const top = parseOrThrow(z.object({ customers: z.array(z.unknown(), { error: 'expected an array of customers' }) }).loose(), body);
    const customers: ImportCustomer[] = [];
    const each = z.array(customerSchema);
    for (let i = 0; i < top.customers.length; i += BATCH) {
      const r = each.safeParse(top.customers.slice(i, i + BATCH));
      if (!r.success) {
        const [index, ...rest] = r.error.issues[0].path;
        throw new ValidationError(fieldPath(['customers', Number(index) + i, ...rest]), r.error.issues[0].message);
      }
      customers.push(...r.data);
      await nextTick();
    }
    const file = { ...parseOrThrow(importSchema, { ...top, customers: [] }), customers };
    return this.importFile(file, onProgress);
  }

  async importFile(file: ImportFile, onProgress?: ImportProgress): Promise<ImportResult> {
    const result: ImportResult = { customers: 0, invoices: 0, readings: 0 };
    await this.ds.transaction(async (em) => {
      for (let i = 0; i < file.customers.length; i += BATCH) {
        const part = file.customers.slice(i, i + BATCH);
        await this.upsertBatch(em, part);
        for (const c of part) {
          result.customers += 1;
          result.invoices += c.invoices.length;
          result.readings += c.servicePoints.reduce((a, sp) => a + sp.meters.reduce((b, m) => b + m.readings.length, 0), 0);
        }
        onProgress?.({ done: result.customers, total: file.customers.length });
        await nextTick();
      }
      await em.getRepository(ImportRun).insert({ asOf: file.asOf ? new Date(file.asOf) : new Date(), customers: result.customers });
    });
    return result;
  }

  /** Upserts a batch of customers with a few set-based queries per table. */
  private async upsertBatch(em: EntityManager, batch: ImportCustomer[]): Promise<void> {
    // Customers
    const customers = em.getRepository(Customer);
    const numbers = batch.map((c) => c.customerNumber);
    const existing = new Map((await customers.find({ where: { customerNumber: In(numbers) } })).map((c) => [c.customerNumber, c]));
    const inserts: Partial<Customer>[] = [];
    for (const c of batch) {
      const fields = customerFields(c);
      const ex = existing.get(c.customerNumber);
      if (!ex) inserts.push(fields);
      else if (differs(ex, fields)) await customers.update({ id: ex.id }, fields);
    }
    await insertChunks(em, Customer, inserts);
    const ids = new Map((await customers.find({ where: { customerNumber: In(numbers) }, select: { id: true, customerNumber: true } })).map((c) => [c.customerNumber, c.id]));

    // Service points
    const spRepo = em.getRepository(ServicePoint);
    const spList = batch.flatMap((c) => c.servicePoints.map((sp) => ({ c, sp })));
    const spExisting = new Map((spList.length ? await spRepo.find({ where: { id: In(spList.map((x) => x.sp.id)) } }) : []).map((sp) => [sp.id, sp]));
    const spInserts: Partial<ServicePoint>[] = [];
    for (const { c, sp } of spList) {
      const f = {
        id: sp.id, customerId: ids.get(c.customerNumber) as number, street: sp.address.street, streetKey: streetKey(sp.address.street), building: sp.address.building,
        apartment: sp.address.apartment ?? null, postalCode: sp.address.postalCode, city: sp.address.city,
      };
      const ex = spExisting.get(sp.id);
      if (!ex) spInserts.push(f);
      else if (differs(ex, f)) await spRepo.update({ id: sp.id }, f);
    }
    await insertChunks(em, ServicePoint, spInserts);

    // Meters
    const meterRepo = em.getRepository(Meter);
    const meterList = spList.flatMap(({ sp }) => sp.meters.map((m) => ({ sp, m })));
    const serials = meterList.map((x) => x.m.serial);
    const mExisting = new Map((serials.length ? await meterRepo.find({ where: { serial: In(serials) } }) : []).map((m) => [m.serial, m]));
    const mInserts: Partial<Meter>[] = [];
    for (const { sp, m } of meterList) {
      const f = { serial: m.serial, kind: m.kind, legalizedUntil: m.legalizedUntil ?? null, servicePointId: sp.id };
      const ex = mExisting.get(m.serial);
      if (!ex) mInserts.push(f);
      else if (differs(ex, f)) await meterRepo.update({ id: ex.id }, f);
    }
    await insertChunks(em, Meter, mInserts);
    const meterIds = new Map((serials.length ? await meterRepo.find({ where: { serial: In(serials) }, select: { id: true, serial: true } }) : []).map((m) => [m.serial, m.id]));

    // Readings: one per meter and date
    const readingRepo = em.getRepository(Reading);
    const allMeterIds = [...meterIds.values()];
    const rExisting = new Map<string, Reading>();
    for (let i = 0; i < allMeterIds.length; i += 500) {
      for (const r of await readingRepo.find({ where: { meterId: In(allMeterIds.slice(i, i + 500)) } })) rExisting.set(`${r.meterId}|${r.date}`, r);
    }
    const rInserts: Partial<Reading>[] = [];
    for (const { m } of meterList) {
      const meterId = meterIds.get(m.serial) as number;
      for (const r of m.readings) {
        const f = { meterId, date: r.date, valueLitres: toLitres(r.value), source: r.source };
        const key = `${meterId}|${r.date}`;
        const ex = rExisting.get(key);
        if (!ex) {
          rInserts.push(f);
          rExisting.set(key, f as Reading);
        } else if (ex.id && (ex.valueLitres !== f.valueLitres || ex.source !== f.source)) await readingRepo.update({ id: ex.id }, f);
      }
    }
    await insertChunks(em, Reading, rInserts);

    // Invoices and payments
    const customerIds = [...ids.values()];
    const invRepo = em.getRepository(Invoice);
    const invExisting = new Map((await invRepo.find({ where: { customerId: In(customerIds) } })).map((i) => [i.number, i]));
    const invInserts: Partial<Invoice>[] = [];
    const payRepo = em.getRepository(Payment);
    const payKeys = new Set((await payRepo.find({ where: { customerId: In(customerIds) }, select: { customerId: true, importKey: true } })).map((p) => `${p.customerId}|${p.importKey}`));
    const payInserts: Partial<Payment>[] = [];
    for (const c of batch) {
      const customerId = ids.get(c.customerNumber) as number;
      for (const inv of c.invoices) {
        const f = {
          number: inv.number, customerId, issueDate: inv.issueDate, dueDate: inv.dueDate, periodFrom: inv.periodFrom, periodTo: inv.periodTo,
          grossAmountGrosze: toGrosze(inv.grossAmount), consumptionLitres: toLitres(inv.consumptionM3),
        };
        const ex = invExisting.get(inv.number);
        if (!ex) {
          invInserts.push(f);
          invExisting.set(inv.number, f as Invoice);
        } else if (ex.id && differs(ex, f)) await invRepo.update({ id: ex.id }, f);
      }
      const seen = new Map<string, number>();
      for (const p of c.payments) {
        const base = `${p.date}|${toGrosze(p.amount)}|${p.invoiceNumber ?? ''}`;
        const n = (seen.get(base) ?? 0) + 1;
        seen.set(base, n);
        const importKey = `${base}|${n}`;
        if (!payKeys.has(`${customerId}|${importKey}`)) {
          payInserts.push({ customerId, date: p.date, amountGrosze: toGrosze(p.amount), invoiceNumber: p.invoiceNumber ?? null, importKey });
        }
      }
    }
    await insertChunks(em, Invoice, invInserts);
    await insertChunks(em, Payment, payInserts);
  }
}

/** Customers per set of queries (and per step between which the event loop is served). */
const BATCH = 200;

function customerFields(c: ImportCustomer): Partial<Customer> {
  return {
    customerNumber: c.customerNumber, name: c.name, email: c.email ?? null, phone: c.phone ?? null,
    bankAccount: c.bankAccount.replace(/\s+/g, '').toUpperCase(), eInvoice: c.eInvoice,
  };
}

/** Whether any of `fields` differs from the stored row. */
function differs(row: object, fields: object): boolean {
  const r = row as Record<string, unknown>;
  return Object.entries(fields).some(([k, v]) => r[k] !== v);
}

async function insertChunks<T extends ObjectLiteral>(em: EntityManager, entity: EntityTarget<T>, rows: QueryDeepPartialEntity<T>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) await em.createQueryBuilder().insert().into(entity).values(rows.slice(i, i + 100)).updateEntity(false).execute();
}
