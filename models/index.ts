/** All TypeORM entities of Kropla, in one list for the DataSource. */
import { Customer } from './Customer';
import { ServicePoint } from './ServicePoint';
import { Meter } from './Meter';
import { Reading } from './Reading';
import { Invoice } from './Invoice';
import { Payment } from './Payment';
import { CaseRecord } from './CaseRecord';
import { CaseMessage } from './CaseMessage';
import { CaseStatusChange } from './CaseStatusChange';
import { Attachment } from './Attachment';
import { ChatConversation } from './ChatConversation';
import { ChatLink } from './ChatLink';
import { LinkCode } from './LinkCode';
import { LinkAttempt } from './LinkAttempt';
import { OutageNotice } from './OutageNotice';
import { OutageStreet } from './OutageStreet';
import { AlertSubscription } from './AlertSubscription';
import { StaffUser } from './StaffUser';
import { StaffSession } from './StaffSession';
import { OutboxMessage } from './OutboxMessage';
import { BotStateItem } from './BotStateItem';
import { TranscriptEntry } from './TranscriptEntry';
import { DirectLineActivity } from './DirectLineActivity';
import { DirectLineConversation } from './DirectLineConversation';
import { DirectLineInbox } from './DirectLineInbox';
import { AppSetting } from './AppSetting';
import { FeedEvent } from './FeedEvent';
import { ImportRun } from './ImportRun';
import { RateCounter } from './RateCounter';
import { AnalyticsEvent } from './AnalyticsEvent';
import { IntentLabel } from './IntentLabel';
import { CaseFeedback } from './CaseFeedback';
import { ReminderOptIn } from './ReminderOptIn';
import { ReminderSent } from './ReminderSent';

export {
  Customer, ServicePoint, Meter, Reading, Invoice, Payment, CaseRecord, CaseMessage, CaseStatusChange,
  Attachment, ChatConversation, ChatLink, LinkCode, LinkAttempt, OutageNotice, OutageStreet,
  AlertSubscription, StaffUser, StaffSession, OutboxMessage, BotStateItem, TranscriptEntry, DirectLineActivity, DirectLineConversation,
  DirectLineInbox, AppSetting, FeedEvent, ImportRun,
  AnalyticsEvent, IntentLabel, CaseFeedback, ReminderOptIn, ReminderSent, RateCounter,
};

export const ENTITIES = [
  Customer, ServicePoint, Meter, Reading, Invoice, Payment, CaseRecord, CaseMessage, CaseStatusChange,
  Attachment, ChatConversation, ChatLink, LinkCode, LinkAttempt, OutageNotice, OutageStreet,
  AlertSubscription, StaffUser, StaffSession, OutboxMessage, BotStateItem, TranscriptEntry, DirectLineActivity, DirectLineConversation,
  DirectLineInbox, AppSetting, FeedEvent, ImportRun,
  AnalyticsEvent, IntentLabel, CaseFeedback, ReminderOptIn, ReminderSent, RateCounter,
];
