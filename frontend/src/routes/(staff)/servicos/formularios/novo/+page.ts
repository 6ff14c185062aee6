import { SERVICE_FORM_TEMPLATES } from '@connecthub/backend/contract';
import type { PageLoad } from './$types';

/** `?modelo=N` starts from one of the ready-made forms. */
export const load: PageLoad = ({ url }) => {
  const n = Number(url.searchParams.get('modelo'));
  const template =
    url.searchParams.has('modelo') && Number.isInteger(n) ? (SERVICE_FORM_TEMPLATES[n] ?? null) : null;
  return { template };
};
