/**
 * A scripted stand-in for the bot's dialogs, for channel tests: messages starting with `test:`
 * (and presses of its buttons) get fixed answers; everything else goes to the real bot.
 */
import { createHash } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import type { App } from '../../src/app';
import type { TelegramChannelData } from '../../src/channels/telegram';

export const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
export const PDF = Buffer.from('%PDF-1.4\n% Kropla faktura FV/2026/01/000123\n%%EOF\n');
export const LONG_VALUE = `/odczyt potwierdz WM-123456 ${'1'.repeat(60)}`;

export const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 16);

/** Installs the script on `app.bot`; returns the turns seen (activity texts and channel data). */
export function installScript(app: App): { seen: TurnContext['activity'][] } {
  const seen: TurnContext['activity'][] = [];
  const real = app.bot.run.bind(app.bot);
  const scripted = new Set(['tak', 'nie', LONG_VALUE]);
  app.bot.run = async (ctx: TurnContext) => {
    const a = ctx.activity;
    const text = a.text ?? '';
    const data = a.channelData as TelegramChannelData | undefined;
    if (a.type !== 'message' || !(text.startsWith('test:') || scripted.has(text) || (a.attachments?.length ?? 0) > 0 || (data?.rejectedFiles?.length ?? 0) > 0)) {
      await real(ctx);
      return;
    }
    seen.push(a);
    if (text === 'test:buttons') {
      await ctx.sendActivity({
        type: 'message', text: 'Czy zapisać odczyt **123,456 m³** <z dnia 15.01.2026>?',
        suggestedActions: { to: [], actions: [
          { type: 'imBack', title: 'Tak', value: 'tak' },
          { type: 'postBack', title: 'Nie', value: 'nie' },
          { type: 'messageBack', title: 'Inny stan licznika', value: LONG_VALUE },
        ] },
      });
    } else if (scripted.has(text)) {
      await ctx.sendActivity(`Wybrano: ${text.slice(0, 40)} (przycisk: ${data?.callbackQuery ? 'tak' : 'nie'})`);
    } else if (text === 'test:photo') {
      await ctx.sendActivity({ type: 'message', text: 'Wykres zużycia', attachments: [{ contentType: 'image/png', name: 'zuzycie.png', contentUrl: `data:image/png;base64,${PNG.toString('base64')}` }] });
    } else if (text === 'test:pdf') {
      await ctx.sendActivity({ type: 'message', attachments: [{ contentType: 'application/pdf', name: 'FV-2026-01-000123.pdf', contentUrl: `data:application/pdf;base64,${PDF.toString('base64')}` }] });
    } else if (text === 'test:long') {
      await ctx.sendActivity(Array.from({ length: 250 }, (_, i) => `${i + 1}. Odczyt 15.01.2026 — **123,456 m³**`).join('\n'));
    } else if (text.startsWith('test:echo')) {
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 30)));
      await ctx.sendActivity(`echo ${text.slice('test:echo'.length).trim()}`);
    } else if (text === 'test:fail') {
      throw new Error('dialog crashed');
    } else {
      const got = (a.attachments ?? []).map((att) => {
        const b64 = (att.contentUrl ?? '').split(',')[1] ?? '';
        return `${att.name}|${att.contentType}|${sha(Buffer.from(b64, 'base64'))}`;
      });
      const rejected = (data?.rejectedFiles ?? []).map((r) => `${r.name}:${r.reason}`);
      await ctx.sendActivity(`Otrzymano: ${got.join(', ') || '-'}; odrzucono: ${rejected.join(', ') || '-'}; tekst: ${text || '-'}`);
    }
  };
  return { seen };
}
