import { authApi, firmsApi } from './auth.js';
import { chatApi } from './chat.js';
import { clientsApi } from './clients.js';
import { documentsApi } from './documents.js';
import type { EndpointDef } from './endpoint.js';
import { filesApi } from './files.js';
import { healthApi } from './health.js';
import { meApi } from './me.js';
import { servicesApi } from './services.js';
import { staffApi } from './staff.js';

/** Every HTTP endpoint of the api, by area. */
export const api = {
  health: healthApi,
  firms: firmsApi,
  auth: authApi,
  staff: staffApi,
  clients: clientsApi,
  me: meApi,
  chat: chatApi,
  files: filesApi,
  documents: documentsApi,
  services: servicesApi,
};

/** The table as a flat list, with each definition's name (`clients.list`). */
export function allEndpoints(): { name: string; def: EndpointDef }[] {
  return Object.entries(api).flatMap(([area, defs]) =>
    Object.entries(defs as Record<string, EndpointDef>).map(([key, def]) => ({
      name: `${area}.${key}`,
      def,
    })),
  );
}
