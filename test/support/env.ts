// Every test runs in UTC with quiet logs unless asked otherwise.
process.env.TZ = 'UTC';
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';
