import { randomBytes } from 'node:crypto';
import { completeCnpj, type ClientItem, type Permissions } from '../../src/contract/index.js';
import type { TestApp } from './app.js';

/** What the factories need: an in-process TestApp, or an api process wrapped with supertest. */
export type HttpTarget = Pick<TestApp, 'http'>;

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;

/** A valid CNPJ no other test uses: random 8-digit root, branch 0001. */
export function makeCnpj(alphanumeric = false): string {
  const chars = alphanumeric ? '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ' : '0123456789';
  const root = Array.from(randomBytes(8), (b) => chars[b % chars.length]).join('');
  return completeCnpj(`${root}0001`);
}

export interface StaffSession {
  token: string;
  firm: { id: string; name: string; slug: string };
  user: { id: string; name: string; role: string; firmId: string };
  auth: { Authorization: string };
}

export async function makeFirm(t: HttpTarget, name = 'Escritório Teste'): Promise<StaffSession> {
  const slug = `firm-${unique()}`;
  const res = await t
    .http()
    .post('/api/firms')
    .send({
      firm: { name, slug },
      admin: { name: 'Ana Admin', email: `admin-${slug}@example.com`, password: 'correct-horse' },
    })
    .expect(201);
  return { ...res.body, auth: { Authorization: `Bearer ${res.body.token}` } };
}

export async function makeStaff(
  t: HttpTarget,
  admin: StaffSession,
  role: 'admin' | 'accountant' = 'accountant',
): Promise<StaffSession & { email: string; password: string }> {
  const email = `staff-${unique()}@example.com`;
  const password = 'staff-password-1';
  await t
    .http()
    .post('/api/staff')
    .set(admin.auth)
    .send({ name: 'Carlos Contador', email, password, role })
    .expect(201);
  const res = await t.http().post('/api/auth/staff/login').send({ email, password }).expect(200);
  return {
    ...res.body,
    firm: admin.firm,
    email,
    password,
    auth: { Authorization: `Bearer ${res.body.token}` },
  };
}

export async function makeClient(
  t: HttpTarget,
  staff: StaffSession,
  overrides: { cnpj?: string; name?: string } = {},
): Promise<ClientItem> {
  const res = await t
    .http()
    .post('/api/clients')
    .set(staff.auth)
    .send({ cnpj: overrides.cnpj ?? makeCnpj(), name: overrides.name ?? `Cliente ${unique()}` })
    .expect(201);
  return res.body;
}

export interface ClientSession {
  client: ClientItem;
  password: string;
  token: string;
  auth: { Authorization: string };
}

/** A client with portal access, logged in. */
export async function makePortalClient(
  t: HttpTarget,
  staff: StaffSession,
  permissions: Partial<Permissions> = {},
): Promise<ClientSession> {
  const client = await makeClient(t, staff);
  const res = await t
    .http()
    .put(`/api/clients/${client.id}/portal`)
    .set(staff.auth)
    .send({ enabled: true, permissions })
    .expect(200);
  const password: string = res.body.password;
  const login = await t
    .http()
    .post(`/api/portal/${staff.firm.slug}/login`)
    .send({ cnpj: client.cnpj, password })
    .expect(200);
  return {
    client: res.body,
    password,
    token: login.body.token,
    auth: { Authorization: `Bearer ${login.body.token}` },
  };
}
