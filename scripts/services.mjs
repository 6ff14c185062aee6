#!/usr/bin/env node
// npm run services:up | services:down, and `node scripts/services.mjs status`.
import path from 'node:path';
import { dataDir, rel, servicesDown, servicesStatus, servicesUp } from './lib/services.mjs';

const usage = 'usage: node scripts/services.mjs up|down|status';

async function main(command) {
  switch (command) {
    case 'up': {
      const urls = await servicesUp();
      console.log(`services: written to ${rel(path.join(dataDir(), 'services.env'))}:`);
      for (const [key, value] of Object.entries(urls)) console.log(`${key}=${value}`);
      return 0;
    }
    case 'down':
      await servicesDown();
      return 0;
    case 'status': {
      const status = await servicesStatus();
      for (const [name, s] of Object.entries(status)) {
        const detail = [
          s.kind !== name && s.kind,
          s.pid && `pid ${s.pid}`,
          s.port && `port ${s.port}`,
          s.url,
        ].filter(Boolean);
        console.log(`${name}: ${s.state}${detail.length ? ` (${detail.join(', ')})` : ''}`);
      }
      // Non-zero unless both answer, so scripts can use `status` as a readiness check.
      return Object.values(status).every((s) => s.state === 'running' || s.state === 'external') ? 0 : 1;
    }
    default:
      console.error(usage);
      return 2;
  }
}

try {
  process.exitCode = await main(process.argv[2]);
} catch (err) {
  console.error(`services: ${err.message}`);
  process.exitCode = 1;
}
