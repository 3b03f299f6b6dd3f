import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/dataSource';
import { engagementSuite } from '../support/engagementSuite';

engagementSuite('SQLite', async () => openDatabase({ type: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'kropla-eng-')), 'k.sqlite') }));
