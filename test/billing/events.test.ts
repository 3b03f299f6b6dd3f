import { tempDbPath } from '../support/botHarness';
import { eventsSuite } from './eventsSuite';

eventsSuite('SQLite', async () => `sqlite:${tempDbPath()}`);
