/** Staff API and desk (issue 7). Placeholder until the desk lands. */
import type { Server } from 'restify';
import type { App } from '../app';

export async function registerStaffRoutes(_server: Server, _app: App): Promise<void> {
  // Filled in by the staff desk.
}
