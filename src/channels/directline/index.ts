/**
 * Self-hosted Direct Line 3.0 and the Web Chat page (contracts §3): Microsoft's Web Chat talks to
 * Kropla with no cloud service in between; a utility can switch to Azure Bot Service later by
 * pointing the page at Azure's Direct Line.
 *
 * @example
 * await registerDirectLine(app.server, app); // before listen; closes its sockets on app.stop()
 */
import type { Server } from 'restify';
import type { App } from '../../app';
import { DirectLineChannel } from './channel';
import { registerPageRoutes } from './page';
import { registerDirectLineRoutes } from './routes';
import { WebChatSender } from './sender';

export { DirectLineChannel } from './channel';
export { DirectLineAdapter } from './adapter';
export { WebChatSender } from './sender';

const channels = new WeakMap<App, DirectLineChannel>();

/** The Direct Line channel of an app (after {@link registerDirectLine}); tests and benchmarks use it to wait for turns. */
export function directLineOf(app: App): DirectLineChannel | undefined {
  return channels.get(app);
}

export async function registerDirectLine(server: Server, app: App): Promise<void> {
  const dl = new DirectLineChannel(app);
  channels.set(app, dl);
  registerDirectLineRoutes(server, app, dl);
  registerPageRoutes(server, app);
  app.registerSender(new WebChatSender(dl));
  app.onStop(() => dl.stop());
  dl.startInbox();
}
