// SPA: every page renders in the browser and talks to the API through same-origin /api.
export const ssr = false;
export const prerender = false;
