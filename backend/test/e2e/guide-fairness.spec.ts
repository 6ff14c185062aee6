import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../../src/contract/index.js';
import { JobRepository } from '../../src/modules/jobs/job.repository.js';
import { JobName } from '../../src/modules/jobs/job.types.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { makeClient, makeFirm } from '../helpers/factories.js';
import { makeGuiaPdf } from '../fixtures/guias.js';

/** No worker runs here: the queue's order is what a worker would take. */
describe('guide-delivery takes turns between batches', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('guide-fairness');
  });
  afterAll(() => t.close());

  it("a firm's new batch does not wait behind another firm's long one", async () => {
    const a = await makeFirm(t, 'Escritório Grande');
    const b = await makeFirm(t, 'Escritório Pequeno');
    const clientA = await makeClient(t, a);
    const clientB = await makeClient(t, b);
    let req = t.http().post('/api/documents/batches').set(a.auth);
    for (let i = 0; i < 6; i++) {
      const pdf = await makeGuiaPdf({
        layout: 'gps',
        cnpj: clientA.cnpj,
        amountCents: 1000 + i,
        seed: i + 1,
      });
      req = req.attach('files', pdf, `a-${i}.pdf`);
    }
    const batchA = (await req.expect(202)).body as Batch;
    const pdfB = await makeGuiaPdf({ layout: 'gps', cnpj: clientB.cnpj });
    const batchB = (
      await t.http().post('/api/documents/batches').set(b.auth).attach('files', pdfB, 'b.pdf').expect(202)
    ).body as Batch;
    const order = await t.app.get(JobRepository).waitingJobIds(JobName.GuideRead);
    const ids = (batch: Batch) => batch.items.map((i) => `guide-read-${i.id}`);
    // A's first file, then B's only one, then the rest of A's.
    expect(order).toEqual([ids(batchA)[0], ids(batchB)[0], ...ids(batchA).slice(1)]);
  });
});
