import { openDatabase } from '../../src/db/dataSource';
import { serviceSuite } from '../support/serviceSuite';
import { tempDbPath } from '../support/botHarness';

serviceSuite('SQLite', () => openDatabase({ type: 'sqlite', path: tempDbPath() }));
