import { Command, Option } from 'commander';
import { ROLES } from '../accounts/types.js';
import { chatCommand } from './commands/chat.js';
import { contentStatsCommand, contentValidateCommand } from './commands/content.js';
import {
  contentHistoryCommand,
  contentPendingCommand,
  contentPublishCommand,
  contentRollbackCommand,
} from './commands/content-versions.js';
import { exportCommand } from './commands/export.js';
import { gapsCommand } from './commands/gaps.js';
import { inviteCommand } from './commands/invite.js';
import { screenCommand } from './commands/screen.js';
import { searchCommand } from './commands/search.js';
import { seedDemoCommand } from './commands/seed-demo.js';
import { summaryCommand } from './commands/summary.js';
import { CliError } from './open-app.js';

/** `npm run cli -- <command>`: the same configuration and store as the server (shared docs/interfaces.md). */
const program = new Command('cli')
  .description('m2m Mentor Mother assistant: command line')
  .showHelpAfterError()
  .exitOverride();

program
  .command('chat')
  .description('talk to the bot from a terminal')
  .option('--json', 'one JSON object per line in and out (for scripts)')
  .option('--as <name>', 'who you are in the interactive chat (e.g. demo-admin after seed-demo)', 'you')
  .action(chatCommand);

program
  .command('invite')
  .description('print a one-time invite code (this is how the first admin is made)')
  .addOption(
    new Option('--role <role>', 'the role of the new person').choices([...ROLES]).makeOptionMandatory(),
  )
  .option('--team <name>', 'the team (a new team name with --role supervisor creates it)')
  .option('--country <cc>', 'ISO 3166 country code of a new team', 'ZA')
  .option('--timezone <tz>', "timezone of a new team (default: the country's)")
  .option('--clinician', 'the new account may approve content (e.g. --role trainer --clinician)')
  .option('--json', 'print {"code", "role", "team", "expires"} (and "clinician": true with --clinician)')
  .action(inviteCommand);

program
  .command('seed-demo')
  .description('demo users of every role and a demo team; with --records, demo clients and screenings')
  .option('--records <n>', 'how many demo screenings to add', '0')
  .action(seedDemoCommand);

program
  .command('search')
  .description('search the health content as the chat does')
  .argument('[question]', 'the question, in quotes')
  .option('--json', 'one JSON object: {query, urgent, confident, hits}')
  .option('--lang <ll>', 'the language of the question (en, pt, sw, st, ny)', 'en')
  .option('--mode <mode>', 'hybrid, semantic or keyword', 'hybrid')
  .option('-k <n>', 'how many hits', '5')
  .option('--stdin', 'read {"query", "lang"} lines, answer one JSON line each (the model loads once)')
  .action(searchCommand);

program
  .command('screen')
  .description('score answers to a screening questionnaire, as the chat does (stores nothing)')
  .argument('[questionnaire]', 'e.g. hypertension-bp, or hypertension-bp@1 for an earlier version')
  .option('--answers <json>', 'the answers, e.g. \'{"systolic": 150, "diastolic": 95, ...}\'')
  .option('--json', 'one JSON object')
  .option(
    '--stdin',
    'read {"questionnaire", "answers", "version"?} lines; answer one JSON line each (exit status 0)',
  )
  .action(screenCommand);

program
  .command('gaps')
  .description('questions shared by mentors because no good answer was found')
  .option('--json', 'a JSON array')
  .action(gapsCommand);

program
  .command('summary')
  .description("the weekly summary per team and mentor (weeks are Monday to Sunday in each team's timezone)")
  .option('--team <name>', 'one team (default: all)')
  .option('--week <week>', 'YYYY-Www, this or last', 'this')
  .option('--format <format>', 'text, csv or json', 'text')
  .action(summaryCommand);

program
  .command('export')
  .description('one row per screening between two local dates, inclusive (written to the audit log)')
  .requiredOption('--from <date>', 'first local date, YYYY-MM-DD')
  .requiredOption('--to <date>', 'last local date, YYYY-MM-DD')
  .option('--team <name>', 'one team (default: all)')
  .option('--format <format>', 'csv or jsonl', 'csv')
  .option('--include-voided', 'voided screenings too, with a voided column')
  .action(exportCommand);

const content = program.command('content').description('check and describe the health content');
content
  .command('validate')
  .description('check every content file; exit 1 listing every error as file: path: message')
  .argument('[dir]', 'the content folder', undefined)
  .action(contentValidateCommand);
content
  .command('stats')
  .description('what the content holds per kind, topic and language')
  .option('--json', 'machine-readable')
  .action(contentStatsCommand);
content
  .command('publish')
  .description(
    'validate a content file or .zip against the live content, then make it the live version (a clinical change waits for a clinician)',
  )
  .argument('<file>', 'a .yaml, .yml or .md file, or a .zip of several (paths inside content/)')
  .option('--note <text>', 'why: kept in the history')
  .action(contentPublishCommand);
content
  .command('pending')
  .description('changes waiting for a clinician to approve them in the chat')
  .option('--json', 'a JSON array')
  .action(contentPendingCommand);
content
  .command('history')
  .description('the content versions: who published what, when, why, and who approved it')
  .option('--json', 'a JSON array')
  .action(contentHistoryCommand);
content
  .command('rollback')
  .description('make version N live again (recorded as a new version)')
  .argument('<n>', 'the version number (see content history)')
  .action(contentRollbackCommand);

try {
  await program.parseAsync(process.argv);
  // Every command has closed what it opened by now. Under tsx, a worker thread (the embedding model) can leave the
  // loader's message port open after it stopped, which would keep the process alive: end it here.
  process.exit(process.exitCode ?? 0);
} catch (error) {
  if (error instanceof CliError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(error.exitCode);
  }
  const code = (error as { code?: string }).code;
  if (code?.startsWith('commander.')) {
    const exitCode = (error as { exitCode?: number }).exitCode ?? 2;
    process.exit(
      code === 'commander.helpDisplayed' || code === 'commander.version' ? 0 : exitCode === 0 ? 0 : 2,
    );
  }
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
}
