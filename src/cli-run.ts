/**
 * What the operator's command-line tools share: an expected error (a bad argument or setting) is one line
 * `error: …` on stderr, anything else is printed whole; either way the command exits 1.
 */
import { ConfigError } from './config';
import { ValidationError } from './services/validation';

export function runCli(main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    if (e instanceof ValidationError || e instanceof ConfigError) console.error(`error: ${e.message}`);
    else console.error(e);
    process.exit(1);
  });
}
