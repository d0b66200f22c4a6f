/**
 * `npx tsx bench/write-doc.ts`: rewrites docs/performance.md from the committed
 * bench/results/summary.json, without measuring anything — after a change to the doc's
 * text (report/performance-doc.ts), so that it stays what the last full run measured.
 * The "## Profile" section is kept, as a full run keeps it.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performanceDoc, preservedProfileSection } from './report/performance-doc.js';
import { readSummary, SUMMARY_FILE } from './report/results-file.js';

const SUMMARY_PATH = fileURLToPath(new URL(`./results/${SUMMARY_FILE}`, import.meta.url));
const DOC_PATH = fileURLToPath(new URL('../docs/performance.md', import.meta.url));

writeFileSync(DOC_PATH, performanceDoc(readSummary(SUMMARY_PATH), preservedProfileSection(DOC_PATH)));
process.stdout.write(`wrote docs/performance.md from bench/results/${SUMMARY_FILE}\n`);
