/** A customer of the engagement tests: an unpaid invoice due 2027-01-20, a main meter and a sub-meter legalized until 2027-04-10. */
export const CUSTOMER = {
  customerNumber: '555001', name: 'Zofia Testowa', email: 'zofia@example.com', phone: '+48600555001', bankAccount: 'PL61109010140000071219812874', eInvoice: false,
  servicePoints: [{
    id: 'SP-555001-1', address: { street: 'Mikołowska', building: '40', apartment: '2', postalCode: '40-065', city: 'Katowice' },
    meters: [
      { serial: 'WM-555001', kind: 'main', legalizedUntil: '2029-12-31', readings: [{ date: '2026-09-01', value: 100, source: 'collector' }, { date: '2026-11-01', value: 110, source: 'collector' }] },
      { serial: 'SM-555001', kind: 'submeter', legalizedUntil: '2027-04-10', readings: [] },
    ],
  }],
  invoices: [{ number: 'FV/2027/01/555001', issueDate: '2027-01-05', dueDate: '2027-01-20', periodFrom: '2026-11-01', periodTo: '2026-12-31', grossAmount: 123.45, consumptionM3: 10 }],
  payments: [],
};
