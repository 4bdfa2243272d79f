import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Run from the repository root (`npm run build`); the server serves web/dist at `/`.
// `npx vite --config web/vite.config.ts` serves the UI with hot reload against a server on :3000.
export default defineConfig({
  root: 'web',
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', ws: true },
    },
  },
});
