/** Customer look-ups that other services and the admin API share. */
import type { DataSource } from 'typeorm';
import { Customer, ServicePoint } from '../../models';

export class CustomerService {
  constructor(private readonly ds: DataSource) {}

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

  async setEInvoice(customerId: number, on: boolean, email?: string): Promise<void> {
    const changes: Partial<Customer> = { eInvoice: on };
    if (email) changes.email = email;
    await this.ds.getRepository(Customer).update({ id: customerId }, changes);
  }

  async count(): Promise<number> {
    return this.ds.getRepository(Customer).count();
  }
}
