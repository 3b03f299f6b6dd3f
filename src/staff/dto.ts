/**
 * What the Staff API sends and takes (contracts §7, §10): the one description shared by the server
 * (`api.ts`, `outages.ts` check their answers against it with `satisfies`) and the desk's browser modules
 * (`desk/`, which import it with `import type` only — nothing of the server is bundled).
 * Types only, no imports: this file must stay loadable by the browser build.
 */

export type StaffRoleDto = 'agent' | 'supervisor' | 'admin';
export type CaseStatusDto = 'new' | 'in_progress' | 'waiting_for_customer' | 'resolved' | 'rejected';
export type HandoffStateDto = 'bot' | 'queued' | 'live';

/** Every error answer: `{"error", "message", "field"?}` (400 names the field). */
export interface ApiErrorBody {
  error?: string;
  message?: string;
  field?: string;
}

export interface StaffMeDto {
  id: number;
  email: string;
  name: string;
  role: StaffRoleDto;
}

/** `POST /api/staff/login` and `GET /api/staff/me`. */
export interface SessionResponse {
  staff: StaffMeDto;
  csrfToken: string;
}

export interface LoginRequest {
  email: string;
  password: string;
  embedded?: boolean;
}

export interface AssigneeDto {
  id: number;
  name: string;
  role: StaffRoleDto;
}

export interface AssigneesResponse {
  staff: AssigneeDto[];
}

export interface CaseSummaryDto {
  caseNumber: string;
  kind: string;
  category: string;
  channel: string;
  status: CaseStatusDto;
  urgent: boolean;
  customerNumber: string | null;
  customerName: string | null;
  createdAt: string;
  dueAt: string;
  overdue: boolean;
  assignee: { id: number; name: string | null } | null;
  handoffState: HandoffStateDto | null;
  snippet: string;
}

/** `GET /api/staff/cases?status=&category=&channel=&assignee=`. */
export interface CaseListResponse {
  cases: CaseSummaryDto[];
}

export interface CaseListQuery {
  status?: string;
  category?: string;
  channel?: string;
  assignee?: string;
}

export interface CaseMessageDto {
  id: number;
  author: string;
  staffName: string | null;
  text: string;
  createdAt: string;
}

export interface AttachmentDto {
  id: number;
  fileName: string;
  contentType: string;
  size: number;
  inline: boolean;
  url: string;
}

export interface StatusChangeDto {
  fromStatus: string | null;
  toStatus: string;
  changedBy: string;
  staffName: string | null;
  createdAt: string;
}

export interface TranscriptEntryDto {
  author: string;
  text: string;
  createdAt: string;
}

export interface CaseChatDto {
  channel: string;
  locale: string;
  handoffState: HandoffStateDto;
  handoffStaff: { id: number; name: string | null } | null;
  blocked: boolean;
}

/** `GET /api/staff/cases/{caseNumber}`. */
export interface CaseDetailResponse {
  case: CaseSummaryDto & { text: string; contactPreference: string; contact: string | null; location: string | null };
  customer: { number: string; name: string } | null;
  chat: CaseChatDto | null;
  messages: CaseMessageDto[];
  attachments: AttachmentDto[];
  history: StatusChangeDto[];
  transcript: TranscriptEntryDto[];
}

export interface CasePatchRequest {
  status?: CaseStatusDto;
  assignee?: number | null;
}

export interface CasePatchResponse {
  caseNumber: string;
  status: CaseStatusDto;
  assigneeId: number | null;
}

export interface ReplyResponse {
  message: { id: number; author: 'staff'; text: string; createdAt: string };
  delivery: 'queued' | 'no_chat' | 'blocked';
  status: CaseStatusDto;
}

export interface NoteResponse {
  message: { id: number; author: 'note'; text: string; createdAt: string };
}

export interface HandoffAcceptResponse {
  caseNumber: string;
  handoffState: HandoffStateDto;
  handoffStaffId: number | null;
}

export interface HandoffReleaseResponse {
  caseNumber: string;
  handoffState: HandoffStateDto;
  status: 'resolved';
}

// --- outages (issue 8) -------------------------------------------------------------------------------------

export type ParityDto = 'all' | 'odd' | 'even';
export type DeliveryStateDto = 'queued' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface OutageStreetDto {
  street: string;
  streetKey: string;
  from: string | null;
  to: string | null;
  parity: ParityDto;
}

export interface OutageNoticeDto {
  id: number;
  kind: 'failure' | 'planned';
  title: string;
  message: string;
  startsAt: string;
  expectedEndAt: string | null;
  tankerLocation: string | null;
  endedAt: string | null;
  createdAt: string;
  updatedAt: string;
  streets: OutageStreetDto[];
  delivery: Record<DeliveryStateDto, number>;
}

export interface OutageListResponse {
  notices: OutageNoticeDto[];
}

/** The body of `POST /api/staff/outages` and `/preview`. */
export interface OutageRequest {
  kind: string;
  title: string;
  message: string;
  startsAt: string | null;
  expectedEndAt: string | null;
  tankerLocation: string | null;
  streets: { street: string; parity: string; from?: string; to?: string }[];
}

export interface OutagePreviewResponse {
  recipients: number;
}

export interface OutagePublishResponse {
  id: number;
  recipients: number;
}

export interface OutageUpdateRequest {
  expectedEndAt?: string | null;
  tankerLocation?: string | null;
  message?: string;
  ended?: true;
}

export interface OutageUpdateResponse {
  id: number;
  recipients: number;
  notice: OutageNoticeDto;
}

// --- live updates ------------------------------------------------------------------------------------------

/** One server-sent event of `GET /api/staff/events` (the event name is `type`, the data this object). */
export interface DeskEvent {
  type: 'case.created' | 'case.customerMessage' | 'handoff.requested' | 'case.updated';
  caseNumber: string;
}

// --- service analytics (contracts §10, supervisors and admins) ---------------------------------------------

/** `GET /api/staff/analytics?from=YYYY-MM-DD&to=YYYY-MM-DD`. */
export interface AnalyticsReportDto {
  /** The period (Katowice calendar days, both included). */
  from: string;
  to: string;
  conversations: number;
  customerMessages: number;
  tasksCompleted: Record<string, number>;
  /** Share (0..1) of conversations in which a task was completed and no person was needed. */
  containment: number;
  fallbacks: number;
  handoffs: number;
  /** Messages the bot could not place, most frequent first, digits masked; `label` once staff labelled one. */
  misunderstood: { text: string; count: number; label: string | null }[];
  csat: { responses: number; average: number | null };
  cases: { filed: number; answeredInTime: number; overdue: number };
}

/** `GET /api/staff/intents`. */
export interface IntentsResponse {
  intents: string[];
}

/** `POST /api/staff/analytics/labels` → 201. */
export interface LabelRequest {
  text: string;
  intent: string;
}
