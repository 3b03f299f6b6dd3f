/** A fake Telegram Bot API server for tests and benchmarks (see {@link FakeTelegram}). */
export { FakeTelegram } from './FakeTelegram';
export type { BotCall, FakeTelegramOptions, FakeUser, InlineButton, ReplyMarkup, SentMessage, UploadedFile } from './FakeTelegram';
export { parseTelegramHtml } from './html';
export { parseMultipart } from './multipart';
