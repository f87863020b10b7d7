// Writes FILE.gz (gzip -9) beside every script and JSON file of dist/ over 1 KiB. `spcoop serve
// --web` sends the copy to browsers that accept gzip, so nothing is compressed per request.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
let n = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(js|json)$/.test(name) && statSync(path).size > 1024) {
      writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
      n++;
    }
  }
}
walk(dist);
console.log(`gzip-dist: ${n} file(s) compressed`);
