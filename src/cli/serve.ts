// hotpath serve [--port ...]: flags mirror the environment variables (src/server/config.ts).
import { parseArgs } from 'node:util';
import { helpText, parseArgsOptions, resolveConfig, type ServerConfig } from '../server/config.js';
import { serve } from '../server/main.js';
import { reportUsage } from './messages.js';

export async function main(argv: string[]): Promise<void> {
  let config: ServerConfig;
  try {
    const { values } = parseArgs({ args: argv, options: parseArgsOptions(), strict: true, allowPositionals: false });
    if (values.help === true) {
      console.log(helpText());
      return;
    }
    config = resolveConfig(process.env, values);
  } catch (err) {
    // parseArgs and resolveConfig both only judge the command line and environment.
    reportUsage('serve', err);
    return;
  }
  await serve(config);
}
