import { z } from 'zod';

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export const firmSchema = z.object({ id: z.string(), name: z.string(), slug: z.string() });
export type Firm = z.infer<typeof firmSchema>;

export const createFirmRequestSchema = z.object({
  firm: z.object({
    name: z.string().trim().min(2).max(120),
    slug: z
      .string()
      .trim()
      .toLowerCase()
      .regex(SLUG_PATTERN, 'slug: 1–40 lowercase letters, digits or hyphens'),
  }),
  admin: z.object({
    name: z.string().trim().min(2).max(120),
    email: z.email().trim().toLowerCase(),
    password: z.string().min(8).max(200),
  }),
});
export type CreateFirmRequest = z.infer<typeof createFirmRequestSchema>;

export const portalFirmResponseSchema = z.object({
  firm: z.object({ name: z.string(), slug: z.string() }),
});
export type PortalFirmResponse = z.infer<typeof portalFirmResponseSchema>;
