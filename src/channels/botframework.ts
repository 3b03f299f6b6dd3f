/**
 * `POST /api/messages` for Azure Bot Service channels (Teams, Azure's own Direct Line / Web Chat)
 * with botbuilder's `CloudAdapter`, and proactive delivery to Teams (`msteams`). Active only when
 * `MicrosoftAppId` and `MicrosoftAppPassword` are set; otherwise the route answers 503 saying so.
 *
 * @example
 * registerBotFrameworkRoute(app.server, app); // in App.start, before listen
 */
import type { Request, Response, Server } from 'restify';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder';
import type { App } from '../app';
import { jsonBody, sendError } from '../http/server';
import { t, toLocale } from '../i18n/i18n';
import type { ChannelSender, DeliveryResult } from './types';
import { cardOnlyAttachments, showsCardInsteadOfText } from './cards';
import { toTeamsHtml } from './markup';
import { isStorageRefused } from '../db/sql';

/** The status of a Bot Connector error, when it carries one. */
function statusOf(e: unknown): number | undefined {
  const err = e as { statusCode?: number; status?: number; response?: { status?: number } };
  return err.statusCode ?? err.status ?? err.response?.status;
}

/**
 * A bot activity as Teams shows it: an answer with an Adaptive Card as the card alone (the card
 * shows its image; the text is its fallback), any other text in Kropla's markup as Teams HTML.
 */
export function forTeams(activity: Partial<Activity>): Partial<Activity> {
  if (activity.type && activity.type !== 'message') return activity;
  if (showsCardInsteadOfText(activity)) {
    const { text: _text, channelData: _cd, ...rest } = cardOnlyAttachments(activity);
    return rest;
  }
  if (!activity.text || (activity.textFormat && activity.textFormat !== 'markdown')) return activity;
  return { ...activity, text: toTeamsHtml(activity.text), textFormat: 'xml' };
}

/** botbuilder's CloudAdapter that renders each outgoing activity for Teams as the very last step. */
class TeamsAwareAdapter extends CloudAdapter {
  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    return super.sendActivities(context, context.activity.channelId === 'msteams' ? activities.map(forTeams) : activities);
  }
}

/** Proactive messages to Teams chats through the Bot Connector. */
export class TeamsSender implements ChannelSender {
  readonly channel = 'msteams';
  readonly ratePerSecond = 15;
  readonly perChatIntervalMs = 1000;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
  ) {}

  async send(reference: Partial<ConversationReference>, activity: Partial<Activity>): Promise<DeliveryResult> {
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, async (ctx) => {
        await ctx.sendActivity(activity);
      });
      return { ok: true };
    } catch (e) {
      const status = statusOf(e);
      const error = e instanceof Error ? e.message : String(e);
      if (status === 403 || status === 404) return { ok: false, kind: 'blocked', error };
      if (status === 400) return { ok: false, kind: 'permanent', error };
      return { ok: false, kind: 'retry', error };
    }
  }
}

/** Registers `POST /api/messages` (and the Teams sender when credentials are configured). */
export function registerBotFrameworkRoute(server: Server, app: App): void {
  const { appId, appPassword, tenantId } = app.config.microsoftApp;
  const log = app.log.child({ channel: 'botframework' });
  if (!appId || !appPassword) {
    server.post('/api/messages', async (_req: Request, res: Response) => {
      sendError(res, 503, 'not_configured', 'Azure Bot Service channels are off: set MicrosoftAppId and MicrosoftAppPassword (and MicrosoftAppTenantId for a single-tenant bot) to enable /api/messages');
    });
    return;
  }
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: appId,
    MicrosoftAppPassword: appPassword,
    MicrosoftAppType: tenantId ? 'SingleTenant' : 'MultiTenant',
    ...(tenantId ? { MicrosoftAppTenantId: tenantId } : {}),
  });
  const adapter = new TeamsAwareAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    log.error({ err: error, channelId: context.activity.channelId }, 'bot framework turn failed');
    try {
      await context.sendActivity(t(toLocale(context.activity.locale), isStorageRefused(error) ? 'webchat.notSaved' : 'webchat.turnError'));
    } catch {
      // nothing more to do
    }
  };
  server.post('/api/messages', jsonBody(1024 * 1024), async (req: Request, res: Response) => {
    await adapter.process(req, res, async (context: TurnContext) => {
      // The bot records the chat (reference for proactive messages, language) on every message.
      await app.bot.run(context);
    });
  });
  app.registerSender(new TeamsSender(adapter, appId));
  log.info('Azure Bot Service channels enabled at /api/messages');
}
