/** Balance, invoices and payment details of one customer (always scoped by customer id). */
import type { DataSource } from 'typeorm';
import { Customer, ImportRun, Invoice, Payment } from '../../models';

export interface InvoiceStatus {
  invoice: Invoice;
  /** What is still unpaid on it (grosze; 0 when paid). */
  unpaidGrosze: number;
  overdue: boolean;
}

export interface Balance {
  /** Invoices − payments, grosze: positive = owed, negative = overpaid. */
  balanceGrosze: number;
  invoicedGrosze: number;
  paidGrosze: number;
  /** Unpaid invoices, oldest first, with what is left on each. */
  unpaid: InvoiceStatus[];
  overdue: InvoiceStatus[];
}

export class BillingService {
  constructor(private readonly ds: DataSource) {}

  async customer(customerId: number): Promise<Customer | null> {
    return this.ds.getRepository(Customer).findOne({ where: { id: customerId } });
  }

  /**
   * Balance = invoices − payments. Payments go first to the invoice they name,
   * the rest to the oldest unpaid invoices, so that overdue ones can be listed.
   */
  async balance(customerId: number, today: string): Promise<Balance> {
    const invoices = await this.ds.getRepository(Invoice).find({ where: { customerId }, order: { issueDate: 'ASC', number: 'ASC' } });
    const payments = await this.ds.getRepository(Payment).find({ where: { customerId }, order: { date: 'ASC' } });
    const left = new Map(invoices.map((i) => [i.number, i.grossAmountGrosze]));
    let free = 0;
    for (const p of payments) {
      const target = p.invoiceNumber ? left.get(p.invoiceNumber) : undefined;
      if (p.invoiceNumber && target !== undefined) {
        const applied = Math.min(target, p.amountGrosze);
        left.set(p.invoiceNumber, target - applied);
        free += p.amountGrosze - applied;
      } else free += p.amountGrosze;
    }
    for (const inv of invoices) {
      if (free <= 0) break;
      const l = left.get(inv.number) ?? 0;
      const applied = Math.min(l, free);
      left.set(inv.number, l - applied);
      free -= applied;
    }
    const invoicedGrosze = invoices.reduce((s, i) => s + i.grossAmountGrosze, 0);
    const paidGrosze = payments.reduce((s, p) => s + p.amountGrosze, 0);
    const unpaid = invoices
      .filter((i) => (left.get(i.number) ?? 0) > 0)
      .map((i) => ({ invoice: i, unpaidGrosze: left.get(i.number) ?? 0, overdue: i.dueDate < today }));
    return { balanceGrosze: invoicedGrosze - paidGrosze, invoicedGrosze, paidGrosze, unpaid, overdue: unpaid.filter((u) => u.overdue) };
  }

  /** The newest invoices first. */
  async latestInvoices(customerId: number, limit = 3): Promise<Invoice[]> {
    return this.ds.getRepository(Invoice).find({ where: { customerId }, order: { issueDate: 'DESC', number: 'DESC' }, take: limit });
  }

  /** Invoices issued within [from, to] (ISO dates), newest first. */
  async invoicesIssuedBetween(customerId: number, from: string, to: string): Promise<Invoice[]> {
    return this.ds
      .getRepository(Invoice)
      .createQueryBuilder('i')
      .where('i.customerId = :customerId AND i.issueDate >= :from AND i.issueDate <= :to', { customerId, from, to })
      .orderBy('i.issueDate', 'DESC')
      .getMany();
  }

  /** As of when balances and invoices are known: the newest import's `asOf` (else its time); null before any import. */
  async dataAsOf(): Promise<Date | null> {
    const [run] = await this.ds.getRepository(ImportRun).find({ order: { id: 'DESC' }, take: 1 });
    return run?.asOf ?? null;
  }

  /** One invoice by number — only if it belongs to this customer (never another customer's). */
  async invoiceByNumber(customerId: number, number: string): Promise<Invoice | null> {
    return this.ds.getRepository(Invoice).findOne({ where: { customerId, number: number.trim().toUpperCase() } });
  }
}
