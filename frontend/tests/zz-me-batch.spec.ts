import { it } from 'vitest';
import { completeCnpj } from '../../backend/src/contract/cnpj.js';
import { makeGuiaPdf } from '../../backend/test/fixtures/guias.js';
it('makes a batch in my demo', async () => {
  const base = 'http://localhost:5900/api';
  const login = await fetch(`${base}/auth/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@demo.connecthub.local', password: 'demo-admin-2026' }) });
  const { token } = (await login.json()) as { token: string };
  const form = new FormData();
  const N = Number(process.env.N ?? 40);
  for (let i = 0; i < N; i++) {
    const c = ['112223330001', '223334440001', '445556660001', '667778880001'][i % 4];
    const pdf = await makeGuiaPdf({ layout: 'das', cnpj: completeCnpj(c), amountCents: 50_000 + i * 7 + Date.now() % 1000, seed: 100 + i });
    form.append('files', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), `guia-${i}.pdf`);
  }
  const t0 = Date.now();
  const res = await fetch(`${base}/documents/batches`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const { id } = (await res.json()) as { id: string };
  for (;;) {
    const b = (await (await fetch(`${base}/documents/batches/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { counts: Record<string, number> };
    if (b.counts.queued + b.counts.reading === 0) { console.log('done', Date.now() - t0, 'ms', JSON.stringify(b.counts)); break; }
    await new Promise((r) => setTimeout(r, 250));
  }
}, 300_000);
