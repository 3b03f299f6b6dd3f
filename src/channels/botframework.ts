/** `POST /api/messages` for Azure Bot Service channels (Teams, Azure Direct Line) — placeholder until issue 5. */
import type { Server } from 'restify';
import type { App } from '../app';

export function registerBotFrameworkRoute(_server: Server, _app: App): void {
  // Filled in by the web chat channel work.
}
