/**
 * Build step (`npm run build`, after tsc): writes dist/cli/help-snapshot.json, the `--help` texts that
 * bin/kiln.js prints without loading the command tree. Run as a script, never imported.
 */
import { writeFileSync } from 'node:fs';
import { renderHelpSnapshot } from './help-snapshot.js';

const target = new URL('./help-snapshot.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(await renderHelpSnapshot())}\n`);
