import { startApi } from './bootstrap.js';
import { loadConfig } from './config/config.js';

await startApi(loadConfig());
