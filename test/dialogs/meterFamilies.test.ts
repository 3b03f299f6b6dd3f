/**
 * Transcript tests of the reading, consumption, complaint, case and outage tasks finished in the
 * customer's own words (issue 12): periods said as people say them, months without readings,
 * like-with-like comparisons, corrections (a house number, a saved reading), follow-ups, the details
 * of an urgent report, stopping alerts in words, and tasks named by a story. Real bot, real NLU,
 * real SQLite; the phrasings are our own (dev material), not the held-out journeys'.
 */
import type { Activity } from 'botbuilder';
import type { App } from '../../src/app';
import { CaseMessage, CaseRecord, Reading } from '../../models';
import { extractEntities } from '../../src/nlu/entities';
import { AlertService } from '../../src/services/AlertService';
import { addDays, formatCubicMetres } from '../../src/domain/format';
import { cuedTask } from '../../dialogs/cues';
import { namedPeriod } from '../../dialogs/requests';
import { linkedChat, chat, sharedRecognizer, testApp, type TestChat } from '../support/botHarness';

let app: App;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => {
  await app.stop();
});

const kropla = (a: Partial<Activity> | undefined): { expects?: string; refusal?: string } => (a?.channelData as { kropla?: { expects?: string; refusal?: string } } | undefined)?.kropla ?? {};
const texts = (replies: Partial<Activity>[]): string => replies.map((r) => r.text ?? '').join('\n');
const refused = (replies: Partial<Activity>[]): boolean => replies.some((r) => kropla(r).refusal === 'notUnderstood' || kropla(r).refusal === 'outOfScope');

async function chatRow(c: TestChat) {
  return app.services.chats.touch({ channel: 'webchat', conversationId: c.conversationId, userId: c.userId, reference: {} });
}
async function casesOf(c: TestChat): Promise<CaseRecord[]> {
  return app.ds.getRepository(CaseRecord).find({ where: { chatId: (await chatRow(c)).id } });
}
async function mainMeter(customerNumber: string) {
  const customer = await app.services.customers.byNumber(customerNumber);
  const meters = await app.services.readings.metersOf(customer!.id);
  return { customer: customer!, meter: meters.find((m) => m.kind === 'main')! };
}

describe('periods said as people say them', () => {
  const today = new Date('2026-12-01T12:00:00Z');
  const period = (text: string) => extractEntities(text, 'pl', today).filter((e) => e.type === 'period').map((e) => (e.type === 'period' ? [e.from, e.to] : []));
  test.each([
    ['historia odczytów z ostatniego pół roku', ['2026-06-01', '2026-12-01']],
    ['zużycie z tego roku', ['2026-01-01', '2026-12-01']],
    ['od marca do czerwca', ['2026-03-01', '2026-06-30']],
    ['Pokoż mi stany wodomiyrza łod lipca', ['2026-07-01', '2026-12-01']],
    ['a w listopadzie rok temu?', ['2025-11-01', '2025-11-30']],
    ['ile wody zużyłam rok temu', ['2024-12-01', '2025-12-01']],
    ['za ostatnie półtora roku', ['2025-06-01', '2026-12-01']],
  ])('"%s" → %j', (text, expected) => {
    expect(period(text)).toEqual([expected]);
  });

  test.each([
    ['ile zużyliśmy w październiku i listopadzie?', '2026-10-01', '2026-11-30'],
    ['ile poszło w wakacje? lipiec sierpień', '2026-07-01', '2026-08-31'],
    ['od września mieszka z nami teściowa, ile zużyliśmy w październiku i listopadzie?', '2026-10-01', '2026-11-30'],
  ])('months named together are one period, the last named wins: "%s"', (text, from, to) => {
    const p = namedPeriod({ text, intent: 'consumption.report', score: 1, intents: [], entities: extractEntities(text, 'pl', today) } as never);
    expect(p && [p.from, p.to]).toEqual([from, to]);
  });

  test('hours ("na wtorek 8-12") are not meter readings', () => {
    expect(extractEntities('umówiłam się na wymianę wodomierza na wtorek 8-12', 'pl', today).filter((e) => e.type === 'meterValue')).toEqual([]);
  });

  test('history "z ostatniego pół roku" lists only the last six months (1 turn)', async () => {
    const c = await linkedChat(app, '100004');
    const reply = texts(await c.say('historia odczytów z ostatniego pół roku'));
    const dates = [...reply.matchAll(/• (\d{2})\.(\d{2})\.(\d{4})/g)].map((m) => `${m[3]}-${m[2]}-${m[1]}`);
    const today = new Date().toISOString().slice(0, 10);
    expect(dates.length).toBeGreaterThan(0);
    expect(dates.length).toBeLessThanOrEqual(7);
    expect(dates.every((d) => d >= addDays(today, -190))).toBe(true);
  });
});

describe('consumption', () => {
  test('a month without a reading yet says so instead of "0,000 m³" (1 turn)', async () => {
    const c = await linkedChat(app, '100009');
    const reply = texts(await c.say('ile zużyłam wody od marca?'));
    expect(reply).toMatch(/brak jeszcze odczytu/);
    expect(reply).not.toMatch(/0,000 m³/);
  });

  test('a year is compared only with the months measured a year earlier too (like with like)', async () => {
    const { customer, meter } = await mainMeter('100016');
    const today = new Date().toISOString().slice(0, 10);
    // A year earlier only the last four months of readings are left (two or three of them whole).
    const cut = addDays(today, -365 - 120);
    await app.ds.getRepository(Reading).createQueryBuilder().delete().where('meterId = :id AND date < :cut', { id: meter.id, cut }).execute();
    const from = addDays(today, -365);
    const report = await app.services.consumption.report(customer.id, from, today);
    expect(report.comparison).not.toBeNull();
    const cmp = report.comparison!;
    expect(cmp.months.length).toBeGreaterThan(0);
    expect(cmp.months.length).toBeLessThan(report.months.filter((m) => !m.noData).length);
    const sum = report.months.filter((m) => cmp.months.includes(m.month)).reduce((s, m) => s + m.litres, 0);
    expect(cmp.totalLitres).toBe(sum);

    const c = await linkedChat(app, '100016');
    const reply = texts(await c.say('ile wody zużyłem w ostatnim roku?'));
    expect(reply).toContain('Porównanie tylko miesięcy z odczytami w obu latach');
    expect(reply).toContain(`rok wcześniej ${formatCubicMetres(cmp.previousYearTotalLitres)}`);
  });

  test('follow-ups: "a rok temu w tym samym czasie?" is the same months a year back; "a pokaż to na wykresie" shows them again (3 turns)', async () => {
    const c = await linkedChat(app, '100001');
    const year = new Date().getUTCFullYear() - (new Date().getUTCMonth() < 10 ? 1 : 0);
    const first = texts(await c.say(`ile zużyliśmy w październiku i listopadzie ${year}?`));
    expect(first).toContain(`od 01.10.${year} do 30.11.${year}`);
    const back = await c.say('a rok temu w tym samym czasie ile było?');
    expect(refused(back)).toBe(false);
    expect(texts(back)).toContain(`od 01.10.${year - 1} do 30.11.${year - 1}`);
    const chart = await c.say('a pokaż to na wykresie');
    expect(refused(chart)).toBe(false);
    expect(chart.some((r) => (r.attachments ?? []).some((a) => a.contentType === 'image/png'))).toBe(true);
  });
});

describe('readings', () => {
  test('a saved reading corrected in words is replaced by the value meant, even when lower (2 turns)', async () => {
    const { meter } = await mainMeter('100013');
    const last = await app.services.readings.lastReading(meter.id);
    const typo = ((last!.valueLitres + 2_700) / 1000).toFixed(3).replace('.', ',');
    const meant = ((last!.valueLitres + 2_500) / 1000).toFixed(3).replace('.', ',');
    const c = await linkedChat(app, '100013');
    expect(texts(await c.say(`odczyt licznika ${typo}`))).toContain(`Zapisano odczyt ${formatCubicMetres(last!.valueLitres + 2_700)}`);
    const fixed = await c.say(`kurcze źle spisałam, ma być ${meant} a nie ${typo}`);
    expect(refused(fixed)).toBe(false);
    expect(texts(fixed)).toContain(`Zapisano odczyt ${formatCubicMetres(last!.valueLitres + 2_500)}`);
    const today = new Date().toISOString().slice(0, 10);
    const rows = await app.ds.getRepository(Reading).find({ where: { meterId: meter.id, date: today } });
    expect(rows.map((r) => r.valueLitres)).toEqual([last!.valueLitres + 2_500]);
  });

  test('a reading put off ("nie teraz, muszę zejść do piwnicy") is taken when it comes later in a sentence (3 turns)', async () => {
    const { meter } = await mainMeter('100002');
    const last = await app.services.readings.lastReading(meter.id);
    const value = ((last!.valueLitres + 1_850) / 1000).toFixed(3).replace('.', ',');
    const c = await linkedChat(app, '100002');
    await c.say('podam stan wodomierza');
    await c.say('nie teraz, muszę zejść do piwnicy');
    const later = await c.say(`dobra, jednak zeszłam, jest ${value}`);
    expect(refused(later)).toBe(false);
    expect(texts(later)).toContain(`Zapisano odczyt ${formatCubicMetres(last!.valueLitres + 1_850)}`);
  });
});

describe('complaints and cases named by a story', () => {
  test('a no-show complaint with hours in it is a complaint about the service, not a reading (1 turn)', async () => {
    const c = await linkedChat(app, '100013');
    const replies = await c.say('umówiłam się na wymianę wodomierza na wtorek 8-12, wzięłam wolne z pracy i nikt nie przyszedł. chcę złożyć skargę');
    expect(replies.some((r) => kropla(r).expects === 'meterValue')).toBe(false);
    expect(kropla(replies[replies.length - 1]).expects).toBe('attachments');
    const rest = await c.say('Pomiń');
    expect(kropla(rest[rest.length - 1]).expects).toBe('contact');
    const summary = texts(await c.say('w tym czacie'));
    expect(summary).toContain('dotyczy: Obsługa');
  });

  test('"ja, tak" (Silesian yes) sends the complaint; the damage done by workers is filed as another matter', async () => {
    const c = await linkedChat(app, '100010');
    await c.say('Wczoraj wasi robotnicy kopali przy moim płocie i koparką go rozwalili. Chcę złożyć reklamację, kto mi to zapłaci?');
    await c.say('nie mam zdjęć');
    const summary = texts(await c.say('w tym czacie'));
    expect(summary).toContain('dotyczy: Inna sprawa');
    const sent = await c.say('ja, tak');
    expect(refused(sent)).toBe(false);
    expect((await casesOf(c)).filter((x) => x.kind === 'complaint')).toHaveLength(1);
  });

  test('an English complaint told in several sentences keeps its story and takes "damage by your worker"', async () => {
    const c = chat(app, { locale: 'en-US' });
    const first = await c.say('I want to complain. The man who replaced our water meter left a leak, the bathroom got flooded and a floor tile is cracked');
    expect(refused(first)).toBe(false);
    expect(first.some((r) => /994/.test(r.text ?? '') && kropla(r).expects === 'address')).toBe(false);
  });

  test('"zgłaszałam wyciek, czy ktoś się tym zajął?" is the status of that report, not a new one', async () => {
    const nlu = (await sharedRecognizer()).recognize('zgłaszałam wyciek na chodniku pod domem, czy ktoś się tym w końcu zajął?', { language: 'pl', today: new Date() });
    expect(cuedTask(nlu, true)).toBe('case.status');
  });
});

describe('outages', () => {
  test('"wypisz mnie ze wszystkich alertów" stops every alert; "wyłączcie te powiadomienia" is not a subscription', async () => {
    const c = chat(app);
    const row = await chatRow(c);
    await app.services.outages.subscribeAddress(row.id, 'Gliwicka', '88');
    await app.services.outages.subscribeAddress(row.id, 'Kolista', '25');
    const r = await c.say('wypisz mnie ze wszystkich alertów o awariach, i z gliwickiej i z tej drugiej ulicy');
    expect(texts(r)).toContain('Wyłączono alerty');
    expect(await app.services.outages.subscriptionsOf(row.id)).toHaveLength(0);

    const d = chat(app);
    const rowD = await chatRow(d);
    await app.services.outages.subscribeAddress(rowD.id, 'Mikołowska', '12');
    await d.say('proszę wyłączyć te powiadomienia o awariach, za dużo ich przychodzi');
    expect(await app.services.outages.subscriptionsOf(rowD.id)).toHaveLength(0);
  });

  test('a house number corrected in the same message is the one subscribed ("58, a nie czekaj, 85")', async () => {
    const c = chat(app);
    await c.say('zapisz mnie na alerty o awariach dla Szopienickiej 58, a nie czekaj, 85, pomyliłem cyfry');
    const subs = await app.services.outages.subscriptionsOf((await chatRow(c)).id);
    expect(subs.map((s) => `${s.street} ${s.building}`)).toEqual(['Szopienicka 85']);
  });

  test('"czy będzie wyłączenie wody na Gliwickiej? mieszkam pod 88" finds the planned works at Gliwicka 88, with a planned end (not a removal)', async () => {
    const start = new Date(Date.now() + 48 * 3600_000);
    const notice = await app.services.outages.create({
      kind: 'planned', title: 'Planowane wyłączenie wody, ul. Gliwicka 60–120', message: 'Wymiana zasuwy.', startsAt: start.toISOString(), expectedEndAt: new Date(start.getTime() + 8 * 3600_000).toISOString(),
      streets: [{ street: 'Gliwicka', from: '60', to: '120' }],
    });
    const c = chat(app);
    const reply = texts(await c.say('czy bedzie wylaczenie wody na Gliwickiej w tym tygodniu? mieszkam pod 88 a mam gosci w weekend'));
    expect(reply).toContain('Wymiana zasuwy');
    expect(reply).toContain('Gliwicka 88');
    const alert = new AlertService(app.services.outages, app.services.outbox, app.log).alertActivity(notice, 'created', { chat: { locale: 'pl' }, street: 'Gliwicka', building: '88', subscriptionId: 1 } as never) as { text: string };
    expect(alert.text).toContain('Planowane zakończenie prac');
    expect(alert.text).not.toMatch(/usunięcie/i);
  });

  test('details told after an urgent report are added to that case, not a second report nor a refusal (3 turns)', async () => {
    const c = chat(app);
    await c.say('pękła rura na Stawowej, woda leje się na chodnik i zalewa przejście');
    const before = await casesOf(c);
    expect(before.filter((x) => x.kind === 'outage_report')).toHaveLength(1);
    const detail = await c.say('róg Stawowej i Dworcowej, przy kiosku');
    expect(refused(detail)).toBe(false);
    expect(texts(detail)).toContain(before[0].caseNumber);
    const more = await c.say('woda leci coraz mocniej');
    expect(texts(more)).toContain(before[0].caseNumber);
    expect((await casesOf(c)).filter((x) => x.kind === 'outage_report')).toHaveLength(1);
    const messages = await app.ds.getRepository(CaseMessage).find({ where: { caseId: before[0].id } });
    expect(messages.map((m) => m.text)).toEqual(expect.arrayContaining(['róg Stawowej i Dworcowej, przy kiosku', 'woda leci coraz mocniej']));
  });

  test('"pękła rura przed blokiem" from a linked customer is reported at once for their building (1 turn)', async () => {
    const c = await linkedChat(app, '100017');
    const r = await c.say('pekla rura na ulicy przed blokiem!!! woda leje sie po chodniku i wchodzi do piwnic, co robic');
    expect(texts(r)).toContain('994');
    const [sp] = await app.services.customers.servicePoints((await app.services.customers.byNumber('100017'))!.id);
    const reports = (await casesOf(c)).filter((x) => x.kind === 'outage_report');
    expect(reports).toHaveLength(1);
    expect(reports[0].location).toContain(`${sp.street} ${sp.building}`);
  });

  test('no water, nothing announced, "ja, cało ulica niy mo" → 994 first and a report', async () => {
    const c = await linkedChat(app, '100019');
    const ask = await c.say('od siódmej rano nie ma wody, nic nie było ogłoszone');
    expect(kropla(ask[ask.length - 1]).expects).toBe('yesNo');
    const r = await c.say('ja, cało ulica niy mo');
    expect(refused(r)).toBe(false);
    expect(texts(r)).toContain('994');
  });
});
