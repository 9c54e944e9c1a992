// Builds the UI into the directory the server serves: JSR_WEB_OUT, by default
// build/web beside the jsruntime binary (make passes its build directory).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  base: '/',
  build: {
    outDir: process.env.JSR_WEB_OUT ?? '../../../build/web',
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
