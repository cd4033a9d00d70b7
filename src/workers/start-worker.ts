import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker script `name` that sits beside the caller (`here` is the caller's `import.meta.url`): the
 * compiled `name.js` when the caller is compiled, else the TypeScript source through a bootstrap that registers tsx
 * inside the worker (under tsx and vitest). One place for the embedding, content-check and chart workers.
 */
export function startScriptWorker(here: string, name: string, options: WorkerOptions = {}): Worker {
  if (here.endsWith('.js')) return new Worker(new URL(`./${name}.js`, here), options);
  const entry = new URL(`./${name}.ts`, here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi())}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

function tsxApi(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return new URL('../../node_modules/tsx/dist/esm/api/index.mjs', import.meta.url).href;
  }
}
