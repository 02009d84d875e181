// Serves the call page for people (the demo): the same page the browser test drives, bundled with
// StanzaJS, on 127.0.0.1. Usage: node serve-demo.mjs [port]   (default 8080)
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const port = Number(process.argv[2] || 8080);

const bundle = (await build({
  entryPoints: [join(here, 'page.js')],
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'browser',
  target: 'chrome110',
  logLevel: 'warning',
})).outputFiles[0].text;
const files = {
  '/': { type: 'text/html; charset=utf-8', body: await readFile(join(here, 'index.html')) },
  '/page.bundle.js': { type: 'text/javascript; charset=utf-8', body: bundle },
};

createServer((req, res) => {
  const file = files[new URL(req.url, 'http://localhost').pathname];
  if (!file) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
}).listen(port, '127.0.0.1', () => console.log(`call page on http://127.0.0.1:${port}/`));
