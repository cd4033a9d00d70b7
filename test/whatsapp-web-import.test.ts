import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

/** Plain node (not tsx, not vitest): where the named-import trap of whatsapp-web.js shows (docs/environment.md). */
function plainNode(cwd: string, script: string) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('the whatsapp-web.js adapter under plain node', () => {
  // The build goes to a folder of its own, not dist/: parallel test runs and a developer's dist/ stay untouched.
  // The folder is a tiny ESM package whose node_modules is the project's.
  let work: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'm2m-wweb-import-'));
    writeFileSync(join(work, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'dir');
    mkdirSync(join(work, 'data'));
    const build = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/typescript/bin/tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        join(work, 'dist'),
      ],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    // Type errors are the typecheck's job; tsc still writes the JavaScript this test needs.
    if (!existsSync(join(work, 'dist/channels/whatsapp-web/wweb-client.js')))
      throw new Error(
        `the build wrote no adapter (status ${build.status}):\n${build.stdout}\n${build.stderr}`,
      );
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('imports the compiled adapter and constructs the real Client with LocalAuth, launching nothing', () => {
    const run = plainNode(
      work,
      `
      const m = await import('./dist/channels/whatsapp-web/wweb-client.js');
      if (typeof m.createRealClient !== 'function') process.exit(1);
      // A browser that does not exist: constructing must not launch it (only initialize() does).
      const client = await m.createRealClient({ dataDir: './data', executablePath: '/nonexistent/chromium' });
      const methods = ['on', 'initialize', 'destroy', 'sendMessage', 'mediaFromFile'].filter((k) => typeof client[k] === 'function');
      client.on('qr', () => undefined);
      const media = client.mediaFromFile('./package.json');
      await client.destroy();
      const channel = await import('./dist/channels/whatsapp-web/whatsapp-web-channel.js');
      const route = await import('./dist/channels/whatsapp-web/qr-route.js');
      console.log(JSON.stringify({
        methods,
        media: { mimetype: media.mimetype, filename: media.filename, type: media.constructor.name },
        channel: typeof channel.WhatsappWebChannel,
        route: typeof route.mountWhatsappQr,
      }));
      process.exit(0);
      `,
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      methods: ['on', 'initialize', 'destroy', 'sendMessage', 'mediaFromFile'],
      media: { mimetype: 'application/json', filename: 'package.json', type: 'MessageMedia' },
      channel: 'function',
      route: 'function',
    });
    expect(existsSync(join(work, 'data/whatsapp-web'))).toBe(false); // the session folder appears on initialize()
  });

  it('would catch the trap: a named import of LocalAuth fails under plain node', () => {
    const run = plainNode(
      work,
      `import { LocalAuth } from 'whatsapp-web.js'; console.log(typeof LocalAuth);`,
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("Named export 'LocalAuth' not found");
  });
});
