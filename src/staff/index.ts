/**
 * Staff desk (issue 7): the Staff API, the desk page (also a Teams tab), live handoff and staff notices.
 * Called by `App.start` before the server listens.
 */
import type { Server } from 'restify';
import type { App } from '../app';
import { registerStaffApi } from './api';
import { registerAnalyticsRoutes } from './analytics';
import { sessionCookieName } from './guard';
import { registerDesk } from './desk';
import { EventHub, type DeskEvent } from './EventHub';
import { handoffServiceFor } from './HandoffService';
import { registerStaffOutages } from './outages';
import { StaffAuth } from './StaffAuth';
import { StaffNotifier, type StaffNoticeSender } from './StaffNotifier';

export { HandoffService, HandoffStateError, handoffServiceFor, polishHolidays } from './HandoffService';
export { StaffAuth } from './StaffAuth';
export { StaffNotifier } from './StaffNotifier';

export async function registerStaffRoutes(server: Server, app: App): Promise<void> {
  const hub = new EventHub();
  // Desk events reach the desks of every instance (contracts §11).
  hub.relay = (e) => app.cluster.publish('desk', e);
  app.cluster.on('desk', (e) => hub.deliver(e as DeskEvent));
  const auth = new StaffAuth(app.ds);
  const handoff = handoffServiceFor(app);
  registerDesk(server);
  registerStaffApi(server, { app, auth, handoff, hub });
  registerStaffOutages(server, { app, auth });
  registerAnalyticsRoutes(server, app, { auth, log: app.log.child({ area: 'staff' }), cookieName: sessionCookieName(app.config.publicUrl) });

  app.events.on('case.created', (c) => hub.publish({ type: 'case.created', caseNumber: c.caseNumber }));
  app.events.on('case.customerMessage', (c) => hub.publish({ type: 'case.customerMessage', caseNumber: c.caseNumber }));
  app.events.on('handoff.requested', (_chat, c) => hub.publish({ type: 'handoff.requested', caseNumber: c.caseNumber }));

  const notifier = new StaffNotifier({
    publicUrl: app.config.publicUrl,
    teamsWebhookUrl: app.config.teamsWebhookUrl,
    telegramStaffChatId: app.config.telegram.staffChatId,
    // Duck-typed: the Telegram channel gains `sendStaffNotice` in its own issue.
    telegram: () => app.telegram as StaffNoticeSender | null,
    log: app.log.child({ area: 'staff-notify' }),
  });
  notifier.attach(app.events);
  staffNotifiers.set(app, notifier);

  // Open event streams would keep `server.close()` waiting forever: end them first.
  const close = server.close.bind(server);
  server.close = ((...args: Parameters<Server['close']>) => {
    hub.close();
    return close(...args);
  }) as Server['close'];
}

const staffNotifiers = new WeakMap<App, StaffNotifier>();

/** The notifier of a started app (tests wait on `flush()`). */
export function staffNotifierOf(app: App): StaffNotifier | undefined {
  return staffNotifiers.get(app);
}
