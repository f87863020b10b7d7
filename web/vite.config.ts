import { defineConfig } from 'vite';

// The app is served by `spcoop serve --web web/dist` at /, next to the API under /api/v1.
// `npm run dev` proxies the API to a server on :8080.
export default defineConfig({
  base: '/',
  build: {
    target: 'es2020',
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
    reportCompressedSize: true,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
