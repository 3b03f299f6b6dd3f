import { openDatabase } from '../../src/db/dataSource';
import { engagementSuite } from '../support/engagementSuite';
import { freshPostgresUrl } from '../support/postgres';

engagementSuite('PostgreSQL', async () => openDatabase({ type: 'postgres', url: await freshPostgresUrl() }));
