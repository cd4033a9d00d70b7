import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: one level above this file, whether it runs from src/ (tsx) or dist/ (node). */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const localesDir = resolve(projectRoot, 'locales');
export const contentDir = resolve(projectRoot, 'content');
export const webchatAssetsDir = resolve(projectRoot, 'src', 'channels', 'webchat', 'public');
