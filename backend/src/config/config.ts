import { type AppConfig, parseConfig } from './config.schema.js';

export const APP_CONFIG = Symbol('APP_CONFIG');
export type { AppConfig };

/**
 * The only place that reads process.env. A bad or missing variable stops the
 * process with one line per problem naming it.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = parseConfig(env);
  if (!parsed.ok) {
    for (const e of parsed.errors) process.stderr.write(`config error: ${e}\n`);
    process.exit(1);
  }
  return parsed.config;
}
