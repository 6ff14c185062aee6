import type { PageLoad } from './$types';

/** The forms come with the Serviços layout (one read for every Serviços page). */
export const load: PageLoad = async ({ parent }) => {
  const { forms, formsError } = await parent();
  return { forms: formsError ? null : forms, loadError: formsError };
};
