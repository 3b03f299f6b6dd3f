import { freshPostgresUrl } from '../support/postgres';
import { eventsSuite } from '../billing/eventsSuite';

eventsSuite('PostgreSQL', freshPostgresUrl);
