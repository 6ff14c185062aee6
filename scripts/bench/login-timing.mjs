// Portal login timing by path: a wrong password for a client with the portal on, a client
// with the portal off, and a CNPJ that is not a client. The three should cost the same (a
// difference tells an attacker which CNPJs are clients); this prints their means side by side.
import { http, randomCnpj } from './api-setup.mjs';
import { median } from './harness.mjs';

/** Each CNPJ takes at most this many failures, under the per-CNPJ hourly ceiling (50). */
const FAILURES_PER_CNPJ = 40;

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Measures `samples` failed logins per path against a running api at `base` (firm `slug`,
 * staff `token`), interleaved so drift hits every path alike. Each attempt comes from its
 * own X-Forwarded-For address (the api trusts loopback, where this runs), so no per-IP
 * lock-out or limit gets in the way. Returns `{path: {mean, p50}}` in milliseconds.
 */
export async function measureLoginTiming({ base, slug, token, samples = 100, log = console.log }) {
  const perPath = Math.ceil(samples / FAILURES_PER_CNPJ);
  const makeClients = (enabled) =>
    Promise.all(
      Array.from({ length: perPath }, async (_, i) => {
        const cnpj = randomCnpj();
        const client = await http(base, 'POST', '/api/clients', {
          token,
          body: { cnpj, name: `Login timing ${enabled ? 'on' : 'off'} ${i + 1}` },
        });
        if (enabled) {
          await http(base, 'PUT', `/api/clients/${client.id}/portal`, { token, body: { enabled: true } });
        }
        return cnpj;
      }),
    );
  const on = await makeClients(true);
  const off = await makeClients(false);
  const paths = {
    'client, portal on': (i) => on[i % on.length],
    'client, portal off': (i) => off[i % off.length],
    'not a client': () => randomCnpj(),
  };

  let ip = 0;
  const attempt = async (cnpj) => {
    ip++;
    const started = performance.now();
    const res = await fetch(`${base}/api/portal/${slug}/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': `198.18.${(ip >> 8) & 255}.${ip & 255}`,
      },
      body: JSON.stringify({ cnpj, password: 'not-the-password' }),
      signal: AbortSignal.timeout(30000),
    });
    await res.arrayBuffer();
    const ms = performance.now() - started;
    if (res.status !== 401) throw new Error(`login timing: expected 401, got ${res.status} for ${cnpj}`);
    return ms;
  };

  // Warm-up (the api makes its dummy hash on the first failed login).
  for (let i = 0; i < 5; i++) await attempt(randomCnpj());

  const names = Object.keys(paths);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < samples; i++) {
    // A different path goes first each round.
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length];
      times[name].push(await attempt(paths[name](i)));
    }
  }
  const result = Object.fromEntries(names.map((n) => [n, { mean: mean(times[n]), p50: median(times[n]) }]));
  const means = names.map((n) => result[n].mean);
  log(
    `login timing, ${samples} wrong-password logins per path: ` +
      names
        .map((n) => `${n} mean ${result[n].mean.toFixed(2)} ms (p50 ${result[n].p50.toFixed(2)})`)
        .join('; ') +
      `; spread of means ${(Math.max(...means) - Math.min(...means)).toFixed(2)} ms`,
  );
  return result;
}
