/** What every view is given: the API client and the store. */
import type { StaffApi } from './api/staff.js';
import type { DeskState, Store } from './store.js';

export interface DeskContext {
  api: StaffApi;
  store: Store<DeskState>;
}
