// Builds the UI into the directory the server serves: JSR_WEB_OUT, by default
// build/web beside the jsruntime binary (make passes its build directory).
// Each text file also gets a gzipped twin (name.gz) that the server sends to
// browsers that accept gzip: Monaco's TypeScript worker goes from 6 MB to 1.3.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const outDir = process.env.JSR_WEB_OUT ?? '../../../build/web';

function precompress(directory: string): Plugin {
  const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
  return {
    name: 'jsruntime-precompress',
    apply: 'build',
    closeBundle() {
      for (const file of walk(directory)) {
        if (!/\.(html|js|css|json|svg|ttf)$/.test(file) || statSync(file).size < 1024) continue;
        writeFileSync(file + '.gz', gzipSync(readFileSync(file), { level: 9 }));
      }
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [precompress(outDir)],
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: false,
    // Monaco and its TypeScript worker are large; they load only on the pages that show code.
    chunkSizeWarningLimit: 7000,
  },
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts'],
  },
});
