/** The Staff API's endpoints (contracts §7, §10), typed from the DTOs the server checks its answers against. */
import type {
  AnalyticsReportDto, AssigneesResponse, CaseDetailResponse, CaseListQuery, CaseListResponse, CasePatchRequest, CasePatchResponse,
  HandoffAcceptResponse, HandoffReleaseResponse, IntentsResponse, LabelRequest, LoginRequest, NoteResponse, OutageListResponse,
  OutagePreviewResponse, OutagePublishResponse, OutageRequest, OutageUpdateRequest, OutageUpdateResponse, ReplyResponse, SessionResponse,
} from '../../src/staff/dto.js';
import { HttpClient, query, type ClientOptions } from './client.js';

const enc = encodeURIComponent;

export class StaffApi {
  readonly http: HttpClient;

  constructor(opts: ClientOptions = {}) {
    this.http = new HttpClient(opts);
  }

  // session
  async login(body: LoginRequest): Promise<SessionResponse> {
    const r = await this.http.request<SessionResponse>('POST', '/api/staff/login', body);
    this.http.csrf = r.csrfToken;
    return r;
  }

  async me(): Promise<SessionResponse> {
    const r = await this.http.request<SessionResponse>('GET', '/api/staff/me');
    this.http.csrf = r.csrfToken;
    return r;
  }

  async logout(): Promise<void> {
    try {
      await this.http.request<unknown>('POST', '/api/staff/logout');
    } finally {
      this.http.csrf = null;
    }
  }

  assignees(): Promise<AssigneesResponse> {
    return this.http.request('GET', '/api/staff/assignees');
  }

  texts(): Promise<{ locale: string; texts: Record<string, string> }> {
    return this.http.request('GET', '/api/staff/i18n');
  }

  // cases
  cases(q: CaseListQuery = {}): Promise<CaseListResponse> {
    return this.http.request('GET', `/api/staff/cases${query({ ...q })}`);
  }

  caseDetail(caseNumber: string): Promise<CaseDetailResponse> {
    return this.http.request('GET', `/api/staff/cases/${enc(caseNumber)}`);
  }

  patchCase(caseNumber: string, body: CasePatchRequest): Promise<CasePatchResponse> {
    return this.http.request('PATCH', `/api/staff/cases/${enc(caseNumber)}`, body);
  }

  reply(caseNumber: string, text: string): Promise<ReplyResponse> {
    return this.http.request('POST', `/api/staff/cases/${enc(caseNumber)}/messages`, { text });
  }

  note(caseNumber: string, text: string): Promise<NoteResponse> {
    return this.http.request('POST', `/api/staff/cases/${enc(caseNumber)}/notes`, { text });
  }

  acceptHandoff(caseNumber: string): Promise<HandoffAcceptResponse> {
    return this.http.request('POST', `/api/staff/handoffs/${enc(caseNumber)}/accept`);
  }

  releaseHandoff(caseNumber: string): Promise<HandoffReleaseResponse> {
    return this.http.request('POST', `/api/staff/handoffs/${enc(caseNumber)}/release`);
  }

  // outages
  outages(): Promise<OutageListResponse> {
    return this.http.request('GET', '/api/staff/outages');
  }

  previewOutage(body: OutageRequest): Promise<OutagePreviewResponse> {
    return this.http.request('POST', '/api/staff/outages/preview', body);
  }

  publishOutage(body: OutageRequest): Promise<OutagePublishResponse> {
    return this.http.request('POST', '/api/staff/outages', body);
  }

  updateOutage(id: number, body: OutageUpdateRequest): Promise<OutageUpdateResponse> {
    return this.http.request('PATCH', `/api/staff/outages/${id}`, body);
  }

  // analytics (supervisors and admins)
  analytics(from: string, to: string): Promise<AnalyticsReportDto> {
    return this.http.request('GET', `/api/staff/analytics${query({ from, to })}`);
  }

  intents(): Promise<IntentsResponse> {
    return this.http.request('GET', '/api/staff/intents');
  }

  label(body: LabelRequest): Promise<unknown> {
    return this.http.request('POST', '/api/staff/analytics/labels', body);
  }
}
