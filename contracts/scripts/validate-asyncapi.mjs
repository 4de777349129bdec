// Validates AsyncAPI documents with the reference parser (@asyncapi/parser), which also resolves the
// relative $refs into ../events and checks every message example against its payload schema.
// Usage: node scripts/validate-asyncapi.mjs asyncapi/platform.asyncapi.yaml ...   (exit 1 on any error)
import { resolve } from 'node:path';
import { Parser, fromFile } from '@asyncapi/parser';

const SEVERITY = ['error', 'warning', 'info', 'hint'];
const parser = new Parser();
let failed = false;
for (const file of process.argv.slice(2)) {
  const { document, diagnostics } = await fromFile(parser, resolve(file)).parse({
    validateOptions: { allowedSeverity: { warning: true, info: true, hint: true } },
  });
  for (const d of diagnostics) {
    const where = d.path.join('.');
    const severity = SEVERITY[d.severity] ?? d.severity;
    if (d.severity === 0) failed = true;
    if (d.severity <= 1) console.log(`${file}: ${severity} ${d.code}: ${d.message}${where ? ` (at ${where})` : ''}`);
  }
  if (!document) failed = true;
  else console.log(`${file}: AsyncAPI ${document.version()} valid, ${document.channels().length} channels, ${document.operations().length} operations, ${document.allMessages().length} messages`);
}
process.exit(failed ? 1 : 0);
