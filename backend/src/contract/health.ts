import { z } from 'zod';
import { endpoint } from './endpoint.js';

export const healthResponseSchema = z.object({
  status: z.literal('ok'),
  mongo: z.literal('up'),
  redis: z.literal('up'),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

export const healthApi = {
  check: endpoint({
    method: 'GET',
    path: '/health',
    summary: 'Liveness of the api and its stores',
    access: { kind: 'anyone' },
    response: healthResponseSchema,
    errors: ['UNAVAILABLE'],
  }),
};
