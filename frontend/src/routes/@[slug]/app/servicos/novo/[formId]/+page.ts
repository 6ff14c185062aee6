import { portalApi } from '$lib/api/portal';
import { errorMessage } from '$lib/utils/errors';
import type { PageLoad } from './$types';

/** The form to fill (current version) and the client's draft of it, if any. */
export const load: PageLoad = async ({ parent, fetch, params }) => {
  const { me } = await parent();
  if (!me.permissions.serviceForms) return { form: null, draft: null, problem: null };
  try {
    const [forms, drafts] = await Promise.all([
      portalApi.serviceForms(fetch),
      // Without drafts the form still opens, empty.
      portalApi.serviceDrafts(fetch).catch(() => ({ items: [] })),
    ]);
    const form = forms.items.find((f) => f.id === params.formId) ?? null;
    const draft = drafts.items.find((d) => d.formId === params.formId) ?? null;
    return { form, draft, problem: null };
  } catch (e) {
    return { form: null, draft: null, problem: errorMessage(e) };
  }
};
