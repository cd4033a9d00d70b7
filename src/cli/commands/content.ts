import { resolve } from 'node:path';
import { loadContent } from '../../content/load-content.js';
import { contentStats, formatStats } from '../../content/stats.js';
import { liveContentDir } from '../../content/versions/version-store.js';
import { formatError } from '../../content/yaml-file.js';
import { contentDir } from '../../paths.js';
import { CliError, cliConfig } from '../open-app.js';

/** `content validate [DIR]`: exit 0, or 1 with every error as `file: path: message`. */
export async function contentValidateCommand(dir?: string): Promise<void> {
  const { errors, files } = await loadContent(dir ? resolve(dir) : contentDir);
  if (errors.length === 0) {
    process.stdout.write(`Content is valid (${files} files).\n`);
    return;
  }
  for (const error of errors) process.stdout.write(`${formatError(error)}\n`);
  throw new CliError(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${files} files.`, 1);
}

/** `content stats [--json]`: what the live content holds, per kind, topic and language. */
export async function contentStatsCommand(options: { json?: boolean }): Promise<void> {
  const { content, errors } = await loadContent(await liveContentDir(cliConfig().DATA_DIR));
  const stats = contentStats(content);
  process.stdout.write(options.json ? `${JSON.stringify(stats)}\n` : formatStats(stats));
  if (errors.length > 0) process.stderr.write(`(${errors.length} content errors: run content validate)\n`);
}
