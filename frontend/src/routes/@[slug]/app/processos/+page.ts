import { loadSection, PORTAL_DOCUMENTS, portalApi } from '$lib/api/portal';
import { canSeeDocuments } from '$lib/utils/documents';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ parent, fetch, depends }) => {
  depends(PORTAL_DOCUMENTS);
  const { me } = await parent();
  const documents = await loadSection(canSeeDocuments(me.permissions), () =>
    portalApi.documents(fetch).then((r) => r.items),
  );
  return { documents };
};
