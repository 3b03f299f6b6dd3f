import { openDatabase } from '../../src/db/dataSource';
import { serviceSuite } from '../support/serviceSuite';
import { freshPostgresUrl } from '../support/postgres';

serviceSuite('PostgreSQL', async () => openDatabase({ type: 'postgres', url: await freshPostgresUrl() }));
