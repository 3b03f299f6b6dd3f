/** Customer look-ups that other services and the admin API share. */
import type { DataSource } from 'typeorm';
import { Customer, ServicePoint } from '../../models';
import { EventService } from './EventService';

export class CustomerService {
  constructor(
    private readonly ds: DataSource,
    private readonly events = new EventService(ds),
  ) {}

  async byNumber(customerNumber: string): Promise<Customer | null> {
    return this.ds.getRepository(Customer).findOne({ where: { customerNumber } });
  }

  async byId(id: number): Promise<Customer | null> {
    return this.ds.getRepository(Customer).findOne({ where: { id } });
  }

  async servicePoints(customerId: number): Promise<ServicePoint[]> {
    return this.ds.getRepository(ServicePoint).find({ where: { customerId }, order: { id: 'ASC' } });
  }

  /** Customer numbers for ids (for listings that must show the number). */
  async numbersById(ids: number[]): Promise<Map<number, string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.ds.getRepository(Customer).createQueryBuilder('c').select(['c.id', 'c.customerNumber']).where('c.id IN (:...ids)', { ids: unique }).getMany();
    return new Map(rows.map((r) => [r.id, r.customerNumber]));
  }

  /** Turns e-invoices on or off; turning them on records `einvoice.activated` in the same transaction. */
  async setEInvoice(customerId: number, on: boolean, email?: string): Promise<void> {
    const changes: Partial<Customer> = { eInvoice: on };
    if (email) changes.email = email;
    await this.events.transaction(async (em) => {
      await em.getRepository(Customer).update({ id: customerId }, changes);
      if (!on) return;
      const c = await em.getRepository(Customer).findOneOrFail({ where: { id: customerId }, select: { id: true, email: true } });
      await this.events.record(em, { type: 'einvoice.activated', customerId, data: { email: c.email ?? '' } });
    });
  }

  async count(): Promise<number> {
    return this.ds.getRepository(Customer).count();
  }
}
