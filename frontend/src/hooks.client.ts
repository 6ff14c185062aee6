import { z } from 'zod';

// Zod compiles object parsers with `new Function` when it can. The CSP (svelte.config.js)
// forbids eval, and even zod's caught probe for it is reported as a violation.
z.config({ jitless: true });
