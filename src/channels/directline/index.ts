/** Self-hosted Direct Line 3.0 and the Web Chat page (issue 5). Placeholder until the channel lands. */
import type { Server } from 'restify';
import type { App } from '../../app';

export async function registerDirectLine(_server: Server, _app: App): Promise<void> {
  // Filled in by the web chat channel.
}
