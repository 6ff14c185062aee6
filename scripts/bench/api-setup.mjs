// Test data for the api through its public HTTP contract: one firm (admin = staff), N
// clients with the portal enabled, each logged in (one token each).
import { randomBytes, randomInt } from 'node:crypto';

const W1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const W2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const checkDigit = (chars, weights) => {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (chars.charCodeAt(i) - 48) * weights[i];
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
};

/** A valid alphanumeric CNPJ (IN RFB 2.229/2024): 12 chars A–Z/0–9 plus two check digits. */
export function randomCnpj() {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let base = '';
  for (let i = 0; i < 12; i++) base += alphabet[randomInt(alphabet.length)];
  const d1 = checkDigit(base, W1);
  return `${base}${d1}${checkDigit(`${base}${d1}`, W2)}`;
}

export async function http(base, method, path, { body, token, timeoutMs = 30000 } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

export async function pool(count, concurrency, fn) {
  const out = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

/** Signs a firm up; returns {slug, firmId, staffToken, staff: {id, name}} (its admin). */
export async function createFirm(base, name = 'Bench Contabilidade') {
  const slug = `bench-${randomBytes(4).toString('hex')}`;
  const firm = await http(base, 'POST', '/api/firms', {
    body: {
      firm: { name, slug },
      admin: { name: 'Bench Admin', email: `admin@${slug}.test`, password: randomBytes(12).toString('hex') },
    },
  });
  return {
    slug,
    firmId: firm.firm.id,
    staffToken: firm.token,
    staff: { id: firm.user.id, name: firm.user.name },
  };
}

/**
 * A firm with `clients` clients made by one CSV import and enabled by one bulk portal
 * request (the fast path: no password is generated until someone asks for it), for load
 * that is not measured. Returns createFirm's result and the client count.
 */
export async function createFirmBulk(base, { clients, name }) {
  const t0 = Date.now();
  const firm = await createFirm(base, name);
  const t1 = Date.now();
  const csv = ['cnpj;name', ...Array.from({ length: clients }, (_, i) => `${randomCnpj()};Cliente ${i + 1}`)];
  const imported = await http(base, 'POST', '/api/clients/import', {
    token: firm.staffToken,
    body: { csv: csv.join('\n') },
  });
  if (imported.created !== clients) {
    throw new Error(
      `CSV import created ${imported.created} of ${clients}: ${JSON.stringify(imported.failed[0])}`,
    );
  }
  const t2 = Date.now();
  const ids = [];
  for (let page = 1; ids.length < clients; page++) {
    const list = await http(base, 'GET', `/api/clients?pageSize=200&page=${page}`, {
      token: firm.staffToken,
    });
    if (!list.items.length) break;
    ids.push(...list.items.map((c) => c.id));
  }
  // A page of the client list at a time, as staff select them; on FerretDB one such request
  // can take more than 30 s once the firm has many clients (see BENCHMARKS.md).
  for (let i = 0; i < ids.length; i += 200) {
    await http(base, 'POST', '/api/clients/portal/bulk', {
      token: firm.staffToken,
      body: { clientIds: ids.slice(i, i + 200), enabled: true },
      timeoutMs: 180_000,
    });
  }
  const ms = { signup: t1 - t0, import: t2 - t1, portal: Date.now() - t2 };
  return { ...firm, clients: ids.length, ms };
}

/**
 * Creates the firm and `clients` portal clients, each logged in; returns createFirm's
 * result and clients: [{id, token, conversationId}].
 */
export async function seedApi(base, { clients }) {
  const firm = await createFirm(base);
  const { slug, staffToken } = firm;
  const made = await pool(clients, 8, async (i) => {
    const cnpj = randomCnpj();
    const client = await http(base, 'POST', '/api/clients', {
      token: staffToken,
      body: { cnpj, name: `Cliente Bench ${i + 1}` },
    });
    const portal = await http(base, 'PUT', `/api/clients/${client.id}/portal`, {
      token: staffToken,
      body: { enabled: true },
    });
    if (!portal.password) throw new Error(`PUT /api/clients/${client.id}/portal returned no password`);
    const login = await http(base, 'POST', `/api/portal/${slug}/login`, {
      body: { cnpj, password: portal.password },
    });
    return { id: client.id, token: login.token, conversationId: portal.conversationId };
  });
  return { ...firm, clients: made };
}
