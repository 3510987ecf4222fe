// Parse an AsyncAPI document with the official parser; print its diagnostics as JSON.
const { Parser } = require('@asyncapi/parser');
const fs = require('fs');

(async () => {
  const text = fs.readFileSync(process.argv[2], 'utf8');
  const { document, diagnostics } = await new Parser().parse(text);
  const out = diagnostics.map((d) => ({
    severity: d.severity, code: d.code, message: d.message, path: d.path,
  }));
  process.stdout.write(JSON.stringify({ parsed: Boolean(document), diagnostics: out }));
})().catch((err) => { console.error(err); process.exit(3); });
